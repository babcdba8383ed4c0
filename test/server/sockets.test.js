// Raw TCP: a request that trickles in is cut off after REQUEST_TIMEOUT, and one address holds at most
// MAX_SOCKETS_PER_IP sockets, counted before any HTTP is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, refusals, request, until, HOST } from './helpers.js';

/**
 * A raw TCP connection that records what it receives and when it closes.
 * @param {import('./helpers.js').Srv} srv
 */
async function rawSocket(srv) {
  const socket = net.connect(srv.port, HOST);
  srv.owned.add(socket);
  const state = { socket, received: '', closedAt: 0, closed: /** @type {Promise<void>} */ (Promise.resolve()) };
  state.closed = new Promise((resolve) =>
    socket.once('close', () => {
      state.closedAt = Date.now();
      resolve();
    }),
  );
  socket.on('data', (d) => (state.received += d.toString('latin1')));
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return state;
}

/** Resolves when `p` does, or rejects after `ms`. @param {Promise<unknown>} p @param {number} ms @param {string} what */
function within(p, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]);
}

test('a POST body that trickles in is closed with 408 after REQUEST_TIMEOUT, long before the 300 s of old', async (t) => {
  const timeout = 2000;
  const srv = await startServer(t, { REQUEST_TIMEOUT: String(timeout) });
  const slow = await rawSocket(srv);
  const start = Date.now();
  slow.socket.write(
    'POST /rtc/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8000\r\n\r\n{',
  );
  // A byte every 500 ms: the socket is never idle, so only a whole-request deadline ends it.
  const drip = setInterval(() => !slow.socket.destroyed && slow.socket.write(' '), 500);
  t.after(() => clearInterval(drip));
  // Node checks its deadlines on an interval; allow that and a busy machine, and still far below 300 s.
  await within(slow.closed, timeout + 8000, 'the close');
  const took = slow.closedAt - start;
  assert.ok(took >= timeout - 200, `closed after ${took} ms, not before REQUEST_TIMEOUT`);
  assert.match(slow.received, /^HTTP\/1\.1 408 /);
  // Headers that never finish are cut off the same way, and the server goes on serving.
  const headers = await rawSocket(srv);
  headers.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  const dripHeaders = setInterval(() => !headers.socket.destroyed && headers.socket.write('X-Slow: 1\r\n'), 500);
  t.after(() => clearInterval(dripHeaders));
  await within(headers.closed, timeout + 8000, 'the close of the header trickle');
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
});

test('MAX_SOCKETS_PER_IP: sockets over the cap are closed at once, before any HTTP; a closed one frees its place', async (t) => {
  const srv = await startServer(t, { MAX_SOCKETS_PER_IP: '3' });
  const held = [await rawSocket(srv), await rawSocket(srv), await rawSocket(srv)];
  const over = await rawSocket(srv);
  // It is closed without sending a byte, and without being asked anything.
  await within(over.closed, 3000, 'the close of the socket over the cap');
  assert.equal(over.received, '');
  for (const h of held) assert.equal(h.socket.destroyed, false, 'the first three stay open');
  held[0].socket.destroy();
  // A new socket fits again: a request over it is answered.
  await until(
    async () => (await request(srv, 'GET', '/healthz').catch(() => undefined))?.status === 200,
    3000,
    'a place',
  );
  for (const h of held) h.socket.destroy();
  await until(async () => (await refusals(srv, 'socket-limit').catch(() => 0)) >= 1, 3000, 'the refusal count');
});

test('MAX_SOCKETS_PER_IP does not apply to your own proxy (TRUST_PROXY), whose clients share its address', async (t) => {
  const srv = await startServer(t, { MAX_SOCKETS_PER_IP: '2', TRUST_PROXY: 'loopback' });
  const held = [];
  for (let i = 0; i < 5; i++) held.push(await rawSocket(srv));
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
  for (const h of held) assert.equal(h.socket.destroyed, false);
  assert.equal(await refusals(srv, 'socket-limit'), 0);
});
