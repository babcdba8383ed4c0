/**
 * One connection's frames, handled in the order they arrived, although some wait for the room store (async) and
 * most do not: a frame is handled at once while nothing is waiting (a handler that answers without waiting passes
 * its result at once too), else it waits its turn. The state is two fields of the connection itself: nothing is
 * allocated while nothing waits.
 */

/** What a connection keeps for the order of its frames. */
export interface Ordered {
  /** the frames waiting, while any are */
  chain: Promise<void> | undefined;
  waiting: number;
}

/**
 * Handles one frame of `q`'s connection in its turn.
 * @param out a frame's result, or what makes it in its turn
 * @param failed a handler threw (the store could not answer); given `tag` (the connection's id) and the error
 */
export function inOrder<T>(
  q: Ordered,
  out: T | (() => T | Promise<T>),
  pass: (value: T) => void,
  failed: (tag: string, err: unknown) => void,
  tag: string,
): void {
  const make = typeof out === 'function' ? (out as () => T | Promise<T>) : undefined;
  if (q.waiting) return later(q, make ?? (() => out as T), pass, failed, tag);
  let value;
  try {
    value = make ? make() : (out as T);
  } catch (err) {
    return failed(tag, err);
  }
  if (value instanceof Promise) return later(q, () => value, pass, failed, tag);
  pass(value);
}

function later<T>(
  q: Ordered,
  make: () => T | Promise<T>,
  pass: (value: T) => void,
  failed: (tag: string, err: unknown) => void,
  tag: string,
) {
  q.waiting++;
  q.chain = (q.chain ?? Promise.resolve())
    .then(make)
    .then(pass)
    .catch((err) => failed(tag, err))
    .finally(() => {
      if (--q.waiting === 0) q.chain = undefined;
    });
}
