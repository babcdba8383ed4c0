// The widget bundle: compressed, revalidated with an ETag, recompressed after a rebuild, and a clear 503 when missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, utimesSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { startServer, request, ROOT } from './helpers.js';
import { serveBuilt } from '../../server/dist/server/bundle.js';

test('GET /rtc-call.js: brotli or gzip as the browser accepts, the same bytes as dist/, and 304 when unchanged', async (t) => {
  const srv = await startServer(t);
  const dist = readFileSync(join(ROOT, 'dist/rtc-call.js'));
  const get = (/** @type {Record<string, string>} */ headers) => raw(srv.port, '/rtc-call.js', headers);

  const br = await get({ 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.match(String(br.headers['content-type']), /^text\/javascript/);
  assert.ok(brotliDecompressSync(br.body).equals(dist));
  assert.ok(br.body.length < dist.length / 3, `brotli ${br.body.length} of ${dist.length} bytes`);

  const gz = await get({ 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.body).equals(dist));

  const plain = await get({});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.equals(dist));

  const etag = String(br.headers.etag);
  assert.equal(gz.headers.etag, etag);
  const again = await get({ 'if-none-match': etag, 'accept-encoding': 'br' });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);

  const map = await request(srv, 'GET', '/rtc-call.js.map');
  assert.equal(map.status, 200);
  assert.equal(map.json.version, 3);
});

test('the chunks rtc-call.js loads later are served next to it: compressed, cached for good, with CORS', async (t) => {
  const srv = await startServer(t);
  const entry = readFileSync(join(ROOT, 'dist/rtc-call.js'), 'utf8');
  const names = [...entry.matchAll(/import\("\.\/(rtc-call-[\w-]+\.js)"\)/g)].map((m) => m[1]);
  assert.ok(names.length >= 1, 'rtc-call.js loads at least one chunk (a language) with import()');
  for (const name of names) {
    const file = readFileSync(join(ROOT, 'dist', name));
    const res = await raw(srv.port, `/${name}`, { 'accept-encoding': 'br', origin: 'https://site.example.test' });
    assert.equal(res.status, 200, name);
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.ok(brotliDecompressSync(res.body).equals(file));
    assert.match(String(res.headers['cache-control']), /immutable/);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    const map = await raw(srv.port, `/${name}.map`, {});
    assert.equal(JSON.parse(map.body.toString()).version, 3);
  }
  // Only built chunks: not another name, not a path out of dist/, not a chunk of an earlier build.
  for (const path of [
    '/rtc-call-zh-CN-notbuilt.js',
    '/rtc-call-..%2Fpackage.json',
    '/rtc-call-%2E%2E/package.json',
    '/rtc-call-x.js%00',
    '/rtc-call-.d.ts',
  ]) {
    const res = await raw(srv.port, path, {});
    assert.equal(res.status, 404, path);
    assert.ok(!res.body.toString().includes('"name": "rtc-call"'), path);
  }
});

test('a rebuilt bundle is served fresh, and a missing one gets a 503 that says how to build it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-bundle-'));
  const file = join(dir, 'rtc-call.js');
  const app = express();
  app.get('/x.js', serveBuilt(file, 'text/javascript'));
  const server = http.createServer(app);
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const missing = await raw(port, '/x.js', {});
  assert.equal(missing.status, 503);
  assert.match(missing.body.toString(), /npm run build/);

  writeFileSync(file, 'export const v = 1;');
  const first = await raw(port, '/x.js', {});
  assert.equal(first.body.toString(), 'export const v = 1;');
  writeFileSync(file, 'export const v = 2;');
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const second = await raw(port, '/x.js', { 'if-none-match': String(first.headers.etag) });
  assert.equal(second.status, 200);
  assert.equal(second.body.toString(), 'export const v = 2;');
  assert.notEqual(second.headers.etag, first.headers.etag);
});

test('a bundle that exists but cannot be read gets a 503, and the server goes on', { timeout: 20000 }, async (t) => {
  // A directory stats like a file but fails to read (EISDIR), as an unreadable or half-written file would.
  const dir = mkdtempSync(join(tmpdir(), 'rtc-bundle-'));
  const app = express();
  app.get('/x.js', serveBuilt(dir, 'text/javascript'));
  const server = http.createServer(app);
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** @type {unknown[]} */
  const unhandled = [];
  const onUnhandled = (/** @type {unknown} */ err) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));

  for (let i = 0; i < 2; i++) {
    const res = await raw(port, '/x.js', {});
    assert.equal(res.status, 503);
    assert.match(res.body.toString(), /cannot be read/);
  }
  assert.deepEqual(unhandled, []);
});

/**
 * A GET that keeps the body as bytes (no decoding).
 * @param {number} port
 * @param {string} path
 * @param {Record<string, string>} headers
 * @returns {Promise<{status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer}>}
 */
function raw(port, path, headers) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}
