// @ts-check
/** The demo's themes page, as served (with its Content-Security-Policy): a restyled widget next to the default one. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;

before(async () => {
  server = await startServer();
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await server?.stop();
});

test('themes.html shows the default widget and one restyled by the page, and switches both themes', async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${server.url}/themes.html?room=themes-e2e`);
  try {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    const look = () =>
      page.evaluate(() =>
        ['default', 'restyled'].map((id) => {
          const el = /** @type {HTMLElement} */ (document.getElementById(id));
          const base = /** @type {HTMLElement} */ (el.shadowRoot?.querySelector('[part~="base"]'));
          const join = /** @type {HTMLElement} */ (el.shadowRoot?.querySelector('[part~="join-button"]'));
          const prejoin = /** @type {HTMLElement} */ (el.querySelector('[slot="prejoin"]'));
          return {
            state: el.getAttribute('state'),
            background: getComputedStyle(base).backgroundColor,
            font: getComputedStyle(base).fontFamily,
            joinRadius: getComputedStyle(join).borderRadius,
            prejoinShown: !!prejoin.assignedSlot,
          };
        }),
      );
    await page.waitForFunction(() => document.querySelectorAll('rtc-call[state="prejoin"]').length === 2, {
      timeout: 20000,
    });
    const [plain, restyled] = await look();
    assert.equal(plain.prejoinShown && restyled.prejoinShown, true);
    assert.notEqual(plain.background, restyled.background);
    assert.match(restyled.font, /Georgia/);
    assert.notEqual(plain.joinRadius, restyled.joinRadius);

    await page.select('#theme', 'dark');
    const [darkPlain, darkRestyled] = await look();
    assert.notEqual(darkPlain.background, plain.background, 'the default widget turns dark');
    // The page's own colours win over the theme.
    assert.equal(darkRestyled.background, restyled.background);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
