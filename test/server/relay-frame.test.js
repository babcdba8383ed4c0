// The bytes a relayed frame leaves with (relay-frame.js), and how a relayed frame travels between instances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdsExactly, stampedFrame } from '../../server/dist/server/relay-frame.js';
import { encodeRelay, decodeRelay } from '../../server/dist/server/cluster.js';

test('holdsExactly: the same fields and plain values at every level of the checked copy, nothing more', () => {
  const checked = { candidate: { candidate: 'c', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null } };
  assert.equal(holdsExactly(structuredClone(checked), checked), true);
  assert.equal(holdsExactly({ candidate: { ...checked.candidate, extra: 1 } }, checked), false, 'an extra field');
  assert.equal(holdsExactly({ ...checked, connectionId: 'x' }, checked), false, 'an extra field at the top');
  const { usernameFragment, ...short } = checked.candidate;
  assert.equal(usernameFragment, null);
  assert.equal(holdsExactly({ candidate: short }, checked), false, 'a field the checked copy filled in');
  assert.equal(holdsExactly({ candidate: { ...short, usernameFragment: undefined } }, checked), false);
  assert.equal(holdsExactly({ candidate: { ...checked.candidate, sdpMLineIndex: '0' } }, checked), false);
  assert.equal(holdsExactly({ candidate: [] }, { candidate: {} }), false, 'an array for an object');
  assert.equal(holdsExactly(JSON.parse('{"__proto__": {"a": 1}}'), { a: 1 }), false, 'a __proto__ field');
});

test('stampedFrame: the text with src appended when exact, else rebuilt from the checked fields', () => {
  const text = '{"type":"OFFER", "dst":"b", "payload":{"sdp":"}"}}  \n';
  assert.equal(
    stampedFrame(text, true, 'me', { type: 'OFFER', dst: 'b', payload: {} }),
    `{"type":"OFFER", "dst":"b", "payload":{"sdp":"}"},"src":"me"}`,
  );
  assert.deepEqual(JSON.parse(stampedFrame(text, true, 'me', { type: 'OFFER', dst: 'b', payload: {} })), {
    type: 'OFFER',
    dst: 'b',
    payload: { sdp: '}' },
    src: 'me',
  });
  assert.equal(
    stampedFrame('{"src":"x"}', false, 'me', { type: 'OFFER', dst: 'b', payload: { a: 1 } }),
    '{"type":"OFFER","src":"me","dst":"b","payload":{"a":1}}',
  );
});

test('a relayed frame travels between instances as its own text, and comes out whole', () => {
  const frame = '{"type":"OFFER","dst":"b b","payload":{"sdp":"a \\"quoted\\" line\\r\\n"},"src":"me"}';
  const m = /** @type {const} */ ({ kind: 'frame', dst: 'abcdefghijklmnop', frame });
  assert.equal(encodeRelay(m), `Fabcdefghijklmnop ${frame}`);
  assert.deepEqual(decodeRelay(encodeRelay(m)), m);
  const push = /** @type {const} */ ({ kind: 'push', dst: 'abcdefghijklmnop', message: { type: 'RTC-LEFT' } });
  assert.deepEqual(decodeRelay(encodeRelay(push)), push);
  assert.equal(decodeRelay('F nothing'), undefined);
  assert.equal(decodeRelay('not json'), undefined);
  assert.equal(decodeRelay('null'), undefined);
});
