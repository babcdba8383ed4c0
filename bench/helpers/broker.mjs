// Broker load: N signalling clients connect (identity + open websocket), pairs ping-pong OFFER messages, and the
// server's RSS is read. The same client code drives the stock PeerJS server and ours; only the way an identity is
// obtained differs (stock: made up by the client; ours: asked for in the upgrade, or POST /rtc/join first).
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { withTimeout, median, quantile, sleep } from './stats.mjs';
import { rssKb, cpuSeconds } from './procs.mjs';

/**
 * @typedef {object} Client
 * @property {string} id
 * @property {WebSocket} ws
 * @property {((msg: any) => void) | undefined} onMessage
 */

/**
 * @param {http.Agent} agent
 * @param {number} port
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<any>}
 */
function postJson(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`POST ${path}: ${res.statusCode} ${text}`));
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Opens a broker websocket and resolves once the server says OPEN.
 * @param {string} url
 * @param {string} id
 * @returns {Promise<Client>}
 */
function openSocket(url, id) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    /** @type {Client} */
    const client = { id, ws, onMessage: undefined };
    let open = false;
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!open && msg.type === 'OPEN') {
        open = true;
        resolve(client);
      } else client.onMessage?.(msg);
    });
    ws.once('error', (err) => !open && reject(err));
    ws.once('close', (code) => !open && reject(new Error(`socket closed before OPEN (${code})`)));
  });
}

const rand = (/** @type {number} */ n) => randomBytes(n).toString('hex');
/**
 * How our clients take their seat: in the websocket upgrade, as the widget does on a first join (default), or with
 * `BENCH_JOIN=http` by POST /rtc/join and then the upgrade (the widget's way after trouble, and other clients').
 */
export const JOIN_OVER_HTTP = process.env.BENCH_JOIN === 'http';

/**
 * Connects `n` clients, `concurrency` at a time. Clients 2k and 2k+1 are a pair (for ours: one room of two).
 * @param {'stock' | 'ours'} kind
 * @param {number} port
 * @param {{n: number, concurrency: number, tag: string, timeoutMs?: number, opened?: (c: Client) => void}} opts
 *   opened: told of each client as it opens (clients that must heartbeat while the rest connect)
 */
export async function connectClients(kind, port, { n, concurrency, tag, timeoutMs = 60000, opened }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  /** @type {Client[]} */
  const clients = new Array(n);
  /** @type {number[]} */ const perClient = [];
  /** @type {number[]} */ const joinMs = [];
  /** @type {number[]} */ const wsMs = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      if (kind === 'stock') {
        const id = rand(8);
        clients[i] = await openSocket(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=${rand(8)}`, id);
      } else if (!JOIN_OVER_HTTP) {
        // As the widget joins: the seat asked for in the websocket upgrade (its id the hash of its own secret).
        const secret = rand(24);
        const id = createHash('sha256').update(secret).digest('hex').slice(0, 32);
        const q = new URLSearchParams({ key: 'rtc-call', room: `${tag}-${i >> 1}`, name: `b${i}`, id, token: secret });
        clients[i] = await openSocket(`ws://127.0.0.1:${port}/broker/peerjs?${q}`, id);
        wsMs.push(performance.now() - t0);
      } else {
        const body = { room: `${tag}-${i >> 1}`, name: `b${i}` };
        // A kept-alive socket the server closes as idle just as it is reused hangs up: try again once, as a page would.
        const seat = await postJson(agent, port, '/rtc/join', body).catch((/** @type {any} */ err) => {
          if (err?.code !== 'ECONNRESET') throw err;
          return postJson(agent, port, '/rtc/join', body);
        });
        const t1 = performance.now();
        joinMs.push(t1 - t0);
        clients[i] = await openSocket(
          `ws://127.0.0.1:${port}/broker/peerjs?key=rtc-call&id=${seat.id}&token=${seat.secret}`,
          seat.id,
        );
        wsMs.push(performance.now() - t1);
      }
      perClient.push(performance.now() - t0);
      opened?.(clients[i]);
    }
  };
  const t0 = performance.now();
  try {
    await withTimeout(
      Promise.all(Array.from({ length: concurrency }, worker)),
      timeoutMs,
      `connect ${n} ${kind} clients`,
    );
  } catch (err) {
    closeClients(clients.filter(Boolean));
    throw err;
  } finally {
    agent.destroy();
  }
  const totalMs = performance.now() - t0;
  return {
    clients,
    totalMs,
    perClientMedianMs: median(perClient),
    perClientP99Ms: quantile(perClient, 0.99),
    joinMedianMs: joinMs.length ? median(joinMs) : undefined,
    wsMedianMs: wsMs.length ? median(wsMs) : undefined,
  };
}

/**
 * Each pair ping-pongs an OFFER `roundTrips` times; all pairs at once.
 * @param {Client[]} clients
 * @param {{pairs: number, roundTrips: number, sdpBytes: number}} opts
 */
export async function relay(clients, { pairs, roundTrips, sdpBytes }) {
  const sdp = 'x'.repeat(sdpBytes);
  /** @type {number[]} */
  const rtts = [];
  const offer = (/** @type {string} */ dst) =>
    JSON.stringify({ type: 'OFFER', dst, payload: { sdp, type: 'offer', connectionId: 'c' } });
  const t0 = performance.now();
  const runs = [];
  for (let p = 0; p < pairs; p++) {
    const a = clients[2 * p];
    const b = clients[2 * p + 1];
    const toB = offer(b.id);
    const toA = offer(a.id);
    runs.push(
      new Promise((resolve) => {
        let n = 0;
        let sent = 0;
        b.onMessage = (m) => m.type === 'OFFER' && m.src === a.id && b.ws.send(toA);
        a.onMessage = (m) => {
          if (m.type !== 'OFFER' || m.src !== b.id) return;
          rtts.push(performance.now() - sent);
          if (++n >= roundTrips) return resolve(undefined);
          sent = performance.now();
          a.ws.send(toB);
        };
        sent = performance.now();
        a.ws.send(toB);
      }),
    );
  }
  try {
    await withTimeout(Promise.all(runs), 60000, `relay ${pairs} pairs x ${roundTrips} round trips`);
  } finally {
    for (const c of clients.slice(0, 2 * pairs)) c.onMessage = undefined;
  }
  const seconds = (performance.now() - t0) / 1000;
  const messages = pairs * roundTrips * 2;
  return {
    messages,
    seconds,
    messagesPerSec: messages / seconds,
    rttP50Ms: quantile(rtts, 0.5),
    rttP99Ms: quantile(rtts, 0.99),
  };
}

/** @param {Client[]} clients */
export function closeClients(clients) {
  for (const c of clients) {
    try {
      c.ws.terminate();
    } catch {
      /* gone */
    }
  }
}

/**
 * One full broker round against one server: idle RSS, connect, RSS, relay, close.
 * @param {'stock' | 'ours'} kind
 * @param {import('./procs.mjs').Child} server
 * @param {{n: number, concurrency: number, pairs: number, roundTrips: number, sdpBytes: number, tag: string}} opts
 */
export async function brokerRound(kind, server, opts) {
  await sleep(300);
  const rssIdleKb = rssKb(server.pid);
  // Server CPU time is the steadier figure on a shared machine: wall-clock times there include others' load.
  const cpu0 = cpuSeconds(server.pid);
  const conn = await connectClients(kind, server.port, opts);
  const cpuConnect = cpuSeconds(server.pid) - cpu0;
  try {
    await sleep(300);
    const rssConnectedKb = rssKb(server.pid);
    const cpu1 = cpuSeconds(server.pid);
    const rel = await relay(conn.clients, opts);
    const cpuRelay = cpuSeconds(server.pid) - cpu1;
    const rssAfterRelayKb = rssKb(server.pid);
    const { clients, ...connect } = conn;
    return {
      startupMs: server.startupMs,
      connect: { ...connect, cpuPerClientMs: (cpuConnect / opts.n) * 1000 },
      relay: { ...rel, cpuPerMessageUs: (cpuRelay / rel.messages) * 1e6 },
      memory: { rssIdleKb, rssConnectedKb, rssAfterRelayKb, perClientKb: (rssConnectedKb - rssIdleKb) / opts.n },
    };
  } finally {
    closeClients(conn.clients);
  }
}
