#!/usr/bin/env node
// `node bench/mesh-cpu.mjs`: what a mesh costs one person's machine in CPU. One headless Chromium page (fake camera,
// 640x360) sends its camera over k connections and receives each back, as a person in a mesh of k + 1 encodes k
// times and decodes k streams. The connections are pairs of RTCPeerConnections inside the page (no broker, no ICE
// servers: host candidates on this machine only). For k = 1 up to BENCH_K, the browser's CPU (all its processes)
// over a window, and the frames each sender encoded per second. The fake camera's picture is easy to encode: a
// camera's costs more.
//
// Settings (environment): BENCH_K (most connections, default 7, at most 12), BENCH_WINDOW (seconds, default 10).
import http from 'node:http';
import { launchBrowser } from '../test/support/browser.js';
import { treeCpuSeconds } from './helpers/cpu.mjs';
import { sleep } from './helpers/stats.mjs';

const K = Math.min(12, Math.max(1, Number.parseInt(process.env.BENCH_K ?? '', 10) || 7));
const WINDOW_S = Math.min(60, Math.max(2, Number.parseInt(process.env.BENCH_WINDOW ?? '', 10) || 10));

const watchdog = setTimeout(() => {
  console.error('mesh-cpu bench: took over 5 minutes, giving up');
  process.exit(1);
}, 300000);
watchdog.unref();

// A secure-context page to run in (loopback is one).
const site = http.createServer((_req, res) => res.end('<!doctype html><title>mesh cpu</title>'));
await new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(undefined)));
const port = /** @type {import('node:net').AddressInfo} */ (site.address()).port;
const chromium = await launchBrowser();
try {
  const pid = chromium.browser.process()?.pid;
  if (!pid) throw new Error('no browser process');
  const page = await chromium.browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: false });
    /** @type {any} */ (window).bench = { stream, senders: /** @type {RTCRtpSender[]} */ ([]) };
  });
  /** Adds one sending connection and its receiving end, and waits until video arrives. */
  const addPair = () =>
    page.evaluate(async () => {
      const { stream, senders } = /** @type {any} */ (window).bench;
      const config = { iceServers: [] };
      const a = new RTCPeerConnection(config);
      const b = new RTCPeerConnection(config);
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      const playing = new Promise((resolve) => {
        b.ontrack = (e) => {
          const v = document.createElement('video');
          v.muted = true;
          v.srcObject = new MediaStream([e.track]);
          v.width = 640;
          v.height = 360;
          document.body.append(v);
          v.requestVideoFrameCallback(() => resolve(undefined));
          void v.play();
        };
      });
      senders.push(a.addTrack(stream.getVideoTracks()[0], stream));
      await a.setLocalDescription();
      await b.setRemoteDescription(/** @type {RTCSessionDescription} */ (a.localDescription));
      await b.setLocalDescription();
      await a.setRemoteDescription(/** @type {RTCSessionDescription} */ (b.localDescription));
      await Promise.race([playing, new Promise((_, reject) => setTimeout(() => reject(new Error('no video')), 20000))]);
    });
  const framesEncoded = () =>
    page.evaluate(async () => {
      let n = 0;
      for (const s of /** @type {any} */ (window).bench.senders)
        (await s.getStats()).forEach((/** @type {any} */ r) => r.type === 'outbound-rtp' && (n += r.framesEncoded));
      return n;
    });
  const rows = [];
  for (let k = 1; k <= K; k++) {
    await addPair();
    await sleep(3000); // let the new connection's rate ramp up
    const [c0, f0, t0] = [treeCpuSeconds(pid), await framesEncoded(), performance.now()];
    await sleep(WINDOW_S * 1000);
    const s = (performance.now() - t0) / 1000;
    rows.push({ k, cpu: ((treeCpuSeconds(pid) - c0) / s) * 100, fps: ((await framesEncoded()) - f0) / s / k });
  }
  console.log(`one page encoding its 640x360 fake camera k times and decoding k streams, ${WINDOW_S} s each:`);
  console.log(' k   browser CPU (% of one core)   frames encoded per second, per connection');
  for (const r of rows)
    console.log(`${String(r.k).padStart(2)}   ${r.cpu.toFixed(0).padStart(26)}   ${r.fps.toFixed(1).padStart(10)}`);
} finally {
  await chromium.close();
  site.close();
}
