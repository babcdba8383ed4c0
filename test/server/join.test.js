// POST /rtc/join: room names, room capacity, ids issued by the server, peer's HTTP API closed, /healthz.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PEER_ID } from '../../server/dist/server/rooms.js';
import { parseConfig } from '../../server/dist/server/config.js';
import { startServer, join, request, member, scrape, refusals, upgradeStatus, fakeId } from './helpers.js';

test('/healthz answers 200 {status: "ok"}', async (t) => {
  const srv = await startServer(t);
  const res = await request(srv, 'GET', '/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'ok');
  assert.equal(typeof res.json.uptime, 'number');
});

test('a good join returns an id, a secret, the broker and ICE servers', async (t) => {
  const srv = await startServer(t);
  const res = await join(srv, { room: 'Team.standup_2-b', name: 'Ada' });
  assert.equal(res.status, 200);
  assert.match(res.json.id, PEER_ID);
  assert.ok(res.json.secret.length >= 32, 'a long secret');
  assert.notEqual(res.json.secret, res.json.id);
  assert.deepEqual(res.json.broker, { path: '/broker/', key: 'rtc-call' });
  assert.deepEqual(res.json.iceServers, []);
  assert.equal(res.json.ttl, 0);
  assert.equal(res.json.name, 'Ada');
  assert.equal(res.headers.etag, undefined, 'no ETag to compute: a no-store answer is never revalidated');
});

test('room names are validated: 400 invalid-room with a clear message', async (t) => {
  const srv = await startServer(t);
  /** @type {Array<[unknown, RegExp]>} */
  const cases = [
    [undefined, /required/],
    ['', /required/],
    [42, /required/],
    [['a'], /required/],
    [{ room: 'a' }, /required/],
    ['a'.repeat(65), /at most 64/],
    ['-starts-with-dash', /letters, digits/],
    ['.hidden', /letters, digits/],
    ['has space', /letters, digits/],
    ['slash/room', /letters, digits/],
    ['../etc', /letters, digits/],
    ['émoji😀', /letters, digits/],
    ['new\nline', /letters, digits/],
  ];
  for (const [room, message] of cases) {
    const res = await join(srv, { room, name: 'x' });
    assert.equal(res.status, 400, JSON.stringify(room));
    assert.equal(res.json.code, 'invalid-room');
    assert.match(res.json.message, /^Invalid room name: /);
    assert.match(res.json.message, message, JSON.stringify(room));
  }
  assert.equal((await join(srv, { room: 'a'.repeat(64) })).status, 200, '64 characters is fine');
  assert.equal((await join(srv, { room: '7' })).status, 200, 'one digit is fine');
  assert.equal((await scrape(srv)).get('rtc_refusals_total{reason="invalid-room"}'), cases.length);
});

test('bodies that are not JSON objects are refused cleanly', async (t) => {
  const srv = await startServer(t);
  const notJson = await request(srv, 'POST', '/rtc/join', {
    body: '{"room":',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.json.code, 'bad-request');
  const array = await request(srv, 'POST', '/rtc/join', { body: '["room"]' });
  assert.equal(array.status, 400);
  const big = await request(srv, 'POST', '/rtc/join', { body: { room: 'r', name: 'x'.repeat(9000) } });
  assert.equal(big.status, 413);
  const noType = await request(srv, 'POST', '/rtc/join', {
    body: 'room=r',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(noType.status, 400);
  assert.equal(noType.json.code, 'invalid-room');
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
});

test('a join labelled text/plain (no CORS preflight) is read as JSON, and the origin is still checked', async (t) => {
  const srv = await startServer(t, { ALLOWED_ORIGINS: 'https://site.example' });
  const body = JSON.stringify({ room: 'plain', name: 'Ada' });
  const ok = await request(srv, 'POST', '/rtc/join', {
    body,
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://site.example' },
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.name, 'Ada');
  // What a hostile page could send without a preflight is refused by the route itself.
  const other = await request(srv, 'POST', '/rtc/join', {
    body,
    headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
  });
  assert.equal(other.status, 403);
  assert.equal(other.json.code, 'origin-not-allowed');
});

test('ROOM_MAX: the next join gets 409 room-full; a seat frees up when someone leaves', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '2' });
  const a = await member(srv, 'small', 'A');
  await member(srv, 'small', 'B');
  const full = await join(srv, { room: 'small', name: 'C' });
  assert.equal(full.status, 409);
  assert.equal(full.json.code, 'room-full');
  assert.match(full.json.message, /full.*2/);
  assert.ok(!full.text.includes(a.id), 'no member ids');
  assert.equal((await join(srv, { room: 'other', name: 'C' })).status, 200, 'other rooms are not affected');
  a.client.send({ type: 'RTC-LEAVE' });
  await a.client.closed;
  assert.equal((await join(srv, { room: 'small', name: 'C' })).status, 200);
  assert.equal((await scrape(srv)).get('rtc_refusals_total{reason="room-full"}'), 1);
});

test('ids are issued by the server: unique, well-formed, and a client cannot choose one', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '10' });
  const ids = new Set();
  for (let i = 0; i < 10; i++) {
    const res = await join(srv, { room: 'r', id: 'i-want-this-id-please', secret: 'and-this-secret-too' });
    assert.equal(res.status, 200);
    assert.notEqual(res.json.id, 'i-want-this-id-please');
    assert.notEqual(res.json.secret, 'and-this-secret-too');
    ids.add(res.json.id);
  }
  assert.equal(ids.size, 10);
  // An id the server never issued cannot open a broker connection, whatever the token.
  assert.equal(await upgradeStatus(srv, { id: 'i-want-this-id-please', secret: 'and-this-secret-too' }), 401);
  assert.equal(await upgradeStatus(srv, { id: fakeId(), secret: fakeId() }), 401);
});

test("peer's HTTP API is closed: no id generation, no peer listing", async (t) => {
  const srv = await startServer(t);
  const a = await member(srv, 'r', 'A');
  for (const path of [
    '/broker/peerjs/rtc-call/peers',
    '/broker/peerjs/rtc-call/id',
    '/broker/rtc-call/peers',
    '/broker/rtc-call/id',
    '/broker/peerjs/peers',
    '/broker/',
    '/broker/peerjs?key=rtc-call',
  ]) {
    const res = await request(srv, 'GET', path);
    assert.equal(res.status, 404, path);
    assert.ok(!res.text.includes(a.id), `${path} lists no ids`);
    assert.equal(res.json?.code, 'not-found', path);
  }
});

test('the join endpoint is rate limited per address (JOIN_RATE per minute, in bursts of that many)', async (t) => {
  assert.equal(parseConfig([], {}).joinRate, 30, 'default');
  const srv = await startServer(t, { JOIN_RATE: '6' });
  const statuses = [];
  for (let i = 0; i < 9; i++) statuses.push((await join(srv, { room: `r${i}` })).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429]);
  const res = await join(srv, { room: 'r' });
  assert.equal(res.json.code, 'rate-limited');
  assert.equal(await refusals(srv, 'rate-limited'), 4);
  // Another address (as seen by a trusted proxy) has its own allowance.
  const proxied = await startServer(t, { JOIN_RATE: '1', TRUST_PROXY: 'loopback' });
  assert.equal((await join(proxied, { room: 'r' }, { 'x-forwarded-for': '192.0.2.1' })).status, 200);
  assert.equal((await join(proxied, { room: 'r' }, { 'x-forwarded-for': '192.0.2.1' })).status, 429);
  assert.equal(
    (await join(proxied, { room: 'r' }, { 'x-forwarded-for': '6.6.6.6, 192.0.2.1' })).status,
    429,
    'a made-up first entry changes nothing',
  );
  assert.equal((await join(proxied, { room: 'r' }, { 'x-forwarded-for': '192.0.2.2' })).status, 200);
});
