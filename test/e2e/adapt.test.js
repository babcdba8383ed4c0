// @ts-check
/**
 * Video that fits what the others show: each receiver says how tall it shows a sender's video, and the sender
 * captures no more than the tallest view, scales each connection's encoding to its receiver's view, and pauses it
 * while the receiver does not show it at all.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, waitForRemoteVideos, remoteFrameCounts } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
after(async () => {
  await chromium?.close();
  await server?.stop();
});

/**
 * What a page sends its one peer (from `call.stats(id)`): the video encoding (active, scale, bitrate and frame rate
 * caps), the camera's height and frame rate, and the frames encoded so far.
 * @param {import('puppeteer-core').Page} page
 */
const sending = (page) =>
  page.evaluate(async () => {
    const call = /** @type {any} */ (document.querySelector('rtc-call')).call;
    const peer = call.participants.find((/** @type {any} */ p) => !p.local);
    /** @type {import('../../src/engine/peer-stats.js').PeerStats | undefined} */
    const stats = peer && (await call.stats(peer.id));
    const video = stats?.video.send;
    if (!video) throw new Error(`no video sent: ${JSON.stringify(stats)}`);
    return {
      active: video.active,
      scale: video.scale,
      maxBitrate: video.maxBitrate,
      maxFramerate: video.maxFramerate,
      capture: call.media.track('video')?.getSettings().height,
      captureFps: call.media.track('video')?.getSettings().frameRate,
      frames: video.framesEncoded ?? 0,
    };
  });

/**
 * Polls `read` until `ok` holds; fails with the last value read.
 * @template T
 * @param {() => Promise<T>} read @param {(v: T) => boolean} ok @param {string} what
 */
async function until(read, ok, what, timeout = 20000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeout} ms`);
}

/** Sets the widget's size in a page (display: none hides it). @param {import('puppeteer-core').Page} page */
const size = (page, /** @type {string} */ css) =>
  page.evaluate((css) => {
    /** @type {HTMLElement} */ (document.querySelector('rtc-call')).style.cssText = css;
  }, css);

test('a sender fits its video to what the receiver shows: scaled to a small tile, a larger capture for a large one, paused while hidden', async () => {
  server = await startServer();
  chromium = await launchBrowser();
  const room = `e2e-adapt-${Date.now()}`;
  const pages = [];
  for (const name of ['Ana', 'Ben']) {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1700, height: 1000 });
    await page.goto(`${server.url}/?prejoin=off&room=${room}&name=${name}`);
    pages.push(page);
  }
  const [ana, ben] = pages;
  await Promise.all(pages.map((p) => waitForRemoteVideos(p, 1, 60000)));

  // Ana shows Ben small: Ben captures 360 lines and sends her a quarter of them, 15 frames a second (and as she is
  // the only one who shows him, his camera runs at 15 too).
  await size(ana, 'display: block; width: 320px');
  const small = await until(
    () => sending(ben),
    (s) => s.scale >= 2,
    'Ben scales down for Ana’s small tile',
  );
  assert.equal(small.active, true);
  assert.equal(small.capture, 360, 'no more captured than anyone shows');
  assert.ok(
    /** @type {number} */ (small.maxBitrate) <= 300_000,
    `a small stream's bitrate is capped: ${small.maxBitrate}`,
  );
  assert.equal(small.maxFramerate, 15, 'a small tile gets 15 frames a second');
  assert.equal(small.captureFps, 15, 'the camera asked for 15 while everyone shows it small');

  // Ana shows Ben large (540 device pixels and more): Ben's camera goes up the ladder (to 960x540 asked; Chromium's
  // fake camera has 640x480 nearest), and Ana gets it unscaled.
  await size(ana, 'display: block; width: 1600px');
  const large = await until(
    () => sending(ben),
    (s) => /** @type {number} */ (s.capture) > 360 && s.scale === 1,
    'Ben captures more lines for Ana’s large tile and sends them whole',
  );
  assert.equal(large.active, true);
  assert.ok(/** @type {number} */ (large.maxBitrate) >= 1_200_000, `a large stream may use more: ${large.maxBitrate}`);
  assert.equal(large.maxFramerate, undefined, 'a large tile gets every frame');
  assert.ok(/** @type {number} */ (large.captureFps) > 15, `the camera back to its full rate: ${large.captureFps}`);
  assert.ok((await remoteFrameCounts(ana))[0] > 0, 'Ana sees Ben’s video move');

  // Ana hides the widget: Ben stops encoding for her, and his camera drops back.
  await size(ana, 'display: none');
  const hidden = await until(
    () => sending(ben),
    (s) => s.active === false,
    'Ben pauses his video to Ana',
  );
  const stopped = await until(
    async () => {
      const a = await sending(ben);
      await new Promise((r) => setTimeout(r, 1500));
      const b = await sending(ben);
      return { ...b, encodedMeanwhile: b.frames - a.frames };
    },
    (s) => s.encodedMeanwhile === 0,
    'no frames encoded for Ana while she does not show Ben',
  );
  assert.equal(stopped.active, false);
  assert.equal(hidden.capture, 360);

  // Shown again: the video comes back.
  await size(ana, 'display: block; width: 640px');
  await until(
    () => sending(ben),
    (s) => s.active === true,
    'Ben sends to Ana again',
  );
  await waitForRemoteVideos(ana, 1, 30000);
  // And Ana's own sending to Ben was never touched (Ben shows her at the demo's size all along).
  const anaToBen = await sending(ana);
  assert.equal(anaToBen.active, true);
});

test('fit-video="off" turns the fitting off: the camera at 1280x720 and every encoding unscaled, however small the tile', async () => {
  server ??= await startServer();
  chromium ??= await launchBrowser();
  const room = `e2e-nofit-${Date.now()}`;
  const pages = [];
  for (const [name, fit] of [
    ['Cai', 'off'],
    ['Dee', 'on'],
  ]) {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(`${server.url}/?prejoin=off&room=${room}&name=${name}&fit-video=${fit}`);
    pages.push(page);
  }
  const [cai, dee] = pages;
  await Promise.all(pages.map((p) => waitForRemoteVideos(p, 1, 60000)));
  // Both show each other in small tiles.
  await Promise.all(pages.map((p) => size(p, 'display: block; width: 320px')));
  // Dee fits: she scales down for Cai's small tile (the proof that Cai's view reached her)…
  await until(
    () => sending(dee),
    (s) => s.scale >= 2,
    'Dee scales down for Cai’s small tile',
  );
  // …while Cai, unfitted, keeps sending the 720 lines his camera was asked for, unscaled.
  const cai1 = await sending(cai);
  assert.equal(cai1.scale, 1, 'no per-receiver scaling');
  assert.equal(cai1.active, true);
  // (Chromium's fake camera gives its 640x480 when asked for 1280x720; a fitted camera gives 360 lines here.)
  const asked = await cai.evaluate(
    () => /** @type {any} */ (document.querySelector('rtc-call')).call.media.captureHeight,
  );
  assert.equal(asked, 720, 'the camera asked for 1280x720 whatever anyone shows');
  assert.ok(/** @type {number} */ (cai1.capture) > 360, `captured more than a fitted camera would: ${cai1.capture}`);
  // Both hide the widget. Dee pauses her video to Cai once his "hidden" reaches her; his to her, sent at the same
  // moment on the same kind of channel, has reached Cai by then too, and Cai still encodes for Dee: nothing paused.
  await Promise.all(pages.map((p) => size(p, 'display: none')));
  await until(
    () => sending(dee),
    (s) => s.active === false,
    'Dee pauses her video to Cai',
  );
  const caiHidden = await until(
    async () => {
      const a = await sending(cai);
      await new Promise((r) => setTimeout(r, 1500));
      const b = await sending(cai);
      return { ...b, encodedMeanwhile: b.frames - a.frames };
    },
    (s) => s.encodedMeanwhile > 0,
    'Cai keeps encoding for Dee',
  );
  assert.equal(caiHidden.active, true);
  assert.equal(caiHidden.scale, 1);
});

test('until a receiver says how it shows a sender, the sender sends it what it shows of the receiver: small tiles are small from the first frames, set before the connection is made', async () => {
  server ??= await startServer();
  chromium ??= await launchBrowser();
  const room = `e2e-first-${Date.now()}`;
  const pages = [];
  for (const name of ['Eve', 'Fay']) {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.evaluateOnNewDocument((drop) => {
      // Both show each other small from the start.
      document.addEventListener('DOMContentLoaded', () => {
        const s = document.createElement('style');
        s.textContent = 'rtc-call { display: block; width: 320px !important }';
        document.head.append(s);
      });
      // Each video encoding set, and whether the connection carrying it was made by then (DTLS connected).
      /** @type {any} */ (window).__fits = [];
      const set = RTCRtpSender.prototype.setParameters;
      RTCRtpSender.prototype.setParameters = function (/** @type {any} */ p, /** @type {any} */ o) {
        // (Only video encodings are scaled; the track may not be on the sender yet.)
        if (p.encodings?.[0]?.scaleResolutionDownBy !== undefined)
          /** @type {any} */ (window).__fits.push({
            scale: p.encodings[0].scaleResolutionDownBy,
            made: this.transport?.state === 'connected',
          });
        return set.call(this, p, o);
      };
      // Fay never tells how she shows Eve: Eve has only her own view of Fay to go by.
      if (!drop) return;
      const send = RTCDataChannel.prototype.send;
      RTCDataChannel.prototype.send = function (/** @type {any} */ data) {
        if (typeof data === 'string' && data.includes('"t":"view"')) return;
        return send.call(this, data);
      };
    }, name === 'Fay');
    await page.goto(`${server.url}/?prejoin=off&room=${room}&name=${name}`);
    pages.push(page);
  }
  const [eve, fay] = pages;
  await Promise.all(pages.map((p) => waitForRemoteVideos(p, 1, 60000)));
  // Fay hears Eve's view, so she fits to it: the proof that views get through where nothing drops them.
  await until(
    () => sending(fay),
    (s) => s.scale >= 2,
    'Fay scales down for Eve’s small tile',
  );
  // Eve never heard Fay's view, and sends her what she shows of Fay: a small tile, not a full 360-line picture.
  const eveToFay = await sending(eve);
  assert.equal(eveToFay.active, true);
  assert.ok(eveToFay.scale >= 2, `Eve scales down for the small tile she expects: ${JSON.stringify(eveToFay)}`);
  assert.equal(eveToFay.maxFramerate, 15, 'a small tile gets 15 frames a second');
  assert.equal(eveToFay.capture, 360);
  // (Eve's camera was asked for this while it opened: the others' views came first.)
  assert.equal(eveToFay.captureFps, 15, 'the camera at 15 while everyone shows it small');
  assert.ok((await remoteFrameCounts(fay))[0] > 0, 'Fay sees Eve’s video move');
  // And from the first frames: both scaled their encoding down before their connection was made.
  for (const page of pages) {
    const fits = await page.evaluate(() => /** @type {any} */ (window).__fits);
    assert.ok(
      fits.some((/** @type {any} */ f) => f.scale >= 2 && !f.made),
      `an encoding scaled down before the connection was made: ${JSON.stringify(fits)}`,
    );
  }
});
