// Several broker instances on one redis-server, when things restart: Redis going away and coming back, and a
// rolling restart of the instances with SIGTERM. (SIGKILL: instances-kill.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, connect, request, until } from './helpers.js';
import { startServer as spawnServer } from '../support/server.js';
import { startRedis } from '../support/redis.js';
import { roundRobin } from '../support/round-robin.js';
import { instances, memberAcross } from './cluster-helpers.js';

test('Redis away: joins refused at once with store-unavailable, calls go on; back: state rebuilt from live sockets', async (t) => {
  const { redis, list } = await instances(t, 2);
  const [a, b] = list;
  const ann = await memberAcross(a, a, 'outage', 'Ann');
  const bob = await memberAcross(b, b, 'outage', 'Bob');
  const cy = await memberAcross(a, a, 'outage', 'Cy');
  assert.deepEqual((await request(a, 'GET', '/healthz')).json.redis, 'up');

  await redis.kill();
  await until(async () => (await request(a, 'GET', '/healthz')).json.redis === 'down', 10000, 'healthz to say down');
  const started = Date.now();
  const refused = await join(b, { room: 'outage', name: 'Dee' });
  assert.equal(refused.status, 503);
  assert.equal(refused.json.code, 'store-unavailable');
  assert.ok(Date.now() - started < 2000, `refused in ${Date.now() - started} ms, not a hang`);
  assert.equal((await request(a, 'GET', '/healthz')).status, 200, 'an instance without Redis still serves its calls');
  // Sockets stay open, and two members on one instance still signal each other.
  ann.client.send({ type: 'OFFER', dst: cy.id, payload: { during: 'outage' } });
  assert.equal((await cy.client.waitFor('OFFER')).payload.during, 'outage');
  for (const m of [ann, bob, cy]) assert.ok(m.client.open);

  await redis.restart();
  await until(async () => (await request(b, 'GET', '/healthz')).json.redis === 'up', 15000, 'healthz to say up');
  // The restarted Redis is empty; the instances put their live seats back, and signalling across works again.
  await until(
    async () => {
      ann.client.send({ type: 'OFFER', dst: bob.id, payload: { after: 'outage' } });
      return bob.client
        .waitFor('OFFER', 300)
        .then(() => true)
        .catch(() => false);
    },
    15000,
    'Ann to reach Bob again across instances',
  );
  const dee = await memberAcross(b, a, 'outage', 'Dee');
  assert.deepEqual(dee.roomMsg.payload.members.map((m) => m.name).sort(), ['Ann', 'Bob', 'Cy']);
});

test('a rolling restart (SIGTERM one instance, then the other): nobody leaves, ids and room kept', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const env = { REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
  const procs = [await spawnServer(env), await spawnServer(env)];
  t.after(() => Promise.all(procs.map((p) => p.stop())));
  const lb = await roundRobin(() => procs.map((p) => p.port));
  t.after(() => lb.close());
  const owned = new Set();
  t.after(() => {
    for (const s of owned) s.destroy();
  });
  const at = (/** @type {number} */ port) => ({ port, owned });
  const people = [
    await memberAcross(at(procs[0].port), at(procs[0].port), 'rolling', 'Ann'),
    await memberAcross(at(procs[1].port), at(procs[1].port), 'rolling', 'Bob'),
  ];
  await people[0].client.waitFor('RTC-JOINED');
  /** Everything each one received, over all its sockets. @type {any[][]} */
  const seen = [[], []];
  for (const i of [0, 1]) {
    const p = people[i];
    const old = procs[i];
    await old.stop(); // SIGTERM: it says goodbye and closes
    assert.deepEqual((await p.client.waitFor('RTC-GOODBYE')).payload, { reason: 'shutdown' });
    procs[i] = await spawnServer(env); // its replacement, as a rolling restart brings it up
    // The page reconnects through the balancer with its id and secret, to whichever instance answers.
    const back = await until(() => connect(at(lb.port), p).catch(() => undefined), 10000, `${p.name} to reconnect`);
    assert.equal((await back.next()).type, 'OPEN');
    const room = await back.next();
    assert.equal(room.type, 'RTC-ROOM');
    assert.deepEqual(room.payload.self, { id: p.id, name: p.name });
    assert.deepEqual(
      room.payload.members.map((m) => m.id),
      [people[1 - i].id],
    );
    seen[i].push(...p.client.all);
    p.client = back;
  }
  // Both restarted: they still reach each other, and neither ever saw the other leave.
  people[0].client.send({ type: 'OFFER', dst: people[1].id, payload: { after: 'restart' } });
  assert.equal((await people[1].client.waitFor('OFFER')).src, people[0].id);
  people.forEach((p, i) =>
    assert.ok(![...seen[i], ...p.client.all].some((m) => m.type === 'RTC-LEFT'), `${p.name} saw nobody leave`),
  );
});
