// A seat taken in the websocket upgrade itself (one round trip instead of POST /rtc/join and then the upgrade): the
// client makes its own secret, its id is the secret's hash, and everything POST /rtc/join checks is checked here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mintRoomToken } from '../../server/dist/server/tokens.js';
import { startServer, member, connectUrl, brokerUrl, refusals, join, nothingElseFor } from './helpers.js';

const SECRET = 'a-room-secret-of-at-least-16-chars';
const TURN = { TURN_URLS: 'turn:turn.test:3478', TURN_SECRET: 'coturn-static-auth-secret' };

/** A client-made seat: a random secret and the id it stands for. */
function ownSeat() {
  const secret = randomBytes(24).toString('base64url');
  return { secret, id: createHash('sha256').update(secret).digest('hex').slice(0, 32) };
}

/**
 * The URL the widget opens: PeerJS's own query, with the room, name and room token after its key.
 * @param {{port: number}} srv @param {{id: string, secret: string}} seat @param {Record<string, string>} join
 */
const joinUrl = (srv, seat, join) =>
  brokerUrl(srv, { key: 'rtc-call', ...join, id: seat.id, token: seat.secret, version: '1.5.4' });

/** Opens a joining upgrade; resolves with the client or the refusal's status. */
async function upgrade(/** @type {any} */ srv, /** @type {any} */ seat, /** @type {Record<string, string>} */ q) {
  try {
    return { client: await connectUrl(srv, joinUrl(srv, seat, q)), status: 101 };
  } catch (err) {
    const status = /** @type {any} */ (err).status;
    if (typeof status !== 'number') throw err;
    return { client: undefined, status };
  }
}

test('a seat taken in the upgrade: OPEN, then the seat (name, ICE servers with TURN), then the room', async (t) => {
  const srv = await startServer(t, TURN);
  const first = await member(srv, 'standup', 'Ada');
  const seat = ownSeat();
  const { client, status } = await upgrade(srv, seat, { room: 'standup', name: 'Grace' });
  assert.equal(status, 101);
  assert.ok(client);
  assert.equal((await client.next()).type, 'OPEN');
  const details = await client.next();
  assert.equal(details.type, 'RTC-SEAT');
  assert.equal(details.payload.name, 'Grace');
  const turn = details.payload.iceServers.find((/** @type {any} */ s) => String(s.urls).includes('turn:'));
  assert.ok(turn?.username && turn.credential, `TURN credentials in ${JSON.stringify(details.payload)}`);
  assert.ok(details.payload.ttl > 0);
  const room = await client.next();
  assert.equal(room.type, 'RTC-ROOM');
  assert.equal(room.payload.self.id, seat.id);
  assert.deepEqual(room.payload.members, [{ id: first.id, name: 'Ada' }]);
  const joined = await first.client.waitFor('RTC-JOINED');
  assert.deepEqual(joined.payload, { id: seat.id, name: 'Grace' });
  // A member like any other: signalling flows both ways, and the id and secret refresh TURN credentials.
  const me = { id: seat.id, client };
  await nothingElseFor(first, /** @type {any} */ (me));
  await nothingElseFor(/** @type {any} */ (me), first);
  const ice = await fetch(`http://127.0.0.1:${srv.port}/rtc/ice`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ id: seat.id, secret: seat.secret }),
  });
  assert.equal(ice.status, 200);
});

test('an id that is not the hash of its secret, or a short secret, is refused: nobody takes an id they did not make', async (t) => {
  const srv = await startServer(t);
  const ada = await member(srv, 'standup', 'Ada');
  const bob = await member(srv, 'standup', 'Bob');
  await ada.client.waitFor('RTC-JOINED');
  const mine = ownSeat();
  const short = randomBytes(12).toString('base64url');
  const cases = [
    ['another seat\u2019s id', { id: ada.id, secret: mine.secret }],
    ['an id of my choosing', { id: randomBytes(16).toString('base64url'), secret: mine.secret }],
    ['a short secret', { id: createHash('sha256').update(short).digest('hex').slice(0, 32), secret: short }],
  ];
  for (const [what, seat] of cases) {
    const { status } = await upgrade(srv, seat, { room: 'standup', name: 'Mallory' });
    assert.equal(status, 401, String(what));
  }
  assert.equal(await refusals(srv, 'identity'), cases.length);
  // Ada's socket is untouched, and nobody joined: the next thing she gets is a marker from Bob.
  assert.equal(ada.client.open, true);
  await nothingElseFor(bob, ada);
});

test('the room limit, the room name and the join rate hold for upgrade joins as for POST /rtc/join', async (t) => {
  const srv = await startServer(t, { ROOM_MAX: '2', JOIN_RATE: '6' });
  await member(srv, 'small', 'a');
  const b = await upgrade(srv, ownSeat(), { room: 'small', name: 'b' });
  assert.equal(b.status, 101);
  await b.client?.waitFor('RTC-ROOM');
  assert.equal((await upgrade(srv, ownSeat(), { room: 'small', name: 'c' })).status, 409);
  assert.equal((await upgrade(srv, ownSeat(), { room: '../etc', name: 'c' })).status, 400);
  // 6 a minute: a, b, c, ../etc took 4.
  assert.equal((await upgrade(srv, ownSeat(), { room: 'other' })).status, 101);
  assert.equal((await upgrade(srv, ownSeat(), { room: 'other2' })).status, 101);
  assert.equal((await upgrade(srv, ownSeat(), { room: 'other3' })).status, 429);
  assert.equal((await join(srv, { room: 'other4' })).status, 429);
});

test('with ROOM_SECRET, an upgrade join needs a room token for that room; the token names its holder', async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET });
  assert.equal((await upgrade(srv, ownSeat(), { room: 'standup', name: 'x' })).status, 401);
  const other = mintRoomToken({ room: 'elsewhere' }, SECRET);
  assert.equal((await upgrade(srv, ownSeat(), { room: 'standup', jwt: other })).status, 401);
  const token = mintRoomToken({ room: 'standup', name: 'Ada Lovelace' }, SECRET);
  const { client, status } = await upgrade(srv, ownSeat(), { room: 'standup', name: 'pretender', jwt: token });
  assert.equal(status, 101);
  const details = await client?.waitFor('RTC-SEAT');
  assert.equal(details?.payload.name, 'Ada Lovelace');
  assert.equal((await refusals(srv, 'unauthorized')) >= 2, true);
});

test('coming back with the same id and secret is the same seat: no second member, no second RTC-JOINED', async (t) => {
  const srv = await startServer(t);
  const ada = await member(srv, 'standup', 'Ada');
  const seat = ownSeat();
  const q = { room: 'standup', name: 'Grace' };
  const one = await upgrade(srv, seat, q);
  await one.client?.waitFor('RTC-ROOM');
  await ada.client.waitFor('RTC-JOINED');
  one.client?.destroy();
  const two = await upgrade(srv, seat, q);
  assert.equal(two.status, 101);
  const room = await two.client?.waitFor('RTC-ROOM');
  assert.deepEqual(room?.payload.members, [{ id: ada.id, name: 'Ada' }]);
  // Ada hears of nobody new: the next thing she gets is a marker from Grace.
  await nothingElseFor(/** @type {any} */ ({ id: seat.id, client: two.client }), ada);
});

test('upgrade join parameters written twice or disguised are refused', async (t) => {
  const srv = await startServer(t);
  const seat = ownSeat();
  const base = `ws://127.0.0.1:${srv.port}/broker/peerjs?key=rtc-call&id=${seat.id}&token=${seat.secret}`;
  for (const extra of ['&room=a&room=b', '&Room=a', '&room=a&name=x&name=y', '&room=a&jwt=x&JWT=y']) {
    const status = await connectUrl(srv, base + extra).then(
      (c) => (c.destroy(), 101),
      (err) => err.status,
    );
    assert.equal(status, 400, extra);
  }
});

test('every seat id is one the PeerJS client accepts (letters and digits), whoever made it', async () => {
  const { Rooms, MemoryRoomStore } = await import('../../server/dist/server/rooms.js');
  const { idOfSecret } = await import('../../server/dist/server/join.js');
  // PeerJS's own check (util.validateId): an id that fails it never reaches the server, and the join fails.
  const PEERJS_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
  const rooms = new Rooms({ store: new MemoryRoomStore(), roomMax: 1000, reconnectGrace: 1000, send: () => {} });
  try {
    for (let i = 0; i < 500; i++) {
      const t = await rooms.issue(`room-${i}`, 'x', { owner: `owner-${i}` });
      assert.ok(t && PEERJS_ID.test(t.id), `issued id ${t?.id}`);
      const own = idOfSecret(randomBytes(24).toString('base64url'));
      assert.ok(PEERJS_ID.test(own) && own.length === 32, `client-made id ${own}`);
    }
  } finally {
    rooms.close();
  }
});

test('peer is handed the checked id, decoded as it was checked, and never the seat secret', async () => {
  const { upgradeIdentity } = await import('../../server/dist/server/upgrade-guard.js');
  for (const seat of [ownSeat(), { id: 'Zz_-09azAZ0123456789', secret: randomBytes(24).toString('base64url') }]) {
    const who = upgradeIdentity(`/broker/peerjs?key=rtc-call&id=${seat.id}&token=${seat.secret}&version=1.5.4`);
    assert.ok(who);
    assert.equal(who.id, seat.id);
    assert.equal(who.token, seat.secret);
    // `peer` reads the URL as this does (new URL(req.url, base).searchParams).
    const q = new URL(who.url, 'https://peerjs').searchParams;
    assert.equal(q.get('id'), seat.id);
    assert.equal(q.get('key'), 'rtc-call');
    assert.ok(q.get('token'), 'peer refuses an upgrade without a token');
    assert.ok(!who.url.includes(seat.secret) && !q.get('token')?.includes(seat.secret), who.url);
  }
});
