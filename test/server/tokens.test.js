// Room tokens (JWT HS256): mint/verify, every kind of bad token refused, and /rtc/join behind ROOM_SECRET.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mintRoomToken, verifyRoomToken } from '../../server/dist/server/tokens.js';
import { startServer, join, member, scrape } from './helpers.js';

const SECRET = 'sixteen-chars-at-least-secret';
const b64 = (/** @type {unknown} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Signs any header and payload with HS256, the way a forger with the secret (or without it) would. */
const sign = (/** @type {object} */ header, /** @type {object} */ payload, secret = SECRET) => {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
};
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

test('a minted token verifies for its room and carries the name, its exp and its identity', async () => {
  const token = mintRoomToken({ room: 'standup', name: 'Ada' }, SECRET);
  const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp;
  assert.deepEqual(await verifyRoomToken(token, SECRET, 'standup'), {
    ok: true,
    name: 'Ada',
    identity: undefined,
    exp,
  });
  const plain = await verifyRoomToken(mintRoomToken({ room: 'standup' }, SECRET), SECRET, 'standup');
  assert.equal(plain.ok, true);
  assert.equal(/** @type {any} */ (plain).name, undefined);
  // sub is who holds the token; without it, jti.
  const withSub = await verifyRoomToken(mintRoomToken({ room: 'standup', sub: 'user-7' }, SECRET), SECRET, 'standup');
  assert.equal(/** @type {any} */ (withSub).identity, 'user-7');
  const withJti = await verifyRoomToken(
    sign({ alg: 'HS256' }, { room: 'standup', exp: inAnHour(), jti: 'j-1' }),
    SECRET,
    'standup',
  );
  assert.equal(/** @type {any} */ (withJti).identity, 'j-1');
  const [h] = token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  assert.throws(() => mintRoomToken({ room: 'x' }, ''), /ROOM_SECRET/);
  assert.throws(() => mintRoomToken({ room: '' }, SECRET), /room/);
});

test('missing, malformed, forged, expired, other-room, unsigned and alg:none tokens are refused', async () => {
  const good = mintRoomToken({ room: 'standup' }, SECRET);
  const [h, p, s] = good.split('.');
  /** @type {Array<[string, unknown, RegExp]>} */
  const cases = [
    ['missing', undefined, /needs a token/],
    ['empty', '', /needs a token/],
    ['not a string', { room: 'standup' }, /needs a token/],
    ['two parts', `${h}.${p}`, /malformed/],
    ['four parts', `${good}.x`, /malformed/],
    ['garbage', 'a.b.c', /malformed/],
    ['huge', `${h}.${'A'.repeat(5000)}.${s}`, /malformed/],
    ['other secret', mintRoomToken({ room: 'standup' }, 'another-secret-of-16-chars'), /signature/],
    ['payload swapped', `${h}.${b64({ room: 'standup', exp: inAnHour() + 99999 })}.${s}`, /signature/],
    ['signature stripped', `${h}.${p}.`, /signature/],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ room: 'standup', exp: inAnHour() })}.`, /HS256/],
    ['alg None, signed', sign({ alg: 'None' }, { room: 'standup', exp: inAnHour() }), /HS256/],
    ['alg HS512', sign({ alg: 'HS512' }, { room: 'standup', exp: inAnHour() }), /HS256/],
    ['header null', sign(/** @type {any} */ (null), { room: 'standup', exp: inAnHour() }), /malformed/],
    ['expired', mintRoomToken({ room: 'standup', ttl: -120 }, SECRET), /expired/],
    // Past the 30 s clock tolerance.
    [
      'expired a minute ago',
      sign({ alg: 'HS256' }, { room: 'standup', exp: Math.floor(Date.now() / 1000) - 60 }),
      /expired/,
    ],
    ['no expiry', sign({ alg: 'HS256' }, { room: 'standup' }), /expiry/],
    ['expiry as string', sign({ alg: 'HS256' }, { room: 'standup', exp: String(inAnHour()) }), /expiry/],
    ['other room', mintRoomToken({ room: 'standup-2' }, SECRET), /another room/],
    ['payload not an object', sign({ alg: 'HS256' }, /** @type {any} */ (42)), /malformed|expiry/],
  ];
  for (const [what, token, reason] of cases) {
    const r = await verifyRoomToken(token, SECRET, 'standup');
    assert.equal(r.ok, false, what);
    assert.match(/** @type {{reason: string}} */ (r).reason, reason, what);
  }
});

test('/rtc/join with ROOM_SECRET: a refused client gets 401 unauthorized and learns nothing about the room', async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET, ROOM_MAX: '2' });
  const insider = await member(srv, 'standup', 'Insider', { token: mintRoomToken({ room: 'standup' }, SECRET) });
  const bad = [
    undefined,
    'junk',
    mintRoomToken({ room: 'standup' }, 'not-the-secret-at-all'),
    mintRoomToken({ room: 'standup', ttl: -120 }, SECRET),
    mintRoomToken({ room: 'elsewhere' }, SECRET),
    `${b64({ alg: 'none' })}.${b64({ room: 'standup', exp: inAnHour() })}.`,
  ];
  for (const token of bad) {
    const res = await join(srv, { room: 'standup', name: 'Mallory', ...(token === undefined ? {} : { token }) });
    assert.equal(res.status, 401, String(token));
    assert.equal(res.json.code, 'unauthorized');
    assert.deepEqual(Object.keys(res.json).sort(), ['code', 'message']);
    assert.ok(!res.text.includes(insider.id), 'no member id in the refusal');
    assert.ok(!res.text.includes('Insider'), 'no member name in the refusal');
  }
  // A full room answers an outsider exactly like an empty one: 401, not 409.
  await member(srv, 'standup', 'Second', { token: mintRoomToken({ room: 'standup' }, SECRET) });
  const outsider = await join(srv, { room: 'standup', name: 'Mallory' });
  assert.equal(outsider.status, 401);
  assert.equal(outsider.json.code, 'unauthorized');
  const insiderToFull = await join(srv, { room: 'standup', token: mintRoomToken({ room: 'standup' }, SECRET) });
  assert.equal(insiderToFull.status, 409, 'a valid token does learn that the room is full');
  // Insider saw nothing of the refused attempts.
  assert.deepEqual(
    insider.client.all.map((m) => m.type),
    ['OPEN', 'RTC-ROOM', 'RTC-JOINED'],
  );
  assert.equal((await scrape(srv)).get('rtc_refusals_total{reason="unauthorized"}'), bad.length + 1);
});

test("/rtc/join with ROOM_SECRET: the token's name claim is used, not the name in the body", async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET });
  const a = await member(srv, 'standup', 'I say I am the CEO', {
    token: mintRoomToken({ room: 'standup', name: 'Ada' }, SECRET),
  });
  assert.equal(a.name, 'Ada');
  assert.deepEqual(a.roomMsg.payload.self, { id: a.id, name: 'Ada' });
  const b = await member(srv, 'standup', 'Bob', { token: mintRoomToken({ room: 'standup' }, SECRET) });
  assert.equal(b.name, 'Bob', 'without a name claim, the body name is used');
  const joined = await a.client.waitFor('RTC-JOINED');
  assert.deepEqual(joined.payload, { id: b.id, name: 'Bob' });
  assert.deepEqual(b.roomMsg.payload.members, [{ id: a.id, name: 'Ada' }]);
});

test('/rtc/join without ROOM_SECRET ignores tokens and names are cleaned', async (t) => {
  const srv = await startServer(t);
  const res = await join(srv, {
    room: 'open-room',
    name: '  Eve\u0000\u001b[31m\u2028 the ' + 'x'.repeat(80),
    token: 'whatever',
  });
  assert.equal(res.status, 200);
  assert.equal(res.json.name, 'Eve[31m the ' + 'x'.repeat(40 - 'Eve[31m the '.length));
  assert.equal(res.json.name.length, 40);
});

test('names lose invisible format characters (\\p{Cf}), from the join body and from the token', async (t) => {
  const srv = await startServer(t, { ROOM_SECRET: SECRET });
  // U+202E right-to-left override, U+200B zero-width space, U+2066 isolate, U+FEFF byte order mark, U+00AD soft hyphen.
  const sneaky = 'Ad\u202ea\u200b \u2066Lo\ufeffve\u00adlace';
  const fromBody = await member(srv, 'standup', sneaky, { token: mintRoomToken({ room: 'standup' }, SECRET) });
  assert.equal(fromBody.name, 'Ada Lovelace');
  const fromToken = await member(srv, 'standup', 'ignored', {
    token: mintRoomToken({ room: 'standup', name: `\u200b${sneaky}\u202c` }, SECRET),
  });
  assert.equal(fromToken.name, 'Ada Lovelace');
  const joined = await fromBody.client.waitFor('RTC-JOINED');
  assert.equal(joined.payload.name, 'Ada Lovelace');
});

/** The signature's last character with its low bit flipped: decoders ignore the unused bits, so it decodes the same. */
const flipLowBit = (/** @type {string} */ token) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return token.slice(0, -1) + alphabet[alphabet.indexOf(token.slice(-1)) ^ 1];
};

test('tokens a JWT library refuses are refused: nbf ahead, exp far ahead, padded, junk or non-canonical signature', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const good = mintRoomToken({ room: 'standup' }, SECRET);
  const [h, p, s] = good.split('.');
  /** @type {Array<[string, string, RegExp]>} */
  const cases = [
    [
      'nbf an hour ahead',
      sign({ alg: 'HS256' }, { room: 'standup', exp: now + 7200, nbf: now + 3600 }),
      /not valid yet/,
    ],
    ['exp 1e308', sign({ alg: 'HS256' }, { room: 'standup', exp: 1e308 }), /too far ahead/],
    ['exp a year ahead', sign({ alg: 'HS256' }, { room: 'standup', exp: now + 365 * 86400 }), /too far ahead/],
    ['signature with == appended', `${good}==`, /malformed/],
    ['a junk character in the signature', `${h}.${p}.${s.slice(0, 10)}!${s.slice(10)}`, /malformed/],
    ['low bits of the signature flipped', flipLowBit(good), /malformed/],
    ['payload padded', `${h}.${p}=.${s}`, /malformed/],
  ];
  for (const [what, token, reason] of cases) {
    const r = await verifyRoomToken(token, SECRET, 'standup');
    assert.equal(r.ok, false, what);
    assert.match(/** @type {{reason: string}} */ (r).reason, reason, what);
  }
  // Within the limits they are fine: nbf a few seconds ahead (clock skew), exp just under the cap.
  const skewed = sign({ alg: 'HS256' }, { room: 'standup', exp: now + 600, nbf: now + 10 });
  assert.equal((await verifyRoomToken(skewed, SECRET, 'standup')).ok, true);
  const longest = sign({ alg: 'HS256' }, { room: 'standup', exp: now + 86400 - 60 });
  assert.equal((await verifyRoomToken(longest, SECRET, 'standup')).ok, true);

  // And through /rtc/join: 401, with TOKEN_MAX_TTL as the cap.
  const srv = await startServer(t, { ROOM_SECRET: SECRET, TOKEN_MAX_TTL: '600' });
  for (const [what, token] of cases) {
    const res = await join(srv, { room: 'standup', token });
    assert.equal(res.status, 401, what);
    assert.equal(res.json.code, 'unauthorized', what);
  }
  const twoHours = await join(srv, { room: 'standup', token: mintRoomToken({ room: 'standup', ttl: 7200 }, SECRET) });
  assert.equal(twoHours.status, 401);
  assert.match(twoHours.json.message, /too far ahead/);
  const fiveMinutes = await join(srv, { room: 'standup', token: mintRoomToken({ room: 'standup', ttl: 300 }, SECRET) });
  assert.equal(fiveMinutes.status, 200);
});
