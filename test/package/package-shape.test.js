// @ts-check
// The package as npm would publish it (`npm pack --dry-run`, after `npm run build`): what is in it, what is not, and
// that every entry point, type and manifest path resolves to a file that is in it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { ROOT } from '../server/helpers.js';
import { npmPack } from '../support/npm-pack.js';
import { typeCheck } from '../support/type-check.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const COMPONENTS = [
  'rtc-call',
  'rtc-video-tile',
  'rtc-device-picker',
  'rtc-chat',
  'rtc-participant-list',
  'rtc-quality-details',
];
/** Every way in that the exports map offers, as a consumer writes it. */
const SPECIFIERS = [
  'rtc-call',
  'rtc-call/engine',
  ...COMPONENTS.map((c) => `rtc-call/components/${c}`),
  'rtc-call/react',
  'rtc-call/rtc-call.js',
  'rtc-call/server',
  'rtc-call/custom-elements.json',
  'rtc-call/package.json',
];

/** @type {Set<string>} */
let shipped;

before(async () => {
  shipped = (await npmPack(ROOT)).files;
});

/** @param {string} file an absolute path in the repository */
const rel = (file) => file.slice(ROOT.length).replace(/^\//, '');

test('the tarball has the built modules, PeerJS, the bundle with its types, the manifest and a LICENSE', () => {
  for (const file of [
    'LICENSE',
    'README.md',
    'package.json',
    'custom-elements.json',
    'lib/index.js',
    'lib/index.d.ts',
    'lib/engine.js',
    'lib/engine.d.ts',
    'vendor/peerjs.js',
    'vendor/peerjs.d.ts',
    'dist/rtc-call.js',
    'dist/rtc-call.d.ts',
    // The framework types (types-only exports): React's JSX, Vue's GlobalComponents, Svelte's elements.
    'dist/jsx-react.d.ts',
    'dist/vue.d.ts',
    'dist/svelte.d.ts',
    'lib/cli.js',
    'lib/server.js',
    'lib/server.d.ts',
    ...COMPONENTS.map((c) => `lib/components/${c}/${c}.js`),
  ])
    assert.ok(shipped.has(file), `${file} is shipped`);
  // What the bundle loads when it needs it (a language, the chat), also through a chunk it loads (the chat's file
  // transfer), and nothing of an earlier build.
  /** @type {Set<string>} */
  const chunks = new Set();
  const follow = (/** @type {string} */ file) => {
    for (const [, chunk] of readFileSync(join(ROOT, 'dist', file), 'utf8').matchAll(/import\("\.\/([^"]+)"\)/g))
      if (!chunks.has(chunk)) {
        chunks.add(chunk);
        follow(chunk);
      }
  };
  follow('rtc-call.js');
  assert.ok(chunks.size >= 1, 'rtc-call.js loads its language files with import()');
  for (const chunk of chunks) assert.ok(shipped.has(`dist/${chunk}`), `dist/${chunk} is shipped`);
  assert.deepEqual(
    [...shipped].filter((f) => /^dist\/rtc-call-.+\.js$/.test(f)).sort(),
    [...chunks].map((c) => `dist/${c}`).sort(),
    'only the chunks this bundle loads',
  );
  const stray = [...shipped].filter(
    (f) =>
      /^(src|test|scripts|bench|server|\.ci)\//.test(f) || /(^|\/)test-support\./.test(f) || f.endsWith('.d.ts.map'),
  );
  assert.deepEqual(
    stray,
    [],
    'no sources, tests, test helpers, declaration maps of unshipped sources, or the server (a package of its own)',
  );
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.equal(pkg.license, 'MIT');
});

test('every shipped source map of lib/ carries the sources it points at', () => {
  const maps = [...shipped].filter((f) => f.startsWith('lib/') && f.endsWith('.js.map'));
  assert.ok(maps.length >= 20, `${maps.length} maps`);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
    assert.equal(map.sourcesContent?.length, map.sources.length, `${file}: sourcesContent`);
    assert.ok(
      map.sourcesContent.every((/** @type {unknown} */ s) => typeof s === 'string' && s.length > 0),
      file,
    );
  }
});

test('package.json: repository, bugs, keywords, and a sideEffects list that keeps the element registrations', () => {
  assert.match(pkg.repository?.url ?? '', /^git\+https:\/\//);
  assert.match(pkg.bugs?.url ?? '', /^https:\/\//);
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.includes('webrtc'));
  assert.ok(Array.isArray(pkg.sideEffects), 'a list, not false: the component modules register elements');
  const matches = (/** @type {string} */ file) =>
    pkg.sideEffects.some((/** @type {string} */ glob) =>
      new RegExp(`^${glob.replace(/^\.\//, '').replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(file),
    );
  for (const c of COMPONENTS) assert.ok(matches(`lib/components/${c}/${c}.js`), `${c} registers an element`);
  assert.ok(matches('vendor/peerjs.js'), "PeerJS's util probes the browser's WebRTC on import");
  assert.ok(matches('dist/rtc-call.js'));
  assert.ok(!matches('lib/engine/call.js') && !matches('lib/engine.js'), 'the engine modules can be shaken');
});

test('every subpath export resolves, in Node, to a shipped file', async () => {
  for (const specifier of SPECIFIERS) {
    const file = rel(fileURLToPath(import.meta.resolve(specifier)));
    assert.ok(shipped.has(file), `${specifier} → ${file} is shipped`);
  }
});

test('every JavaScript subpath has types, for TypeScript (bundler and NodeNext resolution)', () => {
  const host = ts.createCompilerHost({});
  const importer = join(ROOT, 'consumer.mts');
  for (const moduleResolution of [ts.ModuleResolutionKind.Bundler, ts.ModuleResolutionKind.NodeNext]) {
    const module = moduleResolution === ts.ModuleResolutionKind.Bundler ? ts.ModuleKind.ESNext : ts.ModuleKind.NodeNext;
    for (const specifier of SPECIFIERS.filter((s) => !s.endsWith('.json'))) {
      const { resolvedModule } = ts.resolveModuleName(specifier, importer, { moduleResolution, module }, host);
      const file = resolvedModule ? rel(resolvedModule.resolvedFileName) : '(unresolved)';
      assert.ok(file.endsWith('.d.ts') && shipped.has(file), `${specifier} → ${file}`);
    }
  }
});

test('a TypeScript page gets the element, its state and its events typed from the package', () => {
  const problems = typeCheck(
    ROOT,
    'consumer.ts',
    `import 'rtc-call';
import type { RtcCallState, RtcStateChangeDetail } from 'rtc-call';
const el = document.querySelector('rtc-call')!;
const now: RtcCallState = el.state;
el.addEventListener('rtc-state-change', (e) => {
  const next: RtcCallState = e.detail.state;
  const previous: RtcCallState = e.detail.previous;
  console.log(now, next, previous);
});
const typed: HTMLElementEventMap['rtc-state-change'] = new CustomEvent<RtcStateChangeDetail>('rtc-state-change', {
  detail: { state: 'prejoin', previous: 'idle' },
});
// @ts-expect-error: not a state
const wrong: RtcCallState = 'connected';
console.log(typed, wrong);
`,
  );
  assert.deepEqual(problems, []);
});

test('rtc-call/react: typed props and onRtc… events for TSX (React and react-dom are not installed to render it)', () => {
  const problems = typeCheck(
    ROOT,
    'page.tsx',
    `import { RtcCall, RtcDevicePicker } from 'rtc-call/react';
import type { RtcCallState } from 'rtc-call';
export const page = (
  <>
    <RtcCall
      room="standup"
      name="Ana"
      manual
      strings={{ leave: 'Hang up' }}
      onRtcJoined={(e) => console.log(e.detail.room, e.detail.participant.local)}
      onRtcStateChange={(e) => {
        const state: RtcCallState = e.detail.state;
        console.log(state);
      }}
      onRtcError={(e) => console.log(e.detail.code, e.detail.fatal)}
      onRtcRequestLeave={(e) => e.preventDefault()}
      onRtcMessage={(e) => console.log(e.detail.text, e.detail.from.name, e.detail.time)}
      onRtcActiveSpeaker={(e) => console.log(e.detail.participant?.name)}
    />
    <RtcDevicePicker onRtcDeviceSelect={(e) => console.log(e.detail.kind, e.detail.deviceId)} />
  </>
);
// @ts-expect-error: no such prop
export const misspelt = <RtcCall rooom="standup" />;
// @ts-expect-error: manual is a boolean
export const wrongType = <RtcCall manual="yes" />;
// @ts-expect-error: rtc-joined's detail has no code
export const wrongEvent = <RtcCall onRtcJoined={(e) => e.detail.code} />;
`,
  );
  assert.deepEqual(problems, []);
});

test('rtc-call/react has an onRtc… prop for every event each element documents (custom-elements.json)', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
  const react = readFileSync(join(ROOT, 'src/react.ts'), 'utf8');
  const camel = (/** @type {string} */ type) => 'on' + type.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());
  const missing = [];
  for (const mod of manifest.modules)
    for (const d of mod.declarations ?? []) {
      if (!d.customElement || !['rtc-call', 'rtc-video-tile', 'rtc-device-picker'].includes(d.tagName)) continue;
      // The wrapper of this element, up to the next one.
      const from = react.indexOf(`tagName: '${d.tagName}'`);
      const block = react.slice(from, react.indexOf('createComponent', from));
      for (const e of d.events ?? [])
        if (!block.includes(`${camel(e.name)}: event('${e.name}')`)) missing.push(`${d.tagName}: ${camel(e.name)}`);
    }
  assert.deepEqual(missing, []);
});

test('the script-tag bundle has no React in it: nothing lib/index.js imports reaches lib/react.js', () => {
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {Set<string>} */
  const bare = new Set();
  const visit = (/** @type {string} */ file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(ROOT, file), 'utf8');
    for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (spec.startsWith('.')) visit(join(file, '..', spec).replace(/\\/g, '/'));
      else bare.add(spec);
    }
  };
  visit('lib/index.js');
  assert.ok(
    seen.has('lib/components/rtc-call/rtc-call.js') && seen.has('vendor/peerjs.js'),
    'the walk follows imports',
  );
  assert.ok(!seen.has('lib/react.js'));
  assert.deepEqual(
    [...bare].filter((s) => /react/.test(s)),
    [],
  );
});

test('custom-elements.json points at the shipped modules, not at src/', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
  /** @type {string[]} */
  const paths = [];
  const walk = (/** @type {any} */ node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'path' || key === 'module') && typeof value === 'string') paths.push(value);
        else walk(value);
      }
  };
  walk(manifest.modules);
  assert.ok(paths.length >= 3 * COMPONENTS.length, `${paths.length} paths`);
  for (const path of paths) assert.ok(shipped.has(path), `${path} is shipped`);
  const tags = manifest.modules.flatMap((/** @type {any} */ m) =>
    m.declarations.map((/** @type {any} */ d) => d.tagName),
  );
  assert.deepEqual(tags.filter(Boolean).sort(), [...COMPONENTS].sort());
});

test('rtc-call/engine loads no Lit and registers nothing; a component entry registers its element', async () => {
  const probe = async (/** @type {string} */ specifier) => {
    const script = `await import(${JSON.stringify(specifier)});
      console.log(JSON.stringify({
        registry: typeof globalThis.customElements,
        defined: ${JSON.stringify(COMPONENTS)}.filter((t) => globalThis.customElements?.get(t)),
      }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      timeout: 30000,
    });
    return JSON.parse(stdout.trim());
  };
  // Lit's Node build installs a custom element registry when it loads: none here means no Lit.
  assert.deepEqual(await probe('rtc-call/engine'), { registry: 'undefined', defined: [] });
  assert.deepEqual(await probe('rtc-call/components/rtc-video-tile'), {
    registry: 'object',
    defined: ['rtc-video-tile'],
  });
});
