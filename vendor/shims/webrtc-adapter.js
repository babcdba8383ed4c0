// @ts-check
/**
 * What PeerJS reads of webrtc-adapter, and nothing else: `browserDetails` (its `browser` and `version`, for
 * `util.browser` and `util.supports`). scripts/vendor-peerjs.mjs puts this module in webrtc-adapter's place.
 *
 * Why: webrtc-adapter was a quarter of rtc-call.js, and all but this is shims for browsers older than those the
 * widget supports (it needs RTCRtpTransceiver, replaceTrack and perfect negotiation anyway). The browser is told
 * apart the way webrtc-adapter 9 does it, so PeerJS sees the same values it saw before.
 */

/**
 * @typedef {{ browser: string | null, version: number | null }} BrowserDetails
 * @typedef {{
 *   navigator?: { userAgent?: string, userAgentData?: { brands?: { brand: string, version: string }[] },
 *     mozGetUserMedia?: unknown, webkitGetUserMedia?: unknown },
 *   isSecureContext?: boolean, webkitRTCPeerConnection?: unknown, RTCPeerConnection?: unknown,
 * }} BrowserWindow
 */

/**
 * @param {string} userAgent
 * @param {RegExp} expr
 * @param {number} group
 */
const versionIn = (userAgent, expr, group) => {
  const match = userAgent.match(expr);
  return match && match.length > group ? parseInt(match[group], 10) || null : null;
};

/**
 * The browser and its major version, as webrtc-adapter's `detectBrowser` says them.
 * @param {BrowserWindow | undefined} window
 * @returns {BrowserDetails}
 */
export function detectBrowser(window) {
  const navigator = window?.navigator;
  const userAgent = navigator?.userAgent;
  if (!window || !navigator || !userAgent) return { browser: 'Not a browser.', version: null };
  const chromium = navigator.userAgentData?.brands?.find((b) => b.brand === 'Chromium');
  // userAgentData came with Chromium 90: an older version there is not to be believed.
  if (chromium && parseInt(chromium.version, 10) >= 90)
    return { browser: 'chrome', version: parseInt(chromium.version, 10) };
  if (navigator.mozGetUserMedia) return { browser: 'firefox', version: versionIn(userAgent, /Firefox\/(\d+)\./, 1) };
  if (navigator.webkitGetUserMedia || (window.isSecureContext === false && window.webkitRTCPeerConnection))
    return { browser: 'chrome', version: versionIn(userAgent, /Chrom(e|ium)\/(\d+)\./, 2) };
  if (window.RTCPeerConnection && /AppleWebKit\/(\d+)\./.test(userAgent))
    return { browser: 'safari', version: versionIn(userAgent, /AppleWebKit\/(\d+)\./, 1) };
  return { browser: 'Not a supported browser.', version: null };
}

// In Node (server-side rendering) there is no window: PeerJS then hears 'Not a browser.', as it did from the adapter.
export default {
  browserDetails: detectBrowser(/** @type {BrowserWindow | undefined} */ (/** @type {unknown} */ (globalThis.window))),
};
