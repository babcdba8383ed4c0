// `npm test`: every check, in order, stopping at the first failure. Chromium is found (or installed, or explained)
// before any browser test starts. A test step passes only if it ran tests and none failed, was skipped, left as
// todo or cancelled (see test-steps.mjs); the last line, `N passed, N failed`, is what CI reads.
import {
  findChromium,
  findTurnserver,
  findFirefox,
  findIptables,
  findIp,
  findRedisServer,
} from '../test/support/packages.js';
import { runSteps } from './test-steps.mjs';

const steps = [
  { name: 'build', cmd: 'npm', args: ['run', 'build', '--silent'] },
  { name: 'custom-elements.json is current', cmd: 'node', args: ['scripts/check-manifest.mjs'] },
  { name: 'type-check', cmd: 'npm', args: ['run', 'typecheck', '--silent'] },
  {
    name: 'lint (TypeScript, Lit, web components, template accessibility)',
    cmd: 'npm',
    args: ['run', 'lint', '--silent'],
  },
  {
    name: 'the test runner judges suites by their counts',
    cmd: 'npm',
    args: ['run', 'test:scripts', '--silent'],
    tests: 'tap',
  },
  {
    name: 'the package as consumers load it (Node, buildless browser, packed files)',
    cmd: 'npm',
    args: ['run', 'test:package', '--silent'],
    tests: 'tap',
  },
  { name: 'server tests', cmd: 'npm', args: ['run', 'test:server', '--silent'], tests: 'tap' },
  { name: 'element tests (headless Chromium)', cmd: 'npm', args: ['run', 'test:elements', '--silent'], tests: 'wtr' },
  {
    name: 'end-to-end calls (headless Chromium, broker process)',
    cmd: 'npm',
    args: ['run', 'test:e2e', '--silent'],
    tests: 'tap',
  },
  {
    name: 'fault tests (network namespaces: broker link and media path cut on purpose)',
    cmd: 'npm',
    args: ['run', 'test:faults', '--silent'],
    tests: 'tap',
  },
];

// What the browser and relay tests drive: found, installed (as root, with apt-get), or explained, before anything runs.
try {
  process.env.CHROME_PATH = findChromium();
  process.env.TURNSERVER_PATH = findTurnserver();
  process.env.FIREFOX_PATH = findFirefox();
  findIptables();
  findIp();
  findRedisServer();
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}

const { ok } = await runSteps(/** @type {any} */ (steps));
process.exit(ok ? 0 : 1);
