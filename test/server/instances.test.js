// Several broker instances sharing rooms through one real redis-server, on loopback: a join and its websocket on
// different instances, signalling and room events across them, ROOM_MAX across them, and the guard's rules across
// them. (Instances dying, restarting, and Redis going away: instances-failure.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { member, join, connect, refusals, nothingElseFor, until, fakeId } from './helpers.js';
import { roundRobin } from '../support/round-robin.js';
import { instances, memberAcross } from './cluster-helpers.js';

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
