// @ts-check
/**
 * PeerJS as one plain ES module, vendor/peerjs.js, that the widget's modules import instead of `peerjs`.
 *
 * Why: peerjs's `main` is CommonJS, so `import { Peer } from 'peerjs'` throws in Node (server-side rendering), and its
 * ES build imports webrtc-adapter, whose ES sources import `sdp`, which is CommonJS behind its `module` field: a
 * browser loading the modules unbundled (`@web/dev-server --node-resolve`, Vite with the package excluded from
 * pre-bundling) stops at `sdp.js does not provide an export named 'default'`. Bundled here once, with those inside,
 * the published modules need no plugin and no CommonJS interop anywhere. (vendor/peerjs.d.ts gives it peerjs's types.)
 *
 * And only what the widget runs: PeerJS's `Peer` is its connection to the broker, nothing more, so PeerJS's media and
 * data connections, their BinaryPack serializer and helpers, and PeerJS's HTTP API give way to a stub that throws if
 * reached (vendor/shims/left-out.js, scripts/peerjs-left-out.mjs); and what `Peer` reads of PeerJS's helpers is put
 * where it reads it, so that its `util` (with the browser detection, the only reader of webrtc-adapter), its logger,
 * its enums and eventemitter3 go too (scripts/peerjs-slim.mjs, vendor/shims/event-emitter.js). Of the 88 KB PeerJS
 * brought into rtc-call.js (of 165 KB minified), about 9 KB are left.
 *
 * `node scripts/vendor-peerjs.mjs` writes it; `npm run build` and the element tests' config call `vendorPeerjs()`.
 */
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import { leaveOutBookkeeping, leaveOutConnections, leaveOutMembers } from './peerjs-left-out.mjs';
import { inlineEnums, inlineUtil, replaceEmitter, silenceLogger } from './peerjs-slim.mjs';

export const VENDORED_PEERJS = fileURLToPath(new URL('../vendor/peerjs.js', import.meta.url));

const ENTRY = '\0vendor-peerjs-entry';

const LEFT_OUT = fileURLToPath(new URL('../vendor/shims/left-out.js', import.meta.url));
const EMITTER = fileURLToPath(new URL('../vendor/shims/event-emitter.js', import.meta.url));

/** Modules PeerJS imports, replaced by the little of them it uses (see each file). */
const SHIMS = {
  'webrtc-adapter': LEFT_OUT,
  'peerjs-js-binarypack': LEFT_OUT,
};

export async function vendorPeerjs() {
  const bundle = await rollup({
    // Only what the widget uses, so the rest (the MessagePack serializer, …) is shaken out as before.
    input: ENTRY,
    plugins: [
      {
        name: 'entry',
        resolveId: (id) => (id === ENTRY ? id : null),
        load: (id) => (id === ENTRY ? "export { Peer } from 'peerjs/dist/bundler.mjs';" : null),
      },
      {
        name: 'shims',
        resolveId: (id) => SHIMS[/** @type {keyof typeof SHIMS} */ (id)] ?? null,
      },
      {
        name: 'left-out',
        transform(code, id) {
          if (!id.endsWith('/peerjs/dist/bundler.mjs')) return null;
          const parse = (/** @type {string} */ c) => this.parse(c);
          let out = leaveOutMembers(leaveOutConnections(code, parse, LEFT_OUT).code, parse, LEFT_OUT).code;
          out = leaveOutBookkeeping(out, parse).code;
          out = inlineUtil(silenceLogger(inlineEnums(out, parse).code, parse).code, parse).code;
          return { code: replaceEmitter(out, parse, EMITTER).code, map: null };
        },
      },
      nodeResolve({ browser: true }),
      commonjs(),
    ],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  });
  try {
    await bundle.write({
      file: VENDORED_PEERJS,
      format: 'es',
      banner: '// PeerJS and what it imports, bundled by scripts/vendor-peerjs.mjs (MIT, see their packages).',
    });
  } finally {
    await bundle.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await vendorPeerjs();
