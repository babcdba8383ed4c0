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
 * @returns {{iceServers: RTCIceServerLike[], ttl: number}} ttl: seconds until the credentials lapse (0: never)
 */
export function iceServersFor(config, id) {
  /** @type {RTCIceServerLike[]} */
  const iceServers = [];
  if (config.stunUrls.length) iceServers.push({ urls: config.stunUrls });
  if (config.turnUrls.length)
    iceServers.push({ urls: config.turnUrls, ...turnCredentials(config.turnSecret, id, config.turnTtl) });
  return { iceServers, ttl: config.turnUrls.length ? config.turnTtl : 0 };
}

/** @typedef {{urls: string[], username?: string, credential?: string}} RTCIceServerLike */
