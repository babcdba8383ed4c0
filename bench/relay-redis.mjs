#!/usr/bin/env node
// `node bench/relay-redis.mjs`: what a signalling message costs when it crosses instances through Redis, against a
// delivery between two members on one instance. One redis-server and two instances (`node server/dist/server/cli.js`, limits
// lifted) on 127.0.0.1; the two kinds of pair alternate round by round, and each round times sequential round trips
// (an OFFER there, an ANSWER back). Reported: round-trip p50/p99 in ms, for each kind.
//
// Settings (environment): BENCH_ROUNDS (default 6), BENCH_TRIPS (round trips per pair and round, default 300).
import { startRedis } from '../test/support/redis.js';
import { startServer } from '../test/support/server.js';
import { join, connect } from '../test/support/broker-clients.js';

const int = (/** @type {string | undefined} */ v, /** @type {number} */ def, max = 100000) =>
  Math.min(max, Math.max(1, Number.parseInt(v ?? '', 10) || def));
const ROUNDS = int(process.env.BENCH_ROUNDS, 6, 50);
const TRIPS = int(process.env.BENCH_TRIPS, 300, 5000);
const LIFTED = { MESSAGE_RATE: '100000', JOIN_RATE: '1000000', LOG_LEVEL: 'warn' };

const watchdog = setTimeout(() => {
  console.error('relay bench: took over 5 minutes, giving up');
  process.exit(1);
}, 300000);
watchdog.unref();

/** @type {Array<() => Promise<unknown> | unknown>} */
const owed = [];
try {
  const redis = await startRedis();
  owed.push(() => redis.stop());
  const env = { ...LIFTED, REDIS_URL: redis.url };
  const a = await startServer(env);
  owed.push(() => a.stop());
  const b = await startServer(env);
  owed.push(() => b.stop());

  /** @param {{port: number}} srv @param {string} room */
  const seat = async (srv, room) => {
    const res = await join(srv, { room, name: 'bench' });
    if (res.status !== 200) throw new Error(`join: ${res.status} ${res.text}`);
    const client = await connect(srv, res.json);
    owed.push(() => client.destroy());
    await client.waitFor('RTC-ROOM');
    return { id: res.json.id, client };
  };
  // Local: both on A. Across: the sender on A, the receiver on B.
  const pairs = {
    local: [await seat(a, 'local'), await seat(a, 'local')],
    redis: [await seat(a, 'across'), await seat(b, 'across')],
  };

  /** @param {any[]} pair @returns {Promise<number[]>} round trips in ms */
  const round = async ([from, to]) => {
    const times = [];
    for (let i = 0; i < TRIPS; i++) {
      const t0 = process.hrtime.bigint();
      from.client.send({ type: 'OFFER', dst: to.id, payload: { i } });
      await to.client.waitFor('OFFER');
      to.client.send({ type: 'ANSWER', dst: from.id, payload: { i } });
      await from.client.waitFor('ANSWER');
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return times;
  };
  /** @type {Record<string, number[]>} */
  const all = { local: [], redis: [] };
  await round(pairs.local); // warm-up
  await round(pairs.redis);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['redis', 'local'] : ['local', 'redis'];
    for (const kind of order) all[kind].push(...(await round(pairs[kind])));
  }
  const pct = (/** @type {number[]} */ xs, /** @type {number} */ p) => {
    const s = [...xs].sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  };
  console.log(`relay round trips (OFFER there, ANSWER back), ${ROUNDS} rounds x ${TRIPS}, ms:`);
  for (const kind of ['local', 'redis'])
    console.log(
      `  ${kind === 'local' ? 'one instance  ' : 'through Redis '} p50 ${pct(all[kind], 50).toFixed(2)}  p99 ${pct(all[kind], 99).toFixed(2)}  (n=${all[kind].length})`,
    );
} finally {
  for (const fn of owed.reverse()) await fn();
}
