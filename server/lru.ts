/**
 * A Map that holds at most `max` entries and, when full, forgets the one used longest ago. Per-address state lives
 * in one, so a flood of new addresses pushes out only stale entries: the addresses that are active now keep their
 * limits (clearing everything at a size would hand every client a fresh allowance).
 */
export class LruMap<K, V> {
  readonly max: number;
  /** insertion order is use order: the first entry is the least recently used */
  #map: Map<K, V> = new Map();
  /**
   * The most recently used key, which needs no moving when used again. A move is a delete and a set, and a Map
   * that deletes fills with holes it must rebuild now and then: with one busy address (asked about several times
   * per connect), most of what the broker allocated per connect beyond stock `peer`'s.
   */
  #newest: K | undefined = undefined;
  #hasNewest = false;

  constructor(max: number) {
    if (!(max >= 1)) throw new RangeError('an LruMap holds at least one entry');
    this.max = max;
  }

  get size() {
    return this.#map.size;
  }

  /** Reads an entry and marks it as just used. */
  get(key: K) {
    const value = this.#map.get(key);
    if (value === undefined || this.#isNewest(key)) return value;
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#setNewest(key);
    return value;
  }

  has(key: K) {
    return this.#map.has(key);
  }

  /** Sets an entry as just used, forgetting the least recently used one when full. */
  set(key: K, value: V) {
    if (this.#isNewest(key)) {
      this.#map.set(key, value);
      return this;
    }
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#setNewest(key);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as K);
    return this;
  }

  delete(key: K) {
    if (this.#isNewest(key)) this.#hasNewest = false;
    return this.#map.delete(key);
  }

  #isNewest(key: K) {
    return this.#hasNewest && this.#newest === key;
  }

  #setNewest(key: K) {
    this.#newest = key;
    this.#hasNewest = true;
  }
}
