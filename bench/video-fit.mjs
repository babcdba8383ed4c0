#!/usr/bin/env node
// `node bench/video-fit.mjs`: what one person sends one other, as the receiver shows them larger or smaller. A
// broker (`node server/dist/server/cli.js`) and two demo pages in headless Chromium (fake camera and microphone) on 127.0.0.1;
// the receiver's widget is set to each width in turn, and after the sender has adapted and the rate has settled,
// the sender's outbound RTP stats for that connection are read over a window: the encoding's scale, the frames'
// size and rate, the encoder's target bitrate, the bytes actually sent, and why the quality is limited, if it is.
// Chromium's fake camera shows simple moving content, which compresses far better than a face in a room: its bytes
// are a floor. With BENCH_NOISE=1 the camera plays a generated clip instead (a moving gradient with random noise
// on every pixel), which no encoder can squeeze: its bytes show what the encoder spends when the picture asks for
// all it is allowed (the target bitrate).
//
// Settings (environment): BENCH_WIDTHS (receiver widget widths in CSS px, default "320,640,1280"), BENCH_WINDOW
// (seconds per reading, default 10), BENCH_NOISE (0 or 1), BENCH_CLIP (the clip's height: 360 by default, 720 for a
// receiver that asks for more than 360 lines; Chromium scales it to what the page asks), BENCH_DPR (the receiver's
// device pixels per CSS pixel, default 1; 2 is a laptop's Retina or HiDPI screen).
import { startServer } from '../test/support/server.js';
import { launchBrowser, waitForRemoteVideos } from '../test/support/browser.js';
import { sleep } from './helpers/stats.mjs';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const WIDTHS = (process.env.BENCH_WIDTHS ?? '320,640,1280')
  .split(',')
  .map((w) => Math.min(4000, Math.max(100, Number.parseInt(w, 10) || 0)))
  .slice(0, 8);
const WINDOW_S = Math.min(60, Math.max(2, Number.parseInt(process.env.BENCH_WINDOW ?? '', 10) || 10));
const CLIP_HEIGHT = process.env.BENCH_CLIP === '720' ? 720 : 360;
const DPR = Math.min(4, Math.max(1, Number(process.env.BENCH_DPR) || 1));
const SETTLE_MS = 12000; // the bandwidth estimate ramps up after a change

const watchdog = setTimeout(() => {
  console.error('video-fit bench: took over 5 minutes, giving up');
  process.exit(1);
}, 300000);
watchdog.unref();

/**
 * The sender's outbound video and audio to its one peer, cumulative.
 * @param {import('puppeteer-core').Page} page
 */
const outbound = (page) =>
  page.evaluate(async () => {
    const call = /** @type {any} */ (document.querySelector('rtc-call')).call;
    /** @type {RTCPeerConnection} */
    const pc = call.mesh.peerConnection(call.mesh.ids()[0]);
    /** @type {Record<string, any>} */
    const out = { at: performance.now(), capture: call.media.track('video')?.getSettings().height };
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      (await t.sender.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp') out[kind] = { ...r };
      });
      if (kind === 'video') out.scale = t.sender.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1;
    }
    return out;
  });

/** The receiver's remote video, as shown: CSS px tall, and device pixels per CSS px. @param {import('puppeteer-core').Page} page */
const shown = (page) =>
  page.evaluate(() => {
    /** @param {Element | ShadowRoot | Document} root @returns {HTMLVideoElement[]} */
    const videos = (root) => [
      ...root.querySelectorAll('video'),
      ...[...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? videos(el.shadowRoot) : [])),
    ];
    const remote = videos(document).filter((v) => v.srcObject && !v.muted);
    const v = remote[0] ?? videos(document).find((x) => x.srcObject);
    return { cssHeight: v ? Math.round(v.getBoundingClientRect().height) : 0, dpr: devicePixelRatio };
  });

/**
 * A noisy 16:9 clip in Y4M (what Chromium's fake camera can play): 2 s at 20 frames/s.
 * @param {string} path
 */
function writeNoisyClip(path) {
  const [w, h, frames] = [(CLIP_HEIGHT * 16) / 9, CLIP_HEIGHT, 40];
  const fd = openSync(path, 'w');
  writeSync(fd, `YUV4MPEG2 W${w} H${h} F20:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((w * h) / 2, 128);
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(w * h);
    const noise = randomBytes(w * h);
    for (let i = 0; i < w * h; i++) y[i] = 40 + ((((i % w) + f * 8) >> 2) % 160) + (noise[i] >> 4);
    writeSync(fd, 'FRAME\n');
    writeSync(fd, y);
    writeSync(fd, chroma);
  }
  closeSync(fd);
}
const clipDir = process.env.BENCH_NOISE === '1' ? mkdtempSync(join(tmpdir(), 'rtc-bench-clip-')) : undefined;
if (clipDir) writeNoisyClip(join(clipDir, 'noise.y4m'));
const server = await startServer({ LOG_LEVEL: 'warn' });
const chromium = await launchBrowser(
  clipDir ? [`--use-file-for-fake-video-capture=${join(clipDir, 'noise.y4m')}`] : [],
).catch(async (err) => {
  await server.stop();
  throw err;
});
try {
  const room = `bench-fit-${Date.now()}`;
  const pages = [];
  for (const name of ['Sender', 'Receiver']) {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1500, height: 900, deviceScaleFactor: name === 'Receiver' ? DPR : 1 });
    await page.goto(`${server.url}/?prejoin=off&room=${room}&name=${name}`);
    pages.push(page);
  }
  const [sender, receiver] = pages;
  await Promise.all(pages.map((p) => waitForRemoteVideos(p, 1, 60000)));
  const rows = [];
  for (const width of WIDTHS) {
    await receiver.evaluate((w) => {
      /** @type {HTMLElement} */ (document.querySelector('rtc-call')).style.cssText = `display: block; width: ${w}px`;
    }, width);
    await sleep(SETTLE_MS);
    const a = await outbound(sender);
    await sleep(WINDOW_S * 1000);
    const b = await outbound(sender);
    const s = (b.at - a.at) / 1000;
    rows.push({
      width,
      ...(await shown(receiver)),
      capture: b.capture,
      scale: b.scale,
      frame: `${b.video?.frameWidth}x${b.video?.frameHeight}`,
      fps: (b.video.framesEncoded - a.video.framesEncoded) / s,
      targetKbps: (b.video.targetBitrate ?? NaN) / 1000,
      videoKbps: ((b.video.bytesSent - a.video.bytesSent) * 8) / s / 1000,
      audioKbps: b.audio ? ((b.audio.bytesSent - a.audio.bytesSent) * 8) / s / 1000 : NaN,
      limited: b.video.qualityLimitationReason,
    });
  }
  console.log(
    `one sender (${clipDir ? 'a noisy clip' : "Chromium's fake camera"}), one receiver; each row: the receiver's ` +
      `widget width, then ${WINDOW_S} s of the sender's stats`,
  );
  console.log('width  shown px  capture  scale  frames    fps  target kbps  video kbps  audio kbps  limited by');
  for (const r of rows)
    console.log(
      [
        String(r.width).padStart(5),
        `${r.cssHeight}x${r.dpr}`.padStart(8),
        String(r.capture).padStart(7),
        String(r.scale).padStart(5),
        r.frame.padStart(7),
        r.fps.toFixed(1).padStart(6),
        r.targetKbps.toFixed(0).padStart(11),
        r.videoKbps.toFixed(0).padStart(10),
        r.audioKbps.toFixed(0).padStart(10),
        ` ${r.limited}`,
      ].join('  '),
    );
} finally {
  await chromium.close();
  await server.stop();
  if (clipDir) rmSync(clipDir, { recursive: true, force: true });
}
