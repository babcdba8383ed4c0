// @ts-check
// scripts/peerjs-private-names.mjs: the minifier may shorten exactly PeerJS's private member names, and stops the
// build when one of our own modules uses one of them (it could be on the wire or the page's, where it must not change).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vendorPeerjs, VENDORED_PEERJS } from '../../scripts/vendor-peerjs.mjs';
import { peerjsPrivateNames } from '../../scripts/peerjs-private-names.mjs';

before(() => vendorPeerjs());

/** A lib/ of one module with `code` in it. @param {string} code */
function lib(code) {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-call-lib-'));
  mkdirSync(join(dir, 'engine'));
  writeFileSync(join(dir, 'engine', 'x.js'), code);
  return dir;
}

test("PeerJS's private names, and nothing else", () => {
  const names = peerjsPrivateNames(VENDORED_PEERJS, lib('export const seat = { id: 1, options: {} };\n'));
  for (const name of ['_options', '_socket', '_handleMessage', '_lastServerId', '_wsPingTimer'])
    assert.match(name, names);
  for (const name of ['options', 'socket', 'id', '_$litType$', '_$AH', '__proto__', '_optionsX', 'x_options'])
    assert.doesNotMatch(name, names);
});

test('one of our modules using one of those names stops the build', () => {
  assert.throws(
    () => peerjsPrivateNames(VENDORED_PEERJS, lib('export const read = (peer) => peer._socket;\n')),
    /engine\/x\.js uses _socket, a private name of PeerJS's/,
  );
});
