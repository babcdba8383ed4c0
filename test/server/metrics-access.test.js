// /metrics is not public: loopback only by default, a bearer token with METRICS_TOKEN, its own port with
// METRICS_PORT, and never any CORS header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, join, refusals } from './helpers.js';
import { isDirectLoopback } from '../../server/dist/server/metrics-access.js';

const EVIL = 'https://evil.example.test';
const TOKEN = 'metrics-token-0123456789';

test('by default /metrics answers a direct loopback client, without CORS, and nobody who came through a proxy', async (t) => {
  const srv = await startServer(t);
  const local = await request(srv, 'GET', '/metrics', { headers: { origin: EVIL } });
  assert.equal(local.status, 200);
  assert.match(local.text, /rtc_joins_total/);
  assert.equal(local.headers['access-control-allow-origin'], undefined, 'no page may read it from a browser');
  const preflight = await request(srv, 'OPTIONS', '/metrics', {
    headers: { origin: EVIL, 'access-control-request-method': 'GET' },
  });
  assert.notEqual(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  // A reverse proxy on this host makes every visitor's socket local: its headers give it away.
  for (const headers of [
    { 'x-forwarded-for': '203.0.113.9' },
    { forwarded: 'for=203.0.113.9' },
    { 'x-real-ip': '1.2.3.4' },
  ]) {
    const proxied = await request(srv, 'GET', '/metrics', { headers });
    assert.equal(proxied.status, 404, JSON.stringify(headers));
    assert.doesNotMatch(proxied.text, /rtc_/);
  }
  assert.equal(await refusals(srv, 'metrics-not-local'), 3);
  // Anyone not on this machine.
  const remote = /** @type {any} */ ({ socket: { remoteAddress: '203.0.113.9' }, headers: {} });
  assert.equal(isDirectLoopback(remote), false);
  assert.equal(
    isDirectLoopback(/** @type {any} */ ({ socket: { remoteAddress: '::ffff:10.0.0.1' }, headers: {} })),
    false,
  );
  for (const addr of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
    assert.equal(isDirectLoopback(/** @type {any} */ ({ socket: { remoteAddress: addr }, headers: {} })), true, addr);
});

test('with METRICS_TOKEN, /metrics needs the bearer token, even from loopback', async (t) => {
  const srv = await startServer(t, { METRICS_TOKEN: TOKEN });
  for (const headers of [
    {},
    { authorization: 'Bearer wrong-token-0123456789' },
    { authorization: TOKEN },
    { authorization: `Basic ${TOKEN}` },
  ]) {
    const res = await request(srv, 'GET', '/metrics', { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    assert.doesNotMatch(res.text, /rtc_/);
  }
  const ok = await request(srv, 'GET', '/metrics', {
    headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9', origin: EVIL },
  });
  assert.equal(ok.status, 200, 'the token is enough, from anywhere');
  assert.match(ok.text, /rtc_refusals_total\{reason="metrics-unauthorized"\} 4/);
  assert.equal(ok.headers['access-control-allow-origin'], undefined);
});

test('with METRICS_PORT, /metrics is served there (loopback by default) and not on the main port', async (t) => {
  const srv = await startServer(t, { METRICS_PORT: '0' });
  assert.equal(srv.config.metricsHost, '127.0.0.1');
  assert.ok(srv.metricsPort && srv.metricsPort !== srv.port);
  assert.equal((await join(srv, { room: 'r' })).status, 200);
  const main = await request(srv, 'GET', '/metrics');
  assert.equal(main.status, 404);
  assert.doesNotMatch(main.text, /rtc_/);
  const own = await request({ port: /** @type {number} */ (srv.metricsPort) }, 'GET', '/metrics', {
    headers: { origin: EVIL },
  });
  assert.equal(own.status, 200);
  assert.match(own.text, /rtc_joins_total 1/);
  assert.equal(own.headers['access-control-allow-origin'], undefined);
  const other = await request({ port: /** @type {number} */ (srv.metricsPort) }, 'GET', '/rtc-call.js');
  assert.equal(other.status, 404, 'only /metrics on the metrics port');

  const guarded = await startServer(t, { METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
  const at = { port: /** @type {number} */ (guarded.metricsPort) };
  assert.equal((await request(at, 'GET', '/metrics')).status, 401);
  assert.equal((await request(at, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
});
