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
  #seats: Map<string, { until: number; timer: ReturnType<typeof setTimeout> }> = new Map();
  /** ended id to its secret */
  #ended: Map<string, string> = new Map();

  /**
   * @param opts.grace seconds a seat outlives its token
   * @param opts.end ends the seat
   */
  readonly grace: number;
  readonly end: (id: string) => void;

  constructor({ grace, end }: { grace: number; end: (id: string) => void }) {
    this.grace = grace;
    this.end = end;
  }

  /**
   * The seat's token lapses at `exp`; a later exp (a renewed token) extends it, an earlier one never shortens it.
   * @param exp seconds since the epoch
   */
  set(id: string, secret: string, exp: number) {
    const until = (exp + this.grace) * 1000;
    const seat = this.#seats.get(id);
    if (seat && seat.until >= until) return;
    if (seat) clearTimeout(seat.timer);
    this.#seats.set(id, { until, timer: this.#wake(id, secret, until) });
  }

  /** When the seat ends (ms since the epoch), or undefined for a seat without a token. */
  until(id: string) {
    return this.#seats.get(id)?.until;
  }

  /** Whether `id` was ended for its token, and `secret` proves it. */
  expired(id: unknown, secret: unknown) {
    if (typeof id !== 'string' || typeof secret !== 'string') return false;
    const known = this.#ended.get(id);
    if (known === undefined) return false;
    const a = Buffer.from(known);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The seat is gone (left, dropped, or ended here). */
  forget(id: string) {
    const seat = this.#seats.get(id);
    if (seat) clearTimeout(seat.timer);
    this.#seats.delete(id);
  }

  /** Ends the seat now: its token lapsed. */
  expire(id: string, secret: string) {
    this.forget(id);
    this.#ended.set(id, secret);
    if (this.#ended.size > REMEMBERED) this.#ended.delete(this.#ended.keys().next().value as string);
    this.end(id);
  }

  close() {
    for (const seat of this.#seats.values()) clearTimeout(seat.timer);
    this.#seats.clear();
  }

  /** @param until ms */
  #wake(id: string, secret: string, until: number) {
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
