// @ts-check
/**
 * How much signalling the broker lets `peer` hold for members who are briefly away. `peer` queues messages for an
 * absent id and delivers them when it reconnects; this decides what may be queued. One pool counted in messages
 * would let one member with a few away seats fill it (and refuse an honest OFFER to a roommate who is
 * reconnecting), so there are quotas per receiver (messages and bytes), per sender, per room, and in total
 * (messages and bytes).
 */

/**
 * @typedef {object} QueueLimits
 * @property {number} perPeer messages held for one absent peer
 * @property {number} bytesPerPeer bytes held for one absent peer
 * @property {number} perSender messages one member may have waiting, for all absent peers together
 * @property {number} perRoom messages waiting within one room
 * @property {number} total messages held in all
 * @property {number} bytesTotal bytes held in all
 */

/** @typedef {{n: number, bytes: number, room: string, from: Map<string, number>}} Queue one absent receiver's */

export class QueueBudget {
  /** @type {Map<string, Queue>} by receiver */
  #queues = new Map();
  /** @type {Map<string, number>} messages waiting, by sender */
  #senders = new Map();
  /** @type {Map<string, number>} messages waiting, by room */
  #rooms = new Map();
  #n = 0;
  #bytes = 0;

  /** @param {QueueLimits} limits */
  constructor(limits) {
    this.limits = limits;
  }

  /**
   * Counts one message from `src` for the absent `dst`, when it fits.
   * @param {string} src
   * @param {string} dst
   * @param {string} room both are in
   * @param {number} bytes the message's size
   * @returns {string | undefined} the limit that refuses it, or undefined when it was counted
   */
  take(src, dst, room, bytes) {
    const l = this.limits;
    const q = this.#queues.get(dst);
    if ((q?.n ?? 0) >= l.perPeer) return 'per-peer';
    if ((q?.bytes ?? 0) + bytes > l.bytesPerPeer) return 'bytes-per-peer';
    if ((this.#senders.get(src) ?? 0) >= l.perSender) return 'per-sender';
    if ((this.#rooms.get(room) ?? 0) >= l.perRoom) return 'per-room';
    if (this.#n >= l.total) return 'total';
    if (this.#bytes + bytes > l.bytesTotal) return 'bytes-total';
    const queue = q ?? { n: 0, bytes: 0, room, from: new Map() };
    this.#queues.set(dst, queue);
    queue.n++;
    queue.bytes += bytes;
    queue.from.set(src, (queue.from.get(src) ?? 0) + 1);
    this.#senders.set(src, (this.#senders.get(src) ?? 0) + 1);
    this.#rooms.set(room, (this.#rooms.get(room) ?? 0) + 1);
    this.#n++;
    this.#bytes += bytes;
    return undefined;
  }

  /** `dst`'s queue was delivered (it reconnected) or dropped (it is gone): its messages count no more. */
  clear(/** @type {string} */ dst) {
    const q = this.#queues.get(dst);
    if (!q) return;
    this.#queues.delete(dst);
    for (const [src, n] of q.from) lower(this.#senders, src, n);
    lower(this.#rooms, q.room, q.n);
    this.#n -= q.n;
    this.#bytes -= q.bytes;
  }

  /** Messages held. */
  get messages() {
    return this.#n;
  }

  /** Bytes held. */
  get bytes() {
    return this.#bytes;
  }
}

/** @param {Map<string, number>} map @param {string} key @param {number} by */
function lower(map, key, by) {
  const n = (map.get(key) ?? 0) - by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
