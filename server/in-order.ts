/**
 * One connection's frames, handled in the order they arrived, although some wait for the room store (async) and
 * most do not: a frame is handled at once while nothing is waiting (a handler that answers without waiting passes
 * its result at once too), else it waits its turn. One per connection: nothing is allocated while nothing waits.
 */
export class InOrder<T> {
  readonly failed: (tag: string, err: unknown) => void;
  readonly tag: string;
  /** the frames waiting, while any are */
  #chain: Promise<void> | undefined = undefined;
  #waiting = 0;

  /**
   * @param failed a handler threw (the store could not answer)
   * @param tag passed to `failed` (the connection's id)
   */
  constructor(failed: (tag: string, err: unknown) => void, tag: string) {
    this.failed = failed;
    this.tag = tag;
  }

  /**
   * @param out a frame's result, or what makes it in its turn
   */
  run(out: T | (() => T | Promise<T>), pass: (value: T) => void) {
    const make = typeof out === 'function' ? (out as () => T | Promise<T>) : () => out;
    if (this.#waiting) return this.#later(make, pass);
    let value;
    try {
      value = make();
    } catch (err) {
      return this.failed(this.tag, err);
    }
    if (value instanceof Promise) return this.#later(() => value, pass);
    pass(value);
  }

  #later(make: () => T | Promise<T>, pass: (value: T) => void) {
    this.#waiting++;
    this.#chain = (this.#chain ?? Promise.resolve())
      .then(make)
      .then(pass)
      .catch((err) => this.failed(this.tag, err))
      .finally(() => {
        if (--this.#waiting === 0) this.#chain = undefined;
      });
  }
}
