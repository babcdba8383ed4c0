/** Per-address token buckets: generous for people, tight for scripts. */
import { addressKey } from './address.js';
import { LruMap } from './lru.js';

/**
 * Refills a bucket for the time since it was last used and takes one token from it.
 * @param bucket undefined: a full one
 * @param perMinute allowance per minute, in bursts of that many
 * @param now ms
 */
export function takeToken(
  bucket: { tokens: number; at: number } | undefined,
  perMinute: number,
  now: number,
): { bucket: { tokens: number; at: number }; ok: boolean } {
  const b = bucket ?? { tokens: perMinute, at: now };
  b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) / 60000) * perMinute);
  b.at = now;
  if (b.tokens < 1) return { bucket: b, ok: false };
  b.tokens -= 1;
  return { bucket: b, ok: true };
}

/**
 * @param opts.perMinute allowance per address per minute, in bursts of that many
 * @param opts.capacity addresses remembered; past that the least recently seen are forgotten
 * @param opts.now ms
 * @returns takes one token; false when the address has none left
 */
export function perAddressLimit({
  perMinute,
  capacity = 100000,
  now = Date.now,
}: {
  perMinute: number;
  capacity?: number;
  now?: () => number;
}): (address: string) => boolean {
  const buckets: LruMap<string, { tokens: number; at: number }> = new LruMap(capacity);
  return (address) => {
    const key = addressKey(address);
    const { bucket, ok } = takeToken(buckets.get(key), perMinute, now());
    buckets.set(key, bucket);
    return ok;
  };
}
