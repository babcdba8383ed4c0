#!/usr/bin/env node
// `node bench/idle-sockets.mjs`: what idle members cost one broker instance. Our server (`node server/dist/server/cli.js`,
// limits lifted) on 127.0.0.1; members join in rooms of two and keep their websockets open, sending what an idle
// widget sends (PeerJS's HEARTBEAT and the widget's RTC-PING, which the server answers, each every 5 s) and nothing
// else. After each step of 1,000 members: the server's RSS and its CPU
// use over a 10 s window. Reported: RSS per 1,000 idle members (the slope from no member to the last step) and CPU.
// With BENCH_REDIS=1 the instance keeps its rooms in a redis-server of its own (loopback, saving nothing), and each
// step also reads what Redis holds: its keys and `used_memory`.
//
// Settings (environment): BENCH_IDLE (members at the last step, default 3000, at most 10000), BENCH_REDIS (0 or 1).
import { connectClients, closeClients } from './helpers/broker.mjs';
import { startOurs, killAll, rssKb } from './helpers/procs.mjs';
import { treeCpuSeconds } from './helpers/cpu.mjs';
import { sleep } from './helpers/stats.mjs';
import { createClient } from 'redis';
import { startRedis } from '../test/support/redis.js';

const STEP = 1000;
const CHUNK = 100;
const total = Math.min(10000, Math.max(STEP, Number.parseInt(process.env.BENCH_IDLE ?? '', 10) || 3000));
const WINDOW_MS = 10000;
const HEARTBEAT_MS = 5000;
const LIFTED = {
  MESSAGE_RATE: '100000',
  JOIN_RATE: '1000000',
  MAX_CONNECTIONS_PER_IP: '100000',
  MAX_SOCKETS_PER_IP: '100000',
  PENDING_PER_IP: '1000',
  LOG_LEVEL: 'warn',
};

const watchdog = setTimeout(() => {
  console.error('idle bench: took over 5 minutes, giving up');
  killAll();
  process.exit(1);
}, 300000);
watchdog.unref();

const redis = process.env.BENCH_REDIS === '1' ? await startRedis() : undefined;
const server = await startOurs(redis ? { ...LIFTED, REDIS_URL: redis.url } : LIFTED).catch(async (err) => {
  await redis?.stop();
  throw err;
});
const reader = redis ? createClient({ url: redis.url }) : undefined;
await reader?.connect();
/** What Redis holds now: its keys, and its used_memory in bytes. */
const redisHolds = async () => {
  if (!reader) return undefined;
  const info = await reader.info('memory');
  return { keys: await reader.dbSize(), bytes: Number(/^used_memory:(\d+)/m.exec(info)?.[1]) };
};
/** @type {Awaited<ReturnType<typeof connectClients>>['clients']} */
const clients = [];
const beat = setInterval(() => {
  for (const c of clients) {
    if (c.ws.readyState !== c.ws.OPEN) continue;
    c.ws.send('{"type":"HEARTBEAT"}');
    c.ws.send('{"type":"RTC-PING"}');
  }
}, HEARTBEAT_MS);
try {
  /** @param {number} n */
  const measure = async (n) => {
    await sleep(1000); // let the connects' garbage go before reading
    const c0 = treeCpuSeconds(server.pid);
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const cpu = ((treeCpuSeconds(server.pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
    const open = clients.filter((c) => c.ws.readyState === c.ws.OPEN).length;
    if (open !== n) throw new Error(`${n - open} of ${n} idle members were dropped`);
    return { n, rssKb: rssKb(server.pid), cpuPercent: cpu, redis: await redisHolds() };
  };
  const rows = [await measure(0)];
  for (let n = STEP; n <= total; n += STEP) {
    // In chunks, so that members connected early heartbeat while the rest connect (a silent one is dropped).
    for (let k = 0; k < STEP; k += CHUNK) {
      const chunk = await connectClients('ours', server.port, { n: CHUNK, concurrency: 20, tag: `idle${n}-${k}` });
      clients.push(...chunk.clients);
    }
    rows.push(await measure(n));
  }
  console.log(
    `idle members on one instance (rooms of two; each sends HEARTBEAT and RTC-PING every ${HEARTBEAT_MS / 1000} s):`,
  );
  console.log(`members   RSS MB   CPU % (10 s)${redis ? '   Redis keys   Redis MB' : ''}`);
  for (const r of rows)
    console.log(
      `${String(r.n).padStart(7)}  ${(r.rssKb / 1024).toFixed(1).padStart(7)}  ${r.cpuPercent.toFixed(1).padStart(6)}` +
        (r.redis ? `  ${String(r.redis.keys).padStart(11)}  ${(r.redis.bytes / 2 ** 20).toFixed(2).padStart(9)}` : ''),
    );
  const first = rows[0];
  const last = rows[rows.length - 1];
  const per1k = (/** @type {number} */ d) => d / (last.n / 1000);
  console.log(`RSS per 1,000 idle members: ${(per1k(last.rssKb - first.rssKb) / 1024).toFixed(1)} MB`);
  if (first.redis && last.redis)
    console.log(
      `Redis per 1,000 members (500 rooms): ${per1k(last.redis.keys - first.redis.keys).toFixed(0)} keys, ` +
        `${(per1k(last.redis.bytes - first.redis.bytes) / 2 ** 20).toFixed(2)} MB`,
    );
} catch (err) {
  const alive = server.proc.exitCode === null && server.proc.signalCode === null;
  console.error(`idle bench: ${err}; the server is ${alive ? 'up' : 'gone'}; its last lines:`);
  console.error(server.output.slice(-10).join('\n'));
  process.exitCode = 1;
} finally {
  clearInterval(beat);
  closeClients(clients);
  await reader?.quit().catch(() => {});
  await server.stop();
  await redis?.stop();
}
