// TURN REST API credentials (coturn use-auth-secret) handed out by /rtc/join and refreshed by /rtc/ice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { turnCredentials } from '../../server/dist/server/ice.js';
import { startServer, join, request, scrape, fakeId } from './helpers.js';

const TURN = {
  TURN_URLS: 'turn:turn.test:3478,turns:turn.test:5349',
  TURN_SECRET: 'coturn-static-auth-secret',
  STUN_URLS: 'stun:stun.test:3478',
};
const expected = (/** @type {string} */ username) =>
  createHmac('sha1', TURN.TURN_SECRET).update(username).digest('base64');

test('turnCredentials: username <expiry>:<id>, password base64 HMAC-SHA1(secret, username)', () => {
  const now = 1_700_000_000_123;
  const c = turnCredentials('s3cret', 'peer-id', 600, now);
  assert.equal(c.username, '1700000600:peer-id');
  // A fixed vector, computed independently of the implementation's own code path.
  assert.equal(c.credential, createHmac('sha1', 's3cret').update('1700000600:peer-id').digest('base64'));
  assert.match(c.credential, /^[A-Za-z0-9+/]{27}=$/, 'base64 of 20 bytes');
});

test('/rtc/join hands out STUN and short-lived TURN credentials for the issued id; ttl is configurable', async (t) => {
  const srv = await startServer(t, { ...TURN, TURN_TTL: '120' });
  const before = Math.floor(Date.now() / 1000);
  const res = await join(srv, { room: 'r1', name: 'Ada' });
  assert.equal(res.status, 200);
  const { id, iceServers, ttl } = res.json;
  assert.equal(ttl, 120);
  assert.deepEqual(iceServers[0], { urls: ['stun:stun.test:3478'] });
  const turn = iceServers[1];
  assert.deepEqual(turn.urls, ['turn:turn.test:3478', 'turns:turn.test:5349']);
  const [expiry, who] = turn.username.split(':');
  assert.equal(who, id);
  assert.ok(Number(expiry) >= before + 120 && Number(expiry) <= Math.ceil(Date.now() / 1000) + 120, `expiry ${expiry}`);
  assert.equal(turn.credential, expected(turn.username));
  assert.equal(iceServers.length, 2);
});

test('/rtc/ice refreshes credentials for a seated id only, and every issue is counted', async (t) => {
  const srv = await startServer(t, { ...TURN, TURN_TTL: '60' });
  const m0 = await scrape(srv);
  assert.equal(m0.get('rtc_turn_credentials_total'), 0);
  const { json: seat } = await join(srv, { room: 'r1' });
  assert.equal((await scrape(srv)).get('rtc_turn_credentials_total'), 1);

  const fresh = await request(srv, 'POST', '/rtc/ice', { body: { id: seat.id, secret: seat.secret } });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.json.ttl, 60);
  const turn = fresh.json.iceServers.find((/** @type {any} */ s) => s.urls[0].startsWith('turn'));
  assert.match(turn.username, new RegExp(`^\\d+:${seat.id}$`));
  assert.equal(turn.credential, expected(turn.username));
  assert.equal((await scrape(srv)).get('rtc_turn_credentials_total'), 2);

  for (const body of [
    { id: seat.id, secret: 'wrong' },
    { id: seat.id },
    { id: fakeId(), secret: seat.secret },
    {},
    { id: [seat.id], secret: [seat.secret] },
  ]) {
    const r = await request(srv, 'POST', '/rtc/ice', { body });
    assert.equal(r.status, 401, JSON.stringify(body));
    assert.equal(r.json.code, 'unauthorized');
    assert.ok(!('iceServers' in r.json));
  }
  const junk = await request(srv, 'POST', '/rtc/ice', { body: '{not json' });
  assert.equal(junk.status, 400);
  assert.equal((await scrape(srv)).get('rtc_turn_credentials_total'), 2, 'refusals issue nothing');
});

test('without TURN the ICE list is empty (or STUN only) and no credentials are counted', async (t) => {
  const srv = await startServer(t);
  const res = await join(srv, { room: 'r1' });
  assert.deepEqual(res.json.iceServers, []);
  assert.equal(res.json.ttl, 0);
  const ice = await request(srv, 'POST', '/rtc/ice', { body: { id: res.json.id, secret: res.json.secret } });
  assert.deepEqual(ice.json, { iceServers: [], ttl: 0 });
  assert.equal((await scrape(srv)).get('rtc_turn_credentials_total'), 0);

  const stunOnly = await startServer(t, { STUN_URLS: 'stun:stun.test' });
  const s = await join(stunOnly, { room: 'r1' });
  assert.deepEqual(s.json.iceServers, [{ urls: ['stun:stun.test'] }]);
  assert.ok(!('username' in s.json.iceServers[0]));
});
