// A seat taken with a room token ends TOKEN_GRACE after the token's exp: TURN credentials never outlive it, /rtc/ice
// then answers 401 token-expired, and the member is disconnected; a renewed token handed to /rtc/ice extends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintRoomToken } from '../../server/dist/server/tokens.js';
import { startServer, join, request, member, scrape } from './helpers.js';

const SECRET = 'sixteen-chars-at-least-secret';
const TURN = { TURN_URLS: 'turn:turn.test:3478', TURN_SECRET: 'coturn-static-auth-secret', TURN_TTL: '3600' };
const expOf = (/** @type {string} */ token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp;
/** How long the test waits for a seat to end: its token lives a few seconds; the machine may be busy. */
const ENDS_WITHIN = 30000;

test('TURN credentials never outlive the token plus TOKEN_GRACE; then the seat ends and /rtc/ice says token-expired', async (t) => {
  const srv = await startServer(t, { ...TURN, ROOM_SECRET: SECRET, TOKEN_GRACE: '1' });
  const long = await member(srv, 'standup', 'Stays', { token: mintRoomToken({ room: 'standup' }, SECRET) });
  // An hour-long token (and a second of grace): about the usual TURN_TTL, never more.
  assert.ok(long.joined.ttl >= 3590 && long.joined.ttl <= 3600, `ttl ${long.joined.ttl}`);

  const token = mintRoomToken({ room: 'standup', ttl: 5 }, SECRET);
  const short = await member(srv, 'standup', 'Leaves', { token });
  const ends = expOf(token) + 1;
  assert.ok(short.joined.ttl <= 6 && short.joined.ttl >= 1, `ttl ${short.joined.ttl}`);
  const expiry = Number(short.joined.iceServers[0].username.split(':')[0]);
  assert.ok(expiry <= ends, `TURN expiry ${expiry} is past the seat's end ${ends}`);
  const refreshed = await request(srv, 'POST', '/rtc/ice', { body: { id: short.id, secret: short.secret } });
  assert.equal(refreshed.status, 200);
  assert.ok(Number(refreshed.json.iceServers[0].username.split(':')[0]) <= ends);

  const goodbye = await short.client.waitFor('RTC-GOODBYE', ENDS_WITHIN);
  assert.deepEqual(goodbye.payload, { reason: 'token-expired' });
  await short.client.closed;
  assert.ok(Date.now() / 1000 >= ends - 1, 'not before its time');
  const left = await long.client.waitFor('RTC-LEFT');
  assert.equal(left.payload.id, short.id);
  const after = await request(srv, 'POST', '/rtc/ice', { body: { id: short.id, secret: short.secret } });
  assert.equal(after.status, 401);
  assert.equal(after.json.code, 'token-expired');
  const wrongSecret = await request(srv, 'POST', '/rtc/ice', { body: { id: short.id, secret: long.secret } });
  assert.equal(wrongSecret.json.code, 'unauthorized', 'the secret is still needed to learn that');
  const series = await scrape(srv);
  assert.equal(series.get('rtc_seats_expired_total'), 1);
  assert.equal(series.get('rtc_refusals_total{reason="token-expired"}'), 1);
  assert.ok(long.client.open, 'the member with a valid token stays');
});

test('a renewed token handed to /rtc/ice extends the seat; a bad one extends nothing', async (t) => {
  const srv = await startServer(t, { ...TURN, ROOM_SECRET: SECRET, TOKEN_GRACE: '1' });
  const renewing = await member(srv, 'standup', 'Renews', {
    token: mintRoomToken({ room: 'standup', ttl: 5 }, SECRET),
  });
  // Joined after, with the same short token life: it ends no earlier than the renewing member would have.
  const forging = await member(srv, 'standup', 'Forges', { token: mintRoomToken({ room: 'standup', ttl: 6 }, SECRET) });

  const renewed = await request(srv, 'POST', '/rtc/ice', {
    body: { id: renewing.id, secret: renewing.secret, token: mintRoomToken({ room: 'standup' }, SECRET) },
  });
  assert.equal(renewed.status, 200);
  assert.ok(renewed.json.ttl > 3000, `ttl ${renewed.json.ttl} after renewal`);
  for (const token of [
    mintRoomToken({ room: 'elsewhere' }, SECRET),
    mintRoomToken({ room: 'standup' }, 'not-the-secret-at-all'),
    'junk',
  ]) {
    const res = await request(srv, 'POST', '/rtc/ice', { body: { id: forging.id, secret: forging.secret, token } });
    assert.equal(res.status, 200, 'ignored, not an error: the seat goes on until its own end');
    assert.ok(res.json.ttl <= 7, `ttl ${res.json.ttl}: not extended`);
  }

  await forging.client.waitFor('RTC-GOODBYE', ENDS_WITHIN);
  // The renewing member's first token has run out too, and it is still there.
  const left = await renewing.client.waitFor('RTC-LEFT');
  assert.equal(left.payload.id, forging.id);
  assert.ok(renewing.client.open);
  const still = await request(srv, 'POST', '/rtc/ice', { body: { id: renewing.id, secret: renewing.secret } });
  assert.equal(still.status, 200);
  assert.ok(still.json.ttl > 3000);
  assert.equal((await join(srv, { room: 'standup', token: mintRoomToken({ room: 'standup' }, SECRET) })).status, 200);
});

test('without TURN, a token-bound seat still gets a ttl, so the widget checks in with a renewed token', async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET, TOKEN_GRACE: '300' });
  const res = await join(srv, { room: 'r', token: mintRoomToken({ room: 'r', ttl: 600 }, SECRET) });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.iceServers, []);
  assert.ok(res.json.ttl > 800 && res.json.ttl <= 900, `ttl ${res.json.ttl}`);
  const open = await startServer(t);
  assert.equal((await join(open, { room: 'r' })).json.ttl, 0, 'no token, no end: as before');
});
