// What a connecting member costs the server in writes to the kernel: each write is a system call, and on small
// virtual machines those dominate the cost of a connect. Counted from /proc (Linux) for a server process of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnCli, join, connect, until } from './helpers.js';

/** Write system calls a process has made so far. @param {number} pid */
const writes = (pid) => Number(/^syscw:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);

test('a member connecting alone costs two writes: the join answer, then 101, OPEN and RTC-ROOM together', async (t) => {
  assert.ok(existsSync('/proc/self/io'), 'this test reads /proc/<pid>/io (Linux)');
  const run = spawnCli([], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', JOIN_RATE: '1000' });
  t.after(() => run.child.kill('SIGKILL'));
  const port = Number(
    await until(() => /running: open http:\/\/[^:]+:(\d+)\//.exec(run.stdout)?.[1], 15000, 'the server to listen'),
  );
  const srv = { port };
  const pid = /** @type {number} */ (run.child.pid);
  /** Joins a room of its own and waits for RTC-ROOM. @param {number} i */
  const one = async (i) => {
    const { json: seat } = await join(srv, { room: `alone-${i}`, name: 'A' });
    const client = await connect(srv, seat);
    await client.waitFor('RTC-ROOM');
    return client;
  };
  const clients = [await one(0)]; // the first pays for warming up
  const before = writes(pid);
  const n = 10;
  for (let i = 1; i <= n; i++) clients.push(await one(i));
  const perMember = (writes(pid) - before) / n;
  for (const c of clients) c.ws.terminate();
  assert.ok(perMember <= 2, `${perMember} writes per member`);
});
