// The script-tag bundle: one minified ES module with lit, @lit/context and peerjs inside.
// It is built from `lib/` (the unbundled modules `tsc` emits for npm users), so both share one compile; PeerJS comes
// in as vendor/peerjs.js, already an ES module (scripts/vendor-peerjs.mjs), so nothing here is CommonJS.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

export default {
  input: 'lib/index.js',
  output: {
    file: 'dist/rtc-call.js',
    format: 'es',
    sourcemap: true,
    inlineDynamicImports: true,
  },
  plugins: [nodeResolve({ browser: true }), terser({ ecma: 2020, module: true, format: { comments: false } })],
  onwarn(warning, warn) {
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
