// @ts-check
/**
 * The packed tarball as a Vite project meets it: `npm pack`, unpacked into a fresh project's node_modules (its four
 * dependencies linked from this repository's, as npm would have installed them: tests stay offline), a TSX use of
 * the element type-checked against the shipped JSX types, `vite build`, and the built page holding a call between
 * two browser pages on a real broker, each seeing the other's video frames advance.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../server/helpers.js';
import { npmPack } from '../support/npm-pack.js';
import { checkFiles } from '../support/type-check.js';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, remoteFrames, waitForRemoteVideos } from '../support/browser.js';

const run = promisify(execFile);
const VITE = join(ROOT, 'node_modules/.bin/vite');
/** What npm installs beside rtc-call (its dependencies, and @lit/react's React types, hoisted as npm does). */
const DEPENDENCIES = ['lit', 'peerjs', '@lit/context', '@lit/react', '@types/react'];

/** @type {Awaited<ReturnType<typeof startServer>>} */
let broker;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {http.Server} */
let site;
let project = '';
let siteUrl = '';

before(async () => {
  project = mkdtempSync(join(tmpdir(), 'rtc-call-vite-'));
  const tarball = /** @type {string} */ ((await npmPack(ROOT, project)).tarball);
  mkdirSync(join(project, 'node_modules/@lit'), { recursive: true });
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  await run('tar', ['xzf', tarball, '-C', project], { timeout: 30000 });
  await run('mv', [join(project, 'package'), join(project, 'node_modules/rtc-call')]);
  for (const dep of DEPENDENCIES)
    symlinkSync(join(ROOT, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(
    join(project, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vite consumer</title><link rel="icon" href="data:,"></head>
<body><rtc-call></rtc-call><script type="module" src="/main.ts"></script></body></html>`,
  );
  writeFileSync(
    join(project, 'main.ts'),
    `import 'rtc-call';
import type { RtcCall } from 'rtc-call';
const call: RtcCall = document.querySelector('rtc-call')!;
const params = new URLSearchParams(location.search);
call.noPrejoin = true;
call.server = params.get('server') ?? '';
call.name = params.get('name') ?? '';
call.room = params.get('room') ?? 'vite';
`,
  );
  broker = await startServer();
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await broker?.stop();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  if (project) rmSync(project, { recursive: true, force: true });
});

test('the tarball has what a Vite project needs, and none of the server', () => {
  const installed = JSON.parse(readFileSync(join(project, 'node_modules/rtc-call/package.json'), 'utf8'));
  assert.deepEqual(Object.keys(installed.dependencies).sort(), ['@lit/context', '@lit/react', 'lit', 'peerjs']);
  assert.ok(!existsSync(join(project, 'node_modules/rtc-call/server')), 'the server is a package of its own');
});

test('a TSX use of <rtc-call> type-checks against the shipped JSX types, and a wrong one does not', () => {
  const file = join(project, 'page.tsx');
  writeFileSync(
    file,
    `import type {} from 'rtc-call/jsx-react';
import type { RtcCallState } from 'rtc-call';
export const page = (
  <rtc-call
    room="standup"
    name="Ana"
    onrtc-state-change={(e) => {
      const state: RtcCallState = e.detail.state;
      console.log(state);
    }}
  />
);
// @ts-expect-error: no such attribute
export const misspelt = <rtc-call rooom="standup" />;
`,
  );
  const { program, problems } = checkFiles([file]);
  assert.deepEqual(problems, []);
  // The resolution went through the unpacked tarball, not through this repository.
  const jsx = program.getSourceFiles().find((f) => f.fileName.endsWith('jsx-react.d.ts'));
  assert.ok(jsx?.fileName.startsWith(join(project, 'node_modules/rtc-call/')), jsx?.fileName);
});

test('vite build makes a page that holds a call between two browsers, from the packed tarball', async () => {
  const { stdout: built } = await run(VITE, ['build', '--logLevel', 'warn'], { cwd: project, timeout: 120000 });
  const dist = join(project, 'dist');
  assert.ok(existsSync(join(dist, 'index.html')), `vite built the page: ${built}`);
  site = http.createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
    const type = { '.html': 'text/html', '.js': 'text/javascript' }[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(readFileSync(file));
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(undefined)));
  siteUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (site.address()).port}/`;

  const room = `vite-${Date.now()}`;
  const url = (/** @type {string} */ name) =>
    `${siteUrl}?server=${encodeURIComponent(broker.url)}&room=${room}&name=${name}`;
  const pages = [await openPage(chromium.browser, url('Ana')), await openPage(chromium.browser, url('Ben'))];
  try {
    for (const { page, errors } of pages)
      await waitForRemoteVideos(page, 1, 45000).catch((err) => {
        throw new Error(`${err.message}; page errors: ${errors.join(' | ') || 'none'}`);
      });
    for (const { page } of pages) {
      const { before, after } = await remoteFrames(page, 1500);
      assert.equal(before.length, 1, 'one remote tile');
      assert.ok(after[0] > before[0], `the other's video advances: ${before[0]} -> ${after[0]}`);
    }
    for (const { errors } of pages) assert.deepEqual(errors, [], 'no page errors');
  } finally {
    for (const { context } of pages) await context.close();
  }
});
