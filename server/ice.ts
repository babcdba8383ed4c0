/** ICE servers handed to clients: STUN as configured, TURN with short-lived REST API credentials. */
import { createHmac } from 'node:crypto';
import type { Config } from './config.js';
import type { IceServer, SeatIce } from '../src/engine/protocol.js';

/**
 * coturn's TURN REST API (use-auth-secret): username `<expiry>:<id>`, password base64(HMAC-SHA1(secret, username)).
 *
 * @param ttl seconds
 * @param now ms
 */
export function turnCredentials(secret: string, id: string, ttl: number, now: number = Date.now()) {
  const username = `${Math.floor(now / 1000) + ttl}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * @param seatEnds ms since the epoch: the seat's room token lapses then (with its grace). Credentials never
 *   outlive it, and `ttl` says when to ask again (with a renewed token), TURN or not.
 * @param now ms
 * @returns ttl: seconds until the credentials lapse (0: never)
 */
export function iceServersFor(config: Config, id: string, seatEnds?: number, now: number = Date.now()): SeatIce {
  const left = seatEnds === undefined ? Infinity : Math.max(1, Math.floor((seatEnds - now) / 1000));
  const turnTtl = Math.min(config.turnTtl, left);

  const iceServers: IceServer[] = [];
  if (config.stunUrls.length) iceServers.push({ urls: config.stunUrls });
  if (config.turnUrls.length)
    iceServers.push({ urls: config.turnUrls, ...turnCredentials(config.turnSecret, id, turnTtl, now) });
  return { iceServers, ttl: config.turnUrls.length ? turnTtl : left === Infinity ? 0 : left };
}
