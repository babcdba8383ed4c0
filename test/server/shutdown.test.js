// Graceful shutdown: SIGTERM to the real process, and close() in-process. Clients are told (RTC-GOODBYE, then close
// 1001), and shutdown is bounded by SHUTDOWN_TIMEOUT even when a client never answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { startServer, spawnCli, member, deafClient, join, until, request, HOST, ROOT, LOG_LEVELS } from './helpers.js';
import { within } from '../support/within.js';

/**
 * Starts `node server/dist/server/cli.js` on a free loopback port.
 * @param {import('node:test').TestContext} t
 * @param {Record<string, string>} env
 */
async function startCli(t, env) {
  const run = spawnCli([], { HOST, PORT: '0', ...env });
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  });
  const m = await until(
    () => /open http:\/\/[^:]+:(\d+)\//.exec(run.stdout),
    20000,
    `the server to start (stderr: ${run.stderr})`,
  );
  /** @type {Set<{destroy(): void}>} */
  const owned = new Set();
  t.after(() => owned.forEach((s) => s.destroy()));
  return {
    run,
    srv: /** @type {import('./helpers.js').Srv} */ (/** @type {unknown} */ ({ port: Number(m[1]), owned })),
  };
}

test('SIGTERM: every client gets RTC-GOODBYE then a 1001 close, and the process exits 0 quickly', async (t) => {
  // SHUTDOWN_TIMEOUT far above what a graceful exit takes, so that "quickly" is told apart on a busy machine.
  const { run, srv } = await startCli(t, { SHUTDOWN_TIMEOUT: '30000', LOG_LEVEL: 'info' });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  const c = await member(srv, 'other', 'C');
  await join(srv, { room: 'r' }); // a seat nobody connected to
  const start = Date.now();
  run.child.kill('SIGTERM');
  for (const m of [a, b, c]) {
    const bye = await m.client.waitFor('RTC-GOODBYE', 10000);
    assert.deepEqual(bye.payload, { reason: 'shutdown' });
    const closed = await m.client.closed;
    assert.equal(closed.code, 1001);
    assert.equal(m.client.all.at(-1)?.type, 'RTC-GOODBYE', 'nothing after the goodbye (no RTC-LEFT storm)');
  }
  const { code, signal, stdout, stderr } = await within(run.exited, 40000, 'the process to exit');
  const took = Date.now() - start;
  console.log(`SIGTERM with 3 clients: exited in ${took} ms`);
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.ok(took < 10000, `graceful exit took ${took} ms, far less than SHUTDOWN_TIMEOUT`);
  assert.match(stdout, /SIGTERM, shutting down/);
  // stderr is JSON lines with a level.
  const lines = stderr.trim().split('\n');
  assert.ok(lines.length >= 4, stderr);
  for (const line of lines) assert.ok(LOG_LEVELS.includes(JSON.parse(line).level), line);
  assert.ok(lines.some((l) => JSON.parse(l).msg === 'listening'));
});

test('SIGTERM: a client that never answers cannot hold the process past SHUTDOWN_TIMEOUT', async (t) => {
  const timeout = 3000;
  const { run, srv } = await startCli(t, { SHUTDOWN_TIMEOUT: String(timeout), LOG_LEVEL: 'silent' });
  const a = await member(srv, 'r', 'A');
  const seat = (await join(srv, { room: 'r', name: 'Deaf' })).json;
  await deafClient(srv, `/broker/peerjs?key=rtc-call&id=${seat.id}&token=${seat.secret}`);
  await a.client.waitFor('RTC-JOINED');
  const start = Date.now();
  run.child.kill('SIGTERM');
  assert.equal((await a.client.waitFor('RTC-GOODBYE', 10000)).payload.reason, 'shutdown');
  const { code } = await within(run.exited, timeout + 20000, 'the process to exit');
  const took = Date.now() - start;
  console.log(`SIGTERM with a deaf client, SHUTDOWN_TIMEOUT ${timeout} ms: exited in ${took} ms`);
  assert.equal(code, 0);
  assert.ok(took >= timeout - 100, `waited for the deaf client (${took} ms)`);
  // Bounded by SHUTDOWN_TIMEOUT, with room for a busy machine (a process held by the deaf client never exits).
  assert.ok(took < timeout + 6000, `exited ${took} ms after SIGTERM`);
});

test('close() in-process: clients are told, the port is released, and a deaf client is cut off by SHUTDOWN_TIMEOUT', async (t) => {
  const timeout = 2000;
  const srv = await startServer(t, { SHUTDOWN_TIMEOUT: String(timeout) });
  const a = await member(srv, 'r', 'A');
  const seat = (await join(srv, { room: 'r', name: 'Deaf' })).json;
  const deaf = /** @type {import('node:net').Socket} */ (
    await deafClient(srv, `/broker/peerjs?key=rtc-call&id=${seat.id}&token=${seat.secret}`)
  );
  const deafClosed = once(deaf, 'close');
  const start = Date.now();
  const closing = srv.rtc.close();
  assert.equal((await a.client.waitFor('RTC-GOODBYE', 10000)).payload.reason, 'shutdown');
  assert.equal((await within(a.client.closed, 10000, 'the 1001 close')).code, 1001);
  await within(closing, timeout + 20000, 'close() to resolve');
  const took = Date.now() - start;
  assert.ok(took < timeout + 6000, `close() resolved after ${took} ms`);
  // The deaf client does not keep a socket (and so the process) alive after close() resolved.
  await within(deafClosed, 10000, 'the server to close the deaf socket');
  await assert.rejects(request(srv, 'GET', '/healthz'), /ECONNREFUSED/);
});

test('a process that embeds the server exits by itself after close()', async () => {
  const script = `
    import { createRtcServer, parseConfig } from './server/dist/server/index.js';
    import WebSocket from 'ws';
    const rtc = createRtcServer(parseConfig([], { LOG_LEVEL: 'silent', ALIVE_TIMEOUT: '1000' }));
    const { port } = await rtc.listen(0, '127.0.0.1');
    const seat = await (await fetch('http://127.0.0.1:' + port + '/rtc/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room":"r"}' })).json();
    const ws = new WebSocket('ws://127.0.0.1:' + port + '/broker/peerjs?key=rtc-call&id=' + seat.id + '&token=' + seat.secret);
    await new Promise((r) => ws.on('message', r));
    ws.close();
    await new Promise((r) => ws.on('close', r));
    await new Promise((r) => setTimeout(r, 1200)); // let peer's housekeeping loops go round a few times
    await rtc.close();
    console.log('closed');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const [code, signal] = await once(child, 'close');
  clearTimeout(timer);
  assert.equal(signal, null, `the process did not exit by itself after close(): ${out}`);
  assert.equal(code, 0, out);
  assert.match(out, /closed/);
});
