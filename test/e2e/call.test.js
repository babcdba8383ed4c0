// @ts-check
/**
 * A call tested as a call: a real broker process, headless Chromium with fake devices, three pages in one room.
 * Two pages embed the widget from another origin with only the script tag, as a site owner would.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer } from '../support/server.js';
import {
  launchBrowser,
  openPage,
  remoteFrames,
  waitForRemoteVideos,
  waitForRemoteTiles,
  waitForTileStatus,
} from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {http.Server} */
let site;
let siteUrl = '';

/** A page of "another site" that embeds the widget with the two lines from the README. */
const embedPage = (
  /** @type {string} */ broker,
  /** @type {string} */ room,
  /** @type {string} */ name,
  twice = false,
) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title><link rel="icon" href="data:,">
<script type="module" src="${broker}/rtc-call.js"></script>
${
  twice
    ? `<!-- A second copy of the script, as happens on real pages: it must not crash. -->
<script type="module" src="${broker}/rtc-call.js?copy=2"></script>`
    : ''
}</head>
<body><rtc-call no-prejoin room="${room}" name="${name}"></rtc-call></body></html>`;

/**
 * The server's own way of noticing a peer whose network died: ALIVE_TIMEOUT of silence, then RECONNECT_GRACE for
 * it to come back. The dead-peer test below sets them longer than the mesh's bound, to tell the mesh's bound from it.
 */
const ALIVE_TIMEOUT_MS = 40000;
const RECONNECT_GRACE_MS = 10000;
/**
 * The mesh drops a peer it has heard nothing from for 30 s (SILENT_MS in src/engine/mesh.ts): shorter silences are
 * a network changing or cut for a while, healed in place. Plus room for a busy machine.
 */
const SILENT_MS = 30000;
const MESH_DROP_BOUND_MS = SILENT_MS + 12000;

before(async () => {
  server = await startServer({ ALIVE_TIMEOUT: String(ALIVE_TIMEOUT_MS), RECONNECT_GRACE: String(RECONNECT_GRACE_MS) });
  site = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    res.setHeader('Content-Type', 'text/html');
    res.end(embedPage(server.url, q.get('room') ?? 'x', q.get('name') ?? '', q.has('twice')));
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (site.address());
  // "localhost" vs "127.0.0.1": a different origin from the broker's.
  siteUrl = `http://localhost:${addr.port}`;
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  site?.close();
  await server?.stop();
});

test('three pages in one room see each other, and a closed page drops out', async () => {
  const room = `e2e-${Date.now()}`;
  const urls = [
    `${server.url}/?prejoin=off&room=${room}&name=Ana`,
    `${siteUrl}/?prejoin=off&room=${room}&name=Ben`,
    `${siteUrl}/?prejoin=off&room=${room}&name=Cy&twice`,
  ];
  const pages = [];
  const loadedAt = [];
  for (const url of urls) {
    loadedAt.push(Date.now());
    pages.push(await openPage(chromium.browser, url));
  }

  const firstFrameMs = await Promise.all(
    pages.map(async ({ page }, i) => {
      await waitForRemoteVideos(page, 2, 60000);
      return Date.now() - loadedAt[i];
    }),
  );
  console.log(`page load to two remote videos with frames: ${firstFrameMs.map((ms) => `${ms} ms`).join(', ')}`);

  for (const { page } of pages) {
    const { before, after } = await remoteFrames(page);
    assert.equal(before.length, 2, 'two remote tiles');
    after.forEach((n, i) => assert.ok(n > before[i], `remote video ${i} advances: ${before[i]} -> ${n}`));
    const names = await page.evaluate(() =>
      [...(document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile') ?? [])].map((t) =>
        t.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim(),
      ),
    );
    assert.equal(names.length, 3);
    const local = await page.evaluate(
      () => document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile[local]').length,
    );
    assert.equal(local, 1, 'exactly one local tile');
  }
  const names = await pages[0].page.evaluate(() =>
    [...(document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? [])]
      .map((t) => t.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim())
      .sort(),
  );
  assert.deepEqual(names, ['Ben', 'Cy']);

  // Cy closes the tab.
  const closedAt = Date.now();
  await pages[2].context.close();
  await Promise.all(pages.slice(0, 2).map(({ page }) => waitForRemoteTiles(page, 1, 15000)));
  console.log(`closed tab gone from the others after ${Date.now() - closedAt} ms`);
  for (const { page } of pages.slice(0, 2)) {
    const { before, after } = await remoteFrames(page, 1000);
    assert.equal(after.length, 1);
    assert.ok(after[0] > before[0], 'the remaining remote video still advances');
  }
  for (const { errors } of pages) assert.deepEqual(errors, []);
  await Promise.all(pages.slice(0, 2).map(({ context }) => context.close()));
});

test('a peer whose network dies shows as reconnecting, then leaves the others after the silence bound', async () => {
  const room = `e2e-dead-${Date.now()}`;
  const pages = [];
  for (const name of ['Ana', 'Ben'])
    pages.push(await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
  // The victim runs in a browser of its own, so that all of it can be frozen at once: no packets, no close,
  // exactly what the others see when someone's network is cut.
  const victim = await launchBrowser();
  try {
    const vpage = await victim.browser.newPage();
    await vpage.goto(`${server.url}/?prejoin=off&room=${room}&name=Cy`);
    await Promise.all([...pages.map(({ page }) => page), vpage].map((page) => waitForRemoteVideos(page, 2, 60000)));
    const pid = victim.browser.process()?.pid;
    assert.ok(pid, 'the victim browser has a process');
    const cutAt = Date.now();
    process.kill(-pid, 'SIGSTOP');
    let reconnectingAfter = 0;
    let goneAfter = 0;
    try {
      // First the tile says what is going on…
      await Promise.all(pages.map(({ page }) => waitForTileStatus(page, 'Cy', 'Reconnecting…', 20000)));
      reconnectingAfter = Date.now() - cutAt;
      // …and the peer goes only when the mesh's silence bound runs out: the server would take longer.
      await Promise.all(pages.map(({ page }) => waitForRemoteTiles(page, 1, MESH_DROP_BOUND_MS)));
      goneAfter = Date.now() - cutAt;
      console.log(`a peer with a dead network: reconnecting after ${reconnectingAfter} ms, gone after ${goneAfter} ms`);
      // Read while the victim is still frozen: once thawed, it comes back into the room (a tile again).
      for (const { page } of pages) {
        const { before, after } = await remoteFrames(page, 1000);
        assert.equal(after.length, 1);
        assert.ok(after[0] > before[0], 'the call between the others goes on');
      }
    } finally {
      process.kill(-pid, 'SIGCONT');
    }
    assert.ok(
      goneAfter >= SILENT_MS - 2000,
      `gone after ${goneAfter} ms: shorter silences must heal in place (the bound is ${SILENT_MS} ms)`,
    );
    assert.ok(
      goneAfter < ALIVE_TIMEOUT_MS,
      `gone after ${goneAfter} ms: by the mesh's bound, not the server's (${ALIVE_TIMEOUT_MS + RECONNECT_GRACE_MS} ms)`,
    );
  } finally {
    await victim.close();
    await Promise.all(pages.map(({ context }) => context.close()));
  }
});

test('when the server restarts, the widget says so and the call comes back', async () => {
  // A port of our own, so the new server can take the old one's place.
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = /** @type {import('node:net').AddressInfo} */ (probe.address()).port;
      probe.close(() => resolve(p));
    });
  });
  let broker = await startServer({ PORT: String(port) });
  const room = `e2e-restart-${Date.now()}`;
  const pages = [];
  try {
    for (const name of ['Ana', 'Ben'])
      pages.push(await openPage(chromium.browser, `${broker.url}/?prejoin=off&room=${room}&name=${name}`));
    await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, 1, 60000)));
    const notices = () =>
      pages[0].page.evaluate(() =>
        [...(document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('[part~="notice"]') ?? [])].map((n) =>
          n.textContent?.trim(),
        ),
      );
    /** Reads Ana's notices until they say the server is gone ('lost') or say nothing ('none'), for 15 s at most. */
    const noticesOnce = async (/** @type {'lost' | 'none'} */ wanted) => {
      for (const end = Date.now() + 15000; ; await new Promise((r) => setTimeout(r, 100))) {
        const said = await notices();
        const seen = wanted === 'none' ? said.length === 0 : /lost|cannot be reached/.test(said.join(' '));
        if (seen || Date.now() > end) return said;
      }
    };

    await broker.stop();
    const downAt = Date.now();
    await pages[0].page.waitForFunction(
      () => document.querySelector('rtc-call')?.getAttribute('call-state') !== 'joined',
      { timeout: 10000 },
    );
    const said = (await noticesOnce('lost')).join(' | ');
    assert.match(said, /lost|cannot be reached/, `the widget says what happened: ${said}`);

    broker = await startServer({ PORT: String(port) });
    await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, 1, 60000)));
    console.log(`after a server restart the call was back in ${Date.now() - downAt} ms`);
    await pages[0].page.waitForFunction(
      () => document.querySelector('rtc-call')?.getAttribute('call-state') === 'joined',
      { timeout: 10000 },
    );
    for (const { page } of pages) {
      const { before, after } = await remoteFrames(page, 1000);
      assert.equal(after.length, 1);
      assert.ok(after[0] > before[0]);
    }
    assert.deepEqual(await noticesOnce('none'), [], 'the problem notices are gone once the call is back');
  } finally {
    await Promise.all(pages.map(({ context }) => context.close()));
    await broker.stop();
  }
});
