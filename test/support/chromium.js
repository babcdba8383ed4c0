// @ts-check
/**
 * How the tests start Debian's Chromium (found by `findChromium` in packages.js). Browsers that test tools download
 * themselves are not used: they cannot be fetched everywhere.
 */
/**
 * Flags every test browser starts with: fake devices, no prompts, and no traffic beyond loopback. The two fake-media
 * flags also make screen sharing work headless: getDisplayMedia picks a fake 800x600 "screen" by itself (and a fake
 * tab sound when audio is asked), so no `--auto-select-desktop-capture-source` is needed (Chromium 156; checked by
 * test/e2e/screen-share.test.js).
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-quic',
  '--metrics-recording-only',
  '--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,WebRtcHideLocalIpsWithMdns',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];
