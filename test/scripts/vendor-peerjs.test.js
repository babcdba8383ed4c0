// @ts-check
// vendor/peerjs.js is PeerJS's `Peer` with what the widget never runs left out (scripts/vendor-peerjs.mjs):
// webrtc-adapter and PeerJS's connections are gone, and reaching a left-out part throws a clear error. (What is left
// does what stock PeerJS's `Peer` does: peerjs-peer.test.js.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseAst } from 'rollup/parseAst';
import { vendorPeerjs, VENDORED_PEERJS } from '../../scripts/vendor-peerjs.mjs';
import { leaveOutBookkeeping, leaveOutConnections, leaveOutMembers } from '../../scripts/peerjs-left-out.mjs';

const require = createRequire(import.meta.url);
/** @type {string} */
let vendored;
before(async () => {
  await vendorPeerjs();
  vendored = readFileSync(VENDORED_PEERJS, 'utf8');
});

const UA = {
  chrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
};

test('vendor/peerjs.js has no webrtc-adapter, BinaryPack or PeerJS connections in it', async () => {
  for (const gone of [
    'shimPeerConnection',
    'sdpSemantics: "plan-b"',
    'Unpacker',
    'startConnection',
    '_handleDataMessage',
  ])
    assert.ok(!vendored.includes(gone), `${gone} is still in vendor/peerjs.js`);
  const { Peer } = await import(VENDORED_PEERJS);
  assert.equal(typeof Peer, 'function');
  assert.equal(typeof Peer.prototype.reconnect, 'function', "PeerJS's own Peer, whole");
});

test("vendor/peerjs.js has no HTTP API, data helpers or public ICE servers of PeerJS's in it", () => {
  for (const gone of [
    // PeerJS's HTTP API: an id from the server, the peer list.
    'fetch(',
    'Could not get an ID from the server',
    'You need to enable',
    // The unified-plan probe and the data connections' helpers.
    'addTransceiver',
    'readAsArrayBuffer',
    '__peerData',
    // Its default ICE servers: Google's STUN, PeerJS's TURN and its password.
    'stun.l.google.com',
    'turn.peerjs.com',
    'peerjsp',
    // The warnings of connect() and call().
    'You cannot connect to a new Peer',
  ])
    assert.ok(!vendored.includes(gone), `${gone} is still in vendor/peerjs.js`);
});

test('a PeerJS connection throws a clear error instead of doing nothing', async () => {
  const { Peer } = await import(VENDORED_PEERJS);
  // In Node there is no RTCPeerConnection: the Peer gives up on its own (later, as an 'error' event) without a socket.
  const peer = new Peer('someone', { host: '127.0.0.1', port: 9, secure: false, config: { iceServers: [] } });
  peer.on('error', () => {});
  assert.throws(() => peer.connect('other'), /not in rtc-call's copy of PeerJS/);
  assert.throws(() => peer.call('other', /** @type {any} */ ({})), /not in rtc-call's copy of PeerJS/);
  assert.throws(() => peer.listAllPeers(), /not in rtc-call's copy of PeerJS/);
  peer.destroy();
});

test('a Peer without an id gives up (server-error, as PeerJS says when no id comes), and asks no server for one', async () => {
  const g = /** @type {any} */ (globalThis);
  const saved = { window: g.window, RTCPeerConnection: g.RTCPeerConnection, fetch: g.fetch };
  /** @type {unknown[]} */
  const fetched = [];
  try {
    // A browser, as PeerJS sees one when it is imported, so that the Peer goes on to ask for an id.
    g.RTCPeerConnection = class {};
    g.window = { RTCPeerConnection: g.RTCPeerConnection, navigator: { userAgent: UA.chrome } };
    g.fetch = async (/** @type {unknown} */ url) => {
      fetched.push(url);
      throw new Error('no network here');
    };
    const { Peer } = await import(`${VENDORED_PEERJS}?browser=${Date.now()}`);
    const peer = new Peer({ host: '127.0.0.1', port: 9, secure: false, config: { iceServers: [] } });
    /** @type {{ type: string, message: string }} */
    const err = await new Promise((resolve, reject) => {
      peer.on('error', resolve);
      setTimeout(() => reject(new Error('no error within 10 s')), 10000).unref();
    });
    assert.equal(err.type, 'server-error');
    assert.deepEqual(fetched, []);
    // PeerError keeps only the type; what failed says why.
    await assert.rejects(peer._api.retrieveId(), /HTTP API are not in rtc-call's copy of PeerJS/);
    peer.destroy();
  } finally {
    Object.assign(g, saved);
  }
});

test('when PeerJS changes shape, vendoring stops instead of shipping half of it', () => {
  const parse = (/** @type {string} */ code) => /** @type {any} */ (parseAst(code));
  const renamed = 'class A { static #_ = this.ID_PREFIX = "xc_"; }\nclass B extends (0, A) {}\nexport { B };\n';
  assert.throws(() => leaveOutConnections(renamed, parse, '/left-out.js'), /peerjs has changed/);
  const shaped = [
    'class Base {}',
    'class Media extends (0, Base) { static #_ = this.ID_PREFIX = "mc_"; big() { return 1; } }',
    'class Data extends (0, Base) { static #_ = this.ID_PREFIX = "dc_"; }',
    'class Json extends (0, Data) { parse() {} }',
    'class Peer extends (0, Base) {}',
  ].join('\n');
  const { code, replaced } = leaveOutConnections(shaped, parse, '/left-out.js');
  assert.deepEqual(replaced, ['Media', 'Data', 'Json']);
  assert.match(code, /^import \{ LeftOutConnection \} from "\/left-out.js";/);
  assert.match(code, /class Json extends LeftOutConnection \{\}/);
  assert.match(code, /class Peer extends \(0, Base\) \{\}/);
  assert.ok(!code.includes('big()'));
  // A member to leave out that is not there (renamed, or one more of it) stops the build too.
  const members = readFileSync(require.resolve('peerjs/dist/bundler.mjs'), 'utf8');
  const trimmed = leaveOutConnections(members, parse, '/left-out.js').code;
  assert.match(leaveOutMembers(trimmed, parse, '/left-out.js').code, /^import \{ leftOut \} from "\/left-out.js";/);
  for (const changed of [
    trimmed.replace('retrieveId() {', 'fetchId() {'),
    trimmed.replace('isSecure() {', 'isSecure() {}\n    blobToArrayBuffer() {'),
    trimmed.replace('stun:stun.l.google.com', 'stun:stun.example.com'),
  ])
    assert.throws(() => leaveOutMembers(changed, parse, '/left-out.js'), /peerjs has changed/);
  // And so does the connections' bookkeeping in Peer.
  const members2 = leaveOutMembers(trimmed, parse, '/left-out.js').code;
  assert.deepEqual(leaveOutBookkeeping(members2, parse).replaced.sort(), [
    'OFFER',
    '_addConnection',
    '_getMessages',
    '_removeConnection',
    '_storeMessage',
  ]);
  for (const changed of [
    members2.replace('_storeMessage(connectionId, message) {', 'keepMessage(connectionId, message) {'),
    members2.replace('case (0, $78455e22dea96b8c$export$adb4a1754da6f10d).Offer:', 'case "OFFER":'),
  ])
    assert.throws(() => leaveOutBookkeeping(changed, parse), /peerjs has changed/);
  assert.throws(() => leaveOutBookkeeping(trimmed, parse), /run after leaveOutMembers/);
});

test('importing PeerJS makes no RTCPeerConnection (its support probe is left out), and the Peer still sees WebRTC', async () => {
  assert.ok(!vendored.includes('_PEERJSTEST'), 'the probe data channel is gone');
  const made = [];
  const g = /** @type {any} */ (globalThis);
  const saved = { window: g.window, navigator: g.navigator, RTCPeerConnection: g.RTCPeerConnection };
  try {
    g.RTCPeerConnection = class {
      constructor(/** @type {any} */ config) {
        made.push(config);
      }
    };
    g.window = { RTCPeerConnection: g.RTCPeerConnection, navigator: { userAgent: UA.chrome } };
    const { Peer } = await import(`${VENDORED_PEERJS}?fresh=${Date.now()}`);
    assert.equal(typeof Peer, 'function');
    assert.deepEqual(made, [], 'no connection made at import');
  } finally {
    Object.assign(g, saved);
  }
});
