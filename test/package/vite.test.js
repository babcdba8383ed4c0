// @ts-check
/**
 * The packed tarball as a Vite project meets it: `npm pack`, unpacked into a fresh project's node_modules (its four
 * dependencies linked from this repository's, as npm would have installed them: tests stay offline), a TSX use of
 * the element type-checked against the shipped JSX types, `vite build`, and the built page holding a call between
 * two browser pages on a real broker, each seeing the other's video frames advance. The same project has a React 19
 * page (TSX, type-checked too) that renders two `rtc-call/react` components into one room: each hears its own
 * `rtc-joined` and the other's `rtc-participant-joined` through its `onRtc…` props, and a re-render's props reach the
 * mounted elements.
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
/** The React page's own dependencies, as its project would have installed them. */
const REACT = ['react', 'react-dom', '@types/react-dom'];

/**
 * A React 19 page of the consumer: two `RtcCall` components in one room, whose `onRtc…` handlers write down what they
 * heard (`window.heard`), and `window.restyle()`, a state change that re-renders them with other props.
 */
const REACT_PAGE = `import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { RtcCall } from 'rtc-call/react';

/** What a call's handler heard: the event, and the participant its \`detail\` names. */
type Heard = { call: string; type: string; participant: string };
declare global {
  interface Window {
    heard: Heard[];
    restyle: () => void;
  }
}

const params = new URLSearchParams(location.search);
window.heard = [];

function App() {
  const [restyled, setRestyled] = useState(false);
  window.restyle = () => setRestyled(true);
  return (
    <div className="calls">
      {['Ana', 'Ben'].map((name) => (
        <RtcCall
          key={name}
          noPrejoin
          server={params.get('server') ?? ''}
          room={params.get('room') ?? 'react'}
          name={name}
          theme={restyled ? 'dark' : 'light'}
          strings={restyled ? { leave: 'Hang up' } : undefined}
          onRtcJoined={(e) => window.heard.push({ call: name, type: e.type, participant: e.detail.participant.name })}
          onRtcParticipantJoined={(e) =>
            window.heard.push({ call: name, type: e.type, participant: e.detail.participant.name })
          }
        />
      ))}
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
`;

/** @type {Awaited<ReturnType<typeof startServer>>} */
let broker;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {http.Server} */
let site;
let project = '';
/** @type {Promise<string> | undefined} */
let built;

before(async () => {
  project = mkdtempSync(join(tmpdir(), 'rtc-call-vite-'));
  const tarball = /** @type {string} */ ((await npmPack(ROOT, project)).tarball);
  mkdirSync(join(project, 'node_modules/@lit'), { recursive: true });
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  await run('tar', ['xzf', tarball, '-C', project], { timeout: 30000 });
  await run('mv', [join(project, 'package'), join(project, 'node_modules/rtc-call')]);
  for (const dep of [...DEPENDENCIES, ...REACT])
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
  writeFileSync(
    join(project, 'react.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>react consumer</title><link rel="icon" href="data:,">
<style>.calls { display: flex; gap: 8px } .calls > rtc-call { flex: 1; height: 400px }</style></head>
<body><div id="root"></div><script type="module" src="/react.tsx"></script></body></html>`,
  );
  writeFileSync(join(project, 'react.tsx'), REACT_PAGE);
  writeFileSync(
    join(project, 'vite.config.js'),
    `export default { build: { rolldownOptions: { input: { main: 'index.html', react: 'react.html' } } } };\n`,
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

test('the React page type-checks against rtc-call/react: typed props and onRtc… events, and wrong ones do not', () => {
  const wrong = join(project, 'react-wrong.tsx');
  writeFileSync(
    wrong,
    `import { RtcCall } from 'rtc-call/react';
// @ts-expect-error: room is a string
export const room = <RtcCall room={5} />;
// @ts-expect-error: the detail of rtc-joined has no such field
export const detail = <RtcCall onRtcJoined={(e) => e.detail.nope} />;
// @ts-expect-error: no such event
export const misspelt = <RtcCall onRtcJoind={() => {}} />;
`,
  );
  const { program, problems } = checkFiles([join(project, 'react.tsx'), wrong]);
  assert.deepEqual(problems, []);
  const wrapper = program.getSourceFiles().find((f) => f.fileName.endsWith('/lib/react.d.ts'));
  assert.ok(wrapper?.fileName.startsWith(join(project, 'node_modules/rtc-call/')), wrapper?.fileName);
});

/**
 * `vite build` of the project (once, for the tests that open its pages), served on loopback: the site's URL.
 * @returns {Promise<string>}
 */
function builtSite() {
  built ??= (async () => {
    const { stdout } = await run(VITE, ['build', '--logLevel', 'warn'], { cwd: project, timeout: 120000 });
    const dist = join(project, 'dist');
    for (const page of ['index.html', 'react.html'])
      assert.ok(existsSync(join(dist, page)), `vite built ${page}: ${stdout}`);
    site = http.createServer((req, res) => {
      const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
      const file = join(dist, path === '/' ? 'index.html' : path);
      if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
      const type = { '.html': 'text/html', '.js': 'text/javascript' }[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(readFileSync(file));
    });
    await new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(undefined)));
    return `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (site.address()).port}/`;
  })();
  return built;
}

test('vite build makes a page that holds a call between two browsers, from the packed tarball', async () => {
  const siteUrl = await builtSite();
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

test('rtc-call/react from the built page: two calls in one room hear rtc-joined and rtc-participant-joined through their onRtc… props, and a re-render reaches the elements', async () => {
  const siteUrl = await builtSite();
  const room = `react-${Date.now()}`;
  const { page, context, errors } = await openPage(
    chromium.browser,
    `${siteUrl}react.html?server=${encodeURIComponent(broker.url)}&room=${room}`,
  );
  const heard = () => page.evaluate(() => /** @type {any} */ (window).heard);
  try {
    await page
      .waitForFunction(
        () =>
          /** @type {any[] | undefined} */ (/** @type {any} */ (window).heard)?.filter(
            (h) => h.type === 'rtc-participant-joined',
          ).length === 2,
        { timeout: 45000 },
      )
      .catch(async (err) => {
        throw new Error(
          `${err.message}; heard: ${JSON.stringify(await heard())}; page errors: ${errors.join(' | ') || 'none'}`,
        );
      });
    const of = async (/** @type {string} */ call) =>
      (await heard()).filter((/** @type {{call: string}} */ h) => h.call === call);
    // Each call hears its own joining first, then the other person (the order a page that sets up on rtc-joined needs).
    assert.deepEqual(await of('Ana'), [
      { call: 'Ana', type: 'rtc-joined', participant: 'Ana' },
      { call: 'Ana', type: 'rtc-participant-joined', participant: 'Ben' },
    ]);
    assert.deepEqual(await of('Ben'), [
      { call: 'Ben', type: 'rtc-joined', participant: 'Ben' },
      { call: 'Ben', type: 'rtc-participant-joined', participant: 'Ana' },
    ]);

    // Drawn in full (while a call that began by itself connects, only its videos are: README `videos-first`).
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('rtc-call')].every(
          (el) => el.shadowRoot && !el.shadowRoot.querySelector('[part~="base"][aria-busy]'),
        ),
      { timeout: 20000 },
    );
    const elements = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('rtc-call')].map((/** @type {any} */ el) => ({
          room: el.room,
          name: el.name,
          server: el.server,
          noPrejoin: el.noPrejoin,
          nameAttribute: el.getAttribute('name'),
          theme: el.theme,
          state: el.state,
          leave: el.shadowRoot.querySelector('[part~="leave-button"]')?.getAttribute('aria-label'),
        })),
      );
    const props = { room, server: broker.url, noPrejoin: true, nameAttribute: null, state: 'joined' };
    // Set as properties, as @lit/react does for the element's own (name does not reflect: no attribute).
    assert.deepEqual(await elements(), [
      { ...props, name: 'Ana', theme: 'light', leave: 'Leave call' },
      { ...props, name: 'Ben', theme: 'light', leave: 'Leave call' },
    ]);

    // A state change re-renders the components: the same elements, still in the call, get the new props.
    await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.mounted = [...document.querySelectorAll('rtc-call')];
      w.restyle();
    });
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('rtc-call')].every(
          (el) =>
            el.getAttribute('theme') === 'dark' &&
            el.shadowRoot?.querySelector('[part~="leave-button"]')?.getAttribute('aria-label') === 'Hang up',
        ),
      { timeout: 15000 },
    );
    assert.deepEqual(await elements(), [
      { ...props, name: 'Ana', theme: 'dark', leave: 'Hang up' },
      { ...props, name: 'Ben', theme: 'dark', leave: 'Hang up' },
    ]);
    assert.ok(
      await page.evaluate(() =>
        [...document.querySelectorAll('rtc-call')].every((el, i) => el === /** @type {any} */ (window).mounted[i]),
      ),
      'the re-render kept the mounted elements',
    );
    assert.equal((await heard()).length, 4, 'nothing heard twice, no rejoin');
    assert.deepEqual(errors, [], 'no page errors');
  } finally {
    await context.close();
  }
});
