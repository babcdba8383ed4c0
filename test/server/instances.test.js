// Several broker instances sharing rooms through one real redis-server, on loopback: a join and its websocket on
// different instances, signalling and room events across them, the guard's rules across them, an instance killed
// with SIGKILL, and Redis going away and coming back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, member, join, connect, request, refusals, nothingElseFor, until, fakeId } from './helpers.js';
import { startServer as spawnServer } from '../support/server.js';
import { startRedis } from '../support/redis.js';
import { roundRobin } from '../support/round-robin.js';
import { within } from '../support/within.js';

/**
 * A redis-server of the test's own, and `n` in-process instances sharing it.
 * @param {import('node:test').TestContext} t
 * @param {number} n
 * @param {Record<string, string>} [env]
 */
async function instances(t, n, env = {}) {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const list = [];
  for (let i = 0; i < n; i++) list.push(await startServer(t, { REDIS_URL: redis.url, ...env }));
  return { redis, list };
}

/** Joins through `via`, opens the websocket on `on`. @param {any} via @param {any} on @param {string} room */
async function memberAcross(via, on, room, name = 'someone') {
  const res = await join(via, { room, name });
  assert.equal(res.status, 200, res.text);
  const client = await connect(on, res.json);
  assert.equal((await client.next()).type, 'OPEN');
  const roomMsg = await client.next();
  assert.equal(roomMsg.type, 'RTC-ROOM');
  return { id: res.json.id, secret: res.json.secret, name: res.json.name, client, roomMsg };
}

test('a seat issued by one instance opens its websocket on another, and members on two instances signal each other', async (t) => {
  const { list } = await instances(t, 2);
  const [a, b] = list;
  const ann = await memberAcross(a, b, 'two', 'Ann');
  const bob = await memberAcross(b, a, 'two', 'Bob');
  assert.deepEqual(bob.roomMsg.payload.members, [{ id: ann.id, name: 'Ann' }], "Bob's room lists Ann (on B)");
  const joined = await ann.client.waitFor('RTC-JOINED');
  assert.deepEqual(joined.payload, { id: bob.id, name: 'Bob' }, 'the join is pushed across instances');
  // PeerJS signalling: stamped with the sender, whatever src it claims.
  bob.client.send({ type: 'OFFER', src: 'somebody-else-entirely', dst: ann.id, payload: { sdp: 'x' } });
  assert.deepEqual(await ann.client.waitFor('OFFER'), {
    type: 'OFFER',
    src: bob.id,
    dst: ann.id,
    payload: { sdp: 'x' },
  });
  // The widget's own signalling, rebuilt from its checked fields only.
  const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  ann.client.send({ type: 'RTC-SIGNAL', dst: bob.id, payload: { candidate, extra: 'dropped' } });
  const signal = await bob.client.waitFor('RTC-SIGNAL');
  assert.deepEqual(signal, {
    type: 'RTC-SIGNAL',
    src: ann.id,
    dst: bob.id,
    payload: { candidate: { ...candidate, usernameFragment: null } },
  });
  // Order: what one member sends another arrives in the order it was sent.
  for (let i = 0; i < 30; i++) ann.client.send({ type: 'CANDIDATE', dst: bob.id, payload: { i } });
  for (let i = 0; i < 30; i++) assert.equal((await bob.client.waitFor('CANDIDATE')).payload.i, i);
  // A leave is pushed across too.
  ann.client.send({ type: 'RTC-LEAVE' });
  assert.deepEqual((await bob.client.waitFor('RTC-LEFT')).payload, { id: ann.id });
});

test('a newcomer on a third instance reaches everyone, behind a round-robin balancer with no stickiness', async (t) => {
  const { list } = await instances(t, 3);
  const lb = await roundRobin(() => list.map((s) => s.port));
  t.after(() => lb.close());
  const front = { port: lb.port, owned: new Set() };
  t.after(() => {
    for (const s of front.owned) s.destroy();
  });
  const people = [];
  for (const name of ['Ann', 'Bob', 'Cy']) people.push(await member(front, 'three', name));
  // Each request and each websocket went to the next instance: the six connections covered all three.
  assert.deepEqual(new Set(lb.picks), new Set(list.map((s) => s.port)));
  const [ann, bob, cy] = people;
  assert.deepEqual(cy.roomMsg.payload.members.map((m) => m.name).sort(), ['Ann', 'Bob']);
  for (const p of [ann, bob]) {
    cy.client.send({ type: 'OFFER', dst: p.id, payload: { from: 'Cy' } });
    const got = await p.client.waitFor('OFFER');
    assert.equal(got.src, cy.id);
    p.client.send({ type: 'ANSWER', dst: cy.id, payload: { to: 'Cy' } });
    assert.equal((await cy.client.waitFor((m) => m.type === 'ANSWER' && m.src === p.id)).payload.to, 'Cy');
  }
});

test('ROOM_MAX counts the members of every instance', async (t) => {
  const { list: capped } = await instances(t, 2, { ROOM_MAX: '2' });
  await memberAcross(capped[0], capped[1], 'small', 'One');
  await memberAcross(capped[1], capped[0], 'small', 'Two');
  const third = await join(capped[0], { room: 'small', name: 'Three' });
  assert.equal(third.status, 409, 'a room of 2 with one member on each instance is full');
  assert.equal(third.json.code, 'room-full');
});

test('two seats opening their websockets at once on two instances for the last place: one gets in', async (t) => {
  const { list } = await instances(t, 2, { ROOM_MAX: '2' });
  const [a, b] = list;
  for (let round = 0; round < 5; round++) {
    const room = `last-${round}`;
    await memberAcross(a, b, room, 'First');
    const seats = [(await join(a, { room, name: 'P' })).json, (await join(b, { room, name: 'Q' })).json];
    /** @param {any} srv @param {any} seat @returns {Promise<'in' | 'refused'>} */
    const attempt = async (srv, seat) => {
      const c = await connect(srv, seat).catch((e) => {
        assert.equal(e.status, 409);
        return undefined;
      });
      if (!c) return 'refused';
      for (;;) {
        const m = await c.next().catch(() => undefined);
        if (!m) {
          assert.deepEqual(c.closeInfo, { code: 4002, reason: 'room full' });
          return 'refused';
        }
        if (m.type === 'RTC-ROOM') return 'in';
      }
    };
    const results = await Promise.all([attempt(a, seats[0]), attempt(b, seats[1])]);
    assert.deepEqual(results.sort(), ['in', 'refused'], `round ${round}`);
  }
});

test('a hostile client cannot signal into another room, nor take an id, through the other instance', async (t) => {
  const { list } = await instances(t, 2);
  const [a, b] = list;
  const ann = await memberAcross(a, a, 'mine', 'Ann');
  const bob = await memberAcross(b, b, 'mine', 'Bob');
  const eve = await memberAcross(b, b, 'elsewhere', 'Eve');
  const mallory = await memberAcross(a, a, 'elsewhere', 'Mallory');
  await ann.client.waitFor('RTC-JOINED');
  // Eve (room "elsewhere", on B) signals Ann (room "mine", on A): refused on B, nothing reaches Ann.
  eve.client.send({ type: 'OFFER', dst: ann.id, payload: { evil: 1 } });
  eve.client.send({ type: 'RTC-SIGNAL', dst: ann.id, payload: { description: { type: 'offer', sdp: 'v=0' } } });
  await until(async () => (await refusals(b, 'not-in-room')) >= 2, 10000, "B's not-in-room refusals");
  await nothingElseFor(bob, ann);
  // Mallory (on A, same room as Eve) is reached; Ann is not.
  eve.client.send({ type: 'OFFER', dst: mallory.id, payload: { ok: 1 } });
  assert.equal((await mallory.client.waitFor('OFFER')).src, eve.id);
  // Ann's id on B: without her secret, refused; with a made-up id, refused.
  await assert.rejects(connect(b, { id: ann.id, secret: 'not-her-secret-at-all' }), (e) => e.status === 401);
  await assert.rejects(connect(b, { id: fakeId(), secret: ann.secret }), (e) => e.status === 401);
  // Ann is still there, on A.
  await nothingElseFor(bob, ann);
});

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
