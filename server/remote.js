// @ts-check
/**
 * Delivery to members whose websocket is on another instance (with REDIS_URL): the broker has screened and stamped
 * the frame; this sends it to the receiver's instance, or into the store's queue while the receiver is away.
 */

/** @typedef {import('./rooms.js').Ticket} Ticket */

/**
 * @param {object} deps
 * @param {import('./store/store.js').RoomStore} deps.store
 * @param {import('./broker.js').Peers | undefined} deps.peers undefined: one instance, nothing is elsewhere
 * @param {{queuePerPeer: number, queueBytesPerPeer: number, reconnectGrace: number}} deps.config
 */
export function remoteDelivery({ store, peers, config }) {
  const queue = 'enqueue' in store ? /** @type {import('./store/redis.js').RedisRoomStore} */ (store) : undefined;
  /** Whether a seat's websocket is open on another instance. @param {Ticket} t */
  const elsewhere = (t) => !!peers && t.state === 'connected' && !!t.inst && t.inst !== peers.inst;
  return {
    /** Whether frames for members not here are this module's (a shared store), rather than `peer`'s queue. */
    shared: store.shared,
    /**
     * Sends a stamped frame on, or holds it while its receiver is away (`hold`; RTC-SIGNAL is never held).
     * @param {Ticket} to @param {string} frame @param {boolean} hold
     * @returns {Promise<string | undefined>} why it was refused
     */
    async frame(to, frame, hold) {
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
     * @param {Ticket} to @param {import('../src/engine/protocol.js').RoomPush} message
     */
    push(to, message) {
      if (!peers || !elsewhere(to)) return false;
      peers.publish(to.inst ?? '', { kind: 'push', dst: to.id, message });
      return true;
    },
    /** Closes a member's socket wherever it is. @param {string} id @param {number} code @param {string} reason */
    close(id, code, reason) {
      peers?.broadcast({ kind: 'close', id, code, reason });
    },
    /** Takes what the store held for a member while it was away. @param {string} id */
    held(id) {
      return queue ? queue.drain(id) : Promise.resolve([]);
    },
  };
}

/**
 * The receiver's seat when the sender may signal it (same room). While the store cannot answer (Redis is away), two
 * members whose websockets are both on this instance still can: it saw both seats when they connected.
 * @param {import('./rooms.js').Rooms} rooms
 * @param {{id: string, ticket?: Ticket}} from the sender's connection
 * @param {{accepted: boolean, ticket?: Ticket} | undefined} local the receiver's connection here, if any
 * @param {string} dst
 */
export async function roomOf(rooms, from, local, dst) {
  try {
    return await rooms.sameRoom(from.id, dst);
  } catch (err) {
    if (!local?.ticket || !from.ticket || /** @type {unknown} */ (local) === from) throw err;
    return local.accepted && local.ticket.room === from.ticket.room ? local.ticket : undefined;
  }
}
