// @ts-check
/**
 * A seat taken with a room token lives as long as the token, plus a grace (TOKEN_GRACE) for the page to hand in a
 * renewed one (POST /rtc/ice with `token`). Past that the seat ends: its TURN credentials are no longer refreshed and
 * its broker connection is closed. Ended ids are remembered for a while so /rtc/ice can say `token-expired` rather
 * than "unknown id".
 */
import { timingSafeEqual } from 'node:crypto';

/** setTimeout fires at once past this (about 24.8 days); longer waits are done in steps. */
const MAX_TIMER = 2 ** 31 - 1;
/** How many ended seats are remembered (the oldest are forgotten first). */
const REMEMBERED = 10000;

export class SeatExpiry {
  /** @type {Map<string, {until: number, timer: ReturnType<typeof setTimeout>}>} */
  #seats = new Map();
  /** @type {Map<string, string>} ended id to its secret */
  #ended = new Map();

  /**
   * @param {object} opts
   * @param {number} opts.grace seconds a seat outlives its token
   * @param {(id: string) => void} opts.end ends the seat
   */
  constructor({ grace, end }) {
    this.grace = grace;
    this.end = end;
  }

  /**
   * The seat's token lapses at `exp`; a later exp (a renewed token) extends it, an earlier one never shortens it.
   * @param {string} id @param {string} secret @param {number} exp seconds since the epoch
   */
  set(id, secret, exp) {
    const until = (exp + this.grace) * 1000;
    const seat = this.#seats.get(id);
    if (seat && seat.until >= until) return;
    if (seat) clearTimeout(seat.timer);
    this.#seats.set(id, { until, timer: this.#wake(id, secret, until) });
  }

  /** When the seat ends (ms since the epoch), or undefined for a seat without a token. @param {string} id */
  until(id) {
    return this.#seats.get(id)?.until;
  }

  /** Whether `id` was ended for its token, and `secret` proves it. @param {unknown} id @param {unknown} secret */
  expired(id, secret) {
    if (typeof id !== 'string' || typeof secret !== 'string') return false;
    const known = this.#ended.get(id);
    if (known === undefined) return false;
    const a = Buffer.from(known);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The seat is gone (left, dropped, or ended here). @param {string} id */
  forget(id) {
    const seat = this.#seats.get(id);
    if (seat) clearTimeout(seat.timer);
    this.#seats.delete(id);
  }

  /** Ends the seat now: its token lapsed. @param {string} id @param {string} secret */
  expire(id, secret) {
    this.forget(id);
    this.#ended.set(id, secret);
    if (this.#ended.size > REMEMBERED) this.#ended.delete(/** @type {string} */ (this.#ended.keys().next().value));
    this.end(id);
  }

  close() {
    for (const seat of this.#seats.values()) clearTimeout(seat.timer);
    this.#seats.clear();
  }

  /** @param {string} id @param {string} secret @param {number} until ms */
  #wake(id, secret, until) {
    const timer = setTimeout(
      () => {
        if (Date.now() >= until) return this.expire(id, secret);
        const seat = this.#seats.get(id);
        if (seat) seat.timer = this.#wake(id, secret, until);
      },
      Math.min(Math.max(0, until - Date.now()), MAX_TIMER),
    );
    timer.unref?.();
    return timer;
  }
}
