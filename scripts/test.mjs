// `npm test`: every check, in order, stopping at the first failure. Chromium is found (or installed, or explained)
// before any browser test starts.
import { spawn } from 'node:child_process';
import { findChromium, findTurnserver, findFirefox } from '../test/support/packages.js';

const steps = [
  ['build', 'npm', ['run', 'build', '--silent']],
  ['custom-elements.json is current', 'node', ['scripts/check-manifest.mjs']],
  ['type-check', 'npm', ['run', 'typecheck', '--silent']],
  ['lint (TypeScript, Lit, web components, template accessibility)', 'npm', ['run', 'lint', '--silent']],
  ['server tests', 'npm', ['run', 'test:server', '--silent']],
  ['element tests (headless Chromium)', 'npm', ['run', 'test:elements', '--silent']],
  ['end-to-end calls (headless Chromium, broker process)', 'npm', ['run', 'test:e2e', '--silent']],
];

// What the browser and relay tests drive: found, installed (as root, with apt-get), or explained, before anything runs.
try {
  process.env.CHROME_PATH = findChromium();
  process.env.TURNSERVER_PATH = findTurnserver();
  process.env.FIREFOX_PATH = findFirefox();
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}

/** Runs a step, passing its output through, and counts the tests it reports (node:test and wtr summaries). */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      text += d;
    });
    child.on('close', (code, signal) => {
      // eslint-disable-next-line no-control-regex
      const plain = text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
      const last = (re) => [...plain.matchAll(re)].map((m) => Number(m[1])).pop() ?? 0;
      const wtr = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
      const passed = last(/^# pass (\d+)$/gm) + (wtr ? Number(wtr[1]) : 0);
      const failed = last(/^# fail (\d+)$/gm) + (wtr ? Number(wtr[2]) : 0);
      resolve({ status: code ?? signal, passed, failed });
    });
  });
}

const started = Date.now();
let passed = 0;
let failed = 0;
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}`);
  const t = Date.now();
  const r = await run(cmd, args);
  passed += r.passed;
  failed += r.failed;
  if (r.status !== 0) {
    console.error(`\n✗ ${name} failed (exit ${r.status}).`);
    console.log(`\n${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(1);
  }
  console.log(`✓ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
console.log(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
console.log(`${passed} passed, ${failed} failed`);
