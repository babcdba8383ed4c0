/**
 * How much signalling the broker lets `peer` hold for members who are briefly away. `peer` queues messages for an
 * absent id and delivers them when it reconnects; this decides what may be queued. One pool counted in messages
 * would let one member with a few away seats fill it (and refuse an honest OFFER to a roommate who is
 * reconnecting), so there are quotas per receiver (messages and bytes), per sender, per room, and in total
 * (messages and bytes).
 */

export interface QueueLimits {
  /** messages held for one absent peer */
  perPeer: number;
  /** bytes held for one absent peer */
  bytesPerPeer: number;
  /** messages one member may have waiting, for all absent peers together */
  perSender: number;
  /** messages waiting within one room */
  perRoom: number;
  /** messages held in all */
  total: number;
  /** bytes held in all */
  bytesTotal: number;
}

/** one absent receiver's */
export type Queue = { n: number; bytes: number; room: string; from: Map<string, number> };

export class QueueBudget {
  /** by receiver */
  #queues: Map<string, Queue> = new Map();
  /** messages waiting, by sender */
  #senders: Map<string, number> = new Map();
  /** messages waiting, by room */
  #rooms: Map<string, number> = new Map();
  #n = 0;
  #bytes = 0;

  readonly limits: QueueLimits;

  constructor(limits: QueueLimits) {
    this.limits = limits;
  }

  /**
   * Counts one message from `src` for the absent `dst`, when it fits.
   *
   * @param room both are in
   * @param bytes the message's size
   * @returns the limit that refuses it, or undefined when it was counted
   */
  take(src: string, dst: string, room: string, bytes: number): string | undefined {
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
  clear(dst: string) {
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

function lower(map: Map<string, number>, key: string, by: number) {
  const n = (map.get(key) ?? 0) - by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
