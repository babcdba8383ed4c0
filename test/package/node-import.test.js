// @ts-check
// The package as Node meets it (server-side rendering, Astro, Vite SSR): importing it must not throw, by path or by
// name through package.json `exports`, with no DOM. Each import runs in a child process of its own, so nothing this
// test runner has loaded (or a global another test set) can make it pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../server/helpers.js';

const run = promisify(execFile);

/**
 * Imports `specifier` in a fresh Node from the repository root and reports what it found.
 * @param {string} specifier
 */
async function importInNode(specifier) {
  const script = `
    const hadDom = typeof window !== 'undefined' || typeof document !== 'undefined';
    const m = await import(${JSON.stringify(specifier)});
    console.log(JSON.stringify({
      hadDom,
      exports: Object.keys(m).sort(),
      defined: ['rtc-call', 'rtc-video-tile', 'rtc-device-picker'].filter((t) => globalThis.customElements?.get(t)),
    }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

const EXPECTED = [
  'Call',
  'ConsoleLogger',
  'DefaultReconnectPolicy',
  'LocalMedia',
  // The documented limits of `send(topic, data)`.
  'MAX_MESSAGE_BYTES',
  'MAX_TOPIC_LENGTH',
  'RtcCall',
  'RtcDevicePicker',
  'RtcError',
  'RtcVideoTile',
  'callContext',
  'parseLogLevel',
  'shouldCall',
];

for (const specifier of ['./lib/index.js', 'rtc-call']) {
  test(`import('${specifier}') in Node, without a DOM, gives the elements and the engine`, async () => {
    const got = await importInNode(specifier);
    assert.equal(got.hadDom, false, 'Node has no DOM here');
    assert.deepEqual(got.exports, EXPECTED);
    // Lit's Node build registers them in its server-side registry, as Lit SSR needs.
    assert.deepEqual(got.defined, ['rtc-call', 'rtc-video-tile', 'rtc-device-picker']);
  });
}

test('in Node, the elements construct and render as Lit SSR would (constructor, willUpdate, render)', async () => {
  // The steps @lit-labs/ssr's LitElementRenderer takes, by hand; ssr-render.test.js renders with @lit-labs/ssr itself.
  const script = `
    await import('rtc-call');
    const out = {};
    for (const tag of ['rtc-call', 'rtc-video-tile', 'rtc-device-picker']) {
      const el = new (customElements.get(tag))();
      el.setAttribute?.('room', 'standup');
      el.willUpdate?.(new Map());
      out[tag] = el.render()?.strings?.length > 0;
    }
    console.log(JSON.stringify(out));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30000 });
  assert.deepEqual(JSON.parse(stdout.trim()), { 'rtc-call': true, 'rtc-video-tile': true, 'rtc-device-picker': true });
});
