/**
 * The per-connection frame rate: a token bucket of `rate` a second in bursts of `burst`, applied as each frame
 * arrives (before it waits for anything), so a flood never builds up a backlog.
 */

/**
 * Takes one token from the connection's bucket.
 * @param c the connection's bucket, refusals this second
 * @param rate frames per second
 * @param now ms
 * @returns cut-off: far past the limit, which a browser having a bad second never is
 */
export function takeFrame(
  c: { tokens: number; refill: number; strikes: number },
  rate: number,
  burst: number,
  now: number = Date.now(),
): 'ok' | 'refused' | 'cut-off' {
  c.tokens = Math.min(burst, c.tokens + ((now - c.refill) / 1000) * rate);
  if (Math.floor(now / 1000) !== Math.floor(c.refill / 1000)) c.strikes = 0;
  c.refill = now;
  if (c.tokens >= 1) {
    c.tokens -= 1;
    return 'ok';
  }
  return ++c.strikes > burst * 10 ? 'cut-off' : 'refused';
}
