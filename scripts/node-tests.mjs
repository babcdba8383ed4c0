// @ts-check
/**
 * `node scripts/node-tests.mjs '<dir>/**\/*.test.js' <timeout ms>`: node:test over the files a pattern names, one
 * file at a time, with the TAP reporter (whose `# tests`/`# pass`/`# skipped` summary scripts/test.mjs reads on every
 * Node version) and a time limit on each test, so a test that hangs fails instead of holding CI forever.
 */
import { spawn } from 'node:child_process';
import { expandGlob } from './test-steps.mjs';

const [pattern, timeout = '60000'] = process.argv.slice(2);
if (!pattern || !/^\d+$/.test(timeout)) {
  console.error("usage: node scripts/node-tests.mjs '<dir>/**/*.test.js' [timeout ms]");
  process.exit(2);
}
const files = expandGlob(pattern);
if (files.length === 0) {
  // `node --test` with no file would search the whole tree instead.
  console.error(`no test files match ${pattern}`);
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=tap', `--test-timeout=${timeout}`, ...files],
  { stdio: 'inherit' },
);
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
