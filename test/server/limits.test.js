// Everything a client can make the server hold is bounded: frame size, message rate, queues for absent peers,
// connections per address and in total, and silent connections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  member,
  join,
  connect,
  upgradeStatus,
  nothingElseFor,
  scrape,
  refusals,
  request,
  sleep,
  until,
} from './helpers.js';
import { within } from '../support/within.js';

/** @param {import('./helpers.js').Srv} srv */
async function pair(srv, room = 'r') {
  const a = await member(srv, room, 'A');
  const b = await member(srv, room, 'B');
  await a.client.waitFor('RTC-JOINED');
  return { a, b };
}

test('a frame larger than MAX_PAYLOAD closes that socket with 1009; the server survives', async (t) => {
  const srv = await startServer(t, { MAX_PAYLOAD: '1024', RECONNECT_GRACE: '30000' });
  const { a, b } = await pair(srv);
  const c = await member(srv, 'r', 'C');
  await b.client.waitFor('RTC-JOINED');
  // Just under the limit is relayed.
  const fits = { type: 'OFFER', dst: b.id, payload: { sdp: 'x'.repeat(900) } };
  assert.ok(JSON.stringify(fits).length <= 1024);
  a.client.send(fits);
  assert.equal((await b.client.next()).payload.sdp.length, 900);
  // Over the limit closes the socket, and is not relayed.
  a.client.send({ type: 'OFFER', dst: b.id, payload: { sdp: 'x'.repeat(2000) } });
  assert.equal((await a.client.closed).code, 1009);
  await nothingElseFor(c, b);
  await nothingElseFor(b, c);
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
  // A huge frame (ten megabytes) is cut off as well, without the server buffering it.
  const big = await connect(srv, c);
  await big.waitFor('RTC-ROOM');
  big.send('{"type":"OFFER","payload":"' + 'y'.repeat(10 * 1024 * 1024) + '"}');
  assert.equal((await big.closed).code, 1009);
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
});

test('per-connection message rate: excess frames are refused and counted as reason="rate"; the socket recovers', async (t) => {
  const srv = await startServer(t, { MESSAGE_RATE: '10' });
  const { a, b } = await pair(srv);
  const started = performance.now();
  for (let i = 0; i < 150; i++) a.client.send({ type: 'HEARTBEAT' });
  // The burst is twice the rate (20); the rest of the 150 is refused, but for what the rate (10 a second) gave back
  // while the server read them (a moment, unless the machine is very busy).
  const fewest = () => 125 - Math.ceil((10 * (performance.now() - started)) / 1000);
  await until(async () => (await refusals(srv, 'rate')) >= fewest(), 10000, 'rate refusals');
  const refused = await refusals(srv, 'rate');
  assert.ok(refused >= fewest() && refused <= 130, `refused ${refused} of 150`);
  assert.ok(a.client.open, 'a short excess does not close the socket');
  // b, another connection, is not affected; a gets its tokens back over time.
  await nothingElseFor(b, a);
  await sleep(1500);
  await nothingElseFor(a, b);
});

test('a client that keeps flooding far past its rate is disconnected (1008)', async (t) => {
  const srv = await startServer(t, { MESSAGE_RATE: '10', RECONNECT_GRACE: '30000' });
  const { a, b } = await pair(srv);
  const started = performance.now();
  for (let i = 0; i < 2000 && a.client.open; i++) a.client.send({ type: 'OFFER', dst: b.id, payload: { i } });
  const closed = await a.client.closed;
  const seconds = (performance.now() - started) / 1000;
  assert.equal(closed.code, 1008);
  assert.equal(closed.reason, 'rate limit');
  assert.ok((await refusals(srv, 'rate')) > 200);
  // Only the burst (20), and what the rate gave back while the flood lasted (10 a second: on a busy machine the
  // 2000 frames take a while), got through to b.
  const offers = (await scrape(srv)).get('rtc_messages_relayed_total') ?? 0;
  assert.ok(offers <= 21 + Math.ceil(10 * seconds), `relayed ${offers} of 2000 in ${seconds.toFixed(2)} s`);
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
});

test('queues for an absent peer are bounded per peer (QUEUE_PER_PEER) and in total (QUEUE_TOTAL)', async (t) => {
  const srv = await startServer(t, { QUEUE_PER_PEER: '3', QUEUE_TOTAL: '4', RECONNECT_GRACE: '30000' });
  const { a, b } = await pair(srv);
  const c = await member(srv, 'r', 'C');
  const d = await member(srv, 'r', 'D');
  b.client.destroy();
  c.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 2, 10000, 'the drops');
  for (let i = 0; i < 5; i++) a.client.send({ type: 'OFFER', dst: b.id, payload: { i } });
  for (let i = 0; i < 2; i++) a.client.send({ type: 'OFFER', dst: c.id, payload: { i } });
  await nothingElseFor(a, d);
  let m = await scrape(srv);
  assert.equal(
    m.get('rtc_refusals_total{reason="queue-full"}'),
    3,
    '2 over the per-peer bound for b, 1 over the total for c',
  );
  assert.equal(m.get('rtc_messages_relayed_total'), 3 + 1 + 1);
  // b comes back and gets exactly its three queued messages, in order.
  const back = await connect(srv, b);
  assert.equal((await back.next()).type, 'OPEN');
  const got = [await back.next(), await back.next(), await back.next(), await back.next()];
  assert.deepEqual(
    got.filter((x) => x.type === 'OFFER').map((x) => [x.src, x.payload.i]),
    [
      [a.id, 0],
      [a.id, 1],
      [a.id, 2],
    ],
  );
  assert.equal(got.filter((x) => x.type === 'RTC-ROOM').length, 1);
  await nothingElseFor(a, { ...b, client: back });
  // b's queue no longer counts towards the total: c can be queued for up to its own bound again.
  for (let i = 2; i < 5; i++) a.client.send({ type: 'OFFER', dst: c.id, payload: { i } });
  await nothingElseFor(a, d);
  m = await scrape(srv);
  assert.equal(m.get('rtc_refusals_total{reason="queue-full"}'), 4, 'c: 1 + 2 queued, the third refused');
  // With QUEUE_TOTAL 0, nothing is queued at all.
  const none = await startServer(t, { QUEUE_TOTAL: '0', RECONNECT_GRACE: '30000' });
  const p = await pair(none);
  p.b.client.destroy();
  await until(async () => (await scrape(none)).get('rtc_open_connections') === 1, 10000, 'the drop');
  p.a.client.send({ type: 'OFFER', dst: p.b.id, payload: {} });
  await until(async () => (await refusals(none, 'queue-full')) === 1, 10000, 'the refusal');
});

test('MAX_CONNECTIONS_PER_IP caps upgrades from one address (429) and frees up when one closes', async (t) => {
  const srv = await startServer(t, { MAX_CONNECTIONS_PER_IP: '2', RECONNECT_GRACE: '30000' });
  const { a } = await pair(srv);
  const third = (await join(srv, { room: 'r', name: 'C' })).json;
  assert.equal(await upgradeStatus(srv, third), 429);
  assert.equal(await upgradeStatus(srv, a), 429, 'even a reconnect of a seated id');
  assert.equal(await refusals(srv, 'ip-limit'), 2);
  a.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 10000, 'the close');
  const c = await connect(srv, third);
  assert.equal((await c.next()).type, 'OPEN');
});

test('with TRUST_PROXY the address is the one your proxy saw (last X-Forwarded-For entry), which a client cannot forge', async (t) => {
  const srv = await startServer(t, { TRUST_PROXY: 'loopback', MAX_CONNECTIONS_PER_IP: '1' });
  const seats = [];
  for (let i = 0; i < 3; i++) seats.push((await join(srv, { room: 'r' }, { 'x-forwarded-for': `10.9.9.${i}` })).json);
  const via = (/** @type {string} */ xff) => ({ headers: { 'x-forwarded-for': xff } });
  const first = await connect(srv, seats[0], via('10.0.0.1, 192.0.2.7'));
  assert.equal((await first.next()).type, 'OPEN');
  // Same client address as seen by the proxy, whatever the client put in front of it.
  assert.equal(await upgradeStatus(srv, seats[1], via('10.0.0.2, 192.0.2.7')), 429);
  assert.equal(await upgradeStatus(srv, seats[1], via('1.2.3.4, 5.6.7.8, 192.0.2.7')), 429);
  // Another address is another client.
  assert.equal(await upgradeStatus(srv, seats[2], via('10.0.0.1, 192.0.2.8')), 101);
});

test('MAX_CONNECTIONS caps open broker connections in total (503)', async (t) => {
  const srv = await startServer(t, { MAX_CONNECTIONS: '2', RECONNECT_GRACE: '30000' });
  const { a, b } = await pair(srv);
  const third = (await join(srv, { room: 'other' })).json;
  assert.equal(await upgradeStatus(srv, third), 503);
  assert.equal(await refusals(srv, 'capacity'), 1);
  await nothingElseFor(a, b);
  b.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 10000, 'the close');
  assert.equal(await upgradeStatus(srv, third), 101);
});

test('a silent client (no HEARTBEAT) is dropped after ALIVE_TIMEOUT; a heartbeating one stays', async (t) => {
  // Long enough that a heartbeat every 300 ms is never late on a busy machine, with room to tell early from late.
  const alive = 3000;
  const srv = await startServer(t, { ALIVE_TIMEOUT: String(alive), RECONNECT_GRACE: '200' });
  const start = Date.now();
  const silent = await member(srv, 'r', 'Silent');
  const chatty = await member(srv, 'r', 'Chatty');
  const beat = setInterval(() => chatty.client.open && chatty.client.send({ type: 'HEARTBEAT' }), 300);
  t.after(() => clearInterval(beat));
  await within(silent.client.closed, alive + 20000, 'the silent client to be dropped');
  const after = Date.now() - start;
  assert.ok(after >= alive - 100, `dropped after ${after} ms, not before ${alive}`);
  assert.ok(after < alive + 5000, `dropped after ${after} ms`);
  // The drop is a drop: after the grace, the others are told.
  assert.deepEqual(await chatty.client.waitFor('RTC-LEFT', 10000), { type: 'RTC-LEFT', payload: { id: silent.id } });
  await sleep(Math.max(0, alive + 2000 - (Date.now() - start)));
  assert.ok(chatty.client.open, 'the heartbeating client is still connected');
  const m = await scrape(srv);
  assert.equal(m.get('rtc_open_connections'), 1);
  assert.equal(m.get('rtc_members'), 1);
});
