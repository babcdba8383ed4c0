// @ts-check
/**
 * Buildless development, as a Lit user does it: `@web/dev-server --node-resolve` with no plugin and no config,
 * serving a page of a consumer project that has rtc-call in its node_modules and imports it by name. The page must
 * load every module without an error (no `sdp.js does not provide an export named 'default'`), upgrade
 * `<rtc-call>`, and join a call on a real broker, which needs PeerJS to have loaded and work.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../server/helpers.js';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage } from '../support/browser.js';

const WDS = join(ROOT, 'node_modules/.bin/wds');

/** @type {Awaited<ReturnType<typeof startServer>>} */
let broker;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {import('node:child_process').ChildProcess} */
let devServer;
let devUrl = '';
let project = '';
let devLog = '';

/** A port the system hands out now (wds takes a number, not 0). */
const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });

before(async () => {
  broker = await startServer();
  // A consumer project: its page, and rtc-call installed in its node_modules (here a link to this repository).
  project = mkdtempSync(join(tmpdir(), 'rtc-call-buildless-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules/rtc-call'), 'dir');
  writeFileSync(
    join(project, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>buildless</title><link rel="icon" href="data:,">
<script type="module">import 'rtc-call';</script></head>
<body><rtc-call no-prejoin room="buildless" name="Ana" server="${broker.url}"></rtc-call></body></html>`,
  );
  const port = await freePort();
  devServer = spawn(WDS, ['--node-resolve', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  devServer.stdout?.on('data', (d) => (devLog += d));
  devServer.stderr?.on('data', (d) => (devLog += d));
  devUrl = `http://127.0.0.1:${port}/`;
  await waitForHttp(devUrl, 30000);
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  devServer?.kill('SIGTERM');
  await broker?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/**
 * @param {string} url
 * @param {number} timeout ms
 */
async function waitForHttp(url, timeout) {
  const end = Date.now() + timeout;
  for (;;) {
    if (devServer.exitCode !== null) throw new Error(`wds exited:\n${devLog}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error(`wds did not answer within ${timeout} ms:\n${devLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('served buildless by @web/dev-server --node-resolve (no plugins), rtc-call loads, upgrades and joins', async () => {
  const { page, context, errors } = await openPage(chromium.browser, devUrl);
  try {
    /** @type {string[]} */
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    // `call-state` says `joined` once the broker has given a seat and PeerJS's socket is open.
    await page
      .waitForFunction(() => document.querySelector('rtc-call')?.getAttribute('call-state') === 'joined', {
        timeout: 60000,
      })
      .catch((err) => {
        throw new Error(`${err.message}; page errors: ${errors.join(' | ') || 'none'}; failed: ${failed.join(' | ')}`);
      });
    const upgraded = await page.evaluate(() => {
      const el = document.querySelector('rtc-call');
      return { defined: !!customElements.get('rtc-call'), shadow: !!el?.shadowRoot?.childElementCount };
    });
    assert.deepEqual(upgraded, { defined: true, shadow: true });
    assert.deepEqual(errors, [], 'no page or module errors');
    assert.deepEqual(failed, [], 'every module was served');
  } finally {
    await context.close();
  }
});
