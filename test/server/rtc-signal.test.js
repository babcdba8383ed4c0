// RTC-SIGNAL, the widget's own signalling: the guard checks it, stamps `src` and delivers it itself, inside a room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, member, nothingElseFor, scrape, refusals, until } from './helpers.js';

/** @param {import('./helpers.js').Srv} srv */
async function pair(srv, room = 'r') {
  const a = await member(srv, room, 'A');
  const b = await member(srv, room, 'B');
  await a.client.waitFor('RTC-JOINED');
  return { a, b };
}

const offer = { description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } };
const candidate = {
  candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
};

test('RTC-SIGNAL reaches a roommate with src stamped by the server and only the checked fields', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const c = await member(srv, 'r', 'C');
  // A forged src, extra fields and a PeerJS connectionId (which would make the PeerJS client take it) are dropped.
  a.client.send({
    type: 'RTC-SIGNAL',
    src: c.id,
    dst: b.id,
    sneaky: 1,
    payload: { ...offer, connectionId: 'mc_x', description: { ...offer.description, extra: 'x' } },
  });
  assert.deepEqual(await b.client.waitFor('RTC-SIGNAL'), { type: 'RTC-SIGNAL', src: a.id, dst: b.id, payload: offer });
  b.client.send({ type: 'RTC-SIGNAL', dst: a.id, payload: { description: { type: 'answer', sdp: 'v=0\r\n' } } });
  assert.deepEqual((await a.client.waitFor('RTC-SIGNAL')).payload, { description: { type: 'answer', sdp: 'v=0\r\n' } });
  a.client.send({ type: 'RTC-SIGNAL', dst: b.id, payload: candidate });
  assert.deepEqual((await b.client.waitFor('RTC-SIGNAL')).payload, {
    candidate: { ...candidate.candidate, usernameFragment: null },
  });
  assert.equal((await scrape(srv)).get('rtc_messages_relayed_total'), 3);
});

test('RTC-SIGNAL of exactly the checked fields goes on as its sender sent it, with src stamped at its end', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  /** @type {string[]} */
  const texts = [];
  b.client.ws.on('message', (/** @type {Buffer} */ data, /** @type {boolean} */ isBinary) =>
    texts.push(isBinary ? '(binary)' : String(data)),
  );
  const full = { ...candidate.candidate, usernameFragment: 'uf' };
  const sent = `{"dst": "${b.id}", "type": "RTC-SIGNAL", "payload": {"candidate": ${JSON.stringify(full, null, 1)}}}`;
  a.client.send(sent);
  assert.deepEqual(await b.client.waitFor('RTC-SIGNAL'), {
    type: 'RTC-SIGNAL',
    src: a.id,
    dst: b.id,
    payload: { candidate: full },
  });
  // One field short of the rebuilt payload (no usernameFragment): rebuilt, with the null the receiver relies on.
  a.client.send({ type: 'RTC-SIGNAL', dst: b.id, payload: candidate });
  assert.deepEqual((await b.client.waitFor('RTC-SIGNAL')).payload, {
    candidate: { ...candidate.candidate, usernameFragment: null },
  });
  assert.equal(texts[0], `${sent.slice(0, -1)},"src":"${a.id}"}`);
  assert.equal(
    texts[1],
    JSON.stringify({
      type: 'RTC-SIGNAL',
      src: a.id,
      dst: b.id,
      payload: { candidate: { ...candidate.candidate, usernameFragment: null } },
    }),
  );
});

test('RTC-SIGNAL stays inside the room, and not to oneself or to unknown ids', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv, 'room-a');
  const { a: c, b: d } = await pair(srv, 'room-b');
  a.client.send({ type: 'RTC-SIGNAL', dst: c.id, payload: offer });
  a.client.send({ type: 'RTC-SIGNAL', dst: a.id, payload: offer });
  a.client.send({ type: 'RTC-SIGNAL', dst: 'not-an-issued-id-at-all', payload: offer });
  // a's later marker reaching b proves the server handled the earlier ones; c got nothing before d's marker.
  await nothingElseFor(a, b);
  await nothingElseFor(d, c);
  assert.equal(await refusals(srv, 'not-in-room'), 3);
});

test('a malformed RTC-SIGNAL is refused and counted, and the server carries on', async (t) => {
  // Frames big enough to carry an over-long SDP (the frame cap would otherwise close the socket first).
  const srv = await startServer(t, { MAX_PAYLOAD: '262144' });
  const { a, b } = await pair(srv);
  const payloads = [
    undefined,
    null,
    'offer',
    [offer],
    {},
    { ...offer, ...candidate }, // both
    { description: null },
    { description: { type: 'rollback', sdp: '' } },
    { description: { type: 'pranswer', sdp: 'v=0' } },
    { description: { type: 'offer', sdp: 42 } },
    { description: { type: 'offer', sdp: 'x'.repeat(70 * 1024) } },
    { candidate: null },
    { candidate: { candidate: 7 } },
    { candidate: { candidate: 'c', sdpMid: {} } },
    { candidate: { candidate: 'c', sdpMLineIndex: -1 } },
    { candidate: { candidate: 'c', sdpMLineIndex: 1.5 } },
    { candidate: { candidate: 'c', usernameFragment: ['u'] } },
    { candidate: { candidate: 'x'.repeat(2000) } },
  ];
  for (const payload of payloads) a.client.send({ type: 'RTC-SIGNAL', dst: b.id, payload });
  a.client.send({ type: 'RTC-SIGNAL', dst: 42, payload: offer });
  await nothingElseFor(a, b);
  assert.equal(await refusals(srv, 'malformed'), payloads.length + 1);
  const m = await scrape(srv);
  assert.equal(m.get('rtc_members'), 2);
  assert.equal(m.get('rtc_open_connections'), 2);
});

test('RTC-SIGNAL for a roommate who is away is dropped, not queued', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  b.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 5000, 'b to be away');
  a.client.send({ type: 'RTC-SIGNAL', dst: b.id, payload: offer });
  await until(async () => (await refusals(srv, 'receiver-away')) === 1, 5000, 'the refusal');
  const m = await scrape(srv);
  assert.equal(m.get('rtc_members'), 2, 'b is still seated (briefly away)');
  assert.equal(m.get('rtc_queued_messages'), 0);
});
