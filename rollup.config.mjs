// The script-tag bundle: one minified ES module with lit, @lit/context and peerjs inside.
// It is built from `lib/` (the unbundled modules `tsc` emits for npm users), so both share one compile; PeerJS comes
// in as vendor/peerjs.js, already an ES module (scripts/vendor-peerjs.mjs), so nothing here is CommonJS.
import { writeFileSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** `rtc-call/rtc-call.js` exports what `rtc-call` does, so it has the same types. */
const bundleTypes = {
  name: 'bundle-types',
  writeBundle() {
    writeFileSync('dist/rtc-call.d.ts', "export * from '../lib/index.js';\n");
  },
};

export default {
  input: 'lib/index.js',
  output: {
    file: 'dist/rtc-call.js',
    format: 'es',
    sourcemap: true,
    inlineDynamicImports: true,
  },
  plugins: [
    nodeResolve({ browser: true }),
    terser({ ecma: 2020, module: true, format: { comments: false } }),
    bundleTypes,
  ],
  onwarn(warning, warn) {
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
