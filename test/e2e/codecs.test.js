// @ts-check
/**
 * Codecs per connection: a page that encodes and decodes H.264 in hardware (as Safari and iOS do; here Chromium told
 * so through MediaCapabilities) gets H.264 both ways with each person it calls, while the others keep VP8 between
 * themselves. Read through `call.stats(id)`, and the video must still advance after the switch.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, remoteFrames, waitForRemoteVideos } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
after(async () => {
  await chromium?.close();
  await server?.stop();
});

/** In the page, before anything of ours runs: MediaCapabilities say H.264 is done in hardware both ways. */
function hardwareH264() {
  const caps = navigator.mediaCapabilities;
  for (const method of /** @type {const} */ (['decodingInfo', 'encodingInfo'])) {
    const real = caps[method].bind(caps);
    Object.defineProperty(caps, method, {
      value: async (/** @type {any} */ config) => {
        const info = await real(config);
        return /^video\/h264/i.test(config?.video?.contentType ?? '') ? { ...info, powerEfficient: true } : info;
      },
    });
  }
}

/**
 * Opens the demo in a context of its own as `name`, Safari-like when `h264`.
 * @param {string} url
 * @param {string} name
 * @param {boolean} h264
 */
async function visitor(url, name, h264) {
  const context = await chromium.browser.createBrowserContext();
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (h264) await page.evaluateOnNewDocument(hardwareH264);
  await page.goto(`${url}&name=${name}`);
  return { name, page, context, errors };
}

/**
 * The video codec each way on `page`'s connection to `other`, from call.stats.
 * @param {import('puppeteer-core').Page} page
 * @param {string} other
 */
const codecsWith = (page, other) =>
  page.evaluate(async (other) => {
    const el = /** @type {any} */ (document.querySelector('rtc-call'));
    const p = el.participants.find((/** @type {any} */ x) => x.name === other);
    const s = p && (await el.call.stats(p.id));
    return `${s?.video.send?.codec ?? '-'}/${s?.video.receive?.codec ?? '-'}`;
  }, other);

/**
 * What `page` receives from each other person, for a failure's message: the tile, its track, and the video each way.
 * @param {import('puppeteer-core').Page} page
 */
const inbound = (page) =>
  page.evaluate(async () => {
    const el = /** @type {any} */ (document.querySelector('rtc-call'));
    const out = [];
    for (const t of el.shadowRoot.querySelectorAll('rtc-video-tile:not([local])')) {
      const p = /** @type {any} */ (t).participant;
      const track = p?.stream?.getVideoTracks()[0];
      const stats = await el.call.stats(p.id);
      const video = /** @type {HTMLVideoElement} */ (t.shadowRoot.querySelector('video'));
      const shown = /** @type {MediaStream | null} */ (video.srcObject);
      const box = video.getBoundingClientRect();
      out.push({
        name: p?.name,
        element: {
          paused: video.paused,
          readyState: video.readyState,
          frames: video.getVideoPlaybackQuality().totalVideoFrames,
          size: `${video.videoWidth}x${video.videoHeight}`,
          box: `${Math.round(box.width)}x${Math.round(box.height)}@${Math.round(box.x)},${Math.round(box.y)}`,
          sameStream: shown === p?.stream,
          sameTrack: shown?.getVideoTracks()[0] === track,
        },
        connection: p?.connection,
        weakLink: p?.weakLink,
        track: track && { readyState: track.readyState, muted: track.muted },
        state: stats?.state,
        video: stats?.video,
      });
    }
    return out;
  });

test('a page with hardware H.264 gets H.264 both ways on each of its connections; the others keep VP8', async () => {
  server = await startServer();
  chromium = await launchBrowser();
  const url = `${server.url}/?prejoin=off&room=codecs-${Date.now()}`;
  const ana = await visitor(url, 'Ana', false);
  const ben = await visitor(url, 'Ben', true);
  const cy = await visitor(url, 'Cy', false);
  const people = [ana, ben, cy];
  try {
    for (const { page } of people) await waitForRemoteVideos(page, 2, 45000);
    // In the order they are read below.
    const want = {
      'Ana-Ben': 'H264/H264',
      'Ana-Cy': 'VP8/VP8',
      'Ben-Ana': 'H264/H264',
      'Ben-Cy': 'H264/H264',
      'Cy-Ana': 'VP8/VP8',
      'Cy-Ben': 'H264/H264',
    };
    /** @type {Record<string, string>} */
    let got = {};
    // A connection made before Ben said so changes at its next negotiation: bounded, 20 s.
    const end = Date.now() + 20000;
    for (;;) {
      got = {};
      for (const a of people)
        for (const b of people) if (a !== b) got[`${a.name}-${b.name}`] = await codecsWith(a.page, b.name);
      if (JSON.stringify(got) === JSON.stringify(want) || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(got, want, 'sent/received video codec on each connection');
    // After a switch the decoder starts at the next key frame, which it may have to ask for: each remote video must
    // advance within a bound (10 s), read again and again rather than over one short window.
    for (const { page, name } of people) {
      const { before } = await remoteFrames(page, 0);
      let after = before;
      for (const end = Date.now() + 10000; Date.now() < end && after.some((n, i) => n <= before[i]);)
        ({ after } = await remoteFrames(page, 500));
      const stuck = after.flatMap((n, i) => (n > before[i] ? [] : [i]));
      if (stuck.length) console.log(`${name}: stuck remote videos ${stuck}: ${JSON.stringify(await inbound(page))}`);
      after.forEach((n, i) => assert.ok(n > before[i], `${name}'s remote video ${i} advances: ${before[i]} -> ${n}`));
    }
    for (const { errors, name } of people) assert.deepEqual(errors, [], `${name}: no page errors`);
  } finally {
    for (const { context } of people) await context.close();
  }
});
