// @ts-check
/** ICE servers handed to clients: STUN as configured, TURN with short-lived REST API credentials. */
import { createHmac } from 'node:crypto';

/**
 * coturn's TURN REST API (use-auth-secret): username `<expiry>:<id>`, password base64(HMAC-SHA1(secret, username)).
 * @param {string} secret
 * @param {string} id
 * @param {number} ttl seconds
 * @param {number} [now] ms
 */
export function turnCredentials(secret, id, ttl, now = Date.now()) {
  const username = `${Math.floor(now / 1000) + ttl}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * @param {import('./config.js').Config} config
 * @param {string} id
 * @param {number} [seatEnds] ms since the epoch: the seat's room token lapses then (with its grace). Credentials never
 *   outlive it, and `ttl` says when to ask again (with a renewed token), TURN or not.
 * @param {number} [now] ms
 * @returns {import('../src/engine/protocol.js').SeatIce} ttl: seconds until the credentials lapse (0: never)
 */
export function iceServersFor(config, id, seatEnds, now = Date.now()) {
  const left = seatEnds === undefined ? Infinity : Math.max(1, Math.floor((seatEnds - now) / 1000));
  const turnTtl = Math.min(config.turnTtl, left);
  /** @type {import('../src/engine/protocol.js').IceServer[]} */
  const iceServers = [];
  if (config.stunUrls.length) iceServers.push({ urls: config.stunUrls });
  if (config.turnUrls.length)
    iceServers.push({ urls: config.turnUrls, ...turnCredentials(config.turnSecret, id, turnTtl, now) });
  return { iceServers, ttl: config.turnUrls.length ? turnTtl : left === Infinity ? 0 : left };
}
