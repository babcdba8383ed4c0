// @ts-check
/**
 * Rewrites peerjs's ES build (peerjs/dist/bundler.mjs) so that its media and data connection classes are empty
 * subclasses of `LeftOutConnection` (vendor/shims/left-out.js), whose constructor throws. The widget never makes a
 * PeerJS connection, but `Peer` names these classes (`call()`, `connect()`, incoming OFFERs), so tree-shaking alone
 * keeps all of them, their Negotiator and their serializers.
 *
 * The connection classes are found by shape, not by parcel's hashed names: the two that declare an `ID_PREFIX`
 * (MediaConnection "mc_", DataConnection "dc_") and every class that extends one of those. When peerjs changes so
 * that this finds something else, the build stops and says so rather than shipping a half-rewritten PeerJS.
 */

/** @typedef {{ type: string, start: number, end: number, [key: string]: any }} Node */

/** @param {Node | null | undefined} node the `extends` expression; parcel writes `extends (0, $name)` */
function superName(node) {
  if (!node) return undefined;
  if (node.type === 'SequenceExpression') return superName(node.expressions.at(-1));
  return node.type === 'Identifier' ? node.name : undefined;
}

/**
 * @param {string} code peerjs/dist/bundler.mjs
 * @param {(code: string) => Node} parse an ESTree parser (rollup's `this.parse`)
 * @param {string} leftOut the module that exports `LeftOutConnection`
 * @returns {{ code: string, replaced: string[] }} the new code, and the names of the classes emptied
 */
export function leaveOutConnections(code, parse, leftOut) {
  const classes = parse(code).body.filter((/** @type {Node} */ n) => n.type === 'ClassDeclaration');
  const parentOf = new Map(classes.map((/** @type {Node} */ c) => [c.id.name, superName(c.superClass)]));
  const prefixes = new Map();
  for (const c of classes) {
    const m = /\bthis\.ID_PREFIX = "(\w+)"/.exec(code.slice(c.body.start, c.body.end));
    if (m) prefixes.set(c.id.name, m[1]);
  }
  if ([...prefixes.values()].sort().join() !== 'dc_,mc_')
    throw new Error(
      `scripts/peerjs-left-out.mjs: expected PeerJS's MediaConnection ("mc_") and DataConnection ("dc_"), found ` +
        `${JSON.stringify(Object.fromEntries(prefixes))}: peerjs has changed, look again at what to leave out.`,
    );
  /** @param {string | undefined} name */
  const isConnection = (name) => {
    for (let n = name, hops = 0; n && hops < 20; n = parentOf.get(n), hops++) if (prefixes.has(n)) return true;
    return false;
  };
  const emptied = classes.filter((/** @type {Node} */ c) => isConnection(c.id.name));
  let out = '';
  let at = 0;
  for (const c of emptied) {
    out += `${code.slice(at, c.start)}class ${c.id.name} extends LeftOutConnection {}`;
    at = c.end;
  }
  out += code.slice(at);
  return {
    code: `import { LeftOutConnection } from ${JSON.stringify(leftOut)};\n${out}`,
    replaced: emptied.map((/** @type {Node} */ c) => c.id.name),
  };
}

/**
 * Takes the RTCPeerConnection out of PeerJS's `util.supports`, which is worked out when the module is imported by
 * making an RTCPeerConnection with PeerJS's default configuration (Google's STUN server and PeerJS's TURN server: it
 * gathers nothing, but our pages must not hold that configuration at all) and a data channel. The widget needs
 * both anyway, so support is what `isWebRTCSupported()` says; and the page saves making a connection as it loads.
 * When PeerJS changes so that the probe is not where it was, the build stops and says so.
 * @param {string} code peerjs/dist/bundler.mjs
 */
export function leaveOutSupportProbe(code) {
  const start = code.indexOf('this.supports = function() {');
  const from = start < 0 ? -1 : code.indexOf('if (!supported.webRTC) return supported;', start);
  const to = from < 0 ? -1 : code.indexOf('return supported;', from + 40);
  const probe = from < 0 || to < 0 ? '' : code.slice(from, to);
  if (!probe.includes('new RTCPeerConnection(') || !probe.includes('createDataChannel('))
    throw new Error(
      "scripts/peerjs-left-out.mjs: PeerJS's util.supports probe is not where it was: peerjs has changed, look again.",
    );
  return (
    code.slice(0, from) +
    '// rtc-call: no probe connection (see scripts/peerjs-left-out.mjs).\n' +
    'supported.audioVideo = supported.data = supported.reliable = supported.webRTC;\n' +
    code.slice(to)
  );
}
