// @ts-check
/**
 * The names of PeerJS's private members (`_options`, `_socket`, `_handleMessage`, …: PeerJS marks them with a leading
 * underscore), read from vendor/peerjs.js, for the script-tag bundle's minifier to shorten: terser renames a property
 * everywhere in the bundle or nowhere, and these are spelt out dozens of times (about 170 bytes gzipped).
 *
 * Only these names, not every `_name`: a property of the page's own or on the wire must keep its name, and these are
 * PeerJS's alone (the build stops if one of them is used by our own modules in lib/, where it could be either).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAst } from 'rollup/parseAst';
import { walk } from './estree.mjs';

/** Every `.js` file under `dir`. @param {string} dir @returns {string[]} */
function scripts(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((f) =>
    f.isDirectory() ? scripts(join(dir, f.name)) : f.name.endsWith('.js') ? [join(dir, f.name)] : [],
  );
}

/**
 * @param {string} peerjs the path of vendor/peerjs.js
 * @param {string} lib the directory of our own modules, which must not use these names
 * @returns {RegExp} a terser `mangle.properties.regex` that matches exactly those names
 */
export function peerjsPrivateNames(peerjs, lib) {
  /** @type {Set<string>} */
  const names = new Set();
  walk(parseAst(readFileSync(peerjs, 'utf8')), (n) => {
    const key =
      n.type === 'MemberExpression' && !n.computed
        ? n.property
        : n.type === 'MethodDefinition' || n.type === 'Property'
          ? n.key
          : undefined;
    if (key?.type === 'Identifier' && /^_[a-zA-Z]/.test(key.name)) names.add(key.name);
  });
  if (!names.has('_options') || !names.has('_socket'))
    throw new Error('scripts/peerjs-private-names.mjs: no _options or _socket in vendor/peerjs.js: look again');
  const pattern = new RegExp(`\\b(?:${[...names].join('|')})\\b`);
  for (const file of scripts(lib)) {
    const used = pattern.exec(readFileSync(file, 'utf8'));
    if (used)
      throw new Error(
        `scripts/peerjs-private-names.mjs: ${file} uses ${used[0]}, a private name of PeerJS's: rename it`,
      );
  }
  return new RegExp(`^(?:${[...names].sort().join('|')})$`);
}
