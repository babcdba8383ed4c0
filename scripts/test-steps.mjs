// @ts-check
/**
 * How `npm test` judges a step: by the tests it reports, not only by its exit code. A runner that finds no test,
 * or skips one, exits 0 all the same; a step passes only when it ran tests and every one of them passed.
 * Kept apart from scripts/test.mjs so test/scripts/ can drive it on suites made to fail.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * @typedef {{tests: number, passed: number, failed: number, skipped: number, todo: number, cancelled: number,
 *   empty: number}} Counts empty: test files that declared no test
 */

// eslint-disable-next-line no-control-regex
const plain = (/** @type {string} */ text) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/**
 * The summary node:test's TAP reporter prints last (`# tests 3`, `# pass 2`, ...), or undefined without one.
 * @param {string} text
 * @returns {Counts | undefined}
 */
export function parseTap(text) {
  const read = (/** @type {string} */ key) => {
    const all = [...plain(text).matchAll(new RegExp(`^# ${key} (\\d+)\\s*$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  const tests = read('tests');
  if (tests === undefined) return undefined;
  return {
    tests,
    passed: read('pass') ?? 0,
    failed: read('fail') ?? 0,
    skipped: read('skipped') ?? 0,
    todo: read('todo') ?? 0,
    cancelled: read('cancelled') ?? 0,
    // Node 20 reports a file that declared no test as one passing test named after the file (later versions count
    // nothing); a file that declared tests is reported through its tests instead.
    empty: [...plain(text).matchAll(/^ok \d+ - .*\.test\.[cm]?js$/gm)].length,
  };
}

/**
 * The last progress line @web/test-runner prints ("12 passed, 0 failed, 1 skipped"), or undefined without one.
 * @param {string} text
 * @returns {Counts | undefined}
 */
export function parseWtr(text) {
  const m = [...plain(text).matchAll(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/g)].pop();
  if (!m) return undefined;
  const [passed, failed, skipped] = [m[1], m[2], m[3] ?? '0'].map(Number);
  return { tests: passed + failed + skipped, passed, failed, skipped, todo: 0, cancelled: 0, empty: 0 };
}

/**
 * Whether a step that reports tests passed, and if not, why.
 * @param {Counts | undefined} counts
 * @param {number | string | null} status the exit code (or signal)
 * @returns {string | undefined} the reason it failed; undefined when it passed
 */
export function verdict(counts, status) {
  if (!counts) return `no test summary in its output (exit ${status})`;
  if (counts.failed > 0) return `${counts.failed} failed`;
  if (counts.tests === 0) return 'it ran no tests';
  if (counts.empty > 0) return `${counts.empty} test file(s) declared no test`;
  for (const key of /** @type {const} */ (['skipped', 'todo', 'cancelled']))
    if (counts[key] > 0) return `${counts[key]} ${key}: every test must run`;
  if (counts.passed !== counts.tests) return `${counts.passed} of ${counts.tests} passed`;
  if (status !== 0) return `exit ${status}`;
  return undefined;
}

/**
 * The files a pattern of the form `dir/**\/*.test.js` (or `dir/*.test.js`) names, sorted. Node 20's `--test` takes
 * no globs, and later ones take no directories: expanding here works on every Node `engines` allows.
 * @param {string} pattern
 * @param {string} [cwd]
 */
export function expandGlob(pattern, cwd = process.cwd()) {
  const m = /^(.*?)\/(\*\*\/)?([^/]+)$/.exec(pattern);
  if (!m || m[1].includes('*')) throw new Error(`unsupported test pattern: ${pattern}`);
  const [, dir, deep, name] = m;
  const re = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  /** @type {string[]} */
  let entries;
  try {
    entries = /** @type {string[]} */ (readdirSync(join(cwd, dir), { recursive: Boolean(deep) }));
  } catch {
    return [];
  }
  return entries
    .map((e) => e.split(sep).join('/'))
    .filter((e) => re.test(e.split('/').pop() ?? ''))
    .map((e) =>
      relative(cwd, join(cwd, dir, e))
        .split(sep)
        .join('/'),
    )
    .sort();
}

/**
 * Runs a step, passing its output through (and collecting it), and judges it.
 * @param {{name: string, cmd: string, args: string[], tests?: 'tap' | 'wtr', cwd?: string}} step tests: what
 *   summary it prints; a step without one (a build) is judged by its exit code alone
 * @param {{write?: (s: string) => void}} [io]
 * @returns {Promise<{counts: Counts | undefined, status: number | string | null, failure: string | undefined}>}
 */
export function runStep(step, { write = (s) => void process.stdout.write(s) } = {}) {
  return new Promise((resolve) => {
    // A step is a run of its own, even when started from a test (node:test would otherwise run no file in it).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(step.cmd, step.args, { cwd: step.cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => {
      write(String(d));
      text += d;
    });
    child.on('error', (err) => resolve({ counts: undefined, status: null, failure: err.message }));
    child.on('close', (code, signal) => {
      const status = code ?? signal;
      if (!step.tests)
        return resolve({ counts: undefined, status, failure: status === 0 ? undefined : `exit ${status}` });
      const counts = step.tests === 'tap' ? parseTap(text) : parseWtr(text);
      resolve({ counts, status, failure: verdict(counts, status) });
    });
  });
}

/**
 * Runs steps in order, stopping at the first failure, and ends with the line CI reads: `N passed, N failed`
 * (and `, N skipped` when any were).
 * @param {Array<Parameters<typeof runStep>[0]>} steps
 * @param {{write?: (s: string) => void}} [io]
 * @returns {Promise<{ok: boolean, passed: number, failed: number, skipped: number}>}
 */
export async function runSteps(steps, io = {}) {
  const write = io.write ?? ((s) => void process.stdout.write(s));
  const started = Date.now();
  const total = { passed: 0, failed: 0, skipped: 0 };
  const summary = () =>
    `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`;
  for (const step of steps) {
    write(`\n=== ${step.name}\n`);
    const t = Date.now();
    const { counts, failure } = await runStep(step, { write });
    total.passed += counts?.passed ?? 0;
    total.failed += counts?.failed ?? 0;
    total.skipped += (counts?.skipped ?? 0) + (counts?.todo ?? 0) + (counts?.cancelled ?? 0);
    if (failure) {
      total.failed = Math.max(total.failed, 1);
      write(`\n✗ ${step.name} failed: ${failure}.\n\n${summary()}`);
      return { ok: false, ...total };
    }
    const ran = counts ? `, ${counts.passed} tests` : '';
    write(`✓ ${step.name} (${((Date.now() - t) / 1000).toFixed(1)} s${ran})\n`);
  }
  write(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.\n${summary()}`);
  return { ok: true, ...total };
}
