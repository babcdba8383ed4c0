// @ts-check
/**
 * One connection's frames, handled in the order they arrived, although some wait for the room store (async) and
 * most do not: a frame that needs no store goes at once while nothing is waiting, else it waits its turn.
 */

/**
 * @template T
 * @param {(err: unknown) => void} failed a handler threw (the store could not answer)
 * @returns {(out: T | (() => Promise<T>), pass: (value: T) => void) => void}
 */
export function inOrder(failed) {
  /** @type {Promise<void>} */
  let chain = Promise.resolve();
  let waiting = 0;
  return (out, pass) => {
    if (typeof out !== 'function' && !waiting) return pass(out);
    waiting++;
    chain = chain
      .then(typeof out === 'function' ? /** @type {() => Promise<T>} */ (out) : () => out)
      .then(pass)
      .catch(failed)
      .finally(() => void waiting--);
  };
}
