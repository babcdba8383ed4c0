// The broker at scale: N idle websocket clients (1k, 5k, 10k) against one server, as a page leaves them: each sends
// a HEARTBEAT every 5 s, like PeerJS. Measured: connects per second and server CPU per connect while they arrive,
// the server's CPU while they idle, RSS per 1k clients at the end of that idle time, and relay round trips under a steady
// message rate among them. Stock `peer` and ours run the same client code.
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { connectClients, closeClients } from './broker.mjs';
import { rssKb, cpuSeconds } from './procs.mjs';
import { quantile, sleep, withTimeout } from './stats.mjs';

/** Open file descriptors this process (and so each server it starts) may hold: `ulimit -n`. */
export function fdLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

const HEARTBEAT = '{"type":"HEARTBEAT"}';
const HEARTBEAT_MS = 5000;
const TICK_MS = 100;

/**
 * Sends each client a HEARTBEAT every 5 s, spread over the interval, as they open. Paced by the clock, not by the
 * ticks: a bench process too busy to tick every 100 ms sends bigger slices, so no client goes quiet for longer than
 * the servers' alive timeouts (20 s for ours, 60 s for stock).
 * @returns {{add: (c: import('./broker.mjs').Client) => void, stop: () => void}}
 */
function heartbeats() {
  /** @type {import('./broker.mjs').Client[]} */
  const list = [];
  let next = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const slice = Math.min(list.length, Math.ceil((list.length * (now - last)) / HEARTBEAT_MS));
    last = now;
    for (let k = 0; k < slice; k++) {
      const c = list[next++ % list.length];
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(HEARTBEAT);
    }
  }, TICK_MS);
  return { add: (c) => void list.push(c), stop: () => clearInterval(timer) };
}

/**
 * Pairs (clients 2p and 2p+1, a room of two for ours) exchange an OFFER and its echo `rate` times a second each,
 * for `relaySeconds`; the round trips are timed at the sender.
 * @param {import('./broker.mjs').Client[]} clients
 * @param {{pairs: number, rate: number, relaySeconds: number, sdpBytes: number}} opts
 */
export async function steadyRelay(clients, { pairs, rate, relaySeconds, sdpBytes }) {
  const sdp = 'x'.repeat(sdpBytes);
  /** @type {number[]} */
  const rtts = [];
  let sent = 0;
  let lost = 0;
  /** @type {Array<Map<number, number>>} */
  const outstanding = [];
  const timers = [];
  for (let p = 0; p < pairs; p++) {
    const a = clients[2 * p];
    const b = clients[2 * p + 1];
    const waiting = new Map();
    outstanding.push(waiting);
    b.onMessage = (m) =>
      m.type === 'OFFER' &&
      m.src === a.id &&
      b.ws.send(JSON.stringify({ type: 'OFFER', dst: a.id, payload: { ...m.payload, echo: true } }));
    a.onMessage = (m) => {
      if (m.type !== 'OFFER' || m.src !== b.id || !m.payload?.echo) return;
      const t0 = waiting.get(m.payload.seq);
      if (t0 === undefined) return;
      waiting.delete(m.payload.seq);
      rtts.push(performance.now() - t0);
    };
    let seq = 0;
    const send = () => {
      const s = seq++;
      waiting.set(s, performance.now());
      sent++;
      a.ws.send(
        JSON.stringify({ type: 'OFFER', dst: b.id, payload: { sdp, type: 'offer', connectionId: 'c', seq: s } }),
      );
    };
    // Pairs start spread over one period, so the rate is steady rather than in bursts.
    const period = 1000 / rate;
    timers.push(
      setTimeout(
        () => {
          send();
          timers.push(setInterval(send, period));
        },
        (p * period) / pairs,
      ),
    );
  }
  const t0 = performance.now();
  await sleep(relaySeconds * 1000);
  for (const t of timers) clearTimeout(t);
  // The last answers: bounded.
  const end = performance.now() + 5000;
  while (outstanding.some((w) => w.size) && performance.now() < end) await sleep(20);
  for (const w of outstanding) lost += w.size;
  for (const c of clients.slice(0, 2 * pairs)) c.onMessage = undefined;
  return {
    sent,
    lost,
    messagesPerSec: (2 * (sent - lost)) / ((performance.now() - t0) / 1000),
    rttP50Ms: quantile(rtts, 0.5),
    rttP99Ms: quantile(rtts, 0.99),
  };
}

/**
 * One size against one server: connect `n` clients (they heartbeat from the moment they open), settle, read RSS,
 * measure idle CPU, then a steady relay among them, then close them all.
 * @param {'stock' | 'ours'} kind
 * @param {import('./procs.mjs').Child} server
 * @param {{n: number, concurrency: number, idleSeconds: number, pairs: number, rate: number, relaySeconds: number,
 *   sdpBytes: number, tag: string}} opts
 */
export async function scaleRound(kind, server, opts) {
  await sleep(500);
  const rssIdleKb = rssKb(server.pid);
  const beats = heartbeats();
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  /** @type {Awaited<ReturnType<typeof connectClients>> | undefined} */
  let conn;
  try {
    conn = await connectClients(kind, server.port, {
      n: opts.n,
      concurrency: opts.concurrency,
      tag: opts.tag,
      timeoutMs: 180000,
      opened: beats.add,
    });
    const connectSeconds = (performance.now() - t0) / 1000;
    const connectCpu = cpuSeconds(server.pid) - cpu0;
    await sleep(1000);
    const idle0 = cpuSeconds(server.pid);
    const i0 = performance.now();
    await sleep(opts.idleSeconds * 1000);
    const idleCpuPercent = ((cpuSeconds(server.pid) - idle0) / ((performance.now() - i0) / 1000)) * 100;
    // Once the clients have idled a while: what holding them costs, not what connecting them left to collect.
    const rssConnectedKb = rssKb(server.pid);
    const relay = await withTimeout(
      steadyRelay(conn.clients, opts),
      (opts.relaySeconds + 30) * 1000,
      `steady relay among ${opts.n} ${kind} clients`,
    );
    const open = conn.clients.filter((c) => c.ws.readyState === c.ws.OPEN).length;
    return {
      n: opts.n,
      stillOpen: open,
      connectsPerSec: opts.n / connectSeconds,
      cpuPerConnectMs: (connectCpu / opts.n) * 1000,
      rssIdleKb,
      rssConnectedKb,
      rssPer1kMb: ((rssConnectedKb - rssIdleKb) / opts.n / 1024) * 1000,
      idleCpuPercent,
      relay,
    };
  } finally {
    beats.stop();
    if (conn) closeClients(conn.clients);
  }
}
