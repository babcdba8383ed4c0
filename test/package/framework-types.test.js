// @ts-check
// The Vue and Svelte types that `npm run build` makes from custom-elements.json (dist/vue.d.ts, dist/svelte.d.ts),
// type-checked against the real `vue` and `svelte` type packages. vue-tsc and svelte-check are not installed, so each
// consumer is written as those checkers see a template: vue-tsc reads a tag's props and events from the `$props` and
// `$emit` of the component GlobalComponents names for it (as Vue's own TSX does, so the Vue consumer is a .tsx with
// jsxImportSource vue); svelte-check turns `<rtc-call …>` into `svelteHTML.createElement('rtc-call', { … })`, whose
// attributes are typed by svelte/elements' SvelteHTMLElements. Each consumer has @ts-expect-error lines (a misspelt
// prop, a wrong type, a wrong event detail), so a type that lets anything through fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../server/helpers.js';
import { CONSUMER_OPTIONS, typeCheck } from '../support/type-check.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/**
 * The complaints TypeScript has about a generated declaration file itself (skipLibCheck would hide them), checked
 * with the real vue and svelte types.
 * @param {string} file
 */
function checkDeclarations(file) {
  const path = join(ROOT, file);
  const program = ts.createProgram([path], { ...CONSUMER_OPTIONS, skipLibCheck: false });
  const source = program.getSourceFile(path);
  assert.ok(source, file);
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
}

for (const name of ['vue', 'svelte']) {
  test(`rtc-call/${name} is a types-only export of dist/${name}.d.ts, which type-checks on its own`, () => {
    assert.deepEqual(pkg.exports[`./${name}`], { types: `./dist/${name}.d.ts` });
    assert.deepEqual(checkDeclarations(`dist/${name}.d.ts`), []);
  });
}

const VUE_PAGE = `import type { GlobalComponents } from 'vue';
import type { RtcCallState, RtcJoinedDetail } from 'rtc-call';

// What a template's <rtc-call>, <rtc-device-picker> and <rtc-video-tile> resolve to.
declare const components: GlobalComponents;
const RtcCall = components['rtc-call'];
const RtcDevicePicker = components['rtc-device-picker'];
const RtcVideoTile = components['rtc-video-tile'];

// <rtc-call room="standup" name="Ana" ice-transport-policy="relay" start-muted theme="dark" :strings="…"
//   @rtc-joined="…" @rtc-state-change="…" @rtc-request-leave="…">
export const page = (
  <RtcCall
    room="standup"
    name="Ana"
    iceTransportPolicy="relay"
    startMuted
    theme="dark"
    shortcuts="off"
    fitVideo="on"
    strings={{ leave: 'Hang up' }}
    class="call"
    key="call"
    onRtcJoined={(e) => console.log(e.detail.room, e.detail.participant.local)}
    onRtcStateChange={(e) => {
      const state: RtcCallState = e.detail.state;
      console.log(state, e.detail.previous);
    }}
    onRtcError={(e) => console.log(e.detail.code, e.detail.fatal)}
    onRtcData={(e) => console.log(e.detail.topic, e.detail.from.name, e.detail.data)}
    onRtcRequestLeave={(e) => e.preventDefault()}
  />
);
export const picker = <RtcDevicePicker onRtcDeviceSelect={(e) => console.log(e.detail.kind, e.detail.deviceId)} />;
export const tile = <RtcVideoTile local audioMuted onRtcTileView={(e) => console.log(e.detail.id, e.detail.height)} />;
// @ts-expect-error: no such prop
export const misspelt = <RtcCall rooom="standup" />;
// @ts-expect-error: not a theme
export const blue = <RtcCall theme="blue" />;
// @ts-expect-error: manual is a boolean
export const wrongType = <RtcCall manual="yes" />;
// @ts-expect-error: rtc-joined's detail has no code
export const wrongEvent = <RtcCall onRtcJoined={(e) => e.detail.code} />;

// A template ref is the element itself, with its methods; $emit carries each event's own type.
export function withRef(el: InstanceType<GlobalComponents['rtc-call']>) {
  void el.setMicrophone(false);
  const joined = new CustomEvent<RtcJoinedDetail>('rtc-joined', {
    detail: { room: 'standup', participant: el.participants[0] },
  });
  el.$emit('rtc-joined', joined);
  // @ts-expect-error: rtc-state-change's detail is { state, previous }
  el.$emit('rtc-state-change', joined);
  // @ts-expect-error: no such event
  el.$emit('rtc-joinned', joined);
}
`;

test('Vue: rtc-call/vue puts the elements in GlobalComponents with typed props, events and $emit', () => {
  const tsx = { jsx: ts.JsxEmit.ReactJSX, jsxImportSource: 'vue' };
  assert.deepEqual(typeCheck(ROOT, 'page.tsx', `import type {} from 'rtc-call/vue';\n${VUE_PAGE}`, tsx), []);
  // Without it, Vue does not know the tags: the templates of a Vue project are not checked against the element.
  const without = typeCheck(ROOT, 'page.tsx', `import 'rtc-call';\n${VUE_PAGE}`, tsx);
  assert.ok(
    without.some((m) => m.includes("Property 'rtc-call' does not exist on type 'GlobalComponents'")),
    without.join('\n'),
  );
});

const SVELTE_PAGE = `import type { HTMLAttributes, SvelteHTMLElements } from 'svelte/elements';
import type { RtcCallState } from 'rtc-call';

// svelte-check's svelteHTML.createElement (svelte2tsx's svelte-jsx): every element of the markup becomes a call to it.
interface IntrinsicElements extends SvelteHTMLElements {}
declare function createElement<Elements extends IntrinsicElements, Key extends keyof Elements>(
  element: Key | undefined | null,
  attrs: string extends Key ? HTMLAttributes<any> : Elements[Key],
): unknown;

// <rtc-call room="standup" name="Ana" ice-transport-policy="relay" start-muted theme="dark" strings={…}
//   onrtc-joined={…} on:rtc-state-change={…} onrtc-request-leave={…}>
createElement('rtc-call', {
  room: 'standup',
  name: 'Ana',
  'ice-transport-policy': 'relay',
  'start-muted': true,
  theme: 'dark',
  'fit-video': 'off',
  strings: { leave: 'Hang up' },
  class: 'call',
  'onrtc-joined': (e) => console.log(e.detail.room, e.detail.participant.local, e.currentTarget.state),
  'on:rtc-state-change': (e) => {
    const state: RtcCallState = e.detail.state;
    console.log(state, e.detail.previous);
  },
  'onrtc-data': (e) => console.log(e.detail.topic, e.detail.from.id, e.detail.data),
  'onrtc-request-leave': (e) => e.preventDefault(),
});
createElement('rtc-device-picker', { 'onrtc-device-select': (e) => console.log(e.detail.kind, e.detail.deviceId) });
createElement('rtc-video-tile', { local: true, 'weak-link': false, 'on:rtc-tile-view': (e) => e.detail.height });
// @ts-expect-error: no such attribute
createElement('rtc-call', { rooom: 'standup' });
// @ts-expect-error: not a theme
createElement('rtc-call', { theme: 'blue' });
// @ts-expect-error: start-muted is a boolean
createElement('rtc-call', { 'start-muted': 'yes' });
// @ts-expect-error: rtc-joined's detail has no code
createElement('rtc-call', { 'onrtc-joined': (e) => e.detail.code });
// @ts-expect-error: nor in Svelte 4's on: form
createElement('rtc-call', { 'on:rtc-joined': (e) => e.detail.code });
`;

test('Svelte: rtc-call/svelte adds the elements to SvelteHTMLElements with typed attributes and events', () => {
  assert.deepEqual(typeCheck(ROOT, 'page.ts', `import type {} from 'rtc-call/svelte';\n${SVELTE_PAGE}`), []);
  // Without it, Svelte takes any attribute of any type on an unknown tag, and knows no event's type.
  const without = typeCheck(ROOT, 'page.ts', `import 'rtc-call';\n${SVELTE_PAGE}`);
  const count = (/** @type {string} */ text) => without.filter((m) => m.includes(text)).length;
  assert.equal(count("Unused '@ts-expect-error' directive"), 3, without.join('\n'));
  assert.ok(count("Parameter 'e' implicitly has an 'any' type") >= 6, without.join('\n'));
});
