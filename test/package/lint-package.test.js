// @ts-check
// Both packages as linters of published packages judge them: publint --strict, and Are the Types Wrong (attw), on the
// tarballs npm would publish. attw's profile is in .attw.json: "esm-only", as the packages are ES modules only (as
// Lit is), so the CommonJS `require` and node10 resolutions it would otherwise try are not ours to pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../server/helpers.js';
import { npmPack } from '../support/npm-pack.js';

const run = promisify(execFile);
const out = join(ROOT, 'tmp', `packed-${process.pid}`);
const bin = (/** @type {string} */ name) => join(ROOT, 'node_modules', '.bin', name);
/** @type {Record<string, string>} package name → its tarball */
const tarballs = {};

before(async () => {
  mkdirSync(out, { recursive: true });
  for (const dir of [ROOT, join(ROOT, 'server')]) {
    const { name, tarball } = await npmPack(dir, out);
    tarballs[name] = /** @type {string} */ (tarball);
  }
});

after(() => rmSync(out, { recursive: true, force: true }));

for (const name of ['rtc-call', '@rtc-call/server']) {
  test(`${name}: publint --strict has nothing to say`, async () => {
    const { stdout } = await run(bin('publint'), ['--strict', tarballs[name]], { cwd: ROOT, timeout: 60000 });
    assert.match(stdout, /All good!/);
  });

  test(`${name}: Are the Types Wrong finds no problem`, async () => {
    const result = await run(bin('attw'), [tarballs[name], '--format', 'json'], { cwd: ROOT, timeout: 60000 }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (/** @type {{code: number, stdout: string}} */ err) => err,
    );
    const report = JSON.parse(result.stdout);
    const problems = (report.analysis?.problems ?? []).filter(
      (/** @type {{resolutionKind?: string}} */ p) => !['node10', 'node16-cjs'].includes(p.resolutionKind ?? ''),
    );
    assert.deepEqual(problems, [], 'problems in the ES module resolutions (node16 from ESM, bundler)');
    assert.equal(result.code, 0, 'attw exits 0 under the profile of .attw.json');
  });
}
