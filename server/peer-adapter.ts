/**
 * Everything that depends on how `peer` (the PeerJS server) works inside, in one place, each dependency checked
 * when the server starts (`PeerShapeError`), so a `peer` or Node upgrade that changes one stops the start with a
 * clear error instead of quietly opening a hole.
 *
 * `peer`'s public surface is `ExpressPeerServer(server, options)` and its `connection`, `message`, `disconnect` and
 * `error` events, which it emits after it has acted on a frame: too late to refuse one. So the guard sits where
 * `peer` lets anyone plug in, its `createWebSocketServer` option, with ws's public `WebSocket` option: a `ws`
 * socket class whose `emit('message')` passes each frame through the guard before `peer`'s listener hears it, and
 * whose `send` counts bytes and holds what `peer` sends a socket before it has registered it as the checked id.
 * That relies on `peer` (checked at start) creating its socket server through that option and listening to its
 * `connection` event, and (checked on every connection) registering a socket synchronously, as the id in the URL
 * the guard rebuilt, and sending nothing addressed to an id before it has.
 *
 * What remains private is `peer`'s two housekeeping loops (a setTimeout that re-arms itself from its own callback:
 * the alive check every 300 ms and the queue expiry every `cleanup_out_msgs`), which it has no way to stop, so a
 * closed server would keep its process alive for ever. They are caught through `async_hooks` and Node's private
 * `Timeout` fields `_onTimeout` and `_idleTimeout`; the start checks that those fields exist and that mounting `peer`
 * started exactly those two loops.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Node's timers, ws's send and emit: wrapped as they run */
import { createHook } from 'node:async_hooks';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, WebSocket } from 'ws';
import { inOrder } from './in-order.js';
import type { Conn } from './connections.js';
import type { Screened } from './screen.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Express } from 'express';
import type { IConfig } from 'peer';

/** `peer`'s alive check runs this often (ms); its queue expiry every `cleanup_out_msgs` (set below). */
export const PEER_CHECK_INTERVAL = 300;
const CLEANUP_OUT_MSGS = 1000;
/** What `peer` may send a socket before it has registered it: nothing addressed to an id. */
const HANDSHAKE = /^\{"type":"(OPEN|ERROR|ID-TAKEN)"/;

/** `peer` or Node no longer works the way this adapter was written for. */
export class PeerShapeError extends Error {
  constructor(what: string) {
    super(`${what}. The broker guard (server/peer-adapter.ts) must be updated for this version of peer or Node.`);
    this.name = 'PeerShapeError';
  }
}

/** what the guard does at each point `peer` would otherwise act alone */
export interface GuardHooks {
  /** before an upgrade */
  verifyClient: (
    info: { origin: string; req: IncomingMessage },
    done: (ok: boolean, code?: number, message?: string) => void,
  ) => void;
  /** a checked socket opened */
  opened: (socket: WebSocket, req: IncomingMessage) => Conn;
  /** a frame arrived (false: it was refused before screening, by the rate limit) */
  received: (c: Conn, data: unknown, isBinary: boolean) => Screened | false;
  /** `peer` registered the socket as the id the guard checked */
  registered: (c: Conn) => void;
  closed: (c: Conn) => void;
  /** `n` bytes are handed to the socket… */
  sending: (c: Conn, n: number) => void;
  /** …and ws has written them (or failed to) */
  written: (c: Conn, n: number) => void;
  socketError: (id: string, err: unknown) => void;
  /** `peer` registered another id than the guard checked */
  mismatch: (c: Conn) => void;
  /** a frame's handler failed (the store did not answer) */
  notRelayed: (id: string, err: unknown) => void;
}

/**
 * Checks that Node's timers still carry the private fields the housekeeping adapter uses.
 * @param t a Timeout
 */
export function checkTimerShape(t: any) {
  if (typeof t?._onTimeout !== 'function' || typeof t?._idleTimeout !== 'number')
    throw new PeerShapeError("Node's Timeout objects no longer have _onTimeout and _idleTimeout");
}

/**
 * Checks that mounting `peer` started exactly its two housekeeping loops.
 * @param delays of the timers it started
 */
export function checkLoops(delays: number[], expected: number[]) {
  const got = [...delays].sort((a, b) => a - b).join(', ');
  const want = [...expected].sort((a, b) => a - b).join(', ');
  if (got !== want)
    throw new PeerShapeError(
      `peer's housekeeping changed: mounting it started timers of [${got}] ms, where [${want}] ms were expected`,
    );
}

/**
 * Runs `start` (which mounts `peer`), catches the timers it starts and, each time one fires, the one it re-arms, so
 * they hold no process open and can be stopped.
 *
 * @param expected the delays of the loops `start` must start
 * @returns stops the loops
 */
function housekeeping(start: () => void, expected: number[]): () => void {
  const live: Set<any> = new Set();
  let stopped = false;
  /**
   *  @param delay when set, only timers with this delay are the loop's own
   * @returns the timers `fn` started
   */
  const watch = (fn: () => void, delay?: number): any[] => {
    const started: any[] = [];
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
    return started;
  };
  /** @param t a Timeout */
  const adopt = (t: any) => {
    if (stopped) return void clearTimeout(t);
    t.unref();
    live.add(t);
    const run = t._onTimeout;
    const delay = t._idleTimeout;
    t._onTimeout = (...args: any[]) => {
      live.delete(t);
      watch(() => run.apply(t, args), delay);
    };
  };
  const stop = () => {
    stopped = true;
    for (const t of live) clearTimeout(t);
    live.clear();
  };
  const probe = setTimeout(() => {}, 1);
  try {
    checkTimerShape(probe);
  } finally {
    clearTimeout(probe);
  }
  try {
    checkLoops(
      watch(start).map((t) => t._idleTimeout),
      expected,
    );
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}

/**
 * Mounts `peer` at `path` of `app`, behind the guard.
 *
 * @param deps.options `peer`'s own options (key, timeouts, limits)
 * @param deps.maxPayload ws's frame size limit
 * @param deps.peerServer `peer` itself (tests hand in a changed one)
 */
export function mountPeer({
  server,
  app,
  path,
  options,
  maxPayload,
  hooks,
  peerServer = ExpressPeerServer,
}: {
  server: Server;
  app: Express;
  path: string;
  options: Partial<IConfig>;
  maxPayload: number;
  hooks: GuardHooks;
  peerServer?: typeof ExpressPeerServer;
}) {
  /**
   * The broker's websockets (ws's `WebSocket` option). What `peer` and the guard send is counted until ws has
   * written it to the OS (the send budgets), and held until `peer` has registered the socket as the id the guard
   * checked; every frame that arrives passes the guard before `peer` sees it. Methods rather than wrappers made per
   * socket, so a connection costs its `Conn` and little more.
   */
  class GuardedSocket extends WebSocket {
    /** set when the connection opens */
    conn: Conn | undefined = undefined;

    /** ws's `send(data, options?, callback?)`, with its arguments named rather than spread (a connect sends a few). */
    send(data: any, options?: any, cb?: (err?: Error) => void) {
      if (typeof options === 'function') {
        cb = options;
        options = undefined;
      }
      const c = this.conn;
      if (!c) return super.send(data, options, cb);
      if (typeof data === 'string' && data.startsWith('{"type":"OPEN"')) c.openSent = true;
      // Until `peer` has registered this socket as the id the guard checked, nothing addressed to an id (the queue
      // it flushes on registration) may reach it.
      if (!c.accepted && !(typeof data === 'string' && HANDSHAKE.test(data)))
        return void (c.held ??= []).push(() => this.#counted(c, data, options, cb));
      this.#counted(c, data, options, cb);
    }

    /**
     * Sends, counting the bytes until ws has written them to the OS (its callback), for the send budgets.
     */
    #counted(c: Conn, data: any, options: any, cb: ((err?: Error) => void) | undefined) {
      const n = typeof data === 'string' ? Buffer.byteLength(data) : (data?.byteLength ?? 0);
      hooks.sending(c, n);
      try {
        super.send(data, options, (err?: Error) => {
          hooks.written(c, n);
          cb?.(err);
        });
      } catch (err) {
        hooks.written(c, n);
        throw err;
      }
    }

    emit(event: string | symbol, ...args: any[]) {
      const c = this.conn;
      if (!c) return super.emit(event, ...args);
      // The guard's close and error handling comes first, as listeners added before `peer`'s would; but listeners
      // of its own would turn each socket's lists of them into arrays (about 270 bytes a member). With only the
      // guard there to hear an error, it is heard: it does not throw.
      if (event === 'close') {
        hooks.closed(c);
        return super.emit(event, ...args);
      }
      if (event === 'error') {
        hooks.socketError(c.id, args[0]);
        return this.listenerCount('error') ? super.emit(event, ...args) : true;
      }
      if (event !== 'message') return super.emit(event, ...args);
      const out = hooks.received(c, args[0], args[1]);
      if (out === false || !out) return false;
      inOrder(
        c,
        out,
        (frame) => void (frame && !c.closed && super.emit('message', Buffer.from(frame), false)),
        hooks.notRelayed,
        c.id,
      );
      return true;
    }
  }

  /** A `ws` server whose sockets pass every frame through the guard before `peer` listens to them. */
  class GuardedServer extends WebSocketServer {
    emit(event: string | symbol, ...args: any[]) {
      if (event !== 'connection') return super.emit(event, ...args);
      const [socket, req] = args as [GuardedSocket, IncomingMessage];
      const c = hooks.opened(socket, req);
      socket.conn = c;
      // `peer` registers the socket (its `connection` event, below) synchronously, inside this call.
      const handled = super.emit(event, ...args);
      if (c.accepted) {
        // `peer` sends no OPEN to a client that comes back with its own token while its old socket lingers
        // (peerjs #1289), so peer.reconnect() would hang.
        if (!c.openSent && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'OPEN' }));
        hooks.registered(c);
      }
      return handled;
    }
  }

  let wss: GuardedServer | undefined;
  const peerApp = peerServer(server, {
    ...options,
    path: '/',
    cleanup_out_msgs: CLEANUP_OUT_MSGS,
    createWebSocketServer: (wsOptions) =>
      (wss = new GuardedServer({
        ...wsOptions,
        WebSocket: GuardedSocket,
        maxPayload,
        verifyClient: hooks.verifyClient,
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
      c.held = undefined;
      hooks.mismatch(c);
      return void c.socket.terminate();
    }
    c.accepted = true;
    const held = c.held;
    c.held = undefined;
    for (const release of held ?? []) release();
  });

  const stop = housekeeping(() => app.use(path, peerApp), [PEER_CHECK_INTERVAL, CLEANUP_OUT_MSGS]);
  try {
    if (!wss) throw new PeerShapeError('peer did not create its websocket server through createWebSocketServer');
    if (wss.listenerCount('connection') !== 1)
      throw new PeerShapeError(
        `peer listens to its websocket server's connection event ${wss.listenerCount('connection')} times, not once`,
      );
  } catch (err) {
    stop();
    throw err;
  }
  const sockets = (wss as GuardedServer).clients;

  return {
    /** `peer`'s express app (its events: `connection`, `message`, `disconnect`, `error`). */
    peerApp,
    /** Every socket open, answered or not. */
    sockets,
    /** Stops peer's housekeeping timers. */
    stop,
  };
}
