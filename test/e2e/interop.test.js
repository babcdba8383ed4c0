// @ts-check
/** Chromium and Firefox in one call: each sees the other's video frames advance, and state crosses over. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, launchFirefox, remoteFrameCounts, waitForRemoteTiles } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {Awaited<ReturnType<typeof launchFirefox>>} */
let firefox;

before(async () => {
  server = await startServer();
  chromium = await launchBrowser();
  firefox = await launchFirefox();
});

after(async () => {
  await firefox?.close();
  await chromium?.close();
  await server?.stop();
});

/** @param {import('puppeteer-core').Page} page */
async function seesMovingVideo(page, timeout = 60000) {
  const end = Date.now() + timeout;
  for (;;) {
    const counts = await remoteFrameCounts(page, 1000);
    if (counts.length === 1 && counts[0] > 0) return counts[0];
    if (Date.now() > end) throw new Error(`no moving remote video: ${JSON.stringify(counts)}`);
  }
}

test('a call between Chromium and Firefox', async () => {
  const room = `interop-${Date.now()}`;
  const chromePage = await chromium.browser.newPage();
  const firefoxPage = await firefox.browser.newPage();
  /** @type {string[]} */
  const errors = [];
  firefoxPage.on('pageerror', (e) => errors.push(String(e)));
  chromePage.on('pageerror', (e) => errors.push(String(e)));
  await chromePage.goto(`${server.url}/?prejoin=off&room=${room}&name=Chromium`);
  await firefoxPage.goto(`${server.url}/?prejoin=off&room=${room}&name=Firefox`);

  const rates = { chromium: await seesMovingVideo(chromePage), firefox: await seesMovingVideo(firefoxPage) };
  console.log(`remote frames per second: Chromium sees ${rates.chromium}, Firefox sees ${rates.firefox}`);
  const name = (/** @type {import('puppeteer-core').Page} */ page) =>
    page.evaluate(() =>
      document
        .querySelector('rtc-call')
        ?.shadowRoot?.querySelector('rtc-video-tile:not([local])')
        ?.shadowRoot?.querySelector('[part~="name"]')
        ?.textContent?.trim(),
    );
  assert.equal(await name(chromePage), 'Firefox');
  assert.equal(await name(firefoxPage), 'Chromium');

  // Firefox turns its camera off: Chromium shows the avatar (state crosses the data connection).
  await firefoxPage.evaluate(() => {
    const button = document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="camera-button"]');
    /** @type {HTMLElement} */ (button).click();
  });
  await chromePage.waitForFunction(
    () =>
      document
        .querySelector('rtc-call')
        ?.shadowRoot?.querySelector('rtc-video-tile:not([local])')
        ?.hasAttribute('video-off'),
    { timeout: 15000 },
  );

  // Firefox leaves: its tile goes.
  await firefoxPage.close();
  await waitForRemoteTiles(chromePage, 0, 15000);
  assert.deepEqual(errors, []);
  await chromePage.close();
});
