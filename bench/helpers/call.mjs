// Call setup in headless Chromium: raw PeerJS (its own browser bundle against the stock server) vs the rtc-call
// element (against our server). Two pages in separate browser contexts are navigated at the same moment; each
// records, from its own navigation start, when its remote <video> presents its first frame.
import { serveOnLoopback } from './serve.mjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { withTimeout } from './stats.mjs';

const PEERJS = fileURLToPath(new URL('../../node_modules/peerjs/dist/peerjs.min.js', import.meta.url));

/**
 * Injected before any page script, identically on both kinds of page. It marks (performance.now(), i.e. ms since
 * navigation start): getUserMedia resolved, broker websocket open, broker OPEN, RTCPeerConnection created and
 * connected, remote track, and the first frame presented by a <video> showing a remote track
 * (requestVideoFrameCallback). It wraps the constructors with subclasses; behaviour is unchanged.
 */
function instrument() {
  /** @type {any} */ const w = window;
  const b = (w.__bench = { t: {}, errors: [] });
  const mark = (/** @type {string} */ k, v = performance.now()) => {
    if (b.t[k] === undefined) b.t[k] = v;
  };
  const remote = new WeakSet();
  /** Videos that were given a stream. @type {Set<any>} */
  const shown = new Set();
  const WS = w.WebSocket;
  w.WebSocket = class extends WS {
    constructor(/** @type {any[]} */ ...a) {
      // @ts-ignore
      super(...a);
      mark('wsCreate');
      this.addEventListener('open', () => mark('wsOpen'));
      this.addEventListener('message', (/** @type {MessageEvent} */ e) => {
        if (typeof e.data === 'string' && e.data.startsWith('{"type":"OPEN"')) mark('brokerOpen');
      });
    }
  };
  // (No mark at construction: PeerJS builds a throwaway RTCPeerConnection at load time to probe for support.)
  const PC = w.RTCPeerConnection;
  w.RTCPeerConnection = class extends PC {
    constructor(/** @type {any[]} */ ...a) {
      // @ts-ignore
      super(...a);
      this.addEventListener('track', (/** @type {RTCTrackEvent} */ e) => {
        mark('remoteTrack');
        // A page may show the stream on the first (audio) track event, before the video track's own event.
        remote.add(e.track);
        for (const s of e.streams) for (const t of s.getTracks()) remote.add(t);
        for (const r of this.getReceivers()) remote.add(r.track);
        for (const v of shown) if (isRemote(v.srcObject)) watch(v);
      });
      const srd = this.setRemoteDescription.bind(this);
      this.setRemoteDescription = (/** @type {any[]} */ ...d) => (mark('remoteSdp'), srd(...d));
      this.addEventListener('connectionstatechange', () => this.connectionState === 'connected' && mark('pcConnected'));
    }
  };
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (/** @type {any} */ c) => {
    mark('gumStart');
    return gum(c).then((s) => (mark('gumDone'), s));
  };
  const watch = (/** @type {HTMLVideoElement} */ v) => {
    if (v.__benchWatched) return;
    v.__benchWatched = true;
    mark('remoteVideo');
    b.video = () => ({
      width: v.videoWidth,
      height: v.videoHeight,
      frames: v.getVideoPlaybackQuality().totalVideoFrames,
    });
    const poll = () => {
      // A cross-check (and the fallback should frame callbacks never come): the first decoded frame, polled.
      if (v.getVideoPlaybackQuality().totalVideoFrames > 0) mark('framePolled');
      else setTimeout(poll, 20);
    };
    if (v.requestVideoFrameCallback)
      v.requestVideoFrameCallback((now, meta) => mark('firstFrame', meta.presentationTime || now));
    setTimeout(poll, 20);
  };
  const isRemote = (/** @type {any} */ s) =>
    s && typeof s.getVideoTracks === 'function' && s.getVideoTracks().some((/** @type {any} */ t) => remote.has(t));
  const desc = /** @type {PropertyDescriptor} */ (
    Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')
  );
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...desc,
    set(/** @type {any} */ s) {
      desc.set?.call(this, s);
      if (!(this instanceof HTMLVideoElement) || !s) return;
      shown.add(this);
      if (isRemote(s)) watch(this);
    },
  });
  w.addEventListener('error', (/** @type {ErrorEvent} */ e) => b.errors.push(String(e.message)));
}

const rawPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>raw PeerJS</title><link rel="icon" href="data:,">
<script src="/peerjs.min.js"></script></head>
<body><video id="local" autoplay muted playsinline></video><video id="remote" autoplay muted playsinline></video>
<script>
  const q = new URLSearchParams(location.search);
  const gum = navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  gum.then((s) => (document.getElementById('local').srcObject = s));
  // Always explicit: our own loopback broker, no ICE servers (never PeerJS cloud, never Google STUN).
  const peer = new peerjs.Peer(q.get('id'), {
    host: '127.0.0.1', port: Number(q.get('port')), path: '/', key: 'peerjs', secure: false,
    config: { iceServers: [] }, debug: 0,
  });
  const opened = new Promise((resolve) => peer.on('open', resolve));
  peer.on('error', (e) => window.__bench.errors.push('peer: ' + (e.type || e)));
  const show = (s) => (document.getElementById('remote').srcObject = s);
  peer.on('call', async (call) => {
    call.on('stream', show);
    call.answer(await gum);
  });
  if (q.get('call')) Promise.all([gum, opened]).then(([s]) => peer.call(q.get('call'), s).on('stream', show));
</script></body></html>`;

const rtcPage = (
  /** @type {string} */ server,
  /** @type {string} */ room,
  /** @type {string} */ name,
) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtc-call</title><link rel="icon" href="data:,">
<script type="module" src="${server}/rtc-call.js"></script></head>
<body><rtc-call no-prejoin room="${room}" name="${name}"></rtc-call></body></html>`;

/** A static loopback site serving both kinds of page and PeerJS's browser bundle. */
export async function startSite() {
  const peerjs = await readFile(PEERJS);
  return serveOnLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    if (url.pathname === '/peerjs.min.js') {
      res.setHeader('Content-Type', 'text/javascript');
      return void res.end(peerjs);
    }
    res.setHeader('Content-Type', 'text/html');
    if (url.pathname === '/raw.html') return void res.end(rawPage);
    if (url.pathname === '/rtc.html')
      return void res.end(rtcPage(q.get('server') ?? '', q.get('room') ?? 'x', q.get('name') ?? ''));
    res.statusCode = 404;
    res.end();
  });
}

const rand = () => randomBytes(8).toString('hex');

/**
 * One two-page call. Resolves with both pages' marks and, when `steady` is given, what it measured while the call
 * ran on (with the remote video's size and frame rate over that time). Closes both contexts whatever happens.
 * @param {import('puppeteer-core').Browser} browser
 * @param {'raw' | 'rtc'} kind
 * @param {{site: string, stockPort: number, ours: string, timeoutMs?: number, steady?: () => Promise<any>}} where
 *   `steady` measures something over a while, once both pages show remote video
 */
export async function oneCall(browser, kind, { site, stockPort, ours, timeoutMs = 30000, steady }) {
  const room = `bench-${rand()}`;
  const [a, b] = [rand(), rand()];
  const urls =
    kind === 'raw'
      ? [`${site}/raw.html?id=${a}&port=${stockPort}&call=${b}`, `${site}/raw.html?id=${b}&port=${stockPort}`]
      : [
          `${site}/rtc.html?server=${encodeURIComponent(ours)}&room=${room}&name=A`,
          `${site}/rtc.html?server=${encodeURIComponent(ours)}&room=${room}&name=B`,
        ];
  /** @type {import('puppeteer-core').BrowserContext[]} */
  const contexts = [];
  try {
    const pages = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await browser.createBrowserContext();
      contexts.push(ctx);
      const page = await ctx.newPage();
      await page.evaluateOnNewDocument(instrument);
      pages.push(page);
    }
    await withTimeout(
      Promise.all(pages.map((p, i) => p.goto(urls[i], { waitUntil: 'load' }))),
      timeoutMs,
      `${kind}: load pages`,
    );
    await withTimeout(
      Promise.all(
        pages.map((p) =>
          p.waitForFunction(
            () => {
              const t = /** @type {any} */ (window).__bench?.t;
              return (
                t &&
                (t.firstFrame !== undefined ||
                  (t.framePolled !== undefined && performance.now() - t.framePolled > 2000))
              );
            },
            { timeout: timeoutMs, polling: 50 },
          ),
        ),
      ),
      timeoutMs + 1000,
      `${kind}: first remote frame on both pages`,
    ).catch(async (err) => {
      const state = await Promise.all(
        pages.map((p) => p.evaluate(() => /** @type {any} */ (window).__bench).catch(() => undefined)),
      );
      throw new Error(`${err.message}\n${JSON.stringify(state)}`);
    });
    const marks = await Promise.all(
      pages.map((p) =>
        p.evaluate(() => ({
          timeOrigin: performance.timeOrigin,
          t: /** @type {any} */ (window).__bench.t,
          errors: /** @type {any} */ (window).__bench.errors,
        })),
      ),
    );
    if (!steady) return { pages: marks };
    const video = () =>
      Promise.all(
        pages.map((p) =>
          p.evaluate(() => ({ at: performance.now(), .../** @type {any} */ (window.__bench.video?.() ?? {}) })),
        ),
      );
    const v0 = await video();
    const measured = await steady();
    const v1 = await video();
    const remoteVideo = v1.map((v, i) => ({
      width: v.width,
      height: v.height,
      fps: ((v.frames - v0[i].frames) * 1000) / (v.at - v0[i].at),
    }));
    return { pages: marks, steady: measured, remoteVideo };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

/**
 * The figures of one call: from the earlier navigation start to both pages showing the other's video (`bothMs`), and
 * each page from its own navigation start to its first remote frame, averaged over the two (`perPageMs`).
 * @param {{pages: {timeOrigin: number, t: Record<string, number>}[]}} call
 */
export function callFigures(call) {
  const first = call.pages.map((p) => p.t.firstFrame ?? p.t.framePolled);
  const start = Math.min(...call.pages.map((p) => p.timeOrigin));
  return {
    // From the earlier navigation start to the moment both pages show the other's video.
    bothMs: Math.max(...call.pages.map((p, i) => p.timeOrigin + first[i])) - start,
    // Each page from its own navigation start to its first remote frame, averaged over the two pages.
    perPageMs: (first[0] + first[1]) / 2,
  };
}
