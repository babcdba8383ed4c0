// @ts-check
// What `npm run build` makes from custom-elements.json for editors and frameworks: VS Code's custom data, JetBrains'
// web-types and React 19 JSX types; each must name every attribute, event and slot of the manifest, and the JSX types
// must type-check a TSX page with the real @types/react.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../server/helpers.js';
import { typeCheck } from '../support/type-check.js';

const read = (/** @type {string} */ file) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const manifest = read('custom-elements.json');
const pkg = read('package.json');
/** @type {any[]} */
const elements = manifest.modules.flatMap((/** @type {any} */ m) =>
  (m.declarations ?? []).filter((/** @type {any} */ d) => d.customElement),
);
const settable = (/** @type {any} */ el) =>
  (el.attributes ?? [])
    .filter((/** @type {any} */ a) => !/Read-only/.test(a.description ?? ''))
    .map((/** @type {any} */ a) => a.name);
const names = (/** @type {any[] | undefined} */ list) => (list ?? []).map((x) => x.name);

test('VS Code custom data lists every element with its settable attributes, and the values of the enumerated ones', () => {
  assert.equal(pkg.exports['./vscode.html-custom-data.json'], './dist/vscode.html-custom-data.json');
  const data = read('dist/vscode.html-custom-data.json');
  assert.deepEqual(data.tags.map((/** @type {any} */ t) => t.name).sort(), elements.map((e) => e.tagName).sort());
  for (const el of elements) {
    const tag = data.tags.find((/** @type {any} */ t) => t.name === el.tagName);
    assert.deepEqual(names(tag.attributes), settable(el), el.tagName);
  }
  const call = data.tags.find((/** @type {any} */ t) => t.name === 'rtc-call');
  const attr = (/** @type {string} */ n) => call.attributes.find((/** @type {any} */ a) => a.name === n);
  assert.deepEqual(names(attr('theme').values), ['light', 'dark']);
  assert.equal(attr('manual').valueSet, 'v');
  assert.equal(attr('state'), undefined, 'read-only state is not offered for markup');
});

test('web-types (named by package.json) has every element, attribute, event, slot, part and custom property', () => {
  assert.equal(pkg['web-types'], './dist/web-types.json');
  const data = read('dist/web-types.json');
  assert.equal(data.name, 'rtc-call');
  assert.equal(data.version, pkg.version);
  for (const el of elements) {
    const entry = data.contributions.html.elements.find((/** @type {any} */ e) => e.name === el.tagName);
    assert.ok(entry, el.tagName);
    assert.deepEqual(names(entry.attributes), settable(el));
    assert.deepEqual(names(entry.js.events), names(el.events));
    assert.deepEqual(names(entry.slots), names(el.slots));
    assert.deepEqual(names(entry.css.parts), names(el.cssParts));
    assert.deepEqual(names(entry.css.properties), names(el.cssProperties));
  }
  const call = data.contributions.html.elements.find((/** @type {any} */ e) => e.name === 'rtc-call');
  assert.deepEqual(names(call.slots), ['toolbar-start', 'toolbar-end', 'empty', 'prejoin']);
});

/**
 * Type-checks a TSX file of a consumer project inside this package (so `rtc-call` resolves through `exports`) with
 * React 19's types, and returns TypeScript's complaints.
 * @param {string} source
 */
const typeCheckTsx = (/** @type {string} */ source) => typeCheck(ROOT, 'page.tsx', source);

test('React 19 TSX: <rtc-call> with typed attributes, properties and onrtc-… events once rtc-call/jsx-react is imported', () => {
  const page = `import type { RtcCallState } from 'rtc-call';
export const page = (
  <rtc-call
    room="standup"
    name="Ana"
    ice-transport-policy="relay"
    start-muted
    theme="dark"
    shortcuts="off"
    debug=""
    strings={{ leave: 'Hang up' }}
    className="call"
    ref={(el) => void el?.setMicrophone(false)}
    onrtc-joined={(e) => console.log(e.detail.room, e.detail.participant.local)}
    onrtc-state-change={(e) => {
      const state: RtcCallState = e.detail.state;
      console.log(state);
    }}
    onrtc-device-change={(e) => console.log(e.detail.selected.videoinput)}
    onrtc-request-leave={(e) => e.preventDefault()}
  >
    <button slot="toolbar-end">Notes</button>
  </rtc-call>
);
export const picker = <rtc-device-picker onrtc-device-select={(e) => console.log(e.detail.kind)} />;
// @ts-expect-error: no such attribute
export const misspelt = <rtc-call rooom="standup" />;
// @ts-expect-error: not a theme
export const blue = <rtc-call theme="blue" />;
// @ts-expect-error: rtc-joined's detail has no code
export const wrongEvent = <rtc-call onrtc-joined={(e) => e.detail.code} />;
`;
  assert.deepEqual(typeCheckTsx(`import type {} from 'rtc-call/jsx-react';\n${page}`), []);
  // Without it, React does not know the element: the error a React 19 project meets today.
  const without = typeCheckTsx(`import 'rtc-call';\n${page}`);
  assert.ok(
    without.some((m) => m.includes("Property 'rtc-call' does not exist on type 'JSX.IntrinsicElements'")),
    without.join('\n'),
  );
});
