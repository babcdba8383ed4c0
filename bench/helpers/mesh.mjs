// The mesh in headless Chromium: rooms of n pages, each in its own browser context of one browser, navigated at the
// same moment. Three kinds of page, all 480 px wide (small tiles):
//   raw    - raw PeerJS on the stock server: every page calls every other with a MediaConnection (the one with the
//            smaller id calls), getUserMedia with the browser's defaults;
//   fit    - <rtc-call> on our server, fitting its video to what the others show (the default);
//   nofit  - <rtc-call fit-video="off">: the camera asked for 1280x720 and sent to everyone unscaled.
// Measured per room: navigation until every page shows n-1 remote videos with frames, then (after a short settle)
// the browser's CPU seconds per second over a fixed window (/proc, the browser's process tree), and each page's
// uplink (outbound-rtp bytesSent over the same window, every connection of the page).
import { serveOnLoopback } from './serve.mjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { treeCpuSeconds } from './cpu.mjs';
import { sleep, withTimeout } from './stats.mjs';
import os from 'node:os';

const PEERJS = fileURLToPath(new URL('../../node_modules/peerjs/dist/peerjs.min.js', import.meta.url));
/** The width of every page's call: the widget, or the raw page's grid. */
export const WIDTH = 480;

/**
 * Injected before any page script, the same on every kind of page: it keeps every RTCPeerConnection (for getStats),
 * knows which tracks are remote, and marks (performance.now()) when the page first shows `want` distinct remote
 * video tracks that have decoded frames, in <video>s that are in the document (shadow roots included).
 * @param {number} want
 */
function instrument(want) {
  /** @type {any} */ const w = window;
  const b = (w.__mesh = { pcs: [], allAt: undefined, errors: [] });
  const remote = new WeakSet();
  /** @type {Set<HTMLVideoElement>} */
  const videos = new Set();
  const PC = w.RTCPeerConnection;
  w.RTCPeerConnection = class extends PC {
    constructor(/** @type {any[]} */ ...a) {
      // @ts-ignore
      super(...a);
      b.pcs.push(this);
      this.addEventListener('track', (/** @type {RTCTrackEvent} */ e) => {
        remote.add(e.track);
        for (const s of e.streams) for (const t of s.getTracks()) remote.add(t);
      });
    }
  };
  const desc = /** @type {PropertyDescriptor} */ (
    Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')
  );
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...desc,
    set(/** @type {any} */ s) {
      desc.set?.call(this, s);
      if (this instanceof HTMLVideoElement && s) videos.add(this);
    },
  });
  b.seeing = () => {
    const seen = new Set();
    for (const v of videos) {
      if (!v.isConnected) continue;
      const s = /** @type {any} */ (v.srcObject);
      const t = s?.getVideoTracks?.().find((/** @type {MediaStreamTrack} */ t) => remote.has(t));
      if (t && v.getVideoPlaybackQuality().totalVideoFrames > 0) seen.add(t.id);
    }
    return seen.size;
  };
  const poll = setInterval(() => {
    if (b.seeing() < want) return;
    b.allAt = performance.now();
    clearInterval(poll);
  }, 50);
  /** What this page has sent so far: each outbound RTP stream of each of its connections, by a key of its own. */
  b.sent = async () => {
    /** @type {Record<string, {kind: string, bytes: number, frames: number, height: number, active: boolean}>} */
    const streams = {};
    for (const [i, pc] of b.pcs.entries()) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats().catch(() => undefined);
      stats?.forEach((/** @type {any} */ r) => {
        if (r.type !== 'outbound-rtp') return;
        streams[`${i}/${r.id}`] = {
          kind: r.kind,
          bytes: r.bytesSent ?? 0,
          frames: r.framesEncoded ?? 0,
          height: r.frameHeight ?? 0,
          active: r.active !== false,
        };
      });
    }
    return { at: performance.now(), streams };
  };
  w.addEventListener('error', (/** @type {ErrorEvent} */ e) => b.errors.push(String(e.message)));
}

const rawPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>raw PeerJS mesh</title><link rel="icon" href="data:,">
<style>
  body { margin: 0 }
  #grid { width: ${WIDTH}px; display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 4px }
  video { width: 100%; aspect-ratio: 16 / 9; background: #000; object-fit: cover }
</style>
<script src="/peerjs.min.js"></script></head>
<body><div id="grid"><video id="local" autoplay muted playsinline></video></div>
<script>
  const q = new URLSearchParams(location.search);
  const id = q.get('id');
  const others = q.get('peers').split(',').filter((p) => p !== id);
  const gum = navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  gum.then((s) => (document.getElementById('local').srcObject = s));
  // Always explicit: our own loopback broker, no ICE servers (never PeerJS cloud, never Google STUN).
  const peer = new peerjs.Peer(id, {
    host: '127.0.0.1', port: Number(q.get('port')), path: '/', key: 'peerjs', secure: false,
    config: { iceServers: [] }, debug: 0,
  });
  const opened = new Promise((resolve) => peer.on('open', resolve));
  const shown = new Set();
  const show = (from, s) => {
    if (shown.has(from)) return;
    shown.add(from);
    const v = document.createElement('video');
    v.autoplay = v.muted = v.playsInline = true;
    v.srcObject = s;
    document.getElementById('grid').append(v);
  };
  peer.on('call', async (call) => {
    call.on('stream', (s) => show(call.peer, s));
    call.answer(await gum);
  });
  // The smaller id calls. A call to a peer whose socket is not open yet may come back unavailable: call again
  // (at most 20 times, 250 ms apart), as a page of this kind has to.
  const tries = new Map();
  const call = (other) => gum.then((s) => peer.call(other, s).on('stream', (r) => show(other, r)));
  peer.on('error', (e) => {
    window.__mesh.errors.push('peer: ' + (e.type || e));
    const other = others.find((o) => String(e.message).includes(o));
    if (e.type !== 'peer-unavailable' || !other || shown.has(other)) return;
    tries.set(other, (tries.get(other) ?? 0) + 1);
    if (tries.get(other) <= 20) setTimeout(() => call(other), 250);
  });
  opened.then(() => others.filter((o) => id < o).forEach(call));
</script></body></html>`;

const rtcPage = (/** @type {URLSearchParams} */ q) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtc-call mesh</title><link rel="icon" href="data:,">
<style>body { margin: 0 } rtc-call { display: block; width: ${WIDTH}px }</style>
<script type="module" src="${q.get('server')}/rtc-call.js"></script></head>
<body><rtc-call no-prejoin room="${q.get('room')}" name="${q.get('name')}" fit-video="${q.get('fit') === 'off' ? 'off' : 'on'}"></rtc-call></body></html>`;

/** A static loopback site serving both kinds of page and PeerJS's browser bundle. */
export async function startMeshSite() {
  const peerjs = await readFile(PEERJS);
  return serveOnLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/peerjs.min.js') {
      res.setHeader('Content-Type', 'text/javascript');
      return void res.end(peerjs);
    }
    res.setHeader('Content-Type', 'text/html');
    if (url.pathname === '/raw-mesh.html') return void res.end(rawPage);
    // Only letters and digits reach the page (ids, room and names are the bench's own).
    for (const v of url.searchParams.values())
      if (!/^[\w.:/%-]*$/.test(v)) return void ((res.statusCode = 400), res.end());
    if (url.pathname === '/rtc-mesh.html') return void res.end(rtcPage(url.searchParams));
    res.statusCode = 404;
    res.end();
  });
}

const rand = () => randomBytes(6).toString('hex');

/**
 * One room of `n` pages of one kind. Resolves with what it measured; closes every context whatever happens.
 * @param {import('puppeteer-core').Browser} browser
 * @param {'raw' | 'fit' | 'nofit'} kind
 * @param {number} n
 * @param {{site: string, stockPort: number, ours: string, browserPid?: number, connectTimeoutMs: number,
 *   settleMs: number, windowMs: number}} o
 */
export async function meshRoom(browser, kind, n, o) {
  const room = `mesh-${rand()}`;
  const ids = Array.from({ length: n }, () => rand());
  const urls = ids.map((id, i) =>
    kind === 'raw'
      ? `${o.site}/raw-mesh.html?id=${id}&port=${o.stockPort}&peers=${ids.join(',')}`
      : `${o.site}/rtc-mesh.html?server=${encodeURIComponent(o.ours)}&room=${room}&name=P${i}&fit=${kind === 'nofit' ? 'off' : 'on'}`,
  );
  /** @type {import('puppeteer-core').BrowserContext[]} */
  const contexts = [];
  try {
    const pages = [];
    for (let i = 0; i < n; i++) {
      const ctx = await browser.createBrowserContext();
      contexts.push(ctx);
      const page = await ctx.newPage();
      await page.setViewport({ width: 800, height: 600 });
      await page.evaluateOnNewDocument(instrument, n - 1);
      pages.push(page);
    }
    await withTimeout(
      Promise.all(pages.map((p, i) => p.goto(urls[i], { waitUntil: 'load', timeout: o.connectTimeoutMs }))),
      o.connectTimeoutMs,
      `${kind} x${n}: load pages`,
    );
    await Promise.all(
      pages.map((p) =>
        p.waitForFunction(() => /** @type {any} */ (window).__mesh?.allAt !== undefined, {
          timeout: o.connectTimeoutMs,
          polling: 100,
        }),
      ),
    ).catch(async (err) => {
      const seeing = await Promise.all(
        pages.map((p) =>
          p
            .evaluate(() => ({ seeing: /** @type {any} */ (window).__mesh.seeing(), errors: window.__mesh.errors }))
            .catch(() => undefined),
        ),
      );
      throw new Error(`${kind} x${n}: not everyone sees everyone: ${err.message}\n${JSON.stringify(seeing)}`);
    });
    const marks = await Promise.all(
      pages.map((p) =>
        p.evaluate(() => ({ timeOrigin: performance.timeOrigin, allAt: /** @type {any} */ (window).__mesh.allAt })),
      ),
    );
    const start = Math.min(...marks.map((m) => m.timeOrigin));
    const allMs = Math.max(...marks.map((m) => m.timeOrigin + m.allAt)) - start;
    // Let the fitting (views told, encodings set, the camera reconfigured) and the bandwidth estimate settle.
    await sleep(o.settleMs);
    const sent = () => Promise.all(pages.map((p) => p.evaluate(() => /** @type {any} */ (window).__mesh.sent())));
    const s0 = await sent();
    const c0 = o.browserPid ? treeCpuSeconds(o.browserPid) : NaN;
    const t0 = performance.now();
    const load0 = os.loadavg()[0];
    await sleep(o.windowMs);
    const c1 = o.browserPid ? treeCpuSeconds(o.browserPid) : NaN;
    const seconds = (performance.now() - t0) / 1000;
    const s1 = await sent();
    // Per stream: what it sent in the window (a stream that began meanwhile counts from zero; one that ended, not).
    const perPage = s1.map((b, i) => {
      const dt = (b.at - s0[i].at) / 1000;
      const all = Object.entries(b.streams).map(([key, x]) => {
        const before = s0[i].streams[key];
        return { ...x, dBytes: x.bytes - (before?.bytes ?? 0), dFrames: x.frames - (before?.frames ?? 0) };
      });
      const video = all.filter((x) => x.kind === 'video');
      const sum = (/** @type {number[]} */ xs) => xs.reduce((a, v) => a + v, 0);
      return {
        uplinkKbps: (sum(all.map((x) => x.dBytes)) * 8) / dt / 1000,
        videoKbps: (sum(video.map((x) => x.dBytes)) * 8) / dt / 1000,
        encodedFps: sum(video.map((x) => x.dFrames)) / dt,
        videoStreams: video.length,
        paused: video.filter((x) => !x.active).length,
        sentHeights: video.filter((x) => x.active).map((x) => x.height),
      };
    });
    return {
      kind,
      n,
      allMs,
      perPageAllMs: marks.map((m) => m.allAt),
      cpuPerSec: (c1 - c0) / seconds,
      loadavg1: load0,
      perPage,
    };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}
