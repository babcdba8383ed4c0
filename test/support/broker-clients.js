// @ts-check
// Clients of a running broker, for any test that talks to one (server tests, and end-to-end tests that flood a
// broker process): HTTP requests, broker websockets that record and wait, seats, /metrics. No test hooks here: a
// module that registers `after` would change how the importing file ends.
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export { WebSocket };
export const HOST = '127.0.0.1';

/**
 * A running server, as these helpers need it: its port, and the sockets the test opened (closed with it).
 * @typedef {{port: number, owned?: Set<{destroy(): void}>}} Srv
 */

export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A plain HTTP request (no keep-alive), so nothing lingers after the test.
 * @param {{port: number}} srv
 * @param {string} method
 * @param {string} path
 * @param {{headers?: Record<string, string>, body?: unknown}} [opts] body: an object is sent as JSON, a string as is
 * @returns {Promise<{status: number, headers: import('node:http').IncomingHttpHeaders, text: string, json: any}>}
 */
export function request(srv, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      {
        host: HOST,
        port: srv.port,
        method,
        path,
        agent: false,
        headers: {
          ...(data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) }),
          ...headers,
        },
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** POST /rtc/join. @param {{port: number}} srv @param {unknown} body @param {Record<string, string>} [headers] */
export const join = (srv, body, headers = {}) => request(srv, 'POST', '/rtc/join', { body, headers });

/** The broker websocket address. */
export function brokerUrl(/** @type {{port: number}} */ srv, /** @type {Record<string, string>} */ query) {
  return `ws://${HOST}:${srv.port}/broker/peerjs?${new URLSearchParams(query)}`;
}

/** A random string shaped like an issued id (or secret). */
export const fakeId = () => randomBytes(12).toString('base64url');

/** @typedef {{type: string, payload?: any, src?: string, dst?: string, raw?: string}} Msg */

/**
 * A broker websocket that records what it receives and can wait for it. Waits default to 10 s: long enough for a
 * busy shared machine, and a wait that runs out is a failure that says what it waited for.
 */
export class Client {
  /** @param {WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    /** Everything received, in order. @type {Msg[]} */
    this.all = [];
    /** Received and not yet consumed by next/waitFor. @type {Msg[]} */
    this.inbox = [];
    /** @type {Array<() => void>} */
    this.wake = [];
    /** @type {{code: number, reason: string} | undefined} */
    this.closeInfo = undefined;
    ws.on('message', (data) => {
      /** @type {Msg} */
      let msg;
      try {
        msg = JSON.parse(String(data));
      } catch {
        msg = { type: '(not json)', raw: String(data) };
      }
      this.all.push(msg);
      this.inbox.push(msg);
      this.#poke();
    });
    ws.on('error', () => {});
    /** @type {Promise<{code: number, reason: string}>} */
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: String(reason) };
        this.#poke();
        resolve(this.closeInfo);
      }),
    );
  }

  #poke() {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  /** @param {unknown} msg */
  send(msg) {
    this.ws.send(typeof msg === 'string' || Buffer.isBuffer(msg) ? msg : JSON.stringify(msg));
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Consumes the first received message that matches (skipping, but keeping, others); waits for it if needed.
   * @param {string | ((m: Msg) => boolean)} match a type, or a predicate
   * @param {number} [timeout] ms
   * @returns {Promise<Msg>}
   */
  async waitFor(match, timeout = 10000) {
    const pred = typeof match === 'string' ? (/** @type {Msg} */ m) => m.type === match : match;
    const until = Date.now() + timeout;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      const left = until - Date.now();
      if (left <= 0 || this.closeInfo)
        throw new Error(
          `no ${typeof match === 'string' ? match : 'matching message'} within ${timeout} ms` +
            `${this.closeInfo ? ` (socket closed ${this.closeInfo.code})` : ''}; inbox: ${JSON.stringify(this.inbox).slice(0, 400)}`,
        );
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  }

  /**
   * Consumes the next message in order, whatever it is.
   * @param {number} [timeout]
   */
  next(timeout = 10000) {
    return this.waitFor(() => true, timeout);
  }

  destroy() {
    this.ws.terminate();
  }
}

/**
 * Opens a broker websocket. Resolves once open; rejects with `err.status` set when the upgrade is refused.
 * @param {Srv} srv
 * @param {{id: string, secret: string}} who
 * @param {{origin?: string, headers?: Record<string, string>, key?: string}} [opts]
 * @returns {Promise<Client>}
 */
export function connect(srv, { id, secret }, { origin, headers, key = 'rtc-call' } = {}) {
  return connectUrl(srv, brokerUrl(srv, { key, id, token: secret }), { origin, headers });
}

/**
 * @param {Srv} srv
 * @param {string} url
 * @param {{origin?: string, headers?: Record<string, string>}} [opts]
 * @returns {Promise<Client>}
 */
export function connectUrl(srv, url, { origin, headers } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, headers });
    const client = new Client(ws);
    srv.owned?.add(client);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      srv.owned?.delete(client);
      const err = /** @type {Error & {status?: number}} */ (new Error(`upgrade refused: ${res.statusCode}`));
      err.status = res.statusCode;
      res.resume();
      ws.terminate();
      reject(err);
    });
    ws.once('error', (err) => reject(err));
  });
}

/**
 * The HTTP status an upgrade gets: 101 when it opens (the socket is then closed again), else the refusal.
 * @param {Srv} srv
 * @param {{id: string, secret: string}} who
 * @param {{origin?: string, headers?: Record<string, string>, key?: string}} [opts]
 */
export async function upgradeStatus(srv, who, opts) {
  try {
    const c = await connect(srv, who, opts);
    c.destroy();
    return 101;
  } catch (err) {
    const status = /** @type {any} */ (err).status;
    if (typeof status !== 'number') throw err;
    return status;
  }
}

/**
 * Joins a room and opens the broker websocket: resolves after OPEN and RTC-ROOM.
 * @param {Srv} srv
 * @param {string} room
 * @param {string} [name]
 * @param {{origin?: string, token?: string}} [opts]
 */
export async function member(srv, room, name = 'someone', { origin, token } = {}) {
  const res = await join(srv, { room, name, ...(token ? { token } : {}) }, origin ? { origin } : {});
  if (res.status !== 200) throw new Error(`join ${room} failed: ${res.status} ${res.text}`);
  const { id, secret } = res.json;
  const client = await connect(srv, { id, secret }, { origin });
  const open = await client.next();
  if (open.type !== 'OPEN') throw new Error(`expected OPEN first, got ${JSON.stringify(open)}`);
  const roomMsg = await client.next();
  if (roomMsg.type !== 'RTC-ROOM') throw new Error(`expected RTC-ROOM second, got ${JSON.stringify(roomMsg)}`);
  return { id, secret, name: res.json.name, client, roomMsg, joined: res.json };
}

/** @typedef {Awaited<ReturnType<typeof member>>} Member */

/**
 * Proves that nothing else reached `to` before now: `from` (in the same room) sends a marker OFFER, and the next
 * message `to` receives must be that marker. Whatever the server wrote to `to` earlier arrives first.
 * @param {Member} from
 * @param {Member} to
 */
export async function nothingElseFor(from, to) {
  const mark = `mark-${randomBytes(6).toString('hex')}`;
  from.client.send({ type: 'OFFER', dst: to.id, payload: { mark } });
  const got = await to.client.next();
  if (got.type !== 'OFFER' || got.payload?.mark !== mark)
    throw new Error(`expected only the marker, got ${JSON.stringify(got)}`);
  return got;
}

/**
 * Reads /metrics: series (as written, labels included) to values.
 * @param {{port: number}} srv
 */
export async function scrape(srv) {
  const res = await request(srv, 'GET', '/metrics');
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`);
  /** @type {Map<string, number>} */
  const series = new Map();
  for (const line of res.text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+) (-?[\d.e+]+)$/.exec(line);
    if (!m) throw new Error(`bad metrics line: ${line}`);
    series.set(m[1], Number(m[2]));
  }
  return series;
}

/** A refusal counter, read from /metrics. @param {{port: number}} srv @param {string} reason */
export async function refusals(srv, reason) {
  return (await scrape(srv)).get(`rtc_refusals_total{reason="${reason}"}`) ?? 0;
}

/**
 * A websocket upgrade done by hand, by a client that then never answers anything (it does not even reply to a
 * close frame). Resolves with the raw socket once the server answered 101.
 * @param {Srv} srv
 * @param {string} path
 */
export function deafClient(srv, path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, HOST);
    srv.owned?.add(socket);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${HOST}:${srv.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let head = '';
    const onData = (/** @type {Buffer} */ chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.on('data', () => {}); // reads (so it notices when the server hangs up), never answers
      if (head.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(`deaf client refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
}

/**
 * Waits until `check` returns something truthy.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} [timeout]
 * @param {string} [what]
 * @returns {Promise<T>}
 */
export async function until(check, timeout = 10000, what = 'condition') {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
