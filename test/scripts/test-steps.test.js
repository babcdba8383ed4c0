// @ts-check
// `npm test` cannot pass a suite that ran nothing, or skipped something: real node:test runs on throwaway suites,
// through the same code path as the real steps (scripts/node-tests.mjs, judged by scripts/test-steps.mjs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTap, parseWtr, runSteps, verdict, expandGlob } from '../../scripts/test-steps.mjs';

const runner = fileURLToPath(new URL('../../scripts/node-tests.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rtc-call-suites-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * A suite of its own (files in a directory of their own), run as `npm test` runs the server and end-to-end steps.
 * @param {string} name
 * @param {Record<string, string>} files
 * @param {number} [timeout] ms each test may take
 */
async function runSuite(name, files, timeout = 20000) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'deep'), { recursive: true });
  for (const [file, body] of Object.entries(files)) writeFileSync(join(dir, file), body);
  let out = '';
  const result = await runSteps(
    [{ name, cmd: process.execPath, args: [runner, `${name}/**/*.test.js`, String(timeout)], tests: 'tap', cwd: root }],
    { write: (s) => void (out += s) },
  );
  return { ...result, out, last: out.trim().split('\n').pop() };
}

const header = "import { test, describe, it } from 'node:test';\n";

test('a suite whose tests all pass passes (so the failures below are about the suite, not the runner)', async () => {
  const r = await runSuite('passing', {
    'a.test.js': `${header}test('one', () => {});\n`,
    'deep/b.test.js': `${header}test('two', () => {});\n`,
    'helper.js': `throw new Error('not a test file: never run');\n`,
  });
  assert.equal(r.ok, true, r.out);
  assert.equal(r.last, '2 passed, 0 failed');
});

test('an empty suite fails the run', async () => {
  const r = await runSuite('empty', {});
  assert.equal(r.ok, false, r.out);
  assert.match(r.out, /✗ empty failed/);
  assert.equal(r.last, '0 passed, 1 failed');
});

test('a test file that declares no test fails the run', async () => {
  const r = await runSuite('no-tests', { 'a.test.js': `${header}\n` });
  assert.equal(r.ok, false, r.out);
  assert.match(r.out, /✗ no-tests failed: 1 test file\(s\) declared no test/);
});

test('a skipped test fails the run, however it is skipped', async () => {
  const ways = {
    'test.skip': `test.skip('later', () => {});`,
    'it.skip': `describe('d', () => { it('now', () => {}); it.skip('later', () => {}); });`,
    'skip option': `test('later', { skip: 'not today' }, () => {});`,
    't.skip()': `test('later', (t) => { t.skip('not today'); });`,
  };
  for (const [way, body] of Object.entries(ways)) {
    const r = await runSuite(`skipped-${way.replace(/\W/g, '')}`, {
      'a.test.js': `${header}test('one that runs', () => {});\n${body}\n`,
    });
    assert.equal(r.ok, false, `${way}: ${r.out}`);
    assert.match(r.out, /1 skipped: every test must run/, way);
    assert.match(r.last ?? '', /^\d+ passed, 1 failed, 1 skipped$/, way);
  }
});

test('a todo test fails the run, and so does a suite of nothing but a skip and a todo', async () => {
  const todo = await runSuite('todo', { 'a.test.js': `${header}test('now', () => {});\ntest.todo('some day');\n` });
  assert.equal(todo.ok, false, todo.out);
  assert.match(todo.out, /1 todo: every test must run/);
  const nothing = await runSuite('skip-and-todo', {
    'a.test.js': `${header}test.skip('later', () => {});\ntest.todo('some day');\n`,
  });
  assert.equal(nothing.ok, false, nothing.out);
});

test('a failing test fails the run', async () => {
  const r = await runSuite('failing', {
    'a.test.js': `${header}test('good', () => {});\ntest('bad', () => { throw new Error('no'); });\n`,
  });
  assert.equal(r.ok, false, r.out);
  assert.equal(r.last, '1 passed, 1 failed');
});

test('a test that hangs is cut off by the time limit, and fails the run', async () => {
  const r = await runSuite(
    'hanging',
    { 'a.test.js': `${header}test('hangs', () => new Promise(() => setTimeout(() => {}, 60000)));\n` },
    1000,
  );
  assert.equal(r.ok, false, r.out);
  assert.match(r.out, /✗ hanging failed: 1 cancelled/);
});

test('counts: a summary that says 0 tests, or skips, fails whatever the exit code; failures fail it too', () => {
  const tap = (/** @type {Record<string, number>} */ c) =>
    Object.entries({ tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0, ...c })
      .map(([k, v]) => `# ${k} ${v}`)
      .join('\n');
  assert.equal(verdict(parseTap(tap({ tests: 3, pass: 3 })), 0), undefined);
  assert.equal(verdict(parseTap(tap({})), 0), 'it ran no tests');
  assert.match(verdict(parseTap(tap({ tests: 2, pass: 1, cancelled: 1 })), 0) ?? '', /1 cancelled/);
  assert.equal(verdict(parseTap(tap({ tests: 2, pass: 1, fail: 1 })), 0), '1 failed');
  assert.equal(verdict(parseTap(tap({ tests: 2, pass: 2 })), 1), 'exit 1');
  assert.match(verdict(parseTap('ok 1 - x\n'), 0) ?? '', /no test summary/);

  // @web/test-runner's progress line, colours and all; the last one counts.
  const wtr =
    'Chromium: |████| 1/4 test files | 2 passed, 0 failed\nChromium: |████| 4/4 test files | \u001b[32m40 passed\u001b[39m, 0 failed';
  assert.deepEqual(parseWtr(wtr), { tests: 40, passed: 40, failed: 0, skipped: 0, todo: 0, cancelled: 0, empty: 0 });
  assert.equal(verdict(parseWtr(wtr), 0), undefined);
  assert.match(verdict(parseWtr(`${wtr}, \u001b[90m2 skipped\u001b[39m`), 0) ?? '', /2 skipped/);
  assert.equal(verdict(parseWtr('Chromium: |  | 0/0 test files | 0 passed, 0 failed'), 0), 'it ran no tests');
  assert.equal(verdict(parseWtr('3 passed, 1 failed'), 0), '1 failed');
  assert.match(verdict(parseWtr('Error: could not start the browser'), 1) ?? '', /no test summary/);
});

test('patterns name test files at any depth, and nothing else', () => {
  const dir = join(root, 'glob');
  mkdirSync(join(dir, 'x', 'y'), { recursive: true });
  for (const f of ['a.test.js', 'helpers.js', 'x/b.test.js', 'x/y/c.test.js', 'x/y/c.test.js.map'])
    writeFileSync(join(dir, f), '');
  assert.deepEqual(expandGlob('glob/**/*.test.js', root), ['glob/a.test.js', 'glob/x/b.test.js', 'glob/x/y/c.test.js']);
  assert.deepEqual(expandGlob('glob/*.test.js', root), ['glob/a.test.js']);
  assert.deepEqual(expandGlob('nowhere/**/*.test.js', root), []);
});
