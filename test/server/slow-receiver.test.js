// A member that stops reading its socket cannot make the server hold what is relayed to it: past SEND_BUFFER
// (per socket) or SEND_BUFFER_TOTAL (all sockets) frames are dropped and counted, and a receiver that stays over
// its budget for ALIVE_TIMEOUT is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, member, connect, scrape, refusals, until, nothingElseFor, gc } from './helpers.js';

const FRAME = { sdp: 'x'.repeat(60000) };
/** The largest relayed frame: the payload plus type, src and dst. */
const FRAME_BYTES = JSON.stringify({ type: 'OFFER', src: 'x'.repeat(64), dst: 'x'.repeat(64), payload: FRAME }).length;

/**
 * Stops reading a member's socket on the client side (the kernel buffers fill, then the server's), while it keeps
 * sending heartbeats so it stays alive.
 * @param {import('node:test').TestContext} t
 * @param {import('./helpers.js').Member} m
 */
function stopReading(t, m) {
  /** @type {any} */ (m.client.ws)._socket.pause();
  const beat = setInterval(() => m.client.open && m.client.send({ type: 'HEARTBEAT' }), 500);
  t.after(() => clearInterval(beat));
}

/**
 * Sends `count` 60 KB OFFERs from `from` to `to`, `perTick` every 50 ms, while sampling the server's buffered bytes.
 * Resolves once the server has handled all of them (relayed or refused), with the largest sample.
 * @param {import('./helpers.js').Srv} srv
 * @param {import('./helpers.js').Member} from
 * @param {string[]} to
 * @param {number} count per receiver
 */
async function flood(srv, from, to, count, perTick = 10) {
  const handled = async () => {
    const m = await scrape(srv);
    let n = m.get('rtc_messages_relayed_total') ?? 0;
    for (const [k, v] of m) if (k.startsWith('rtc_refusals_total{')) n += v;
    // Without the gauge, nothing says what is held: count it as unbounded.
    return { n, buffered: m.get('rtc_send_buffered_bytes') ?? Number.POSITIVE_INFINITY };
  };
  const start = (await handled()).n;
  let sent = 0;
  let max = 0;
  while (sent < count) {
    for (let i = 0; i < perTick && sent < count; i++, sent++)
      for (const dst of to) from.client.send({ type: 'OFFER', dst, payload: FRAME });
    max = Math.max(max, (await handled()).buffered);
    await new Promise((r) => setTimeout(r, 50));
  }
  await until(
    async () => {
      const h = await handled();
      max = Math.max(max, h.buffered);
      return h.n - start >= count * to.length;
    },
    30000,
    'every frame handled',
  );
  return max;
}

test('a member that stops reading: frames past SEND_BUFFER are dropped (slow-receiver), memory stays bounded', async (t) => {
  const budget = 262144;
  const srv = await startServer(t, { SEND_BUFFER: String(budget), MESSAGE_RATE: '1000', ALIVE_TIMEOUT: '600000' });
  const sender = await member(srv, 'r', 'Sender');
  const slow = await member(srv, 'r', 'Slow');
  const witness = await member(srv, 'r', 'Witness');
  await sender.client.waitFor((m) => m.type === 'RTC-JOINED' && m.payload.id === witness.id);
  stopReading(t, slow);
  gc();
  const rssBefore = process.memoryUsage().rss;
  // 60 MB at the one who does not read: far more than the kernel's socket buffers take.
  const max = await flood(srv, sender, [slow.id], 1000);
  gc();
  const grew = process.memoryUsage().rss - rssBefore;
  const dropped = await refusals(srv, 'slow-receiver');
  assert.ok(dropped > 500, `most frames dropped, not held: ${dropped} of 1000`);
  // Everything the test process holds is in that figure, clients included.
  assert.ok(grew < 50 * 1024 * 1024, `RSS grew by ${Math.round(grew / 1048576)} MB`);
  assert.ok(max <= budget + FRAME_BYTES, `server held ${max} bytes for the slow receiver, budget ${budget}`);
  // The others are not affected: the sender still reaches the witness at once.
  await nothingElseFor(sender, witness);
  assert.ok(slow.client.open, 'within ALIVE_TIMEOUT the slow receiver stays connected');
});

test('SEND_BUFFER_TOTAL bounds what all slow receivers together make the server hold', async (t) => {
  const total = 524288;
  const srv = await startServer(t, { SEND_BUFFER_TOTAL: String(total), MESSAGE_RATE: '1000', ALIVE_TIMEOUT: '600000' });
  const sender = await member(srv, 'r', 'Sender');
  const slow = [await member(srv, 'r', 'Slow1'), await member(srv, 'r', 'Slow2'), await member(srv, 'r', 'Slow3')];
  for (const m of slow) stopReading(t, m);
  const max = await flood(
    srv,
    sender,
    slow.map((m) => m.id),
    300,
    5,
  );
  assert.ok((await refusals(srv, 'send-buffer-full')) > 0, 'the total budget was reached');
  assert.ok(max <= total + 3 * FRAME_BYTES, `server held ${max} bytes in total, budget ${total}`);
});

test('a receiver that stays over its budget for ALIVE_TIMEOUT is dropped; it may come back', async (t) => {
  const srv = await startServer(t, {
    SEND_BUFFER: '65536',
    MESSAGE_RATE: '1000',
    ALIVE_TIMEOUT: '1500',
    RECONNECT_GRACE: '10000',
  });
  const sender = await member(srv, 'r', 'Sender');
  const slow = await member(srv, 'r', 'Slow');
  const beat = setInterval(() => sender.client.open && sender.client.send({ type: 'HEARTBEAT' }), 300);
  t.after(() => clearInterval(beat));
  stopReading(t, slow);
  // Keep sending at it (40/s) until the server gives up on it: its connection count drops to the sender's.
  const send = setInterval(() => sender.client.send({ type: 'OFFER', dst: slow.id, payload: FRAME }), 25);
  t.after(() => clearInterval(send));
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 30000, 'the slow receiver dropped');
  clearInterval(send);
  assert.ok((await refusals(srv, 'slow-receiver')) > 0);
  assert.ok(srv.logs.some((l) => l.includes('slow receiver dropped')));
  assert.ok(sender.client.open, 'the sender is not affected');
  const back = await connect(srv, slow);
  assert.equal((await back.next()).type, 'OPEN');
});

test('a room event for a receiver over its budget is not dropped: the receiver is disconnected, and may come back', async (t) => {
  const srv = await startServer(t, {
    SEND_BUFFER: '65536',
    MESSAGE_RATE: '1000',
    ALIVE_TIMEOUT: '600000',
    RECONNECT_GRACE: '10000',
  });
  const sender = await member(srv, 'r', 'Sender');
  const slow = await member(srv, 'r', 'Slow');
  await sender.client.waitFor('RTC-JOINED');
  stopReading(t, slow);
  // Fill its budget: frames are dropped once it is over.
  const send = setInterval(() => sender.client.send({ type: 'OFFER', dst: slow.id, payload: FRAME }), 25);
  t.after(() => clearInterval(send));
  await until(async () => (await refusals(srv, 'slow-receiver')) > 0, 30000, 'the budget reached');
  clearInterval(send);
  const before = await refusals(srv, 'slow-receiver');
  // A newcomer's RTC-JOINED cannot go to the slow receiver: it is disconnected rather than left not knowing.
  const late = await member(srv, 'r', 'Late');
  await sender.client.waitFor((m) => m.type === 'RTC-JOINED' && m.payload.id === late.id);
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 2, 5000, 'the slow receiver dropped');
  assert.equal(await refusals(srv, 'slow-receiver'), before + 1);
  // Only dropped, not gone: its seat waits for it, nobody was told it left.
  assert.equal((await scrape(srv)).get('rtc_members'), 3);
  await nothingElseFor(late, sender);
  // Back, it learns the whole room, the newcomer included.
  const back = await connect(srv, slow);
  assert.equal((await back.next()).type, 'OPEN');
  const room = await back.waitFor('RTC-ROOM');
  assert.deepEqual(
    room.payload.members.map((/** @type {{id: string}} */ m) => m.id).sort(),
    [sender.id, late.id].sort(),
  );
});
