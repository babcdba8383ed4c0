// The room store's behaviour, against both stores: in memory, and in a real redis-server. Rooms (the rules on top
// of a store) is run against both too. The Redis-only parts (instances, the queue) are at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryRoomStore } from '../../server/dist/server/store/memory.js';
import { RedisRoomStore, StoreUnavailable } from '../../server/dist/server/store/redis.js';
import { Rooms } from '../../server/dist/server/rooms.js';
import { startRedis } from '../support/redis.js';

/** @type {Awaited<ReturnType<typeof startRedis>>} */
let redis;
/** @type {RedisRoomStore[]} */
const opened = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const s of opened) await s.close();
  await redis?.stop();
});

/** A Redis store of its own (a fresh key prefix), or a second handle on the same keys (another instance). */
async function redisStore(prefix = `t${randomBytes(4).toString('hex')}:`) {
  const s = new RedisRoomStore({ url: redis.url, prefix });
  opened.push(s);
  await s.connect();
  return s;
}

const STORES = {
  memory: async () => new MemoryRoomStore(),
  redis: () => redisStore(),
};

let n = 0;
/** @param {Partial<import('../../server/dist/server/rooms.js').Ticket>} [over] @returns {import('../../server/dist/server/rooms.js').Ticket} */
const ticket = (over = {}) => ({
  id: `id-${++n}-${randomBytes(6).toString('hex')}`,
  secret: randomBytes(8).toString('hex'),
  room: 'lobby',
  name: 'Ann',
  state: 'pending',
  issuedAt: 1000 + n,
  owner: '127.0.0.1',
  ...over,
});

/** Rooms on a store, recording what it pushes and who is gone. */
function roomsOn(store, opts = {}) {
  /** @type {Array<[string, any]>} */
  const sent = [];
  /** @type {string[]} */
  const gone = [];
  const rooms = new Rooms({
    store,
    roomMax: 3,
    reconnectGrace: 200,
    pendingTimeout: 200,
    pendingPerOwner: 2,
    send: (to, msg) => sent.push([to.id, msg]),
    gone: (id) => gone.push(id),
    ...opts,
  });
  return { rooms, sent, gone };
}

/** Waits for `fn` to be true (bounded). @param {() => Promise<boolean> | boolean} fn @param {string} what */
async function until(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [kind, make] of Object.entries(STORES)) {
  test(`${kind} store: a ticket is kept, read back whole, changed, and removed exactly once`, async () => {
    const s = await make();
    const t = ticket({ identity: 'user-1' });
    await s.add(t);
    assert.deepEqual(await s.get(t.id), t);
    assert.equal(await s.get('nobody-here-at-all'), undefined);
    const changed = await s.update(t.id, { state: 'connected', until: 0, inst: 'a' });
    assert.equal(changed?.state, 'connected');
    assert.equal(changed?.inst, 'a');
    assert.equal(changed?.until, undefined, 'a connected seat has no deadline');
    assert.equal(await s.update('nobody-here-at-all', { state: 'away' }), undefined, 'update creates nothing');
    const [first, second] = await Promise.all([s.remove(t.id), s.remove(t.id)]);
    assert.ok((first === undefined) !== (second === undefined), 'of two removes, exactly one gets the ticket');
    assert.equal((first ?? second)?.secret, t.secret);
    assert.equal(await s.get(t.id), undefined);
  });

  test(`${kind} store: rooms, counts and pending seats per address (oldest first) follow every change`, async () => {
    const s = await make();
    const a = ticket({ room: 'r1', issuedAt: 1 });
    const b = ticket({ room: 'r1', issuedAt: 2 });
    const c = ticket({ room: 'r2', issuedAt: 3, owner: '10.0.0.9' });
    for (const t of [b, c, a]) await s.add(t);
    assert.deepEqual((await s.inRoom('r1')).map((t) => t.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(await s.pendingOf('127.0.0.1'), [a.id, b.id]);
    assert.deepEqual(await s.counts(), { rooms: 2, members: 0, pending: 3 });
    await s.update(a.id, { state: 'connected' });
    assert.deepEqual(await s.pendingOf('127.0.0.1'), [b.id]);
    assert.deepEqual(await s.counts(), { rooms: 2, members: 1, pending: 2 });
    await s.remove(c.id);
    assert.deepEqual(await s.inRoom('r2'), []);
    assert.deepEqual(await s.counts(), { rooms: 1, members: 1, pending: 1 });
    await s.remove(a.id);
    await s.remove(b.id);
    assert.deepEqual(await s.counts(), { rooms: 0, members: 0, pending: 0 });
  });

  test(`${kind} store: seats whose deadline passed are due, and no others`, async () => {
    const s = await make();
    const late = ticket({ until: 5000 });
    const later = ticket({ until: 9000 });
    await s.add(late);
    await s.add(later);
    assert.deepEqual(await s.due(6000), [late.id]);
    await s.update(late.id, { state: 'connected', until: 0 });
    assert.deepEqual(await s.due(6000), []);
    await s.update(later.id, { state: 'away', until: 5500 });
    assert.deepEqual(await s.due(6000), [later.id]);
  });

  test(`${kind} store: a claim seats a pending seat only while the room has a place`, async () => {
    const s = await make();
    const seated = ticket({ room: 'claims', state: 'connected' });
    const p1 = ticket({ room: 'claims' });
    const p2 = ticket({ room: 'claims', until: 99 });
    for (const t of [seated, p1, p2]) await s.add(t);
    const first = await s.claim(p1.id, 2, 'A');
    assert.equal(first.result, 'first');
    assert.deepEqual(first.result === 'first' && [first.ticket.state, first.ticket.inst], ['connected', 'A']);
    assert.deepEqual(await s.claim(p2.id, 2, 'B'), { result: 'full' }, 'no third member in a room of 2');
    assert.equal((await s.get(p2.id))?.state, 'pending', 'a seat refused for a full room stays pending');
    assert.deepEqual(await s.due(100), [p2.id]);
    const back = await s.claim(seated.id, 2, 'B');
    assert.equal(back.result, 'back', 'a member coming back needs no new place');
    assert.deepEqual(await s.claim('nobody-here-at-all', 2, 'A'), { result: 'gone' });
    assert.deepEqual(await s.counts(), { rooms: 1, members: 2, pending: 1 });
  });

  test(`${kind} store: a release marks a seat away only where its websocket is`, async () => {
    const s = await make();
    const t = ticket({ room: 'release' });
    await s.add(t);
    assert.equal(await s.release(t.id, 'A', 500), 'pending', 'a pending seat is not made away');
    await s.claim(t.id, 8, 'A');
    // It came back through B before A saw its old socket close: A's late release leaves it connected on B.
    await s.claim(t.id, 8, 'B');
    assert.equal(await s.release(t.id, 'A', 500), 'elsewhere');
    assert.equal((await s.get(t.id))?.state, 'connected');
    assert.deepEqual(await s.due(1000), []);
    assert.equal(await s.release(t.id, 'B', 500), 'away');
    assert.deepEqual(await s.get(t.id).then((x) => [x?.state, x?.until]), ['away', 500]);
    assert.deepEqual(await s.due(1000), [t.id]);
    assert.equal(await s.release('nobody-here-at-all', 'A', 500), 'gone');
  });

  test(`${kind} store: the join rate per address is a bucket of perMinute, refilled over the minute`, async () => {
    const s = await make();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) assert.equal(await s.takeJoin('1.2.3.4', 3, t0), true, `join ${i + 1}`);
    assert.equal(await s.takeJoin('1.2.3.4', 3, t0), false, 'the fourth within the minute');
    assert.equal(await s.takeJoin('5.6.7.8', 3, t0), true, 'another address has its own bucket');
    assert.equal(await s.takeJoin('1.2.3.4', 3, t0 + 19_000), false, 'not a whole join back after 19 s');
    assert.equal(await s.takeJoin('1.2.3.4', 3, t0 + 21_000), true, 'one join back after 20 s');
    assert.equal(await s.reachable(), true);
  });

  test(`${kind} store under Rooms: ROOM_MAX, pending seats per address, one seat per identity`, async () => {
    const s = await make();
    const replaced = [];
    const { rooms } = roomsOn(s, { replaced: (/** @type {any} */ t) => replaced.push(t.id) });
    const seats = [];
    for (const owner of ['a', 'b', 'c']) {
      const t = await rooms.issue('full', owner, { owner });
      assert.ok(t);
      await rooms.connected(t.id);
      seats.push(t);
    }
    assert.equal(await rooms.issue('full', 'd', { owner: 'd' }), undefined, 'a fourth person in a room of 3');
    // Pending seats per address: a third pushes out the first.
    const p1 = await rooms.issue('other', 'x', { owner: 'x' });
    const p2 = await rooms.issue('other', 'x', { owner: 'x' });
    const p3 = await rooms.issue('other', 'x', { owner: 'x' });
    assert.equal(await s.get(p1?.id ?? ''), undefined, 'the oldest pending seat of the address went');
    assert.ok(await s.get(p2?.id ?? ''));
    assert.ok(await s.get(p3?.id ?? ''));
    // The same within one millisecond (a burst): still the oldest, every time. (Tied, the Redis store ordered the
    // seats by their random ids.)
    const now = Date.now;
    Date.now = () => 1_800_000_000_000;
    try {
      for (const owner of ['q1', 'q2', 'q3', 'q4', 'q5', 'q6']) {
        const [b1, b2, b3] = [
          await rooms.issue(`burst-${owner}`, owner, { owner }),
          await rooms.issue(`burst-${owner}`, owner, { owner }),
          await rooms.issue(`burst-${owner}`, owner, { owner }),
        ];
        assert.equal(await s.get(b1?.id ?? ''), undefined, `the oldest of ${owner}'s seats in one millisecond went`);
        assert.ok((await s.get(b2?.id ?? '')) && (await s.get(b3?.id ?? '')));
      }
    } finally {
      Date.now = now;
    }
    // One identity, one seat.
    const first = await rooms.issue('ids', 'Bo', { owner: 'y', identity: 'bo' });
    const second = await rooms.issue('ids', 'Bo', { owner: 'z', identity: 'bo' });
    assert.deepEqual(replaced, [first?.id]);
    assert.equal(await s.get(first?.id ?? ''), undefined);
    assert.ok(await rooms.check(second?.id, second?.secret));
    assert.equal(await rooms.check(second?.id, 'wrong'), undefined);
    rooms.close();
  });

  test(`${kind} store under Rooms: joins and leaves are pushed, and a seat waits out its grace`, async () => {
    const s = await make();
    const { rooms, sent, gone } = roomsOn(s);
    const a = /** @type {any} */ (await rooms.issue('talk', 'Ann', { owner: 'a' }));
    const b = /** @type {any} */ (await rooms.issue('talk', 'Bob', { owner: 'b' }));
    await rooms.connected(a.id);
    await rooms.connected(b.id);
    assert.deepEqual(
      sent.map(([to, m]) => [to, m.type]),
      [
        [a.id, 'RTC-ROOM'],
        [a.id, 'RTC-JOINED'],
        [b.id, 'RTC-ROOM'],
      ],
    );
    assert.equal((await rooms.sameRoom(a.id, b.id))?.id, b.id);
    assert.equal(await rooms.sameRoom(a.id, a.id), undefined);
    sent.length = 0;
    await rooms.dropped(b.id);
    assert.equal((await s.get(b.id))?.state, 'away');
    await rooms.connected(b.id);
    assert.deepEqual(
      sent.map(([to, m]) => [to, m.type]),
      [[b.id, 'RTC-ROOM']],
      'back within the grace: no join',
    );
    sent.length = 0;
    await rooms.dropped(b.id);
    await until(async () => !(await s.get(b.id)), 'the away seat to end');
    assert.deepEqual(gone, [b.id]);
    assert.deepEqual(sent, [[a.id, { type: 'RTC-LEFT', payload: { id: b.id } }]]);
    rooms.close();
  });

  test(`${kind} store under Rooms: sweep ends an overdue seat whose timer was elsewhere`, async () => {
    const s = await make();
    const { rooms, gone } = roomsOn(s);
    const t = ticket({ room: 'swept', state: 'away', until: Date.now() - 1 });
    await s.add(t);
    await rooms.sweep();
    assert.deepEqual(gone, [t.id]);
    rooms.close();
  });
}

test('redis: two instances on one Redis see the same seats, and only one of them ends each', async () => {
  const prefix = `shared${randomBytes(3).toString('hex')}:`;
  const a = roomsOn(await redisStore(prefix), { inst: 'A' });
  const b = roomsOn(await redisStore(prefix), { inst: 'B' });
  const t = /** @type {any} */ (await a.rooms.issue('both', 'Ann', { owner: 'x' }));
  assert.ok(await b.rooms.check(t.id, t.secret), 'B checks a seat A issued');
  await b.rooms.connected(t.id);
  assert.equal((await a.rooms.store.get(t.id))?.inst, 'B');
  // A's own pending timer finds the seat connected (on B) and leaves it.
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(
    await a.rooms.store.get(t.id),
    'a seat connected elsewhere outlives the timer of the instance that issued it',
  );
  await Promise.all([a.rooms.left(t.id), b.rooms.left(t.id)]);
  assert.equal(a.gone.length + b.gone.length, 1, 'the seat ended once');
  a.rooms.close();
  b.rooms.close();
});

test('redis: of seats claiming the last place at once from several instances, exactly one gets it', async () => {
  const prefix = `race${randomBytes(3).toString('hex')}:`;
  const stores = [await redisStore(prefix), await redisStore(prefix), await redisStore(prefix)];
  for (let round = 0; round < 10; round++) {
    const room = `race-${round}`;
    const seats = stores.map(() => ticket({ room }));
    for (const t of seats) await stores[0].add(t);
    const results = await Promise.all(seats.map((t, i) => stores[i].claim(t.id, 1, `inst-${i}`)));
    assert.deepEqual(results.map((r) => r.result).sort(), ['first', 'full', 'full'], `round ${round}`);
  }
});

test('redis: the seats of an instance that stops beating become away, and end after the grace', async () => {
  const prefix = `reap${randomBytes(3).toString('hex')}:`;
  const s = await redisStore(prefix);
  const dead = roomsOn(s, { inst: 'dead' });
  const t = /** @type {any} */ (await dead.rooms.issue('r', 'Ann', { owner: 'x' }));
  await dead.rooms.connected(t.id);
  await s.heartbeat('dead', 100);
  await s.heartbeat('live', 10000);
  assert.deepEqual(await s.reap(Date.now(), 200), [], 'a live instance is not reaped');
  await until(async () => (await s.reap(Date.now(), 200)).includes(t.id), 'the lapsed instance to be reaped');
  assert.equal((await s.get(t.id))?.state, 'away');
  assert.deepEqual(await s.reap(Date.now(), 200), [], 'an instance is reaped once');
  const live = roomsOn(await redisStore(prefix), { inst: 'live' });
  await until(async () => (await live.rooms.sweep(), live.gone.includes(t.id)), 'the reaped seat to end');
  dead.rooms.close();
  live.rooms.close();
});

test('redis: the queue for a briefly absent member is bounded, drained once, and goes with its seat', async () => {
  const s = await redisStore();
  const t = ticket({ state: 'away' });
  await s.add(t);
  const limits = { perPeer: 2, bytesPerPeer: 1000, ttl: 10000 };
  assert.equal(await s.enqueue(t.id, 'one', limits), undefined);
  assert.equal(await s.enqueue(t.id, 'two', limits), undefined);
  assert.equal(await s.enqueue(t.id, 'three', limits), 'per-peer');
  assert.deepEqual(await s.drain(t.id), ['one', 'two']);
  assert.deepEqual(await s.drain(t.id), []);
  assert.equal(await s.enqueue(t.id, 'x'.repeat(1001), limits), 'bytes-per-peer');
  await s.enqueue(t.id, 'kept', limits);
  await s.remove(t.id);
  assert.deepEqual(await s.drain(t.id), [], 'a seat that ended takes its queue along');
});

test('redis: a store whose Redis is gone fails at once with StoreUnavailable (no hang), then works again', async () => {
  const own = await startRedis();
  try {
    const s = new RedisRoomStore({ url: own.url, prefix: 'down:' });
    opened.push(s);
    await s.connect();
    const t = ticket();
    await s.add(t);
    await own.kill();
    await until(async () => !(await s.reachable()), 'the store to see Redis gone');
    const started = Date.now();
    await assert.rejects(s.get(t.id), StoreUnavailable);
    assert.ok(Date.now() - started < 1000, `refused in ${Date.now() - started} ms`);
    await own.restart();
    await until(() => s.reachable(), 'the store to reconnect', 10000);
    assert.equal(await s.get(t.id), undefined, 'a restarted Redis is empty');
  } finally {
    await own.stop();
  }
});
