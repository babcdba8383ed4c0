// `npm test`: every check, in order, stopping at the first failure. Chromium is found (or installed, or explained)
// before any browser test starts.
import { spawnSync } from 'node:child_process';
import { findChromium } from '../test/support/chromium.js';

const steps = [
  ['build', 'npm', ['run', 'build', '--silent']],
  ['custom-elements.json is current', 'node', ['scripts/check-manifest.mjs']],
  ['type-check', 'npm', ['run', 'typecheck', '--silent']],
  ['server tests', 'npm', ['run', 'test:server', '--silent']],
  ['element tests (headless Chromium)', 'npm', ['run', 'test:elements', '--silent']],
  ['end-to-end calls (headless Chromium, broker process)', 'npm', ['run', 'test:e2e', '--silent']],
];

try {
  process.env.CHROME_PATH = findChromium();
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}

const started = Date.now();
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}`);
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? '' } });
  if (r.status !== 0) {
    console.error(`\n✗ ${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
  console.log(`✓ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
console.log(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
