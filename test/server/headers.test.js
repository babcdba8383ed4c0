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

test('the demo is served with a Content-Security-Policy, nosniff, no-referrer, and no framing; the widget bundle loads cross-origin', async (t) => {
  const srv = await startServer(t);
  for (const path of ['/', '/index.html', '/demo.js', '/demo.css']) {
    const res = await request(srv, 'GET', path);
    assert.equal(res.status, 200, path);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /(^|; )default-src 'none'(;|$)/, path);
    assert.match(csp, /(^|; )script-src 'self'(;|$)/, `${path}: only scripts from here, none inline`);
    assert.match(csp, /(^|; )connect-src 'self'(;|$)/, path);
    assert.match(csp, /(^|; )media-src 'self' blob:(;|$)/, path);
    assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, path);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', path);
  }
  // The page runs under that policy: no inline script or style, nothing from elsewhere.
  const page = (await request(srv, 'GET', '/')).text;
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(page, /<style/, 'no inline style element');
  for (const [, url] of page.matchAll(/\b(?:src|href)="([^"]+)"/g))
    assert.ok(url.startsWith('/') || url.startsWith('data:'), `${url} is from here`);

  const bundle = await request(srv, 'GET', '/rtc-call.js', { headers: { origin: 'https://site.example.test' } });
  assert.equal(bundle.status, 200);
  assert.equal(bundle.headers['access-control-allow-origin'], '*');
  assert.equal(bundle.headers['content-security-policy'], undefined, 'the bundle is a script other sites load');
});
