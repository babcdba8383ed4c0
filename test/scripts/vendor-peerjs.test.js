// @ts-check
// vendor/peerjs.js is PeerJS's `Peer` with what the widget never runs left out (scripts/vendor-peerjs.mjs): the
// browser detection it reads from webrtc-adapter agrees with webrtc-adapter's own, the adapter's shims and PeerJS's
// connections are gone, and reaching a left-out part throws a clear error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseAst } from 'rollup/parseAst';
import { vendorPeerjs, VENDORED_PEERJS } from '../../scripts/vendor-peerjs.mjs';
import { leaveOutConnections, leaveOutSupportProbe } from '../../scripts/peerjs-left-out.mjs';
import { detectBrowser } from '../../vendor/shims/webrtc-adapter.js';

const require = createRequire(import.meta.url);
/** webrtc-adapter 9's own detection (still installed: peerjs depends on it). */
const adapter = require('webrtc-adapter/dist/utils.js');

/** @type {string} */
let vendored;
before(async () => {
  await vendorPeerjs();
  vendored = readFileSync(VENDORED_PEERJS, 'utf8');
});

const UA = {
  chrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
  safari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15',
  ios: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
};
const fn = () => {};
/** @type {[string, any][]} */
const WINDOWS = [
  [
    'Chromium with client hints',
    { navigator: { userAgent: UA.chrome, userAgentData: { brands: [{ brand: 'Chromium', version: '156' }] } } },
  ],
  [
    'Chrome with webkitGetUserMedia',
    { navigator: { userAgent: UA.chrome, webkitGetUserMedia: fn }, RTCPeerConnection: fn },
  ],
  ['Chrome on http', { navigator: { userAgent: UA.chrome }, isSecureContext: false, webkitRTCPeerConnection: fn }],
  [
    'a client hint below 90',
    {
      navigator: {
        userAgent: UA.firefox,
        userAgentData: { brands: [{ brand: 'Chromium', version: '89' }] },
        mozGetUserMedia: fn,
      },
    },
  ],
  ['Firefox', { navigator: { userAgent: UA.firefox, mozGetUserMedia: fn }, RTCPeerConnection: fn }],
  ['Safari', { navigator: { userAgent: UA.safari }, RTCPeerConnection: fn }],
  ['Safari on iOS', { navigator: { userAgent: UA.ios }, RTCPeerConnection: fn }],
  ['a WebKit without WebRTC', { navigator: { userAgent: UA.safari } }],
  ['no user agent', { navigator: {} }],
  ['not a browser', undefined],
];

test('the browser PeerJS is told of is the one webrtc-adapter would have told it', () => {
  for (const [what, window] of WINDOWS) {
    const theirs = adapter.detectBrowser(window);
    assert.deepEqual(detectBrowser(window), { browser: theirs.browser, version: theirs.version }, what);
  }
});

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

test('a PeerJS connection throws a clear error instead of doing nothing', async () => {
  const { Peer } = await import(VENDORED_PEERJS);
  // In Node there is no RTCPeerConnection: the Peer gives up on its own (later, as an 'error' event) without a socket.
  const peer = new Peer('someone', { host: '127.0.0.1', port: 9, secure: false, config: { iceServers: [] } });
  peer.on('error', () => {});
  assert.throws(() => peer.connect('other'), /not in rtc-call's copy of PeerJS/);
  assert.throws(() => peer.call('other', /** @type {any} */ ({})), /not in rtc-call's copy of PeerJS/);
  peer.destroy();
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
  assert.throws(() => leaveOutSupportProbe('this.supports = function() { return {}; }()'), /peerjs has changed/);
});
