/**
 * Relay: a screened frame goes to a member of the sender's room, straight to the receiver's socket here, to its
 * instance through the shared store, or (within the queue budget) to `peer` to hold for a receiver who is briefly
 * away. The room is checked for every frame, so signalling never leaves a room.
 */
import { roomOf } from './remote.js';
import type { Conn, Connections } from './connections.js';
import type { Rooms } from './rooms.js';
import type { remoteDelivery } from './remote.js';
import type { QueueBudget } from './queue-budget.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './log.js';

/** a screened frame to relay */
export interface Outgoing {
  /** the frame as the receiver gets it, with the sender's id as `src` */
  stamped: () => string;
  /** whether it waits for a receiver who is briefly away */
  hold: boolean;
  /** the frame for `peer` to queue for an absent receiver (it stamps `src` itself) */
  forPeer?: () => string;
}

/**
 * @param deps.queues what `peer` holds for absent ids
 */
export function createRelay({
  conns,
  rooms,
  remote,
  queues,
  metrics,
  refuse,
  log,
}: {
  conns: Connections;
  rooms: Rooms;
  remote: ReturnType<typeof remoteDelivery>;
  queues: QueueBudget;
  metrics: Metrics;
  refuse: (reason: string) => void;
  log: Logger;
}) {
  const relayed = () => metrics.inc('rtc_messages_relayed_total');

  /**
   * Delivers to a receiver whose websocket is here, straight to its socket; else a frame that may wait is handed to
   * `peer` (returned), within the queue budget, and one that may not is refused.
   * @param c the sender  @param to the receiver's connection here
   */
  const here = (
    c: Conn,
    dst: string,
    to: Conn | undefined,
    bad: (reason: string) => void,
    out: Outgoing,
  ): string | undefined | void => {
    const open = conns.isOpen(to);
    if (!open && !out.forPeer) return bad('receiver-away');
    // A receiver that does not read would hold what it is sent in memory.
    if (to && !conns.withinBudget(to, bad)) return;
    if (open) {
      (to as Conn).socket.send(out.stamped());
      return void relayed();
    }
    const frame = (out.forPeer as () => string)();
    if (!to) {
      // `peer` queues messages for absent ids; keep that queue bounded.
      const full = queues.take(c.id, dst, c.ticket?.room ?? '', frame.length);
      if (full) {
        log.debug('queue limit', { limit: full, id: c.id });
        return bad('queue-full');
      }
    }
    relayed();
    return frame;
  };

  /**
   * `relay` once the store has answered.
   */
  const later = async (c: Conn, dst: string, to: Conn | undefined, bad: (reason: string) => void, out: Outgoing) => {
    const seat = await roomOf(rooms, c, to, dst);
    if (!seat) return bad('not-in-room');
    if (!to && remote.shared) {
      // `peer` only knows this instance's sockets: the receiver's instance (or the store's queue) gets the frame.
      const refused = await remote.frame(seat, out.stamped(), out.hold);
      if (refused) return bad(refused);
      return void relayed();
    }
    return here(c, dst, to, bad, out);
  };

  return {
    /**
     * What relays a frame that passed the screen to a member of the sender's room, run in the frame's turn. With
     * the store in memory the room is known at once and the frame goes then; a shared store answers later.
     * @param c the sender
     */
    relay:
      (
        c: Conn,
        dst: string,
        bad: (reason: string) => void,
        out: Outgoing,
      ): (() => string | undefined | void | Promise<string | undefined | void>) =>
      () => {
        const to = conns.byId.get(dst);
        const now = remote.shared ? null : rooms.sameRoomNow(c.id, dst);
        if (now !== null) return now ? here(c, dst, to, bad, out) : bad('not-in-room');
        return later(c, dst, to, bad, out);
      },

    /**
     * A frame from another instance for a member here: the sender's instance screened and stamped it; the budgets
     * of the receiver's socket are checked here, as for a local delivery.
     */
    deliver(dst: string, frame: string) {
      const to = conns.byId.get(dst);
      if (!conns.isOpen(to)) return refuse('receiver-away');
      if (!conns.withinBudget(to)) return;
      to.socket.send(frame);
    },
  };
}
