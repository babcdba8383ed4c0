// @ts-check
// scripts/check-manifest.mjs, a step of `npm test`: custom-elements.json follows the Custom Elements Manifest schema
// (scripts/manifest-schema.mjs), and a copy that does not fails the step with a list that says where and what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { manifestProblems, SCHEMA_VERSION } from '../../scripts/manifest-schema.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A fresh copy of the repository's manifest, to break. */
const manifest = () => JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
/**
 * A module of `m` by its shipped path, with its index and how the problems name it.
 * @param {any} m
 * @param {string} path
 */
function moduleOf(m, path) {
  const index = m.modules.findIndex((/** @type {any} */ mod) => mod.path === path);
  assert.ok(index >= 0, path);
  return { mod: m.modules[index], at: `modules[${index}] ${path}` };
}
/**
 * The custom element `tag` of `m`, and how the problems name it.
 * @param {any} m
 * @param {string} tag
 */
function elementOf(m, tag) {
  const { mod, at } = moduleOf(m, `lib/components/${tag}/${tag}.js`);
  const index = mod.declarations.findIndex((/** @type {any} */ d) => d.tagName === tag);
  assert.ok(index >= 0, tag);
  const el = mod.declarations[index];
  return { el, at: `${at} > declarations[${index}] ${el.name}` };
}

test('custom-elements.json follows the schema of the version it says', () => {
  const m = manifest();
  assert.equal(m.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual(manifestProblems(m), []);
});

test('a module, declaration, member or export that breaks schema.json is named, with what is wrong (one line each, not one per kind it is not)', () => {
  const m = manifest();
  const layout = moduleOf(m, 'lib/components/rtc-call/layout.js');
  layout.mod.kind = 'module';
  const { el, at } = elementOf(m, 'rtc-call');
  el.members[0].kind = 'prop';
  el.members[1].type = 'string';
  const exported = layout.mod.exports[0];
  exported.declaration = 'layout.js';
  const tile = elementOf(m, 'rtc-video-tile');
  delete tile.el.name;
  assert.deepEqual(manifestProblems(m), [
    `${layout.at} > exports[0] ${exported.name} > declaration: must be object`,
    `${layout.at} > kind: must be equal to one of the allowed values: javascript-module`,
    `${at} > members[0] ${el.members[0].name} > kind: is "prop", not one of field, method`,
    `${at} > members[1] ${el.members[1].name} > type: must be object`,
    `${tile.at.replace(/ RtcVideoTile$/, '')}: must have required property 'name'`,
  ]);
});

test('what a custom element adds to a class is checked too (schema.json 1.0.0 lost it): attributes, events, slots, parts, custom properties', () => {
  const m = manifest();
  const { el, at } = elementOf(m, 'rtc-call');
  el.attributes[0].name = 5;
  delete el.events[0].type;
  el.slots.push({ description: 'no name' });
  el.cssParts[0].name = null;
  el.cssProperties[0].default = 0;
  el.tagName = ['rtc-call'];
  const tile = elementOf(m, 'rtc-video-tile');
  tile.el.customElement = 'yes';
  assert.deepEqual(manifestProblems(m), [
    `${at} > tagName: must be string`,
    `${at} > attributes[0] > name: must be string`,
    `${at} > events[0] ${el.events[0].name}: must have required property 'type'`,
    `${at} > slots[${el.slots.length - 1}]: must have required property 'name'`,
    `${at} > cssParts[0] > name: must be string`,
    `${at} > cssProperties[0] ${el.cssProperties[0].name} > default: must be string`,
    `${tile.at} > customElement: must be equal to constant`,
  ]);
});

test('a manifest written for another version of the schema is said so, not checked against this one', () => {
  assert.deepEqual(manifestProblems({ ...manifest(), schemaVersion: '2.1.0' }), [
    `schemaVersion is "2.1.0"; the installed schema is ${SCHEMA_VERSION}`,
  ]);
});

test("npm test's step fails on a broken copy, listing its problems; and on a file that is not JSON", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-call-manifest-'));
  try {
    const m = manifest();
    const { el, at } = elementOf(m, 'rtc-video-tile');
    delete el.events[0].type;
    delete el.events[1].type;
    const broken = join(dir, 'custom-elements.json');
    writeFileSync(broken, JSON.stringify(m, null, 2));
    const failed = await run('node', ['scripts/check-manifest.mjs', broken], { cwd: ROOT, timeout: 60000 }).then(
      () => assert.fail('the check passed a broken manifest'),
      (/** @type {{code: number, stderr: string}} */ err) => err,
    );
    assert.equal(failed.code, 1);
    assert.equal(
      failed.stderr,
      [
        `${broken} does not follow the Custom Elements Manifest schema ${SCHEMA_VERSION}:`,
        `  ${at} > events[0] ${el.events[0].name}: must have required property 'type'`,
        `  ${at} > events[1] ${el.events[1].name}: must have required property 'type'`,
        'Fix the JSDoc of the elements (or the analyzer config), then run `npm run analyze`.',
        '',
      ].join('\n'),
    );

    writeFileSync(broken, '{"schemaVersion": "1.0.0",');
    const notJson = await run('node', ['scripts/check-manifest.mjs', broken], { cwd: ROOT, timeout: 60000 }).then(
      () => assert.fail('the check passed a file that is not JSON'),
      (/** @type {{code: number, stderr: string}} */ err) => err,
    );
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /is not JSON: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
