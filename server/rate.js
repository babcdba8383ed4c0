// @ts-check
/** Per-address token buckets: generous for people, tight for scripts. */
import { addressKey } from './address.js';
import { LruMap } from './lru.js';

/**
 * @param {object} opts
 * @param {number} opts.perMinute allowance per address per minute, in bursts of that many
 * @param {number} [opts.capacity] addresses remembered; past that the least recently seen are forgotten
 * @param {() => number} [opts.now] ms
 * @returns {(address: string) => boolean} takes one token; false when the address has none left
 */
export function perAddressLimit({ perMinute, capacity = 100000, now = Date.now }) {
  /** @type {LruMap<string, {tokens: number, at: number}>} */
  const buckets = new LruMap(capacity);
  return (address) => {
    const t = now();
    const key = addressKey(address);
    const b = buckets.get(key) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) / 60000) * perMinute);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}
