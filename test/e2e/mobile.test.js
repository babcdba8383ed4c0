// @ts-check
/**
 * On a phone: video paused while the page is in the background and back on return; sound that the browser held back
 * until a gesture comes on at the visitor's first tap anywhere, not only on the "Play sound" button.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { KnownDevices } from 'puppeteer-core';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, waitForRemoteVideos, remoteFrameCounts } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

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

test('a phone in the background pauses its video and resumes it on return; a desktop page in the background does not', async (t) => {
  const chromium = await launchBrowser();
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

  // Ben is at a desktop: his page in the background goes on sending.
  const benBack = await sendToBackground(ben.page);
  const [whileHidden] = await remoteFrameCounts(ana, 2000);
  assert.equal(await theirCameraOff(ana), false);
  assert.ok(whileHidden > 5, `Ana still sees Ben's video while his tab is in the background: ${whileHidden} frames`);
  await benBack();
});

test('sound the browser held back comes on at the first tap anywhere on the page; every video plays inline', async (t) => {
  // As on iOS and on a page nobody has touched: sound needs a gesture.
  const chromium = await launchBrowser(['--autoplay-policy=user-gesture-required']);
  t.after(() => chromium.close());
  const room = `unlock-${Date.now()}`;
  const ana = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ana`);
  const ben = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ben`);
  await waitForRemoteVideos(ben.page, 1);
  await waitForRemoteVideos(ana.page, 1);
  const sound = () =>
    ben.page.evaluate(() => {
      const tile = document.querySelector('rtc-call')?.shadowRoot?.querySelector('rtc-video-tile:not([local])');
      const video = tile?.shadowRoot?.querySelector('video');
      return {
        button: !!tile?.shadowRoot?.querySelector('[part~="unmute-button"]'),
        muted: video?.muted,
        paused: video?.paused,
      };
    });
  await ben.page.waitForFunction(
    () =>
      !!document
        .querySelector('rtc-call')
        ?.shadowRoot?.querySelector('rtc-video-tile:not([local])')
        ?.shadowRoot?.querySelector('[part~="unmute-button"]'),
    { timeout: 10000 },
  );
  assert.deepEqual(await sound(), { button: true, muted: true, paused: false }, 'held back: playing muted');
  // A tap on the page's heading, nowhere near the button.
  const heading = await ben.page.$('h1');
  assert.ok(heading);
  await heading.click();
  await ben.page.waitForFunction(
    () =>
      !document
        .querySelector('rtc-call')
        ?.shadowRoot?.querySelector('rtc-video-tile:not([local])')
        ?.shadowRoot?.querySelector('[part~="unmute-button"]'),
    { timeout: 10000 },
  );
  assert.deepEqual(await sound(), { button: false, muted: false, paused: false }, 'playing with sound');

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
