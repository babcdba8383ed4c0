/**
 * Delivery to members whose websocket is on another instance (with REDIS_URL): the broker has screened and stamped
 * the frame; this sends it to the receiver's instance, or into the store's queue while the receiver is away.
 */
import type { Rooms, Ticket } from './rooms.js';
import type { RoomStore } from './store/store.js';
import type { Peers } from './broker.js';
import type { RedisRoomStore } from './store/redis.js';
import type { RoomPush } from '../src/engine/protocol.js';

/**
 * @param deps.peers undefined: one instance, nothing is elsewhere
 */
export function remoteDelivery({
  store,
  peers,
  config,
}: {
  store: RoomStore;
  peers: Peers | undefined;
  config: { queuePerPeer: number; queueBytesPerPeer: number; reconnectGrace: number };
}) {
  const queue = 'enqueue' in store ? (store as RedisRoomStore) : undefined;
  /** Whether a seat's websocket is open on another instance. */
  const elsewhere = (t: Ticket) => !!peers && t.state === 'connected' && !!t.inst && t.inst !== peers.inst;
  return {
    /** Whether frames for members not here are this module's (a shared store), rather than `peer`'s queue. */
    shared: store.shared,
    /**
     * Sends a stamped frame on, or holds it while its receiver is away (`hold`; RTC-SIGNAL is never held).
     *
     * @returns why it was refused
     */
    async frame(to: Ticket, frame: string, hold: boolean): Promise<string | undefined> {
      if (peers && elsewhere(to)) return void peers.publish(to.inst ?? '', { kind: 'frame', dst: to.id, frame });
      if (!hold || !queue) return 'receiver-away';
      const limits = {
        perPeer: config.queuePerPeer,
        bytesPerPeer: config.queueBytesPerPeer,
        ttl: config.reconnectGrace,
      };
      return (await queue.enqueue(to.id, frame, limits)) && 'queue-full';
    },
    /**
     * Pushes a room event to a member on another instance; false when it is not elsewhere.
     */
    push(to: Ticket, message: RoomPush) {
      if (!peers || !elsewhere(to)) return false;
      peers.publish(to.inst ?? '', { kind: 'push', dst: to.id, message });
      return true;
    },
    /** Closes a member's socket wherever it is. */
    close(id: string, code: number, reason: string) {
      peers?.broadcast({ kind: 'close', id, code, reason });
    },
    /** Takes what the store held for a member while it was away. */
    held(id: string) {
      return queue ? queue.drain(id) : Promise.resolve([]);
    },
  };
}

/**
 * The receiver's seat when the sender may signal it (same room). While the store cannot answer (Redis is away), two
 * members whose websockets are both on this instance still can: it saw both seats when they connected.
 *
 * @param from the sender's connection
 * @param local the receiver's connection here, if any
 */
export async function roomOf(
  rooms: Rooms,
  from: { id: string; ticket?: Ticket },
  local: { accepted: boolean; ticket?: Ticket } | undefined,
  dst: string,
) {
  try {
    return await rooms.sameRoom(from.id, dst);
  } catch (err) {
    if (!local?.ticket || !from.ticket || (local as unknown) === from) throw err;
    return local.accepted && local.ticket.room === from.ticket.room ? local.ticket : undefined;
  }
}
