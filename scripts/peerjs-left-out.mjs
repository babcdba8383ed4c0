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

import { walk } from './estree.mjs';

/** @typedef {import('./estree.mjs').Node} Node */

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
 * The members of PeerJS's classes that only the left-out connections call, or a `Peer` made without an id (the widget
 * always names its seat), each with how many PeerJS has. Their bodies become a call to `leftOut()`
 * (vendor/shims/left-out.js), which throws: `peer.connect()` and `peer.call()`, PeerJS's HTTP API (an id from the
 * server, the peer list), the unified-plan probe and its description, and the binary helpers of its data connections.
 */
const LEFT_OUT_MEMBERS = {
  connect: 1,
  call: 1,
  listAllPeers: 2,
  retrieveId: 1,
  _buildRequest: 1,
  isUnifiedPlanSupported: 1,
  toString: 1,
  blobToArrayBuffer: 1,
  binaryStringToArrayBuffer: 1,
  // `this.chunk = (blob) => …` in a constructor.
  chunk: 1,
};

/**
 * Empties LEFT_OUT_MEMBERS (see there), and takes PeerJS's default ICE servers (Google's STUN server, PeerJS's
 * public TURN server and its password) out of the bundle: the widget always gives the seat's own, and a page of ours
 * holds no public server's address at all. When PeerJS changes so that these are not what they were, the build stops.
 * @param {string} code peerjs/dist/bundler.mjs, after leaveOutConnections
 * @param {(code: string) => Node} parse an ESTree parser (rollup's `this.parse`)
 * @param {string} leftOut the module that exports `leftOut`
 * @returns {{ code: string, replaced: string[] }} the new code, and the members emptied
 */
export function leaveOutMembers(code, parse, leftOut) {
  /** @type {[number, number, string][]} */
  const edits = [];
  /** @type {Record<string, number>} */
  const found = Object.create(null);
  const isLeftOut = (/** @type {Node} */ key) => key.type === 'Identifier' && Object.hasOwn(LEFT_OUT_MEMBERS, key.name);
  /** @type {Node[]} */
  const defaultIce = [];
  walk(parse(code), (n) => {
    if (n.type === 'MethodDefinition' && n.kind === 'method' && isLeftOut(n.key)) {
      found[n.key.name] = (found[n.key.name] ?? 0) + 1;
      // toString goes altogether: a description that threw would be worse than the default one.
      if (n.key.name === 'toString') edits.push([n.start, n.end, '']);
      else edits.push([n.value.body.start, n.value.body.end, '{ leftOut(); }']);
    } else if (
      n.type === 'AssignmentExpression' &&
      n.left.type === 'MemberExpression' &&
      n.left.object.type === 'ThisExpression' &&
      isLeftOut(n.left.property) &&
      /Function/.test(n.right.type)
    ) {
      found[n.left.property.name] = (found[n.left.property.name] ?? 0) + 1;
      edits.push([n.right.start, n.right.end, 'leftOut']);
    } else if (
      n.type === 'Property' &&
      n.key.type === 'Identifier' &&
      n.key.name === 'iceServers' &&
      code.slice(n.value.start, n.value.end).includes('stun:stun.l.google.com')
    )
      defaultIce.push(n.value);
  });
  const want = Object.entries(LEFT_OUT_MEMBERS).map(([k, v]) => `${k}: ${v}`);
  const got = Object.keys(LEFT_OUT_MEMBERS).map((k) => `${k}: ${found[k] ?? 0}`);
  if (got.join() !== want.join() || defaultIce.length !== 1)
    throw new Error(
      `scripts/peerjs-left-out.mjs: expected PeerJS's ${want.join(', ')} and one default iceServers, found ` +
        `${got.join(', ')} and ${defaultIce.length}: peerjs has changed, look again at what to leave out.`,
    );
  edits.push([defaultIce[0].start, defaultIce[0].end, '[]']);
  let out = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
  return {
    code: `import { leftOut } from ${JSON.stringify(leftOut)};\n${out}`,
    replaced: Object.keys(LEFT_OUT_MEMBERS),
  };
}

/**
 * The bookkeeping of PeerJS's connections in `Peer`: the widget never has one, so an `OFFER` (only a stock PeerJS
 * client sends one) reaches `leftOut()` at once, instead of through a connection class that throws; the members that
 * file and hand out a connection's messages (`_addConnection`, `_removeConnection`, `_getMessages`) become a call to
 * `leftOut()`; and `_storeMessage`, which kept a message for a connection (a stock client's CANDIDATE) until that
 * connection claimed it, keeps nothing: no connection will. Run after leaveOutMembers (which imports `leftOut`).
 * When PeerJS changes so that these are not what they were, the build stops.
 * @param {string} code peerjs/dist/bundler.mjs, after leaveOutMembers
 * @param {(code: string) => Node} parse an ESTree parser (rollup's `this.parse`)
 * @returns {{ code: string, replaced: string[] }} the new code, and what was emptied
 */
export function leaveOutBookkeeping(code, parse) {
  if (!/^import \{ leftOut \} from /.test(code))
    throw new Error('scripts/peerjs-left-out.mjs: run after leaveOutMembers');
  /** @type {Record<string, string>} */
  const bodies = {
    _addConnection: '{ leftOut(); }',
    _removeConnection: '{ leftOut(); }',
    _getMessages: '{ leftOut(); }',
    _storeMessage: '{}',
  };
  /** @type {[number, number, string][]} */
  const edits = [];
  /** @type {string[]} */
  const found = [];
  walk(parse(code), (n) => {
    if (n.type !== 'MethodDefinition' || n.key.type !== 'Identifier') return;
    if (Object.hasOwn(bodies, n.key.name)) {
      found.push(n.key.name);
      edits.push([n.value.body.start, n.value.body.end, bodies[n.key.name]]);
    } else if (n.key.name === '_handleMessage')
      walk(n.value.body, (c) => {
        const test = c.type === 'SwitchCase' ? c.test : undefined;
        if (test?.type !== 'MemberExpression' || test.property.name !== 'Offer' || !c.consequent.length) return;
        found.push('OFFER');
        edits.push([c.consequent[0].start, c.consequent.at(-1).end, 'leftOut();\n                break;']);
      });
  });
  const want = [...Object.keys(bodies), 'OFFER'].sort().join();
  if (found.sort().join() !== want)
    throw new Error(
      `scripts/peerjs-left-out.mjs: expected Peer's ${want} once each, found ${found.join() || 'none'}: peerjs has ` +
        'changed, look again at what to leave out.',
    );
  let out = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
  return { code: out, replaced: found };
}
