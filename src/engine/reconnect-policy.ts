/**
 * When to try the call server again, in the manner of LiveKit's `ReconnectPolicy`: the session asks for the next
 * delay, and a policy may give up by answering null.
 */

/** What a policy knows when asked. */
export interface ReconnectContext {
  /** Tries made since the trouble began: 0 before the first. */
  readonly retryCount: number;
  /** Milliseconds since the trouble began. */
  readonly elapsedMs: number;
  /**
   * Why: the server said goodbye (it is restarting), the broker connection was lost, or a seat could not be had
   * (the server is unreachable or answered with a passing error).
   */
  readonly reason: 'goodbye' | 'lost' | 'unreachable';
}

export interface ReconnectPolicy {
  /** Milliseconds to wait before the next try, or null to give up. */
  nextRetryDelayInMs(context: ReconnectContext): number | null;
}

export interface DefaultReconnectPolicyOptions {
  /** The middle of each wait, one per try; the last one repeats. */
  delaysMs?: readonly number[];
  /** How far each wait may stray from its middle, as a fraction of it (0 to 1). */
  jitter?: number;
  /** Give up after this many tries (by default, never: the visitor wants to be in the call). */
  maxRetries?: number;
  /** A number in [0, 1), like Math.random; tests hand in their own. */
  random?: () => number;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 10000];
export const DEFAULT_JITTER = 0.5;

/**
 * Back-off that doubles up to 10 s, each wait spread evenly over ±50 % of its middle. It stops growing there: after
 * a long outage (a train tunnel, a dead Wi-Fi) the visitor must be back within seconds of the network, not after a
 * half-minute wait that began while it was still down; ±50 % of 10 s still spreads a restarted server's clients
 * over 10 s. The spread is the
 * point: when a server restarts, every client hears goodbye at once, and without it they would all come back in
 * the same millisecond.
 */
export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly #delays: readonly number[];
  readonly #jitter: number;
  readonly #maxRetries: number;
  readonly #random: () => number;

  constructor(options: DefaultReconnectPolicyOptions = {}) {
    this.#delays = options.delaysMs?.length ? options.delaysMs : DEFAULT_RETRY_DELAYS_MS;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_JITTER));
    this.#maxRetries = options.maxRetries ?? Infinity;
    this.#random = options.random ?? Math.random;
  }

  nextRetryDelayInMs({ retryCount }: ReconnectContext): number | null {
    if (retryCount >= this.#maxRetries) return null;
    const middle = this.#delays[Math.min(retryCount, this.#delays.length - 1)];
    // random() is in [0, 1): the wait is in [middle × (1 − jitter), middle × (1 + jitter)).
    const spread = (this.#random() * 2 - 1) * this.#jitter;
    return Math.max(0, Math.floor(middle * (1 + spread)));
  }
}
