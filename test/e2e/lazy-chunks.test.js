// @ts-check
/**
 * The parts of the widget loaded only when needed (a language file) come from where rtc-call.js came from: a page on
 * one origin embeds the script from the broker on another, in Chinese, and the Chinese words appear, fetched from the
 * broker's origin.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {http.Server} */
let site;
let siteUrl = '';

before(async () => {
  server = await startServer();
  site = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>另一个网站</title><link rel="icon" href="data:,">
<script type="module" src="${server.url}/rtc-call.js"></script></head>
<body><rtc-call manual room="lazy"></rtc-call><div lang="en"><rtc-call manual room="lazy"></rtc-call></div></body></html>`);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', () => r(undefined)));
  // "localhost" vs the broker's "127.0.0.1": another origin.
  siteUrl = `http://localhost:${/** @type {import('node:net').AddressInfo} */ (site.address()).port}/`;
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  site?.close();
  await server?.stop();
});

test('a Chinese page that embeds rtc-call.js from another origin gets its Chinese file from that origin', async () => {
  const { page, context, errors } = await openPage(chromium.browser, 'about:blank');
  /** @type {string[]} */
  const scripts = [];
  page.on('requestfinished', (r) => {
    if (r.resourceType() === 'script') scripts.push(`${r.response()?.status()} ${r.url()}`);
  });
  await page.goto(siteUrl);
  const joinTexts = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('rtc-call')].map((el) =>
        el.shadowRoot?.querySelector('[part~="join-button"]')?.textContent?.trim(),
      ),
    );
  await page.waitForFunction(
    () =>
      document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="join-button"]')?.textContent?.trim() ===
      '加入',
    { timeout: 20000 },
  );
  assert.deepEqual(await joinTexts(), ['加入', 'Join'], 'the page is Chinese; the second widget is in English');
  const broker = new URL(server.url).origin;
  const chunk = scripts.find((s) => /\/rtc-call-zh-CN-[\w-]+\.js$/.test(s));
  assert.ok(chunk, `the Chinese file was fetched: ${scripts.join(', ')}`);
  assert.equal(chunk, `200 ${broker}/${chunk.split('/').pop()}`, "from the broker's origin, next to rtc-call.js");
  assert.deepEqual(errors, []);
  await context.close();
});
