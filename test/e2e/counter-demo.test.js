// @ts-check
/**
 * The demo's shared counter, as served (with its Content-Security-Policy): the page's own state, sent peer to peer
 * with send() and rtc-data, changes for everyone in the room, and someone who joins later learns it.
 */
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

/** @param {import('puppeteer-core').Page} page @param {number} people */
async function connected(page, people) {
  await page.waitForFunction(
    (n) => {
      const call = /** @type {any} */ (document.getElementById('call'));
      const list = call?.participants ?? [];
      return list.length === n && list.every((/** @type {any} */ p) => p.connection === 'connected');
    },
    { timeout: 30000 },
    people,
  );
}

/** @param {import('puppeteer-core').Page} page @param {string} value */
async function shows(page, value) {
  await page.waitForFunction((v) => document.getElementById('counter')?.textContent === v, { timeout: 20000 }, value);
}

test('the demo counter changes for everyone in the room, and a newcomer learns it', async () => {
  const room = `counter-${Date.now()}`;
  const pages = [];
  try {
    for (const name of ['Ana', 'Ben'])
      pages.push(await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
    const [a, b] = pages.map((p) => p.page);
    await connected(a, 2);
    await connected(b, 2);
    await a.click('#counter-up');
    await a.click('#counter-up');
    await shows(a, '2');
    await shows(b, '2');
    await b.click('#counter-down');
    await shows(a, '1');
    await shows(b, '1');

    pages.push(await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Cai`));
    const c = pages[2].page;
    await connected(c, 3);
    await shows(c, '1');
    await c.click('#counter-up');
    for (const page of [a, b, c]) await shows(page, '2');
    for (const { errors } of pages) assert.deepEqual(errors, []);
  } finally {
    for (const { context } of pages) await context.close();
  }
});
