// Signalling held for absent peers has quotas per sender, per room and in bytes, so that one member with a few away
// seats cannot fill the queue an honest OFFER to a reconnecting roommate needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, member, connect, scrape, refusals, until, nothingElseFor } from './helpers.js';

/**
 * Members of one room, then drops the last `away` of them (within the grace: their seats wait for them).
 * @param {import('./helpers.js').Srv} srv
 * @param {string} room
 * @param {number} present
 * @param {number} away
 */
async function roomWith(srv, room, present, away) {
  const members = [];
  for (let i = 0; i < present + away; i++) members.push(await member(srv, room, `${room}-${i}`));
  // Each has been told of those who came after it: nothing else is waiting in the inboxes.
  for (const [i, m] of members.entries())
    for (const later of members.slice(i + 1))
      await m.client.waitFor((msg) => msg.type === 'RTC-JOINED' && msg.payload.id === later.id);
  const open = (await scrape(srv)).get('rtc_open_connections') ?? 0;
  for (const m of members.slice(present)) m.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === open - away, 3000, 'the drops');
  return { present: members.slice(0, present), away: members.slice(present) };
}

/**
 * Sends `count` OFFERs from `from` to `dst`, then proves the server handled them all (a marker to `witness`).
 * @param {import('./helpers.js').Member} from
 * @param {string} dst
 * @param {number} count
 * @param {import('./helpers.js').Member} witness
 * @param {object} [payload]
 */
async function offers(from, dst, count, witness, payload = {}) {
  for (let i = 0; i < count; i++) from.client.send({ type: 'OFFER', dst, payload: { i, ...payload } });
  await nothingElseFor(from, witness);
}

test('one member with away seats cannot fill the queue: an honest OFFER to a reconnecting roommate is held', async (t) => {
  const srv = await startServer(t, {
    QUEUE_TOTAL: '100',
    QUEUE_PER_SENDER: '40',
    RECONNECT_GRACE: '10000',
    MESSAGE_RATE: '1000',
  });
  const evil = await roomWith(srv, 'evil', 2, 3);
  const [mallory, accomplice] = evil.present;
  for (const seat of evil.away) await offers(mallory, seat.id, 64, accomplice);
  const refused = await refusals(srv, 'queue-full');

  const honest = await roomWith(srv, 'r', 2, 1);
  const [ana, cleo] = honest.present;
  const [ben] = honest.away;
  ana.client.send({ type: 'OFFER', dst: ben.id, payload: { sdp: 'honest' } });
  await nothingElseFor(ana, cleo);
  assert.equal(await refusals(srv, 'queue-full'), refused, 'the honest OFFER was not refused');
  assert.equal(refused, 3 * 64 - 40, "only QUEUE_PER_SENDER of Mallory's were held");
  // Ben comes back and gets it.
  const back = await connect(srv, ben);
  assert.equal((await back.next()).type, 'OPEN');
  assert.deepEqual(await back.waitFor('OFFER'), {
    type: 'OFFER',
    src: ana.id,
    dst: ben.id,
    payload: { sdp: 'honest' },
  });
  // What was held for Ben counts no more; Mallory's 40 still do.
  assert.equal((await scrape(srv)).get('rtc_queued_messages'), 40);
});

test('QUEUE_PER_ROOM: the members of one room together hold at most that many', async (t) => {
  const srv = await startServer(t, { QUEUE_PER_ROOM: '60', QUEUE_PER_SENDER: '40', RECONNECT_GRACE: '10000' });
  const evil = await roomWith(srv, 'evil', 3, 2);
  const [a, b, witness] = evil.present;
  await offers(a, evil.away[0].id, 64, witness);
  await offers(b, evil.away[1].id, 64, witness);
  assert.equal(await refusals(srv, 'queue-full'), 24 + 44, 'a: 40 held (per sender), b: the room has 20 left');
  // Another room is not affected.
  const other = await roomWith(srv, 'other', 2, 1);
  await offers(other.present[0], other.away[0].id, 30, other.present[1]);
  assert.equal(await refusals(srv, 'queue-full'), 24 + 44);
  assert.equal((await scrape(srv)).get('rtc_queued_messages'), 60 + 30);
});

test('queues are bounded in bytes, per absent peer (QUEUE_BYTES_PER_PEER) and in total (QUEUE_BYTES_TOTAL)', async (t) => {
  const srv = await startServer(t, { QUEUE_BYTES_TOTAL: '400000', RECONNECT_GRACE: '10000' });
  const room = await roomWith(srv, 'r', 2, 2);
  const [a, witness] = room.present;
  const [x, y] = room.away;
  const big = { sdp: 'x'.repeat(60000) };
  // 60 KB each: 4 fit in the default 256 KiB for x, the fifth would not.
  await offers(a, x.id, 10, witness, big);
  assert.equal(await refusals(srv, 'queue-full'), 6);
  // y: 2 more fit under the 400,000 bytes in total.
  await offers(a, y.id, 10, witness, big);
  assert.equal(await refusals(srv, 'queue-full'), 6 + 8);
  const m = await scrape(srv);
  assert.equal(m.get('rtc_queued_messages'), 6);
  assert.ok((m.get('rtc_queued_bytes') ?? 0) <= 400000);
  // x comes back with its 4; the bytes are free again and y can be sent to.
  const back = await connect(srv, x);
  assert.equal((await back.next()).type, 'OPEN');
  for (let i = 0; i < 4; i++) assert.equal((await back.waitFor('OFFER')).payload.i, i);
  await offers(a, y.id, 2, witness, big);
  assert.equal(await refusals(srv, 'queue-full'), 6 + 8, 'y had room for two more');
});
