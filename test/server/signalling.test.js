// Signalling stays inside a room, only OFFER/ANSWER/CANDIDATE are relayed, and `src` is always the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, member, nothingElseFor, scrape, refusals, until, request } from './helpers.js';

/** @param {import('./helpers.js').Srv} srv */
async function pair(srv, room = 'r') {
  const a = await member(srv, room, 'A');
  const b = await member(srv, room, 'B');
  await a.client.waitFor('RTC-JOINED');
  return { a, b };
}

test('OFFER, ANSWER and CANDIDATE are relayed within a room, payload intact, src set by the server', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const payload = { sdp: { type: 'offer', sdp: 'v=0\r\n...' }, connectionId: 'mc_x', nested: [1, { two: 'ü' }] };
  a.client.send({ type: 'OFFER', dst: b.id, payload });
  assert.deepEqual(await b.client.next(), { type: 'OFFER', src: a.id, dst: b.id, payload });
  b.client.send({ type: 'ANSWER', dst: a.id, payload: { sdp: 'answer' } });
  assert.deepEqual(await a.client.next(), { type: 'ANSWER', src: b.id, dst: a.id, payload: { sdp: 'answer' } });
  a.client.send({ type: 'CANDIDATE', dst: b.id, payload: { candidate: 'c' } });
  assert.deepEqual(await b.client.next(), { type: 'CANDIDATE', src: a.id, dst: b.id, payload: { candidate: 'c' } });
  assert.equal((await scrape(srv)).get('rtc_messages_relayed_total'), 3);
});

test('a forged src is ignored, and extra fields are dropped', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const c = await member(srv, 'r', 'C');
  a.client.send({ type: 'OFFER', src: c.id, dst: b.id, payload: { x: 1 }, sneaky: 'field', type2: 'OPEN' });
  const got = await b.client.waitFor('OFFER');
  assert.deepEqual(got, { type: 'OFFER', src: a.id, dst: b.id, payload: { x: 1 } });
});

/** Collects the text frames a client receives, exactly as they arrived. @param {{client: {ws: any}}} m */
function rawTexts(m) {
  /** @type {string[]} */
  const texts = [];
  m.client.ws.on('message', (/** @type {Buffer} */ data, /** @type {boolean} */ isBinary) =>
    texts.push(isBinary ? '(binary)' : String(data)),
  );
  return texts;
}

test('a frame of only the checked fields goes on as its sender sent it, with src stamped at its end', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const texts = rawTexts(b);
  // Spacing and key order a re-serialisation would not keep: the receiver gets these bytes.
  const sent = `{ "payload": {"sdp": "v=0\\r\\n", "n": [1, 2.5]},\n "dst": "${b.id}", "type": "OFFER" }\n`;
  a.client.send(sent);
  assert.deepEqual(await b.client.waitFor('OFFER'), {
    type: 'OFFER',
    src: a.id,
    dst: b.id,
    payload: { sdp: 'v=0\r\n', n: [1, 2.5] },
  });
  assert.deepEqual(texts, [`${sent.slice(0, sent.lastIndexOf('}'))},"src":"${a.id}"}`]);
});

test('a forged src however it is spelt never reaches the receiver: such a frame is rebuilt', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const c = await member(srv, 'r', 'C');
  await b.client.waitFor('RTC-JOINED');
  const texts = rawTexts(b);
  const frames = [
    `{"type":"OFFER","dst":"${b.id}","payload":{"k":1},"\u0073rc":"${c.id}"}`,
    `{"src":"${c.id}","type":"OFFER","dst":"${b.id}","payload":{"k":2}}`,
    `{"type":"OFFER","dst":"${b.id}","payload":{"k":3},"src":"${c.id}","src":"${c.id}"}`,
    `{"type":"OFFER","dst":"${b.id}","payload":{"k":4},"__proto__":{"src":"${c.id}"}}`,
  ];
  for (const f of frames) a.client.send(f);
  for (let k = 1; k <= frames.length; k++) {
    const got = await b.client.waitFor('OFFER');
    assert.deepEqual(got, { type: 'OFFER', src: a.id, dst: b.id, payload: { k } });
    assert.deepEqual(Object.keys(got), ['type', 'src', 'dst', 'payload'], 'rebuilt, not forwarded');
  }
  assert.ok(
    texts.every((x) => !x.includes(c.id)),
    'the forged id is in no frame b received',
  );
});

test('a member of room A cannot signal a member of room B', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv, 'room-a');
  const { a: c, b: d } = await pair(srv, 'room-b');
  for (const type of ['OFFER', 'ANSWER', 'CANDIDATE'])
    a.client.send({ type, dst: c.id, payload: { from: 'the other room' } });
  // a's later message reaching b proves the server handled the earlier ones; then d's marker is c's first message.
  await nothingElseFor(a, b);
  await nothingElseFor(d, c);
  assert.equal(await refusals(srv, 'not-in-room'), 3);
  // Not to oneself either, nor to ids that do not exist.
  a.client.send({ type: 'OFFER', dst: a.id, payload: {} });
  a.client.send({ type: 'OFFER', dst: 'not-an-issued-id-at-all', payload: {} });
  await nothingElseFor(b, a);
  assert.equal(await refusals(srv, 'not-in-room'), 5);
});

test('EXPIRE, LEAVE, OPEN, ID-TAKEN, ERROR and unknown types from clients are not relayed', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const types = [
    'EXPIRE',
    'LEAVE',
    'OPEN',
    'ID-TAKEN',
    'ERROR',
    'RTC-JOINED',
    'RTC-LEFT',
    'RTC-ROOM',
    'RTC-GOODBYE',
    'offer',
    'FOO',
    '',
  ];
  for (const type of types) a.client.send({ type, dst: b.id, payload: { msg: 'spoof' }, src: b.id });
  a.client.send({ type: 'LEAVE' });
  // Nothing of that reached b, and a is still in the room and connected.
  await nothingElseFor(a, b);
  await nothingElseFor(b, a);
  assert.equal(await refusals(srv, 'type'), types.length + 1);
  const m = await scrape(srv);
  assert.equal(m.get('rtc_members'), 2);
  assert.equal(m.get('rtc_open_connections'), 2);
});

test('HEARTBEAT is accepted and relayed to nobody', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  a.client.send({ type: 'HEARTBEAT', dst: b.id, payload: { x: 1 } });
  a.client.send({ type: 'HEARTBEAT' });
  await nothingElseFor(a, b);
  await nothingElseFor(b, a);
  assert.equal((await scrape(srv)).get('rtc_messages_relayed_total'), 2, 'only the two markers');
});

test('one bad frame cannot hurt: each kind is refused, the server stays up and the socket keeps working', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  const deep = '['.repeat(20000) + ']'.repeat(20000);
  /** @type {Array<[string, string | Buffer, string]>} */
  const frames = [
    ['not JSON', '{"type":"OFFER",', 'malformed'],
    ['empty', '', 'malformed'],
    ['null', 'null', 'malformed'],
    ['number', '42', 'malformed'],
    ['string', '"OFFER"', 'malformed'],
    ['true', 'true', 'malformed'],
    ['array', JSON.stringify([{ type: 'OFFER', dst: b.id, payload: {} }]), 'malformed'],
    ['deeply nested', deep, 'malformed'],
    ['type not a string', JSON.stringify({ type: ['OFFER'], dst: b.id, payload: {} }), 'malformed'],
    ['type null', JSON.stringify({ type: null }), 'malformed'],
    ['no type', JSON.stringify({ dst: b.id, payload: {} }), 'malformed'],
    ['__proto__ type', '{"__proto__":{"type":"OFFER"},"dst":"x","payload":{}}', 'malformed'],
    ['dst missing', JSON.stringify({ type: 'OFFER', payload: {} }), 'malformed'],
    ['dst a number', JSON.stringify({ type: 'OFFER', dst: 7, payload: {} }), 'malformed'],
    ['dst an object', JSON.stringify({ type: 'OFFER', dst: { id: b.id }, payload: {} }), 'malformed'],
    ['dst an array', JSON.stringify({ type: 'OFFER', dst: [b.id], payload: {} }), 'malformed'],
    ['payload missing', JSON.stringify({ type: 'OFFER', dst: b.id }), 'malformed'],
    ['payload a string', JSON.stringify({ type: 'OFFER', dst: b.id, payload: 'sdp' }), 'malformed'],
    ['payload an array', JSON.stringify({ type: 'OFFER', dst: b.id, payload: [] }), 'malformed'],
    ['payload null', JSON.stringify({ type: 'CANDIDATE', dst: b.id, payload: null }), 'malformed'],
    ['binary', Buffer.from(JSON.stringify({ type: 'OFFER', dst: b.id, payload: {} })), 'malformed'],
    ['control characters', '{\u0000\u001b\ufffd}', 'malformed'],
    ['dst prototype key', JSON.stringify({ type: 'OFFER', dst: '__proto__', payload: {} }), 'not-in-room'],
    ['dst constructor', JSON.stringify({ type: 'OFFER', dst: 'constructor', payload: {} }), 'not-in-room'],
    ['unknown type', JSON.stringify({ type: 'SURPRISE', dst: b.id, payload: {} }), 'type'],
  ];
  for (const [what, frame, reason] of frames) {
    const before = await refusals(srv, reason);
    if (Buffer.isBuffer(frame)) a.client.ws.send(frame, { binary: true });
    else a.client.send(frame);
    // The same socket still works right after, in both directions, and b received nothing else.
    await nothingElseFor(a, b);
    await nothingElseFor(b, a);
    assert.equal(await refusals(srv, reason), before + 1, what);
    assert.ok(a.client.open, `${what}: the socket stays open`);
  }
  assert.equal((await scrape(srv)).get('rtc_open_connections'), 2);
});

test('a text frame that is not UTF-8 closes that socket (1007); the server and the room carry on', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '5000' });
  const { a, b } = await pair(srv);
  const c = await member(srv, 'r', 'C');
  await b.client.waitFor('RTC-JOINED');
  a.client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
  assert.equal((await a.client.closed).code, 1007);
  await nothingElseFor(b, c);
  await nothingElseFor(c, b);
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
});

test('frames after RTC-LEAVE on the same socket are not relayed', async (t) => {
  const srv = await startServer(t);
  const { a, b } = await pair(srv);
  a.client.send({ type: 'RTC-LEAVE' });
  a.client.send({ type: 'OFFER', dst: b.id, payload: { after: 'leave' } });
  assert.deepEqual(await b.client.next(), { type: 'RTC-LEFT', payload: { id: a.id } });
  await a.client.closed;
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 2000, 'the close');
  assert.deepEqual(b.client.inbox, []);
  assert.equal((await scrape(srv)).get('rtc_messages_relayed_total'), 0);
});

test('RTC-PING is answered with RTC-PONG by the server itself, relayed to nobody, and rate-limited like any frame', async (t) => {
  const srv = await startServer(t, { MESSAGE_RATE: '10' });
  const { a, b } = await pair(srv);
  a.client.send({ type: 'RTC-PING', dst: b.id, payload: { x: 1 } });
  assert.deepEqual(await a.client.next(), { type: 'RTC-PONG' });
  await nothingElseFor(a, b);
  assert.equal(await refusals(srv, 'type'), 0);
  // The burst is twice the rate (20): the marker and the first ping took two tokens, so 18 of these 40 are answered.
  for (let i = 0; i < 40; i++) a.client.send({ type: 'RTC-PING' });
  await until(async () => (await refusals(srv, 'rate')) >= 20, 3000, 'rate refusals');
  assert.ok(a.client.open, 'pings within the limit do not close the socket');
  // b's marker reaches a after every answer the server wrote to a before it.
  const mark = 'after-the-pings';
  b.client.send({ type: 'OFFER', dst: a.id, payload: { mark } });
  await a.client.waitFor((m) => m.payload?.mark === mark);
  const pongs = a.client.inbox.filter((m) => m.type === 'RTC-PONG').length;
  assert.ok(pongs >= 18 && pongs <= 20, `${pongs} of 40 pings answered`);
});
