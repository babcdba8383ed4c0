// @ts-check
/** Per-address token buckets: generous for people, tight for scripts. */
import { addressKey } from './address.js';
import { LruMap } from './lru.js';

/**
 * Refills a bucket for the time since it was last used and takes one token from it.
 * @param {{tokens: number, at: number} | undefined} bucket undefined: a full one
 * @param {number} perMinute allowance per minute, in bursts of that many
 * @param {number} now ms
 * @returns {{bucket: {tokens: number, at: number}, ok: boolean}}
 */
export function takeToken(bucket, perMinute, now) {
  const b = bucket ?? { tokens: perMinute, at: now };
  b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) / 60000) * perMinute);
  b.at = now;
  if (b.tokens < 1) return { bucket: b, ok: false };
  b.tokens -= 1;
  return { bucket: b, ok: true };
}

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
    const key = addressKey(address);
    const { bucket, ok } = takeToken(buckets.get(key), perMinute, now());
    buckets.set(key, bucket);
    return ok;
  };
}
