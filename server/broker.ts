/**
 * The PeerJS broker (`peer`), mounted and configured rather than rewritten, with a guard in front of it. `peer`
 * trusts its clients; the guard does not. Each concern has its module: the upgrade guard (upgrade-guard.ts: origin,
 * identity, seat), the connections and their limits (connections.ts: caps, send budgets; frame-rate.ts), frame
 * validation (screen.ts), relay inside a room (relay.ts; to other instances: remote.ts), the queues `peer` holds for
 * absent members (queue-budget.ts), and what depends on `peer`'s inner workings (peer-adapter.ts). This module wires
 * them together and is what the rest of the server calls.
 */
import { WebSocket } from 'ws';
import { QueueBudget } from './queue-budget.js';
import { safe } from './log.js';
import { remoteDelivery } from './remote.js';
import { takeFrame } from './frame-rate.js';
import { Connections } from './connections.js';
import { createRelay } from './relay.js';
import { frameScreen } from './screen.js';
import { upgradeGuard, PEER_KEY } from './upgrade-guard.js';
import { mountPeer } from './peer-adapter.js';
import type { GoodbyeReason, RoomPush } from '../src/engine/protocol.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.js';
import type { Rooms, Ticket } from './rooms.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './log.js';
import type { seatTaker } from './join.js';
import type { Conn } from './connections.js';

export { PEER_KEY, upgradeIdentity } from './upgrade-guard.js';
export const BROKER_PATH = '/broker';

/** how this instance reaches members whose websocket is on another instance (cluster.ts) */
export interface Peers {
  /** this instance */
  inst: string;
  publish: (inst: string, message: RelayMessage) => void;
  /** to every instance */
  broadcast: (message: RelayMessage) => void;
}

export type RelayMessage =
  | { kind: 'frame'; dst: string; frame: string }
  | { kind: 'push'; dst: string; message: RoomPush }
  | { kind: 'close'; id: string; code: number; reason: string };

/**
 * @param deps.peers with a shared store: the other instances
 * @param deps.seats takes seats for upgrades that ask for one
 */
export function mountBroker({
  server,
  app,
  config,
  rooms,
  metrics,
  log,
  originAllowed,
  clientIp,
  peers,
  seats,
}: {
  server: Server;
  app: Express;
  config: Config;
  rooms: Rooms;
  metrics: Metrics;
  log: Logger;
  originAllowed: (origin: string | undefined) => boolean;
  clientIp: (req: IncomingMessage) => string;
  peers?: Peers;
  seats: ReturnType<typeof seatTaker>;
}) {
  const refuse = (reason: string) => metrics.inc('rtc_refusals_total', { reason });
  const remote = remoteDelivery({ store: rooms.store, peers, config });
  const conns = new Connections({ config, refuse, log });
  const queues = new QueueBudget({
    perPeer: config.queuePerPeer,
    bytesPerPeer: config.queueBytesPerPeer,
    perSender: config.queuePerSender,
    perRoom: config.queuePerRoom,
    total: config.queueTotal,
    bytesTotal: config.queueBytesTotal,
  });
  const { relay, deliver: deliverFrame } = createRelay({ conns, rooms, remote, queues, metrics, refuse, log });
  const screen = frameScreen({
    refuse,
    log,
    relay,
    leave: async (c) => {
      metrics.inc('rtc_leaves_total');
      await rooms.left(c.id);
      c.socket.close(1000, 'left');
    },
  });
  const guard = upgradeGuard({ rooms, seats, conns, originAllowed, clientIp, refuse, log });

  /**
   * A server push (room events) to a seat here or on another instance, or to the id of one here.
   */
  const send = (to: Ticket | string, message: RoomPush) => {
    const c = conns.byId.get(typeof to === 'string' ? to : to.id);
    if (!c && typeof to !== 'string' && remote.push(to, message)) return;
    if (c) conns.push(c, message);
  };

  /**
   * Takes the member's place in the room, then hands it what the store held while it was away (shared store; with
   * the memory store `peer` holds that queue, and flushed it on registration).
   */
  const seated = async (c: Conn) => {
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

  // Ids come from our join endpoint, and nobody may list peers: close peer's HTTP API. It lives at
  // /broker/<key>/id and /broker/<key>/peers, so close all of /broker (the websocket upgrade does not pass here).
  app.use(BROKER_PATH, (_req, res) => res.status(404).json({ code: 'not-found', message: 'Not found' }));
  const burst = config.messageRate * 2;
  const { peerApp, sockets, stop } = mountPeer({
    server,
    app,
    path: BROKER_PATH,
    options: {
      key: PEER_KEY,
      allow_discovery: false,
      alive_timeout: config.aliveTimeout,
      expire_timeout: config.reconnectGrace,
      concurrent_limit: config.maxConnections,
      proxied: false, // peer's HTTP API is closed; client addresses come from clientIp
      corsOptions: { origin: false },
    },
    maxPayload: config.maxPayload,
    hooks: {
      verifyClient: guard.verifyClient,
      opened: (socket, req) => {
        const seat = guard.admitted(req);
        return conns.opened(socket, clientIp(req), seat?.ticket, seat?.joined ?? false);
      },
      received: (c, data, isBinary) => {
        const rate = takeFrame(c, config.messageRate, burst);
        if (rate === 'ok') return screen(c, data, isBinary);
        refuse('rate');
        if (rate === 'cut-off') c.socket.close(1008, 'rate limit');
        return false;
      },
      registered: (c) => {
        const previous = conns.registered(c);
        queues.clear(c.id);
        if (previous) previous.socket.close(4000, 'replaced');
        seated(c).catch((err) => log.warn('room store unreachable', { id: c.id, err: safe(err) }));
        log.info('member connected', () => ({ id: c.id, ip: safe(c.address) }));
      },
      closed: (c) => {
        if (conns.closed(c))
          rooms.dropped(c.id).catch((err) => log.warn('room store unreachable', { id: c.id, err: safe(err) }));
      },
      sending: (c, n) => conns.sending(c, n),
      written: (c, n) => conns.written(c, n),
      socketError: (id, err) => log.debug('socket error', { id, err: String(err) }),
      mismatch: (c) => {
        refuse('identity-mismatch');
        log.warn('peer registered another id than the guard checked', { id: c.id, ip: c.ip });
      },
      notRelayed: (id, err) => {
        refuse('store-unavailable');
        log.debug('frame not relayed', { id, err: safe(err) });
      },
    },
  });
  // Without an error listener, one bad frame would take the process down.
  peerApp.on('error', (err) => log.warn('broker error', { err: safe(err) }));
  metrics.gauge('rtc_queued_messages', 'Signalling held for members who are briefly away', () => queues.messages);
  metrics.gauge('rtc_queued_bytes', 'Bytes of signalling held for members who are briefly away', () => queues.bytes);
  metrics.gauge('rtc_send_buffered_bytes', 'Bytes waiting to be written to clients', () => {
    let sum = 0;
    for (const socket of sockets) sum += socket.bufferedAmount;
    return sum;
  });

  return {
    send,
    /** Keeps peer's queue counters honest when an id is gone for good. */
    forget: (id: string) => queues.clear(id),
    openConnections: () => conns.open,
    /** Stops peer's housekeeping timers. */
    stop,
    /** Closes one member's socket (it left by other means), here or on another instance. */
    disconnect(id: string, code = 1000, reason = 'left') {
      const c = conns.byId.get(id);
      if (c) c.socket.close(code, reason);
      else remote.close(id, code, reason);
    },
    /** What another instance sent this one. */
    deliver(m: RelayMessage) {
      if (m.kind === 'frame') deliverFrame(m.dst, m.frame);
      else if (m.kind === 'push') send(m.dst, m.message);
      else if (m.kind === 'close') conns.byId.get(m.id)?.socket.close(m.code, m.reason);
    },
    /** The seats of the websockets open here (to rebuild a shared store that lost them). */
    localSeats() {
      const seats: Ticket[] = [];
      for (const c of conns.byId.values()) if (c.accepted && !c.closed && c.ticket) seats.push(c.ticket);
      return seats;
    },
    /** Says goodbye to every client and closes its socket. */
    closeAll(reason: GoodbyeReason) {
      for (const c of conns.byId.values()) {
        if (c.socket.readyState === WebSocket.OPEN)
          c.socket.send(
            JSON.stringify({
              type: 'RTC-GOODBYE',
              payload: { reason },
            } as RoomPush),
          );
        c.socket.close(1001, reason);
      }
    },
    /** Drops every socket still open, answered or not (the end of a shutdown). */
    terminateAll() {
      for (const socket of sockets) socket.terminate();
    },
  };
}
