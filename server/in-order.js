// @ts-check
/**
 * One connection's frames, handled in the order they arrived, although some wait for the room store (async) and
 * most do not: a frame is handled at once while nothing is waiting (a handler that answers without waiting passes
 * its result at once too), else it waits its turn. One per connection: nothing is allocated while nothing waits.
 * @template T
 */
export class InOrder {
  /** @type {Promise<void> | undefined} the frames waiting, while any are */
  #chain = undefined;
  #waiting = 0;

  /**
   * @param {(tag: string, err: unknown) => void} failed a handler threw (the store could not answer)
   * @param {string} tag passed to `failed` (the connection's id)
   */
  constructor(failed, tag) {
    this.failed = failed;
    this.tag = tag;
  }

  /**
   * @param {T | (() => T | Promise<T>)} out a frame's result, or what makes it in its turn
   * @param {(value: T) => void} pass
   */
  run(out, pass) {
    const make = typeof out === 'function' ? /** @type {() => T | Promise<T>} */ (out) : () => out;
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

  /** @param {() => T | Promise<T>} make @param {(value: T) => void} pass */
  #later(make, pass) {
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
