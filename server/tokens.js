// @ts-check
/** Room tokens: JWTs (HS256) with the claims `room`, `exp` and optionally `name`. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** @param {Buffer | string} data */
const b64url = (data) => Buffer.from(data).toString('base64url');

/**
 * Mints a room token, for the site owner's backend.
 * @param {{room: string, name?: string, ttl?: number}} claims ttl in seconds (default one hour)
 * @param {string} secret the server's ROOM_SECRET
 * @returns {string}
 */
export function mintRoomToken({ room, name, ttl = 3600 }, secret) {
  if (!secret) throw new Error('mintRoomToken needs the ROOM_SECRET');
  if (typeof room !== 'string' || !room) throw new Error('mintRoomToken needs a room');
  const payload = { room, exp: Math.floor(Date.now() / 1000) + ttl, ...(name ? { name } : {}) };
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(payload));
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

/**
 * @typedef {{ok: true, name?: string, identity?: string} | {ok: false, reason: string}} TokenCheck identity: `sub`,
 *   else `jti`; a seat per identity
 */

/**
 * Checks a room token for one room. Only HS256 is accepted; `alg: none` and others are refused.
 * @param {unknown} token
 * @param {string} secret
 * @param {string} room
 * @returns {TokenCheck}
 */
export function verifyRoomToken(token, secret, room) {
  if (typeof token !== 'string' || !token) return { ok: false, reason: 'this room needs a token' };
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 4096) return { ok: false, reason: 'the token is malformed' };
  const [h, p, sig] = parts;
  let header, payload;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString());
    payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  } catch {
    return { ok: false, reason: 'the token is malformed' };
  }
  if (!header || header.alg !== 'HS256') return { ok: false, reason: 'the token is not HS256' };
  const want = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    return { ok: false, reason: 'the token signature is wrong' };
  if (!payload || typeof payload !== 'object') return { ok: false, reason: 'the token is malformed' };
  if (typeof payload.exp !== 'number') return { ok: false, reason: 'the token has no expiry' };
  if (payload.exp * 1000 <= Date.now()) return { ok: false, reason: 'the token has expired' };
  if (payload.room !== room) return { ok: false, reason: 'the token is for another room' };
  const identity = [payload.sub, payload.jti].find((x) => typeof x === 'string' && x);
  return {
    ok: true,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    ...(identity ? { identity } : {}),
  };
}
