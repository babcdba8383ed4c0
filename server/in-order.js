// @ts-check
/**
 * One connection's frames, handled in the order they arrived, although some wait for the room store (async) and
 * most do not: a frame is handled at once while nothing is waiting (a handler that answers without waiting passes
 * its result at once too), else it waits its turn.
 */

/**
 * @template T
 * @param {(err: unknown) => void} failed a handler threw (the store could not answer)
 * @returns {(out: T | (() => T | Promise<T>), pass: (value: T) => void) => void}
 */
export function inOrder(failed) {
  /** @type {Promise<void>} */
  let chain = Promise.resolve();
  let waiting = 0;
  /** @param {() => T | Promise<T>} run @param {(value: T) => void} pass */
  const later = (run, pass) => {
    waiting++;
    chain = chain
      .then(run)
      .then(pass)
      .catch(failed)
      .finally(() => void waiting--);
  };
  return (out, pass) => {
    const run = typeof out === 'function' ? /** @type {() => T | Promise<T>} */ (out) : () => out;
    if (waiting) return later(run, pass);
    let value;
    try {
      value = run();
    } catch (err) {
      return failed(err);
    }
    if (value instanceof Promise) return later(() => value, pass);
    pass(value);
  };
}
