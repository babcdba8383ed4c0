/**
 * The timers of one owner (a call, a broker session), so that tearing it down cancels every one of them at once.
 */
export class Timers {
  readonly #live = new Set<ReturnType<typeof setTimeout>>();

  /** Runs `fn` after `ms`, unless cancelled or cleared first. */
  after(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.#live.delete(t);
      fn();
    }, ms);
    this.#live.add(t);
    return t;
  }

  cancel(t: ReturnType<typeof setTimeout> | undefined): void {
    if (t === undefined) return;
    clearTimeout(t);
    this.#live.delete(t);
  }

  clear(): void {
    for (const t of this.#live) clearTimeout(t);
    this.#live.clear();
  }
}
