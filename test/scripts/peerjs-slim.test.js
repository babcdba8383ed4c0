// @ts-check
// scripts/peerjs-slim.mjs: what PeerJS's `Peer` reads of its helpers is put where it reads it, and the helpers go (its
// util with the browser detection, its logger, its enums, eventemitter3); when PeerJS changes so that what a rewrite
// looks for is not there, or something else reads what it takes away, vendoring stops. (That the `Peer` left does
// what stock PeerJS's does: peerjs-peer.test.js.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseAst } from 'rollup/parseAst';
import { vendorPeerjs, VENDORED_PEERJS } from '../../scripts/vendor-peerjs.mjs';
import { leaveOutConnections, leaveOutMembers } from '../../scripts/peerjs-left-out.mjs';
import { inlineEnums, inlineUtil, replaceEmitter, silenceLogger } from '../../scripts/peerjs-slim.mjs';

const require = createRequire(import.meta.url);
const parse = (/** @type {string} */ code) => /** @type {any} */ (parseAst(code));

/** peerjs's ES build as the slimming gets it: its connections and their members already left out. */
let peerjs = '';
/** @type {string} */
let vendored;
before(async () => {
  const original = readFileSync(require.resolve('peerjs/dist/bundler.mjs'), 'utf8');
  peerjs = leaveOutMembers(leaveOutConnections(original, parse, '/left-out.js').code, parse, '/left-out.js').code;
  await vendorPeerjs();
  vendored = readFileSync(VENDORED_PEERJS, 'utf8');
});

test("vendor/peerjs.js has no util, browser detection, logger, enums or eventemitter3 of PeerJS's in it", () => {
  for (const gone of [
    // util and the browser detection it read from webrtc-adapter.
    'isBrowserSupported',
    'webkitGetUserMedia',
    'chunkedBrowsers',
    'minSafariVersion',
    // The logger and its messages.
    '"PeerJS: "',
    'Server message received',
    'Socket open',
    // parcel's enum objects and their getters.
    '$parcel$export',
    '["BrowserIncompatible"]',
    // eventemitter3.
    'prototype.eventNames',
    'Object.getOwnPropertySymbols',
  ])
    assert.ok(!vendored.includes(gone), `${gone} is still in vendor/peerjs.js`);
});

test('each rewrite does what it says on the real PeerJS', () => {
  const enums = inlineEnums(peerjs, parse);
  for (const name of ['PeerErrorType', 'SocketEventType', 'ServerMessageType']) assert.ok(enums.enums.includes(name));
  assert.match(enums.code, /case "ID-TAKEN":/);
  const logger = silenceLogger(enums.code, parse);
  assert.ok(logger.calls > 20, `${logger.calls} uses of the logger`);
  const util = inlineUtil(logger.code, parse);
  assert.deepEqual(util.members, [
    'CLOUD_HOST',
    'CLOUD_PORT',
    'defaultConfig',
    'isSecure',
    'randomToken',
    'supports',
    'validateId',
  ]);
  const emitter = replaceEmitter(util.code, parse, '/emitter.js');
  assert.equal(
    emitter.classes.length,
    2,
    `the socket, and the emitter with errors that Peer extends: ${emitter.classes}`,
  );
  assert.match(emitter.code, /^import \{ EventEmitter \} from "\/emitter.js";/);
});

test('enums: E.Key becomes its string; a key E lacks, or E read some other way, stops it', () => {
  const enumOf = (/** @type {string} */ name) =>
    `var ${name}E = /*#__PURE__*/ function(${name}) { ${name}["A"] = "a"; ${name}["B"] = "b-b"; return ${name}; }({});\n`;
  const three = enumOf('PeerErrorType') + enumOf('SocketEventType') + enumOf('ServerMessageType');
  const getters = 'var x$exports = {};\n$parcel$export(x$exports, "PeerErrorType", () => PeerErrorTypeE);\n';
  const { code } = inlineEnums(`${three}${getters}f((0, PeerErrorTypeE).B, ServerMessageTypeE.A);\n`, parse);
  assert.match(code, /f\("b-b", "a"\);/);
  assert.ok(!code.includes('$parcel$export('), code);
  assert.throws(() => inlineEnums(`${three}f(PeerErrorTypeE.C);\n`, parse), /PeerErrorType\.C is not in the enum/);
  assert.throws(() => inlineEnums(`${three}f(Object.keys(SocketEventTypeE));\n`, parse), /peerjs has changed/);
  assert.throws(() => inlineEnums(`${three}${getters}f(x$exports);\n`, parse), /peerjs has changed/);
  assert.throws(() => inlineEnums(enumOf('PeerErrorType'), parse), /no enum SocketEventType/);
  assert.throws(
    () => inlineEnums(peerjs.replace('PeerErrorType["Network"] = "network";', ''), parse),
    /peerjs has changed/,
  );
});

test('logger: its calls go; a call that does more than read, or another use of it, stops it', () => {
  const logger = 'class L { log(){} warn(){} error(){} setLogFunction(){} _print(){} }\nvar l = new L();\n';
  const { code, calls } = silenceLogger(
    `${logger}(0, l).log(\`to \${this.id}\`, e);\nl.logLevel = o.debug || 0;\n`,
    parse,
  );
  assert.equal(calls, 2);
  assert.match(code, /void 0;\nvoid 0;\n$/);
  assert.throws(() => silenceLogger(`${logger}l.warn(send());\n`, parse), /does more than read/);
  assert.throws(() => silenceLogger(`${logger}keep(l);\n`, parse), /used other than by log/);
  assert.throws(() => silenceLogger('var l = console;\nl.log(1);\n', parse), /expected one logger/);
  assert.throws(() => silenceLogger(peerjs.replace('("Socket open")', '(this._send())'), parse), /peerjs has changed/);
});

test("util: only the members read of it, from PeerJS's own code; one it cannot take so stops it", () => {
  const util = [
    'const CONFIG = { iceServers: [] };',
    'class U { isSecure() { return location.protocol === "https:"; } size() { return this.n; }',
    '  constructor() { this.CLOUD_HOST = "0.peerjs.com", this.n = 1, this.defaultConfig = CONFIG, this.supports = probe(); } }',
    'const u = new U();\n',
  ].join('\n');
  const { code, members } = inlineUtil(
    `${util}f(u.CLOUD_HOST, (0, u).isSecure(), u.defaultConfig, u.supports.data);\n`,
    parse,
  );
  assert.deepEqual(members, ['CLOUD_HOST', 'defaultConfig', 'isSecure', 'supports']);
  const made = new Function('location', 'RTCPeerConnection', `${code.replace('const u =', 'return')}`);
  const u = made({ protocol: 'https:' }, class {});
  assert.equal(u.CLOUD_HOST, '0.peerjs.com');
  assert.equal(u.isSecure(), true);
  assert.deepEqual(u.supports, { audioVideo: true, data: true });
  assert.deepEqual(u.defaultConfig, { iceServers: [] });
  assert.throws(() => inlineUtil(`${util}f(u.size());\n`, parse), /util\.size is not a value or method/);
  assert.throws(() => inlineUtil(`${util}f(u.missing);\n`, parse), /util\.missing is not a value or method/);
  assert.throws(() => inlineUtil(`${util}f(u.supports);\nkeep(u);\n`, parse), /util is used other than/);
  assert.throws(() => inlineUtil(`${util}f(u.CLOUD_HOST);\n`, parse), /no longer reads util\.supports/);
  assert.throws(
    () => inlineUtil(peerjs.replace('this.CLOUD_HOST = "0.peerjs.com"', 'this.CLOUD_HOST = "x"'), parse),
    /one util/,
  );
});

test('eventemitter3 gives way to the shim; another reader of it, or another eventemitter3, stops it', () => {
  assert.throws(
    () =>
      replaceEmitter(
        peerjs.replace('.prototype.emit = function emit(', '.prototype.emit = function fire('),
        parse,
        '/e.js',
      ),
    /is not eventemitter3 as it was/,
  );
  const exports = /var (\$\w+\$exports) = \{\};\n'use strict';/.exec(peerjs)?.[1];
  assert.ok(exports, "eventemitter3's exports object");
  assert.throws(
    () => replaceEmitter(`${peerjs}\nkeep(${exports});\n`, parse, '/e.js'),
    /read other than as a base class/,
  );
  assert.throws(
    () => replaceEmitter(`${peerjs}\nnew Peer().once("open", () => {});\n`, parse, '/e.js'),
    /PeerJS calls once\(\), which vendor\/shims\/event-emitter.js does not have/,
  );
  assert.throws(
    () => replaceEmitter('class A {}\nclass B extends (0, x.EventEmitter) {}\n', parse, '/e.js'),
    /peerjs has changed/,
  );
});
