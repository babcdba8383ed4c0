// Response headers: seats and TURN credentials are never cached; the demo page is locked down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, join, request } from './helpers.js';

test('every /rtc/* answer says Cache-Control: no-store (seat secrets and TURN credentials)', async (t) => {
  const srv = await startServer(t, { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'coturn-shared-secret' });
  const seat = await join(srv, { room: 'r', name: 'A' });
  assert.equal(seat.status, 200);
  assert.equal(seat.headers['cache-control'], 'no-store');
  const ice = await request(srv, 'POST', '/rtc/ice', { body: { id: seat.json.id, secret: seat.json.secret } });
  assert.equal(ice.status, 200);
  assert.equal(ice.headers['cache-control'], 'no-store');
  // Refusals and unknown paths under /rtc too.
  const refused = await request(srv, 'POST', '/rtc/ice', { body: { id: seat.json.id, secret: 'wrong' } });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers['cache-control'], 'no-store');
  assert.equal((await request(srv, 'GET', '/rtc/nothing-here')).headers['cache-control'], 'no-store');
  const left = await request(srv, 'POST', '/rtc/leave', { body: { id: seat.json.id, secret: seat.json.secret } });
  assert.equal(left.status, 204);
  assert.equal(left.headers['cache-control'], 'no-store');
});
