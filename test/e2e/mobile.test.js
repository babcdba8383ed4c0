// @ts-check
/**
 * On a phone: video paused while the page is in the background and back on return; sound that the browser held back
 * until a gesture comes on at the visitor's first tap anywhere, not only on the "Play sound" button.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { KnownDevices } from 'puppeteer-core';
import { startServer } from '../support/server.js';
import {
  launchBrowser,
  openPage,
  waitForRemoteTiles,
  waitForRemoteVideos,
  remoteFrameCounts,
} from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/**
 * Polls `read` until `ok` holds; fails with the last value read.
 * @template T
 * @param {() => Promise<T>} read @param {(v: T) => boolean} ok @param {string} what
 */
async function until(read, ok, what, timeout = 15000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeout} ms`);
}

/** What a page shows of the one other person: their camera state (the tile's `video-off`). @param {import('puppeteer-core').Page} page */
const theirCameraOff = (page) =>
  page.evaluate(() => {
    const tile = document.querySelector('rtc-call')?.shadowRoot?.querySelector('rtc-video-tile:not([local])');
    return tile?.hasAttribute('video-off');
  });

/**
 * Puts another tab of the same window in front of `page`, so `page` is hidden as a background tab is; returns a
 * function that brings `page` back.
 * @param {import('puppeteer-core').Page} page
 */
async function sendToBackground(page) {
  const other = await page.browserContext().newPage();
  await other.bringToFront();
  await page.waitForFunction(() => document.visibilityState === 'hidden', { timeout: 10000 });
  return async () => {
    await page.bringToFront();
    await other.close();
    await page.waitForFunction(() => document.visibilityState === 'visible', { timeout: 10000 });
  };
}

test('a phone in the background pauses its video and resumes it on return; a desktop page in the background does not; the phone switches cameras', async (t) => {
  // Two cameras, as a phone's front and back.
  const chromium = await launchBrowser(['--use-fake-device-for-media-stream=device-count=2']);
  t.after(() => chromium.close());
  const room = `mobile-${Date.now()}`;
  const url = (name) => `${server.url}/?prejoin=off&room=${room}&name=${name}`;
  // Ana is on a phone (touch screen, no mouse: what `pause-video-when-hidden="auto"` looks for).
  const context = await chromium.browser.createBrowserContext();
  const ana = await context.newPage();
  await ana.emulate(KnownDevices['Pixel 5']);
  await ana.goto(url('Ana'));
  const ben = await openPage(chromium.browser, url('Ben'));
  await waitForRemoteVideos(ana, 1);
  await waitForRemoteVideos(ben.page, 1);
  assert.equal(await theirCameraOff(ben.page), false);

  const back = await sendToBackground(ana);
  await ben.page.waitForFunction(
    () => document.querySelector('rtc-call')?.shadowRoot?.querySelector('rtc-video-tile:not([local])[video-off]'),
    { timeout: 10000 },
  );
  // Paused, not released: the camera is still open, so it comes back at once.
  assert.equal(
    await ana.evaluate(() => document.querySelector('rtc-call')?.call?.media.track('video')?.readyState),
    'live',
  );
  await back();
  await ben.page.waitForFunction(
    () => document.querySelector('rtc-call')?.shadowRoot?.querySelector('rtc-video-tile:not([local]):not([video-off])'),
    { timeout: 10000 },
  );
  const [frames] = await remoteFrameCounts(ben.page, 1500);
  assert.ok(frames > 5, `Ben sees Ana's video move again: ${frames} frames in 1.5 s`);

  // The switch button goes to the other camera and back.
  const camera = () =>
    ana.evaluate(() => document.querySelector('rtc-call')?.call?.media.track('video')?.getSettings().deviceId);
  const first = await camera();
  const cameras = await ana.evaluate(async () =>
    (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => d.deviceId),
  );
  assert.equal(cameras.length, 2);
  for (const expected of [cameras.find((id) => id !== first), first]) {
    await ana.evaluate(() => {
      const button = document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="camera-switch-button"]');
      if (!(button instanceof HTMLElement)) throw new Error('no switch button');
      button.click();
    });
    await until(camera, (id) => id === expected, 'the other camera');
  }
  // (Chromium's second fake camera is a depth camera, whose frames do not encode: Ben sees the first one again.)
  await until(
    () => remoteFrameCounts(ben.page, 1000),
    ([n]) => n > 5,
    "Ben to see Ana's video again",
  );
  // A desktop has the device picker instead.
  assert.equal(
    await ben.page.evaluate(
      () => !!document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="camera-switch-button"]'),
    ),
    false,
  );

  // Ben is at a desktop: his page in the background goes on sending.
  const benBack = await sendToBackground(ben.page);
  const [whileHidden] = await remoteFrameCounts(ana, 2000);
  assert.equal(await theirCameraOff(ana), false);
  assert.ok(whileHidden > 5, `Ana still sees Ben's video while his tab is in the background: ${whileHidden} frames`);
  await benBack();
});

test('sound the browser held back comes on at the first tap anywhere on the page; every video plays inline; a page without camera or microphone loads', async (t) => {
  // As on iOS and on a page nobody has touched: sound needs a gesture.
  const chromium = await launchBrowser(['--autoplay-policy=user-gesture-required']);
  t.after(() => chromium.close());
  const room = `unlock-${Date.now()}`;
  const ana = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ana`);
  // Ben lets the page have neither camera nor microphone: a page that captures may play sound (Chromium, Safari).
  const ben = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ben`, () => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Denied', 'NotAllowedError'));
  });
  // Puppeteer's evaluate and waitForFunction count as a user gesture, which would let the page play sound: Ben's
  // page is read with a plain Runtime.evaluate until the tap.
  const cdp = await ben.page.createCDPSession();
  /** @param {string} expression */
  const peek = async (expression) =>
    (await cdp.send('Runtime.evaluate', { expression, returnByValue: true, userGesture: false })).result.value;
  // (openPage waits for `load`: it never came while his own tile's <video> held a stream with no track.)
  assert.equal(await peek('document.readyState'), 'complete');
  const sound = async () =>
    /** @type {{ button: boolean, muted?: boolean, paused?: boolean, frames: number }} */ (
      await peek(`(() => {
        const tile = document.querySelector('rtc-call')?.shadowRoot?.querySelector('rtc-video-tile:not([local])');
        const video = tile?.shadowRoot?.querySelector('video');
        return {
          button: !!tile?.shadowRoot?.querySelector('[part~="unmute-button"]'),
          muted: video?.muted,
          paused: video?.paused,
          frames: video?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
        };
      })()`)
    );
  await until(
    sound,
    (s) => s.button && !!s.muted && !s.paused && s.frames > 0,
    'held back: playing muted, with the button',
  );
  // (Ben sends no video: Ana sees his tile.)
  await waitForRemoteTiles(ana.page, 1);
  // A tap on the page's heading, nowhere near the button.
  const heading = await ben.page.$('h1');
  assert.ok(heading);
  await heading.click();
  await until(sound, (s) => !s.button && s.muted === false && !s.paused, 'playing with sound');

  const inline = await ben.page.evaluate(() => {
    const videos = [];
    const walk = (/** @type {Document | ShadowRoot} */ root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLVideoElement) videos.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return videos.map((v) => v.hasAttribute('playsinline'));
  });
  assert.ok(inline.length >= 2, `the tiles' videos: ${inline.length}`);
  assert.ok(inline.every(Boolean), 'playsinline on every video (iOS would play it fullscreen otherwise)');
});
