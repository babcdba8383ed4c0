// @ts-check
/**
 * The script-tag bundle as a site gets it (dist/rtc-call.js from the broker, on a page of another origin): the parts
 * loaded only when needed (a language file) come from where rtc-call.js came from, and the elements' styles, trimmed
 * for size by the build (scripts/trim-templates.mjs), are to the browser the same rules as the sources'; and what was
 * left out of PeerJS (its own media and data connections) says so when a PeerJS client reaches for it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, remoteFrames, waitForRemoteTiles, waitForRemoteVideos } from '../support/browser.js';
import { member } from '../support/broker-clients.js';

/** The elements' styles as written (lib/ is what the bundle is built from). */
const SOURCE_STYLES = {
  'rtc-call': (await import('../../lib/components/rtc-call/rtc-call.styles.js')).styles.cssText,
  'rtc-video-tile': (await import('../../lib/components/rtc-video-tile/rtc-video-tile.styles.js')).styles.cssText,
  'rtc-device-picker': (await import('../../lib/components/rtc-device-picker/rtc-device-picker.styles.js')).styles
    .cssText,
};

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

/** Opens the site's page, recording each script it fetches as `status url`. */
async function openSite() {
  const opened = await openPage(chromium.browser, 'about:blank');
  /** @type {string[]} */
  const scripts = [];
  opened.page.on('requestfinished', (r) => {
    if (r.resourceType() === 'script') scripts.push(`${r.response()?.status()} ${r.url()}`);
  });
  await opened.page.goto(siteUrl);
  return { ...opened, scripts };
}

test('a Chinese page that embeds rtc-call.js from another origin gets its Chinese file from that origin', async () => {
  const { page, context, errors, scripts } = await openSite();
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

test('joining from that page fetches the codec preference from the same origin as rtc-call.js', async () => {
  const { page, context, errors, scripts } = await openSite();
  await page.waitForFunction(() => !!customElements.get('rtc-call'), { timeout: 20000 });
  await page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).join());
  const broker = new URL(server.url).origin;
  const fetched = () => scripts.find((s) => /\/rtc-call-codecs-[\w-]+\.js$/.test(s));
  // Loaded as the call starts, without waiting for anyone: bounded, 10 s.
  for (const end = Date.now() + 10000; !fetched() && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
  const chunk = fetched();
  assert.ok(chunk, `the codec preference was fetched: ${scripts.join(', ')}`);
  assert.equal(chunk, `200 ${broker}/${chunk.split('/').pop()}`, "from the broker's origin, next to rtc-call.js");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the bundle's trimmed styles are, rule for rule, the styles as written", async () => {
  const { page, context, errors } = await openPage(chromium.browser, siteUrl);
  await page.waitForFunction(() => !!customElements.get('rtc-device-picker'), { timeout: 20000 });
  const rules = await page.evaluate((sources) => {
    /** @param {CSSStyleSheet} sheet */
    const texts = (sheet) => [...sheet.cssRules].map((r) => r.cssText);
    return Object.entries(sources).map(([tag, source]) => {
      const element = /** @type {any} */ (customElements.get(tag));
      const bundled = element.elementStyles.flatMap((/** @type {any} */ s) => texts(s.styleSheet));
      const written = new CSSStyleSheet();
      written.replaceSync(source);
      return { tag, bundled, written: texts(written) };
    });
  }, SOURCE_STYLES);
  for (const { tag, bundled, written } of rules) {
    assert.ok(written.length > 5, `${tag}: ${written.length} rules`);
    assert.deepEqual(bundled, written, tag);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("an OFFER from a PeerJS client in the room: the page is told PeerJS's connections are not in the bundle, and the call goes on", async () => {
  const room = `left-out-${Date.now()}`;
  const ana = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ana`);
  const ben = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ben`);
  await waitForRemoteVideos(ana.page, 1, 60000);
  const anaId = await ana.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call'))?.call?.seat?.id);
  assert.ok(anaId, "Ana's seat id");

  const srv = { port: server.port, owned: new Set() };
  const peerjs = await member(/** @type {any} */ (srv), room, 'PeerJS');
  await waitForRemoteTiles(ana.page, 2);
  peerjs.client.send({
    type: 'OFFER',
    dst: anaId,
    payload: { type: 'media', connectionId: 'mc_test', sdp: { type: 'offer', sdp: 'v=0' }, metadata: {} },
  });
  const told = /not in rtc-call's copy of PeerJS/;
  const deadline = Date.now() + 15000;
  while (!ana.errors.some((e) => told.test(e))) {
    if (Date.now() > deadline) throw new Error(`no error on Ana's page: ${JSON.stringify(ana.errors)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(
    ana.errors.filter((e) => !told.test(e)),
    [],
  );
  assert.equal(await ana.page.evaluate(() => document.querySelector('rtc-call')?.getAttribute('state')), 'joined');

  // The call goes on, and the broker connection still brings news: the PeerJS client leaves, Cy arrives.
  peerjs.client.ws.close(1000);
  await waitForRemoteTiles(ana.page, 1, 30000);
  const { before, after } = await remoteFrames(ana.page, 1000);
  assert.ok(after[0] > before[0], `Ana still sees Ben: ${before} -> ${after}`);
  const cy = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Cy`);
  await waitForRemoteVideos(ana.page, 2, 60000);
  assert.deepEqual(ben.errors, []);
  await Promise.all([ana, ben, cy].map(({ context }) => context.close()));
});
