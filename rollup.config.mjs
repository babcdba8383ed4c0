// The script-tag bundle: one minified ES module with lit, @lit/context and peerjs inside, and next to it the parts it
// loads only when needed (a language other than English), each a chunk of its own that its dynamic `import()` finds
// relative to rtc-call.js, so from the same server when another site embeds it.
// It is built from `lib/` (the unbundled modules `tsc` emits for npm users), so both share one compile; PeerJS comes
// in as vendor/peerjs.js, already an ES module (scripts/vendor-peerjs.mjs), so nothing here is CommonJS.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { trimTemplates } from './scripts/trim-templates.mjs';
import { peerjsPrivateNames } from './scripts/peerjs-private-names.mjs';

/** `rtc-call/rtc-call.js` exports what `rtc-call` does, so it has the same types. */
const bundleTypes = {
  name: 'bundle-types',
  writeBundle() {
    writeFileSync('dist/rtc-call.d.ts', "export * from '../lib/index.js';\n");
  },
};

/** A chunk's name has its content's hash in it: the chunks of earlier builds go, so dist/ (and the package) has only these. */
const cleanChunks = {
  name: 'clean-chunks',
  buildStart() {
    if (!existsSync('dist')) return;
    for (const f of readdirSync('dist', { withFileTypes: true }))
      if (f.isFile() && /^rtc-call-.+\.js(\.map)?$/.test(f.name)) rmSync(`dist/${f.name}`);
  },
};

export default {
  input: 'lib/index.js',
  // Chunks that use what rtc-call.js has (Lit, the engine's emitter) import it from rtc-call.js itself, which exports
  // those too, rather than rollup moving everything shared into a third file that rtc-call.js would only re-export.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'dist',
    entryFileNames: 'rtc-call.js',
    // server/bundle.js serves exactly these names (`rtc-call-<name>-<hash>.js`), with a long cache.
    chunkFileNames: 'rtc-call-[name]-[hash].js',
    format: 'es',
    sourcemap: true,
  },
  plugins: [
    cleanChunks,
    nodeResolve({ browser: true }),
    trimTemplates(/\/lib\/.*\.js$/),
    // A second compress pass finds what the first one's inlining made dead (about 100 bytes minified).
    terser({
      ecma: 2020,
      module: true,
      compress: { passes: 2 },
      // PeerJS's private members, spelt out dozens of times (scripts/peerjs-private-names.mjs).
      mangle: { properties: { regex: peerjsPrivateNames('vendor/peerjs.js', 'lib') } },
      // V8's compile hint (Chrome 136 and later; others ignore it): every function is compiled as the file streams in,
      // on a background thread, instead of on the page's main thread the first time it is called. Almost all of
      // rtc-call.js runs as a call starts, and that main thread is what the camera's and the broker's answers wait
      // for: page load to first remote frame about 30 ms sooner (bench/RESULTS.md, session 12). 21 bytes gzip.
      format: { comments: false, preamble: '//# allFunctionsCalledOnLoad' },
    }),
    bundleTypes,
  ],
  onwarn(warning, warn) {
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
