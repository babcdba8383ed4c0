// Seats that are issued and never used cannot lock a room: only members (connected or briefly away) count toward
// ROOM_MAX, unused seats are few per address and per room and expire, and a token identity holds one seat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyRoomToken } from '../../server/dist/server/tokens.js';
import { startServer, join, connect, member, upgradeStatus, scrape, refusals, until } from './helpers.js';

const SECRET = 'sixteen-chars-at-least-secret';
/** A room token with any claims (the server's own format: HS256 over base64url JSON). @param {object} claims */
function token(claims) {
  const b64 = (/** @type {unknown} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}`;
  return `${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`;
}

/** @param {import('./helpers.js').Srv} srv */
const pendingSeats = async (srv) => (await scrape(srv)).get('rtc_pending_seats');

test('eight joins that never open a websocket do not lock out the next visitor', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '8' });
  // The attack: eight seats, no websockets.
  for (let i = 0; i < 8; i++) assert.equal((await join(srv, { room: 'standup', name: `ghost${i}` })).status, 200);
  const m = await scrape(srv);
  assert.equal(m.get('rtc_members'), 0);
  assert.equal(m.get('rtc_pending_seats'), 4, 'one address holds at most PENDING_PER_IP (4) unused seats');
  // The ninth visitor (from the same address, even) gets a seat, connects, and is in the room.
  const visitor = await member(srv, 'standup', 'Visitor');
  assert.deepEqual(visitor.roomMsg.payload.members, []);
  // And so do seven more: only connected members fill the room.
  const others = [];
  for (let i = 0; i < 7; i++) others.push(await member(srv, 'standup', `P${i}`));
  assert.equal((await scrape(srv)).get('rtc_members'), 8);
  const full = await join(srv, { room: 'standup' });
  assert.equal(full.status, 409);
  assert.equal(full.json.code, 'room-full');
});

test('unused seats from many addresses cannot fill a room either: the oldest gives way', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '3', TRUST_PROXY: 'loopback' });
  const via = (/** @type {number} */ i) => ({ 'x-forwarded-for': `192.0.2.${i}` });
  const ghosts = [];
  for (let i = 0; i < 3; i++) ghosts.push((await join(srv, { room: 'r' }, via(i))).json);
  assert.equal(await pendingSeats(srv), 3);
  const seat = (await join(srv, { room: 'r' }, via(9))).json;
  assert.equal(await pendingSeats(srv), 3, 'at most ROOM_MAX unused seats in a room');
  assert.equal(await upgradeStatus(srv, ghosts[0]), 401, 'the oldest unused seat is gone');
  const c = await connect(srv, seat);
  assert.equal((await c.next()).type, 'OPEN');
  assert.equal(await pendingSeats(srv), 2);
});

test('PENDING_PER_IP: a further unused seat from one address pushes out its oldest', async (t) => {
  const srv = await startServer(t, { PENDING_PER_IP: '2' });
  const seats = [];
  for (let i = 0; i < 3; i++) seats.push((await join(srv, { room: `r${i}` })).json);
  assert.equal(await pendingSeats(srv), 2);
  assert.equal(await upgradeStatus(srv, seats[0]), 401, 'the oldest is gone');
  const b = await connect(srv, seats[1]);
  assert.equal((await b.next()).type, 'OPEN');
  // A connected seat no longer counts as unused: two more fit.
  seats.push((await join(srv, { room: 'r3' })).json);
  assert.equal(await pendingSeats(srv), 2);
  const c = await connect(srv, seats[2]);
  assert.equal((await c.next()).type, 'OPEN');
});

test('PENDING_TIMEOUT: an unused seat expires', async (t) => {
  const srv = await startServer(t, { PENDING_TIMEOUT: '1000' });
  const seat = (await join(srv, { room: 'r' })).json;
  assert.equal(await pendingSeats(srv), 1);
  await until(async () => (await pendingSeats(srv)) === 0, 8000, 'the expiry');
  assert.equal(await upgradeStatus(srv, seat), 401);
  assert.equal((await scrape(srv)).get('rtc_rooms'), 0);
});

test('a room that filled up after the seat was issued refuses the websocket (409), and the next join says room-full', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '2' });
  const a = await member(srv, 'r', 'A');
  const b = (await join(srv, { room: 'r', name: 'B' })).json;
  const c = (await join(srv, { room: 'r', name: 'C' })).json;
  const bc = await connect(srv, b);
  assert.equal((await bc.next()).type, 'OPEN');
  await a.client.waitFor('RTC-JOINED');
  // C's seat was good when issued; the room is full now. The widget treats a refused upgrade as a failed attempt,
  // hands the seat back and asks again: that join answers room-full, which the widget shows.
  assert.equal(await upgradeStatus(srv, c), 409);
  assert.equal(await refusals(srv, 'room-full'), 1);
  const again = await join(srv, { room: 'r', name: 'C' });
  assert.equal(again.status, 409);
  assert.equal(again.json.code, 'room-full');
  // A member who is briefly away keeps its place and may come back.
  a.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 3000, 'the drop');
  assert.equal((await join(srv, { room: 'r' })).status, 409, 'the away member still counts');
  const back = await connect(srv, a);
  assert.equal((await back.next()).type, 'OPEN');
});

test('verifyRoomToken names the identity: sub, else jti', async () => {
  const identity = async (/** @type {object} */ claims) =>
    /** @type {any} */ (await verifyRoomToken(token(claims), SECRET, 'r')).identity;
  assert.equal(await identity({ room: 'r', sub: 'u1', jti: 'j1' }), 'u1');
  assert.equal(await identity({ room: 'r', jti: 'j1' }), 'j1');
  assert.equal(await identity({ room: 'r' }), undefined);
  assert.equal(await identity({ room: 'r', sub: 7 }), undefined);
});

test('a token with a sub holds one seat: a second join with it replaces the first, whose socket is closed', async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET, ROOM_MAX: '2', RECONNECT_GRACE: '60000' });
  const ana = token({ room: 'r', sub: 'ana' });
  const first = await member(srv, 'r', 'Ana', { token: ana });
  const bob = await member(srv, 'r', 'Bob', { token: token({ room: 'r', sub: 'bob' }) });
  await first.client.waitFor('RTC-JOINED');
  // The room is full, but Ana's second join takes over her own seat rather than being refused.
  const second = await join(srv, { room: 'r', token: ana });
  assert.equal(second.status, 200);
  assert.notEqual(second.json.id, first.id);
  assert.deepEqual(await first.client.closed, { code: 4001, reason: 'replaced' });
  assert.deepEqual(await bob.client.next(), { type: 'RTC-LEFT', payload: { id: first.id } });
  assert.equal(await upgradeStatus(srv, first), 401, 'the first seat is gone');
  const again = await connect(srv, second.json);
  assert.equal((await again.next()).type, 'OPEN');
  assert.equal((await bob.client.next()).type, 'RTC-JOINED');
  assert.equal((await scrape(srv)).get('rtc_members'), 2);
  // Another identity is another seat, and the room is full for it.
  assert.equal((await join(srv, { room: 'r', token: token({ room: 'r', sub: 'carol' }) })).status, 409);
});

test('a token with a jti (and no sub) holds one seat too, also while it is unused', async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET });
  const once = token({ room: 'r', jti: 'invite-1' });
  const a = (await join(srv, { room: 'r', token: once })).json;
  const b = (await join(srv, { room: 'r', token: once })).json;
  assert.equal(await pendingSeats(srv), 1);
  assert.equal(await upgradeStatus(srv, a), 401);
  // Tokens without an identity are independent seats, as before.
  const plain = token({ room: 'r' });
  await join(srv, { room: 'r', token: plain });
  await join(srv, { room: 'r', token: plain });
  assert.equal(await pendingSeats(srv), 3);
  const c = await connect(srv, b);
  assert.equal((await c.next()).type, 'OPEN');
});
