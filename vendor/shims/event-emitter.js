// @ts-check
/**
 * The event emitter PeerJS's `Peer` and its socket extend, in eventemitter3's place (scripts/peerjs-slim.mjs puts it
 * there): eventemitter3 was a sixth of what PeerJS brought into rtc-call.js, most of it fast paths for old engines.
 *
 * It does what eventemitter3 does for these calls: listeners run in the order they were added, with the emitter as
 * `this`; `emit` returns whether there were any; a listener added or removed during an `emit` does not change who
 * that `emit` calls; `once` listeners are removed before they run. eventemitter3's `context` argument, its aliases
 * (`addListener`, `removeListener`), `eventNames`, `listeners` and `listenerCount` are not here: neither PeerJS's
 * `Peer` nor the widget uses them.
 */
export class EventEmitter {
  /** @type {Map<string | symbol, { fn: (...args: any[]) => void, once: boolean }[]>} */
  #events = new Map();

  /** @param {string | symbol} event @param {(...args: any[]) => void} fn */
  on(event, fn) {
    return this.#add(event, fn, false);
  }

  /** @param {string | symbol} event @param {(...args: any[]) => void} fn */
  once(event, fn) {
    return this.#add(event, fn, true);
  }

  /**
   * Without `fn`, every listener of `event`.
   * @param {string | symbol} event @param {(...args: any[]) => void} [fn] @param {unknown} [_context] @param {boolean} [once]
   */
  off(event, fn, _context, once) {
    const list = this.#events.get(event);
    if (!list) return this;
    const kept = fn ? list.filter((l) => l.fn !== fn || (once && !l.once)) : [];
    if (kept.length) this.#events.set(event, kept);
    else this.#events.delete(event);
    return this;
  }

  /** @param {string | symbol} event @param {...unknown} args */
  emit(event, ...args) {
    const list = this.#events.get(event);
    if (!list) return false;
    for (const l of list) {
      if (l.once) this.off(event, l.fn, undefined, true);
      l.fn.apply(this, args);
    }
    return true;
  }

  /** Without `event`, every listener of every event. @param {string | symbol} [event] */
  removeAllListeners(event) {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }

  /** @param {string | symbol} event @param {(...args: any[]) => void} fn @param {boolean} once */
  #add(event, fn, once) {
    if (typeof fn !== 'function') throw new TypeError('The listener must be a function');
    // A new array, never a push: an emit under way goes on with the listeners it started with.
    this.#events.set(event, [...(this.#events.get(event) ?? []), { fn, once }]);
    return this;
  }
}
