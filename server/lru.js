// @ts-check
/**
 * A Map that holds at most `max` entries and, when full, forgets the one used longest ago. Per-address state lives
 * in one, so a flood of new addresses pushes out only stale entries: the addresses that are active now keep their
 * limits (clearing everything at a size would hand every client a fresh allowance).
 * @template K, V
 */
export class LruMap {
  /** @type {Map<K, V>} insertion order is use order: the first entry is the least recently used */
  #map = new Map();

  /** @param {number} max */
  constructor(max) {
    if (!(max >= 1)) throw new RangeError('an LruMap holds at least one entry');
    this.max = max;
  }

  get size() {
    return this.#map.size;
  }

  /** Reads an entry and marks it as just used. @param {K} key */
  get(key) {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** @param {K} key */
  has(key) {
    return this.#map.has(key);
  }

  /** Sets an entry as just used, forgetting the least recently used one when full. @param {K} key @param {V} value */
  set(key, value) {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(/** @type {K} */ (this.#map.keys().next().value));
    return this;
  }

  /** @param {K} key */
  delete(key) {
    return this.#map.delete(key);
  }
}
