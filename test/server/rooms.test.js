// Rooms over the broker websocket: who is there, joins and leaves pushed, the reconnect grace, and identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  member,
  join,
  connect,
  upgradeStatus,
  nothingElseFor,
  scrape,
  sleep,
  until,
  fakeId,
  request,
} from './helpers.js';

test('a joiner learns the members in RTC-ROOM; the others get RTC-JOINED', async (t) => {
  const srv = await startServer(t);
  const a = await member(srv, 'standup', 'Ada');
  assert.deepEqual(a.roomMsg.payload, { room: 'standup', self: { id: a.id, name: 'Ada' }, members: [] });
  const b = await member(srv, 'standup', 'Bob');
  assert.deepEqual(b.roomMsg.payload, {
    room: 'standup',
    self: { id: b.id, name: 'Bob' },
    members: [{ id: a.id, name: 'Ada' }],
  });
  assert.deepEqual(await a.client.next(), { type: 'RTC-JOINED', payload: { id: b.id, name: 'Bob' } });
  const c = await member(srv, 'standup', 'Cy');
  assert.deepEqual(
    c.roomMsg.payload.members.sort((/** @type {any} */ x, /** @type {any} */ y) => x.name.localeCompare(y.name)),
    [
      { id: a.id, name: 'Ada' },
      { id: b.id, name: 'Bob' },
    ],
  );
  assert.deepEqual((await a.client.next()).payload, { id: c.id, name: 'Cy' });
  assert.deepEqual((await b.client.next()).payload, { id: c.id, name: 'Cy' });
  // Someone in another room is seen by nobody here, and sees nobody.
  const x = await member(srv, 'elsewhere', 'X');
  assert.deepEqual(x.roomMsg.payload.members, []);
  await nothingElseFor(b, a);
  // A seat that is issued but never connected is not announced nor listed.
  const m = await scrape(srv);
  assert.equal(m.get('rtc_rooms'), 2);
  assert.equal(m.get('rtc_members'), 4);
  assert.equal(m.get('rtc_open_connections'), 4);
});

test('RTC-LEAVE removes the member at once: RTC-LEFT pushed, socket closed, secret no longer valid', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '60000' });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  await a.client.waitFor('RTC-JOINED');
  const start = Date.now();
  b.client.send({ type: 'RTC-LEAVE' });
  assert.deepEqual(await a.client.next(), { type: 'RTC-LEFT', payload: { id: b.id } });
  assert.ok(Date.now() - start < 20000, 'at once, not after the grace period (60 s)');
  assert.equal((await b.client.closed).code, 1000);
  assert.equal(await upgradeStatus(srv, b), 401, 'the seat is gone');
  const m = await scrape(srv);
  assert.equal(m.get('rtc_members'), 1);
  assert.equal(m.get('rtc_leaves_total'), 1);
  // A member that left does not receive signalling any more, nor is it queued for.
  a.client.send({ type: 'OFFER', dst: b.id, payload: { sdp: 'x' } });
  await until(
    async () => (await scrape(srv)).get('rtc_refusals_total{reason="not-in-room"}') === 1,
    10000,
    'the refusal',
  );
  assert.equal((await scrape(srv)).get('rtc_messages_relayed_total'), 0);
});

test('POST /rtc/leave hands a seat back: pending or connected, only with its secret', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '2', RECONNECT_GRACE: '60000' });
  const a = await member(srv, 'r', 'A');
  // A seat that never connects (its page closed while joining) is handed back, and is gone at once.
  const pending = (await join(srv, { room: 'r', name: 'P' })).json;
  assert.equal((await scrape(srv)).get('rtc_pending_seats'), 1);
  assert.equal((await request(srv, 'POST', '/rtc/leave', { body: { id: pending.id, secret: fakeId() } })).status, 401);
  assert.equal(
    (await request(srv, 'POST', '/rtc/leave', { body: { id: pending.id, secret: pending.secret } })).status,
    204,
  );
  assert.equal((await scrape(srv)).get('rtc_pending_seats'), 0);
  assert.equal(await upgradeStatus(srv, pending), 401, 'a handed-back seat cannot connect');
  const b = await member(srv, 'r', 'B');
  // A connected member that leaves over HTTP: the others hear it, its socket closes, its secret is spent.
  await a.client.waitFor('RTC-JOINED');
  assert.equal((await request(srv, 'POST', '/rtc/leave', { body: { id: b.id, secret: b.secret } })).status, 204);
  assert.deepEqual(await a.client.next(), { type: 'RTC-LEFT', payload: { id: b.id } });
  assert.equal((await b.client.closed).code, 1000);
  assert.equal(await upgradeStatus(srv, b), 401);
  assert.equal((await request(srv, 'POST', '/rtc/leave', { body: { id: b.id, secret: b.secret } })).status, 401);
});

test('a dropped socket keeps its seat for RECONNECT_GRACE, then RTC-LEFT is pushed', async (t) => {
  const grace = 3000;
  const srv = await startServer(t, { RECONNECT_GRACE: String(grace) });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  await a.client.waitFor('RTC-JOINED');
  const start = Date.now();
  b.client.destroy();
  const left = await a.client.next(grace + 15000);
  const waited = Date.now() - start;
  assert.deepEqual(left, { type: 'RTC-LEFT', payload: { id: b.id } });
  assert.ok(waited >= grace - 50, `left after ${waited} ms, not before the grace of ${grace} ms`);
  assert.ok(waited < grace + 6000, `left after ${waited} ms`);
  assert.equal(await upgradeStatus(srv, b), 401, 'after the grace the secret is no longer valid');
});

test('reconnecting with its own id and secret within the grace gets OPEN again, and nobody sees a leave or a join', async (t) => {
  // Coming back must fit in the grace even on a busy machine.
  const grace = 4000;
  const srv = await startServer(t, { RECONNECT_GRACE: String(grace) });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  await a.client.waitFor('RTC-JOINED');
  const droppedAt = Date.now();
  b.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 10000, 'the drop');
  const back = await connect(srv, b);
  assert.equal((await back.next()).type, 'OPEN');
  const room = await back.next();
  assert.equal(room.type, 'RTC-ROOM');
  assert.deepEqual(room.payload, { room: 'r', self: { id: b.id, name: 'B' }, members: [{ id: a.id, name: 'A' }] });
  // Well past the grace: the leave timer was cancelled, and no duplicate RTC-JOINED was sent.
  await sleep(Math.max(0, droppedAt + grace + 2000 - Date.now()));
  await nothingElseFor({ ...b, client: back }, a);
  await nothingElseFor(a, { ...b, client: back });
  assert.equal((await scrape(srv)).get('rtc_members'), 2);
});

test('reconnecting while the old socket is still open (peerjs #1289) gets OPEN; the old socket is replaced', async (t) => {
  const grace = 300;
  const srv = await startServer(t, { RECONNECT_GRACE: String(grace) });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  await a.client.waitFor('RTC-JOINED');
  const second = await connect(srv, b);
  assert.equal((await second.next()).type, 'OPEN', 'OPEN although peer itself sends none here');
  assert.equal((await second.next()).type, 'RTC-ROOM');
  const old = await b.client.closed;
  assert.equal(old.code, 4000);
  assert.equal(old.reason, 'replaced');
  const nb = { ...b, client: second };
  // Signalling for b reaches the new socket; a saw neither a leave nor a join.
  await nothingElseFor(a, nb);
  await nothingElseFor(nb, a);
  const m = await scrape(srv);
  assert.equal(m.get('rtc_open_connections'), 2);
  assert.equal(m.get('rtc_members'), 2);
  // The replaced socket closing did not count as a drop: well past the grace, b is still there and a heard nothing.
  await sleep(grace + 2000);
  await nothingElseFor(nb, a);
  await nothingElseFor(a, nb);
});

test('identity: a wrong secret is refused (401) for a connected, a dropped and a pending id', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '60000' });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  await a.client.waitFor('RTC-JOINED');
  const forged = fakeId() + fakeId();
  assert.equal(await upgradeStatus(srv, { id: a.id, secret: forged }), 401, 'connected id');
  assert.equal(await upgradeStatus(srv, { id: a.id, secret: b.secret }), 401, "another member's secret");
  assert.equal(await upgradeStatus(srv, { id: a.id, secret: a.secret.slice(0, -1) }), 401, 'a prefix of the secret');
  assert.equal(await upgradeStatus(srv, { id: a.id, secret: '' }), 401, 'empty secret');
  b.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 10000, 'the drop');
  assert.equal(await upgradeStatus(srv, { id: b.id, secret: forged }), 401, 'dropped id, within the grace');
  // The refused attempts changed nothing: b can still come back, and nobody was told anything.
  const back = await connect(srv, b);
  assert.equal((await back.next()).type, 'OPEN');
  await nothingElseFor({ ...b, client: back }, a);
  const { id, secret } = (await join(srv, { room: 'r' })).json;
  assert.equal(await upgradeStatus(srv, { id, secret: forged }), 401, 'pending id');
  assert.equal(await upgradeStatus(srv, { id, secret }, { key: 'peerjs' }), 400, 'wrong key');
  assert.equal((await scrape(srv)).get('rtc_refusals_total{reason="identity"}'), 6);
});

test('a seat that is issued but not connected is neither listed nor announced nor signalled', async (t) => {
  const srv = await startServer(t);
  const a = await member(srv, 'r', 'A');
  const pending = await join(srv, { room: 'r', name: 'Ghost' });
  assert.equal(pending.status, 200);
  const b = await member(srv, 'r', 'B');
  assert.deepEqual(b.roomMsg.payload.members, [{ id: a.id, name: 'A' }], 'the pending seat is not listed');
  assert.deepEqual(
    await a.client.next(),
    { type: 'RTC-JOINED', payload: { id: b.id, name: 'B' } },
    'and was not announced',
  );
  // Signalling to a pending seat is refused rather than queued.
  a.client.send({ type: 'OFFER', dst: pending.json.id, payload: {} });
  await nothingElseFor(a, b);
  assert.equal((await scrape(srv)).get('rtc_refusals_total{reason="not-in-room"}'), 1);
});
