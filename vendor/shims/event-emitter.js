// @ts-check
/**
 * The event emitter PeerJS's `Peer` and its socket extend, in eventemitter3's place (scripts/peerjs-slim.mjs puts it
 * there): eventemitter3 was a sixth of what PeerJS brought into rtc-call.js, most of it fast paths for old engines.
 *
 * Only what `Peer` and the widget call (`on`, `emit`, `removeAllListeners`), as eventemitter3 does it: listeners run
 * in the order they were added, with the emitter as `this`; `emit` returns whether there were any; a listener added
 * during an `emit` is not called by that `emit`. eventemitter3's `once`, `off`, `context` argument, aliases,
 * `eventNames`, `listeners` and `listenerCount` are not here: nothing calls them (the widget reaches its `Peer`
 * through `BrokerPeer`, src/engine/broker-session.ts, which has only `on`).
 */
export class EventEmitter {
  /** @type {Map<string | symbol, ((...args: any[]) => void)[]>} */
  #events = new Map();

  /** @param {string | symbol} event @param {(...args: any[]) => void} fn */
  on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('The listener must be a function');
    // A new array, never a push: an emit under way goes on with the listeners it started with.
    this.#events.set(event, [...(this.#events.get(event) ?? []), fn]);
    return this;
  }

  /** @param {string | symbol} event @param {...unknown} args */
  emit(event, ...args) {
    const list = this.#events.get(event);
    if (!list) return false;
    for (const fn of list) fn.apply(this, args);
    return true;
  }

  /** Without `event`, every listener of every event. @param {string | symbol} [event] */
  removeAllListeners(event) {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }
}
