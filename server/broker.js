// @ts-check
/**
 * The PeerJS broker (`peer`), mounted and configured rather than rewritten. `peer` trusts its clients; this module
 * puts a guard in front of it: websocket upgrades are checked (origin, identity, connection caps), every frame is
 * rate-limited and validated, signalling stays inside a room and carries the sender's id as the server stamped it
 * (relayed here, straight to the receiver's socket; `peer` sees only the frames it queues for absent peers), and
 * queues for absent peers are bounded.
 */
import { createHook } from 'node:async_hooks';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, WebSocket } from 'ws';
import { PEER_ID } from './rooms.js';
import { QueueBudget } from './queue-budget.js';
import { safe } from './log.js';
import { addressKey } from './address.js';
import { readSignal } from './signal.js';
import { clientSeatValid } from './join.js';
import { remoteDelivery, roomOf } from './remote.js';
import { InOrder } from './in-order.js';
import { takeFrame } from './frame-rate.js';
import { holdsExactly, stampedFrame } from './relay-frame.js';

export const PEER_KEY = 'rtc-call';
export const BROKER_PATH = '/broker';

/** Message types relayed to another member. HEARTBEAT, RTC-PING and RTC-LEAVE are the server's; the rest is refused. */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);

/**
 * The query parameters of a broker URL: what the PeerJS client sends, and, for a seat taken in the upgrade itself,
 * the room, the name and the room token (the widget puts them after its PeerJS `key`).
 */
const QUERY = new Set(['key', 'id', 'token', 'version', 'room', 'name', 'jwt']);
const VERSION = /^[0-9A-Za-z.+-]{1,32}$/;
/** What `peer` may send a socket before it has registered it: nothing addressed to an id. */
const HANDSHAKE = /^\{"type":"(OPEN|ERROR|ID-TAKEN)"/;
const HEARTBEAT = '{"type":"HEARTBEAT"}';
const HEARTBEAT_BYTES = Buffer.from(HEARTBEAT);

/**
 * Reads the identity an upgrade claims, or undefined when its URL could be read two ways. `peer` parses the same
 * query again (and keeps the last of a repeated name, where a guard reading the first would be fooled), so a name
 * given twice (also once percent-encoded: `%69d` is `id`) or a look-alike of a known one (`ID`, `id `) is refused
 * rather than interpreted. `peer` is handed a URL rebuilt from the checked values only, so other names, ignored
 * here, never reach it.
 * @param {string | undefined} url the request target
 * @returns {{id: string, token: string, url: string, join?: {room: string, name?: string, jwt?: string}} | undefined}
 *   `join` when the client asks for a seat in the upgrade (it has `room`)
 */
export function upgradeIdentity(url) {
  let parsed;
  try {
    parsed = new URL(url ?? '', 'http://x');
  } catch {
    return undefined;
  }
  /** @type {Map<string, string>} */
  const q = new Map();
  for (const [name, value] of parsed.searchParams) {
    const plain = name.trim().toLowerCase();
    if (!QUERY.has(plain)) continue;
    if (plain !== name || q.has(name)) return undefined;
    q.set(name, value);
  }
  const id = q.get('id') ?? '';
  // The token is checked against the seat's secret later (a wrong one is a 401, whatever its shape).
  const token = q.get('token') ?? '';
  const version = q.get('version');
  if (q.get('key') !== PEER_KEY || !PEER_ID.test(id)) return undefined;
  if (version !== undefined && !VERSION.test(version)) return undefined;
  const room = q.get('room');
  const join = room === undefined ? undefined : { room, name: q.get('name'), jwt: q.get('jwt') };
  return { id, token, url: `${parsed.pathname}?${new URLSearchParams({ key: PEER_KEY, id, token })}`, join };
}

/**
 * @typedef {object} Conn one open broker websocket
 * @property {WebSocket} socket
 * @property {string} id
 * @property {string} ip the address key its per-address count is under
 * @property {boolean} accepted peer registered it, as the id the guard checked
 * @property {Array<() => void> | undefined} held what `peer` sent before registering it (released once the id is
 *   confirmed)
 * @property {boolean} openSent
 * @property {number} tokens rate-limit bucket
 * @property {number} refill last refill, ms
 * @property {number} strikes refused frames in the current second
 * @property {number} pending bytes handed to the socket and not yet written to the OS
 * @property {number} overSince when `pending` last went over the budget (ms), 0 while under it
 * @property {boolean} closed
 * @property {import('./rooms.js').Ticket | undefined} ticket its seat, as it was when the socket opened
 * @property {boolean} joined its upgrade asked for the seat (so it is told the seat's details before RTC-ROOM)
 * @property {InOrder<string | undefined | void>} order its frames, handled in order
 */

/**
 * @typedef {object} Peers how this instance reaches members whose websocket is on another instance (cluster.js)
 * @property {string} inst this instance
 * @property {(inst: string, message: RelayMessage) => void} publish
 * @property {(message: RelayMessage) => void} broadcast to every instance
 */

/**
 * @typedef {{kind: 'frame', dst: string, frame: string} | {kind: 'push', dst: string, message: object} |
 *   {kind: 'close', id: string, code: number, reason: string}} RelayMessage
 */

/**
 * `peer` runs two housekeeping loops (a setTimeout that re-arms itself from its own callback: the alive check and the
 * queue expiry) and has no way to stop them, so a closed server would keep its process alive for ever. This runs
 * `start` (which mounts `peer`), catches the timers it starts and, each time one fires, the one it re-arms, so they
 * hold no process open and can be stopped.
 * @param {() => void} start
 * @returns {() => void} stops the loops
 */
function housekeeping(start) {
  /** @type {Set<any>} */
  const live = new Set();
  let stopped = false;
  /** @param {() => void} fn @param {number} [delay] when set, only timers with this delay are the loop's own */
  const watch = (fn, delay) => {
    /** @type {any[]} */
    const started = [];
    const hook = createHook({
      init: (_id, type, _trigger, resource) => void (type === 'Timeout' && started.push(resource)),
    });
    hook.enable();
    try {
      fn();
    } finally {
      hook.disable();
      for (const t of started) if (delay === undefined || t._idleTimeout === delay) adopt(t);
    }
  };
  /** @param {any} t a Timeout */
  const adopt = (t) => {
    if (stopped) return void clearTimeout(t);
    t.unref();
    live.add(t);
    const run = t._onTimeout;
    const delay = t._idleTimeout;
    t._onTimeout = (/** @type {any[]} */ ...args) => {
      live.delete(t);
      watch(() => run.apply(t, args), delay);
    };
  };
  watch(start);
  return () => {
    stopped = true;
    for (const t of live) clearTimeout(t);
    live.clear();
  };
}

/**
 * @param {object} deps
 * @param {import('node:http').Server} deps.server
 * @param {import('express').Express} deps.app
 * @param {import('./config.js').Config} deps.config
 * @param {import('./rooms.js').Rooms} deps.rooms
 * @param {import('./metrics.js').Metrics} deps.metrics
 * @param {import('./log.js').Logger} deps.log
 * @param {(origin: string | undefined) => boolean} deps.originAllowed
 * @param {(req: import('node:http').IncomingMessage) => string} deps.clientIp
 * @param {Peers} [deps.peers] with a shared store: the other instances
 * @param {ReturnType<typeof import('./join.js').seatTaker>} deps.seats takes seats for upgrades that ask for one
 */
export function mountBroker({ server, app, config, rooms, metrics, log, originAllowed, clientIp, peers, seats }) {
  const remote = remoteDelivery({ store: rooms.store, peers, config });
  /** Current connection of each id. @type {Map<string, Conn>} */
  const byId = new Map();
  /**
   * The seat the guard authenticated, per upgrade request.
   * @type {WeakMap<import('node:http').IncomingMessage, import('./rooms.js').Ticket>}
   */
  const checked = new WeakMap();
  /** The upgrades that asked for their seat in the URL: their socket is told the seat's details first. */
  const joining = new WeakSet();
  /** @type {Map<string, number>} */
  const perIp = new Map();
  /** What `peer` holds for absent ids. */
  const queues = new QueueBudget({
    perPeer: config.queuePerPeer,
    bytesPerPeer: config.queueBytesPerPeer,
    perSender: config.queuePerSender,
    perRoom: config.queuePerRoom,
    total: config.queueTotal,
    bytesTotal: config.queueBytesTotal,
  });
  /** Bytes of all sockets handed to ws and not yet written to the OS. */
  let buffered = 0;
  let open = 0;
  const burst = config.messageRate * 2;

  /** @param {string} reason */
  const refuse = (reason) => metrics.inc('rtc_refusals_total', { reason });

  /**
   * Frees what a receiver that does not read holds, by dropping its socket. It may come back within the grace,
   * like any dropped client.
   * @param {Conn} c
   */
  const dropSlow = (c) => {
    log.info('slow receiver dropped', { id: c.id, ip: c.ip, buffered: c.pending });
    c.socket.terminate();
  };

  /**
   * A frame for a receiver over its send budget is dropped. One that has stayed over it for ALIVE_TIMEOUT reads
   * nothing: it is as good as dead.
   * @param {Conn} c
   */
  const slowReceiver = (c) => {
    refuse('slow-receiver');
    const now = Date.now();
    c.overSince ||= now;
    if (now - c.overSince >= config.aliveTimeout) dropSlow(c);
  };

  /**
   * Server pushes (room events) are small and must not be lost, or the member's view of the room would be wrong:
   * a receiver over its budget is dropped instead, and gets the whole room again when it reconnects.
   * @param {import('./rooms.js').Ticket | string} to a seat (on this or another instance), or the id of one here
   * @param {object} message
   */
  const send = (to, message) => {
    const id = typeof to === 'string' ? to : to.id;
    const c = byId.get(id);
    if (!c && typeof to !== 'string' && remote.push(to, message)) return;
    if (!c || c.socket.readyState !== WebSocket.OPEN) return;
    if (c.pending >= config.sendBuffer) {
      refuse('slow-receiver');
      return dropSlow(c);
    }
    c.socket.send(JSON.stringify(message));
  };

  /** @param {string} id */
  const clearQueue = (id) => queues.clear(id);

  /**
   * A frame from another instance for a member here: the sender's instance screened and stamped it; the budgets of
   * the receiver's socket are checked here, as for a local delivery.
   * @param {string} dst @param {string} frame
   */
  const deliverFrame = (dst, frame) => {
    const to = byId.get(dst);
    if (!to || !to.accepted || to.socket.readyState !== WebSocket.OPEN) return refuse('receiver-away');
    if (to.pending >= config.sendBuffer) return slowReceiver(to);
    if (buffered >= config.sendBufferTotal) return refuse('send-buffer-full');
    to.socket.send(frame);
  };

  /**
   * Completes an upgrade with the 101 answer, `peer`'s OPEN and, with the store in memory, RTC-ROOM in one write (a
   * system call each is most of what a connect costs): ws writes the answer and emits the connection, where `peer`
   * sends OPEN, at once inside `complete`; the seat is taken and RTC-ROOM sent before this turn of the event loop
   * ends, when the socket writes what it holds. (A shared store answers later: RTC-ROOM then follows on its own.)
   * @param {import('node:net').Socket} socket @param {() => void} complete
   */
  const openCorked = (socket, complete) => {
    socket.cork();
    try {
      complete();
    } finally {
      setImmediate(() => socket.uncork());
    }
  };

  /**
   * Checks an upgrade before `peer` sees it.
   * @param {{origin: string, req: import('node:http').IncomingMessage}} info
   * @param {(ok: boolean, code?: number, message?: string) => void} done
   */
  const verifyClient = (info, done) => {
    const { req } = info;
    const fail = (/** @type {string} */ reason, /** @type {number} */ code, /** @type {string} */ message) => {
      refuse(reason);
      log.info('websocket refused', { reason, ip: safe(clientIp(req)) });
      done(false, code, message);
    };
    if (!originAllowed(info.origin)) return fail('origin', 403, 'Origin not allowed');
    if (open >= config.maxConnections) return fail('capacity', 503, 'Server is full');
    if ((perIp.get(addressKey(clientIp(req))) ?? 0) >= config.maxConnectionsPerIp)
      return fail('ip-limit', 429, 'Too many connections');
    const who = upgradeIdentity(req.url);
    if (!who) return fail('bad-request', 400, 'Bad request');
    const admit = async () => {
      let ticket = await rooms.check(who.id, who.token);
      // A seat asked for in the upgrade: one round trip instead of a join request and then the upgrade. The id is
      // the hash of the client's secret, so nobody can take another's; all else is checked as for POST /rtc/join.
      // (A client coming back with its own id and secret gets its seat back, or, if it ended meanwhile, a new one
      // with the same id.)
      if (!ticket && who.join) {
        if (!clientSeatValid(who.id, who.token)) return fail('identity', 401, 'Unknown id or wrong token');
        const answer = await seats.takeSeat({
          room: who.join.room,
          name: who.join.name,
          token: who.join.jwt,
          ip: clientIp(req),
          origin: info.origin,
          seat: { id: who.id, secret: who.token },
        });
        if (!answer.ok) return fail(answer.code, answer.status, answer.message);
        ticket = answer.ticket;
      }
      if (!ticket) return fail('identity', 401, 'Unknown id or wrong token');
      if (!(await rooms.hasPlace(ticket))) return fail('room-full', 409, 'The room is full');
      // `peer` reads the identity from req.url again: give it exactly what was checked.
      req.url = who.url;
      checked.set(req, ticket);
      if (who.join) joining.add(req);
      openCorked(req.socket, () => done(true));
    };
    admit().catch((err) => {
      log.warn('room store unreachable', { err: safe(err) });
      fail('store-unavailable', 503, 'Service unavailable');
    });
  };

  /**
   * Every frame within the rate passes here, in order. Returns the frame `peer` may see, undefined when there is
   * none, or, for a frame to relay or RTC-LEAVE, what handles it in its turn (which may wait for the store).
   * A frame is parsed once, here; a relayed one goes on as the sender's bytes when they hold only the checked fields
   * (relay-frame.js).
   * @param {Conn} c
   * @param {unknown} data
   * @param {boolean} isBinary
   * @returns {string | undefined | void | (() => string | undefined | void | Promise<string | undefined | void>)}
   */
  const screen = (c, data, isBinary) => {
    /** @param {string} reason */
    const bad = (reason) => {
      refuse(reason);
      log.debug('frame refused', { reason, id: c.id });
    };
    if (isBinary || !Buffer.isBuffer(data)) return bad('malformed');
    // Every client sends this every 5 s: no need to parse it to know it.
    if (data.equals(HEARTBEAT_BYTES)) return HEARTBEAT;
    const text = data.toString('utf8');
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return bad('malformed');
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.type !== 'string') return bad('malformed');
    if (msg.type === 'HEARTBEAT') return HEARTBEAT;
    if (msg.type === 'RTC-PING') {
      // Answered here, never shown to `peer`: the client's proof that the link still carries frames both ways (a
      // half-open TCP link swallows them without a close). PeerJS ignores the RTC-PONG (no connectionId).
      c.socket.send('{"type":"RTC-PONG"}');
      return;
    }
    if (msg.type === 'RTC-LEAVE')
      return async () => {
        metrics.inc('rtc_leaves_total');
        await rooms.left(c.id);
        c.socket.close(1000, 'left');
      };
    // Exactly type, dst and payload (each checked below): then the sender's text may go on as it is.
    const threeFields = Object.keys(msg).length === 3;
    if (msg.type === 'RTC-SIGNAL') {
      const { dst } = msg;
      const payload = readSignal(msg.payload);
      if (typeof dst !== 'string' || !payload) return bad('malformed');
      const exact = threeFields && holdsExactly(msg.payload, payload);
      // Never held for an absent receiver: after a reconnect the sender's perfect negotiation simply offers again
      // (an ICE restart), and stale candidates would be useless.
      return relay(c, dst, bad, {
        stamped: () => stampedFrame(text, exact, c.id, { type: msg.type, dst, payload }),
        hold: false,
      });
    }
    if (!RELAYED.has(msg.type)) return bad('type');
    const { type, dst, payload } = msg;
    if (typeof dst !== 'string' || !payload || typeof payload !== 'object' || Array.isArray(payload))
      return bad('malformed');
    return relay(c, dst, bad, {
      stamped: () => stampedFrame(text, threeFields, c.id, { type, dst, payload }),
      hold: true,
      forPeer: () => JSON.stringify({ type, dst, payload }),
    });
  };

  /**
   * @typedef {object} Outgoing a screened frame to relay
   * @property {() => string} stamped the frame as the receiver gets it, with the sender's id as `src`
   * @property {boolean} hold whether it waits for a receiver who is briefly away
   * @property {() => string} [forPeer] the frame for `peer` to queue for an absent receiver (it stamps `src` itself)
   */

  /**
   * What relays a frame that passed `screen` to a member of the sender's room, run in the frame's turn. With the store
   * in memory the room is known at once and the frame goes then; a shared store answers later (a promise).
   * @param {Conn} c the sender
   * @param {string} dst
   * @param {(reason: string) => void} bad
   * @param {Outgoing} out
   * @returns {() => string | undefined | void | Promise<string | undefined | void>}
   */
  const relay = (c, dst, bad, out) => () => {
    const to = byId.get(dst);
    const now = remote.shared ? null : rooms.sameRoomNow(c.id, dst);
    if (now !== null) return now ? relayHere(c, dst, to, bad, out) : bad('not-in-room');
    return relayLater(c, dst, to, bad, out);
  };

  /**
   * `relay` once the store has answered.
   * @param {Conn} c @param {string} dst @param {Conn | undefined} to
   * @param {(reason: string) => void} bad @param {Outgoing} out
   */
  const relayLater = async (c, dst, to, bad, out) => {
    const seat = await roomOf(rooms, c, to, dst);
    if (!seat) return bad('not-in-room');
    if (!to && remote.shared) {
      // `peer` only knows this instance's sockets: the receiver's instance (or the store's queue) gets the frame.
      const refused = await remote.frame(seat, out.stamped(), out.hold);
      if (refused) return bad(refused);
      return void metrics.inc('rtc_messages_relayed_total');
    }
    return relayHere(c, dst, to, bad, out);
  };

  /**
   * Delivers to a receiver whose websocket is here, straight to its socket; else a frame that may wait is handed to
   * `peer` (returned), within the queue budget, and one that may not is refused.
   * @param {Conn} c the sender
   * @param {string} dst
   * @param {Conn | undefined} to the receiver's connection here, if any
   * @param {(reason: string) => void} bad
   * @param {Outgoing} out
   * @returns {string | undefined | void}
   */
  const relayHere = (c, dst, to, bad, out) => {
    const open = !!to && to.accepted && to.socket.readyState === WebSocket.OPEN;
    if (!open && !out.forPeer) return bad('receiver-away');
    if (to) {
      // A receiver that does not read would hold what it is sent in memory.
      if (to.pending >= config.sendBuffer) return slowReceiver(to);
      if (buffered >= config.sendBufferTotal) return bad('send-buffer-full');
    }
    if (open) {
      /** @type {Conn} */ (to).socket.send(out.stamped());
      metrics.inc('rtc_messages_relayed_total');
      return;
    }
    const frame = /** @type {() => string} */ (out.forPeer)();
    if (!to) {
      // `peer` queues messages for absent ids; keep that queue bounded.
      const full = queues.take(c.id, dst, c.ticket?.room ?? '', frame.length);
      if (full) {
        log.debug('queue limit', { limit: full, id: c.id });
        return bad('queue-full');
      }
    }
    metrics.inc('rtc_messages_relayed_total');
    return frame;
  };

  /**
   * Takes the member's place in the room, then hands it what the store held while it was away (shared store; with
   * the memory store `peer` holds that queue, and flushed it on registration).
   * @param {Conn} c
   */
  const seated = async (c) => {
    // Before RTC-ROOM: the client makes its connections to the others with these ICE servers.
    if (c.joined && c.ticket) send(c.id, { type: 'RTC-SEAT', payload: seats.seatDetails(c.ticket) });
    const t = await rooms.connected(c.id);
    if (t === 'full') {
      // Another instance seated someone in the last place first.
      refuse('room-full');
      return void c.socket.close(4002, 'room full');
    }
    if (t) c.ticket = t;
    for (const frame of await remote.held(c.id)) if (!c.closed) c.socket.send(frame);
  };

  /**
   * The broker's websockets (ws's `WebSocket` option). What `peer` and the guard send is counted until ws has written
   * it to the OS (the send budgets), and held until `peer` has registered the socket as the id the guard checked;
   * every frame that arrives passes the rate limit and `screen` before `peer` sees it. Methods rather than wrappers
   * made per socket, so a connection costs its `Conn` and little more.
   */
  class GuardedSocket extends WebSocket {
    /** @type {Conn | undefined} set when the connection opens */
    conn = undefined;

    /** @param {any} data @param {any[]} rest options and/or a callback */
    send(data, ...rest) {
      const c = this.conn;
      if (!c) return super.send(data, ...rest);
      if (typeof data === 'string' && data.startsWith('{"type":"OPEN"')) c.openSent = true;
      // Until `peer` has registered this socket as the id the guard checked, nothing addressed to an id (the queue
      // it flushes on registration) may reach it.
      if (!c.accepted && !(typeof data === 'string' && HANDSHAKE.test(data)))
        return void (c.held ??= []).push(() => this.#counted(c, data, rest));
      this.#counted(c, data, rest);
    }

    /**
     * Sends, counting the bytes until ws has written them to the OS (its callback), for the send budgets.
     * @param {Conn} c @param {any} data @param {any[]} rest
     */
    #counted(c, data, rest) {
      const n = typeof data === 'string' ? Buffer.byteLength(data) : (data?.byteLength ?? 0);
      const cb = typeof rest.at(-1) === 'function' ? rest.pop() : undefined;
      c.pending += n;
      buffered += n;
      const written = (/** @type {Error | undefined} */ err) => {
        if (!c.closed) {
          c.pending -= n;
          buffered -= n;
          if (c.pending < config.sendBuffer) c.overSince = 0;
        }
        cb?.(err);
      };
      try {
        super.send(data, ...rest, written);
      } catch (err) {
        c.pending -= n;
        buffered -= n;
        throw err;
      }
    }

    /** @param {string | symbol} event @param {any[]} args */
    emit(event, ...args) {
      const c = this.conn;
      if (event !== 'message' || !c) return super.emit(event, ...args);
      const rate = takeFrame(c, config.messageRate, burst);
      if (rate !== 'ok') {
        refuse('rate');
        if (rate === 'cut-off') this.close(1008, 'rate limit');
        return false;
      }
      const out = screen(c, args[0], args[1]);
      if (!out) return false;
      c.order.run(out, (frame) => void (frame && !c.closed && super.emit('message', Buffer.from(frame), false)));
      return true;
    }
  }

  /** @this {WebSocket} @param {Error} err */
  function onSocketError(err) {
    log.debug('socket error', { id: /** @type {GuardedSocket} */ (this).conn?.id, err: String(err) });
  }

  /** @this {WebSocket} */
  function onSocketClose() {
    const c = /** @type {GuardedSocket} */ (this).conn;
    if (!c) return;
    c.closed = true;
    buffered -= c.pending;
    c.pending = 0;
    open--;
    const n = (perIp.get(c.ip) ?? 1) - 1;
    if (n > 0) perIp.set(c.ip, n);
    else perIp.delete(c.ip);
    if (byId.get(c.id) === c) {
      byId.delete(c.id);
      rooms.dropped(c.id).catch((err) => log.warn('room store unreachable', { id: c.id, err: safe(err) }));
    }
  }

  /** @param {string} id @param {unknown} err */
  const notRelayed = (id, err) => {
    refuse('store-unavailable');
    log.debug('frame not relayed', { id, err: safe(err) });
  };

  /** A `ws` server whose sockets pass every frame through `screen` before `peer` listens to them. */
  class GuardedServer extends WebSocketServer {
    /** @param {string | symbol} event @param {any[]} args */
    emit(event, ...args) {
      if (event !== 'connection') return super.emit(event, ...args);
      const [socket, req] = /** @type {[GuardedSocket, import('node:http').IncomingMessage]} */ (args);
      const ticket = checked.get(req);
      const id = ticket?.id ?? '';
      const ip = addressKey(clientIp(req));
      /** @type {Conn} */
      const c = {
        socket,
        id,
        ip,
        accepted: false,
        held: undefined,
        openSent: false,
        tokens: burst,
        refill: Date.now(),
        strikes: 0,
        pending: 0,
        overSince: 0,
        closed: false,
        ticket,
        joined: joining.has(req),
        order: new InOrder(notRelayed, id),
      };
      socket.conn = c;
      open++;
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
      socket.on('error', onSocketError);
      socket.on('close', onSocketClose);
      const handled = super.emit(event, ...args);
      if (c.accepted) {
        const previous = byId.get(id);
        byId.set(id, c);
        clearQueue(id);
        // `peer` sends no OPEN to a client that comes back with its own token while its old socket lingers
        // (peerjs #1289), so peer.reconnect() would hang.
        if (!c.openSent && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'OPEN' }));
        if (previous && previous !== c) previous.socket.close(4000, 'replaced');
        seated(c).catch((err) => log.warn('room store unreachable', { id, err: safe(err) }));
        log.info('member connected', { id, ip: safe(clientIp(req)) });
      }
      return handled;
    }
  }

  /** @type {GuardedServer | undefined} */
  let wss;
  const peerApp = ExpressPeerServer(server, {
    key: PEER_KEY,
    path: '/',
    allow_discovery: false,
    alive_timeout: config.aliveTimeout,
    expire_timeout: config.reconnectGrace,
    concurrent_limit: config.maxConnections,
    proxied: false, // peer's HTTP API is closed; client addresses come from clientIp
    corsOptions: { origin: false },
    createWebSocketServer: (options) =>
      (wss = new GuardedServer({
        ...options,
        WebSocket: GuardedSocket,
        maxPayload: config.maxPayload,
        verifyClient,
        clientTracking: true,
      })),
  });
  peerApp.on('connection', (client) => {
    const socket = client.getSocket();
    const c = socket instanceof GuardedSocket ? socket.conn : undefined;
    if (!c) return;
    if (!c.id || client.getId() !== c.id) {
      // By construction this cannot happen (peer reads the URL the guard rebuilt); if peer ever reads an identity
      // some other way, the socket goes, and what peer flushed to it goes nowhere.
      refuse('identity-mismatch');
      log.warn('peer registered another id than the guard checked', { id: c.id, ip: c.ip });
      c.held = undefined;
      return void c.socket.terminate();
    }
    c.accepted = true;
    const held = c.held;
    c.held = undefined;
    for (const release of held ?? []) release();
  });
  metrics.gauge('rtc_queued_messages', 'Signalling held for members who are briefly away', () => queues.messages);
  metrics.gauge('rtc_queued_bytes', 'Bytes of signalling held for members who are briefly away', () => queues.bytes);
  metrics.gauge('rtc_send_buffered_bytes', 'Bytes waiting to be written to clients', () => {
    let sum = 0;
    for (const socket of wss?.clients ?? []) sum += socket.bufferedAmount;
    return sum;
  });
  // Without an error listener, one bad frame would take the process down.
  peerApp.on('error', (err) => log.warn('broker error', { err: safe(err) }));

  // Ids come from our join endpoint, and nobody may list peers: close peer's HTTP API. It lives at
  // /broker/<key>/id and /broker/<key>/peers, so close all of /broker (the websocket upgrade does not pass here).
  app.use(BROKER_PATH, (_req, res) => res.status(404).json({ code: 'not-found', message: 'Not found' }));
  const stopHousekeeping = housekeeping(() => app.use(BROKER_PATH, peerApp));

  return {
    send,
    /** Keeps peer's queue counters honest when an id is gone for good. */
    forget: clearQueue,
    openConnections: () => open,
    /** Stops peer's housekeeping timers. */
    stop: () => stopHousekeeping(),
    /** Closes one member's socket (it left by other means), here or on another instance. @param {string} id */
    disconnect(id, code = 1000, reason = 'left') {
      const c = byId.get(id);
      if (c) c.socket.close(code, reason);
      else remote.close(id, code, reason);
    },
    /** What another instance sent this one. @param {RelayMessage} m */
    deliver(m) {
      if (m.kind === 'frame') deliverFrame(m.dst, m.frame);
      else if (m.kind === 'push') send(m.dst, m.message);
      else if (m.kind === 'close') byId.get(m.id)?.socket.close(m.code, m.reason);
    },
    /** The seats of the websockets open here (to rebuild a shared store that lost them). */
    localSeats() {
      /** @type {import('./rooms.js').Ticket[]} */
      const seats = [];
      for (const c of byId.values()) if (c.accepted && !c.closed && c.ticket) seats.push(c.ticket);
      return seats;
    },
    /** Says goodbye to every client and closes its socket. @param {string} reason */
    closeAll(reason) {
      for (const c of byId.values()) {
        if (c.socket.readyState === WebSocket.OPEN)
          c.socket.send(JSON.stringify({ type: 'RTC-GOODBYE', payload: { reason } }));
        c.socket.close(1001, reason);
      }
    },
    /** Drops every socket still open, answered or not (the end of a shutdown). */
    terminateAll() {
      for (const socket of wss?.clients ?? []) socket.terminate();
    },
  };
}
