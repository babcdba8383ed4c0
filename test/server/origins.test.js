// ALLOWED_ORIGINS: which pages may join and open the broker websocket, and the CORS headers that go with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, join, request, member, upgradeStatus, refusals } from './helpers.js';

const GOOD = 'https://calls.example.test';
const OTHER_GOOD = 'http://localhost:8080';
const EVIL = 'https://evil.example.test';

test('with ALLOWED_ORIGINS, a websocket upgrade with a disallowed or missing Origin is refused (403)', async (t) => {
  const srv = await startServer(t, { ALLOWED_ORIGINS: `${GOOD},${OTHER_GOOD}` });
  const seat = (await join(srv, { room: 'r' }, { origin: GOOD })).json;
  assert.equal(await upgradeStatus(srv, seat, { origin: EVIL }), 403);
  assert.equal(await upgradeStatus(srv, seat), 403, 'no Origin at all');
  assert.equal(await upgradeStatus(srv, seat, { origin: 'null' }), 403);
  assert.equal(await upgradeStatus(srv, seat, { origin: `${GOOD}.evil.test` }), 403, 'a prefix match is no match');
  assert.equal(await upgradeStatus(srv, seat, { origin: GOOD.toUpperCase() }), 403);
  assert.equal(await refusals(srv, 'origin'), 5);
  // The right origin with the right secret opens.
  const ok = await member(srv, 'r', 'A', { origin: OTHER_GOOD });
  assert.equal(ok.roomMsg.type, 'RTC-ROOM');
});

test('with ALLOWED_ORIGINS, /rtc/join from a disallowed or missing Origin is 403 and issues nothing', async (t) => {
  const srv = await startServer(t, { ALLOWED_ORIGINS: GOOD });
  for (const headers of [{ origin: EVIL }, {}, { origin: 'null' }]) {
    const res = await join(srv, { room: 'r', name: 'x' }, headers);
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(res.json.code, 'origin-not-allowed');
    assert.ok(!('id' in res.json));
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  }
  const ok = await join(srv, { room: 'r', name: 'x' }, { origin: GOOD });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], GOOD);
  assert.match(String(ok.headers.vary), /Origin/);
  assert.equal((await request(srv, 'GET', '/metrics')).text.match(/rtc_joins_total (\d+)/)?.[1], '1');
});

test('CORS on /rtc-call.js and /rtc/join: the allowed origin is echoed; preflights answered; others get no CORS headers', async (t) => {
  const srv = await startServer(t, { ALLOWED_ORIGINS: GOOD });
  const script = await request(srv, 'GET', '/rtc-call.js', { headers: { origin: GOOD } });
  assert.equal(script.headers['access-control-allow-origin'], GOOD);
  const evilScript = await request(srv, 'GET', '/rtc-call.js', { headers: { origin: EVIL } });
  assert.equal(evilScript.headers['access-control-allow-origin'], undefined);

  const preflight = await request(srv, 'OPTIONS', '/rtc/join', {
    headers: {
      origin: GOOD,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], GOOD);
  assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
  assert.match(String(preflight.headers['access-control-allow-headers']), /Content-Type/i);
  const evilPreflight = await request(srv, 'OPTIONS', '/rtc/join', {
    headers: { origin: EVIL, 'access-control-request-method': 'POST' },
  });
  assert.equal(evilPreflight.status, 403);
  assert.equal(evilPreflight.headers['access-control-allow-origin'], undefined);
});

test('without ALLOWED_ORIGINS any origin may join and connect, with CORS "*"', async (t) => {
  const srv = await startServer(t);
  for (const path of ['/rtc-call.js', '/healthz']) {
    const res = await request(srv, 'GET', path, { headers: { origin: EVIL } });
    assert.equal(res.headers['access-control-allow-origin'], '*', path);
  }
  const res = await join(srv, { room: 'r' }, { origin: EVIL });
  assert.equal(res.status, 200);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  const preflight = await request(srv, 'OPTIONS', '/rtc/join', {
    headers: { origin: EVIL, 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], '*');
  assert.equal(await upgradeStatus(srv, res.json, { origin: EVIL }), 101);
  const noOrigin = (await join(srv, { room: 'r' })).json;
  assert.equal(await upgradeStatus(srv, noOrigin), 101, 'no Origin (a native app) is fine too');
});

test('ALLOWED_ORIGINS entries are normalised as browsers send them: lowercase host, no default port', async (t) => {
  const srv = await startServer(t, { ALLOWED_ORIGINS: 'https://Calls.Example.Test:443,HTTP://LOCALHOST:8080' });
  assert.deepEqual(srv.config.allowedOrigins, [GOOD, OTHER_GOOD]);
  const res = await join(srv, { room: 'r' }, { origin: GOOD });
  assert.equal(res.status, 200);
  assert.equal(res.headers['access-control-allow-origin'], GOOD);
  assert.equal(await upgradeStatus(srv, res.json, { origin: GOOD }), 101);
  assert.equal((await join(srv, { room: 'r' }, { origin: OTHER_GOOD })).status, 200);
  assert.equal((await join(srv, { room: 'r' }, { origin: EVIL })).status, 403);
});
