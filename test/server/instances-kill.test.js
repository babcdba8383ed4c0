// Several broker instances on one redis-server, when one is killed with SIGKILL: its members come back through the
// balancer to another, or their seats end after the grace. (Restarts and Redis outages: instances-restart.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, until } from './helpers.js';
import { startServer as spawnServer } from '../support/server.js';
import { startRedis } from '../support/redis.js';
import { roundRobin } from '../support/round-robin.js';
import { within } from '../support/within.js';
import { memberAcross } from './cluster-helpers.js';

test('kill -9 of an instance: its members come back through the balancer to another, same id and room', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const env = { REDIS_URL: redis.url, RECONNECT_GRACE: '15000', LOG_LEVEL: 'warn' };
  const procs = [await spawnServer(env), await spawnServer(env)];
  t.after(() => Promise.all(procs.map((p) => p.stop())));
  const [doomed, survivor] = procs;
  const lb = await roundRobin(() => procs.map((p) => p.port));
  t.after(() => lb.close());
  const owned = new Set();
  t.after(() => {
    for (const s of owned) s.destroy();
  });
  const at = (/** @type {number} */ port) => ({ port, owned });
  const ann = await memberAcross(at(doomed.port), at(doomed.port), 'kill', 'Ann');
  const bob = await memberAcross(at(survivor.port), at(survivor.port), 'kill', 'Bob');
  await ann.client.waitFor('RTC-JOINED');

  const killedAt = Date.now();
  doomed.proc.kill('SIGKILL');
  await within(ann.client.closed, 10000, "Ann's socket to close");
  // Ann's page reconnects (as PeerJS does: the same id and secret) through the balancer; only the survivor answers.
  const back = await until(
    () => connect(at(lb.port), ann).catch(() => undefined),
    10000,
    'Ann to reconnect through the balancer',
  );
  assert.equal((await back.next()).type, 'OPEN');
  const room = await back.next();
  const backMs = Date.now() - killedAt;
  t.diagnostic(`a client of the killed instance was back ${backMs} ms after the kill`);
  assert.equal(room.type, 'RTC-ROOM');
  assert.deepEqual(room.payload.self, { id: ann.id, name: 'Ann' });
  assert.deepEqual(room.payload.members, [{ id: bob.id, name: 'Bob' }]);
  // Bob never saw her leave, and they signal each other again.
  bob.client.send({ type: 'OFFER', dst: ann.id, payload: { again: true } });
  assert.equal((await back.waitFor('OFFER')).src, bob.id);
  assert.ok(!bob.client.all.some((m) => m.type === 'RTC-LEFT'), 'no RTC-LEFT for a member who came back');
});

test('kill -9 of an instance: a member who never comes back leaves once the grace is over', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const env = { REDIS_URL: redis.url, RECONNECT_GRACE: '2000', LOG_LEVEL: 'warn' };
  const procs = [await spawnServer(env), await spawnServer(env)];
  t.after(() => Promise.all(procs.map((p) => p.stop())));
  const owned = new Set();
  t.after(() => {
    for (const s of owned) s.destroy();
  });
  const ann = await memberAcross({ port: procs[0].port, owned }, { port: procs[0].port, owned }, 'gone', 'Ann');
  const bob = await memberAcross({ port: procs[1].port, owned }, { port: procs[1].port, owned }, 'gone', 'Bob');
  await ann.client.waitFor('RTC-JOINED');
  const killedAt = Date.now();
  procs[0].proc.kill('SIGKILL');
  // The survivor notices the missed heartbeats (3 s), then the grace (2 s) runs out: bounded well above both.
  const left = await bob.client.waitFor('RTC-LEFT', 20000);
  assert.deepEqual(left.payload, { id: ann.id });
  const ms = Date.now() - killedAt;
  t.diagnostic(`the seat of a member of the killed instance ended ${ms} ms after the kill`);
  assert.ok(ms >= 2000, `not before the grace (${ms} ms)`);
});
