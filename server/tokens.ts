/**
 * Room tokens: JWTs with the claims `room`, `exp` and optionally `name`, `sub`/`jti` (who holds it) and `nbf`. Signed
 * with HS256 and the server's ROOM_SECRET, or with ES256/EdDSA by a key whose public half is ROOM_PUBLIC_KEY, so the
 * broker can check tokens without holding what mints them. Checked by `jose`, as a JWT library checks them: strict
 * base64url, algorithms pinned, `nbf` and `exp` with a small clock tolerance, and `exp` not too far ahead.
 */
import { createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jwtVerify, createLocalJWKSet, decodeProtectedHeader, errors, SignJWT } from 'jose';
import type { JWK, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';

/** Seconds of clock difference between the minting backend and the broker that are forgiven (for `exp`, `nbf`). */
export const CLOCK_TOLERANCE = 30;
/** The longest token accepted, in characters: a room token is a few hundred. */
const MAX_TOKEN_LENGTH = 4096;
const HMAC_ALGS = ['HS256'];
const KEY_ALGS = ['ES256', 'EdDSA', 'Ed25519'];

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Mints a room token, for the site owner's backend.
 * @param claims ttl in seconds (default one hour); sub:
 *   who holds it (one identity holds one seat)
 * @param secret the server's ROOM_SECRET
 */
export function mintRoomToken(
  { room, name, ttl = 3600, sub }: { room: string; name?: string; ttl?: number; sub?: string },
  secret: string,
): string {
  if (!secret) throw new Error('mintRoomToken needs the ROOM_SECRET');
  if (typeof room !== 'string' || !room) throw new Error('mintRoomToken needs a room');
  const payload = {
    room,
    exp: Math.floor(Date.now() / 1000) + ttl,
    ...(name ? { name } : {}),
    ...(sub ? { sub } : {}),
  };
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(payload));
  return head + '.' + createHmac('sha256', secret).update(head).digest('base64url');
}

/**
 * Mints a room token with a private key (P-256 for ES256, Ed25519 for EdDSA) whose public half is in the server's
 * ROOM_PUBLIC_KEY: the site's backend holds this key, the broker never does.
 * @param claims ttl in seconds (default one hour)
 * @param privateKeyPem a PKCS#8 PEM private key
 * @param kid the key's id in the server's JWK Set, for rotation
 */
export async function signRoomToken(
  { room, name, ttl = 3600, sub }: { room: string; name?: string; ttl?: number; sub?: string },
  privateKeyPem: string,
  kid?: string,
): Promise<string> {
  if (typeof room !== 'string' || !room) throw new Error('signRoomToken needs a room');
  const key = createPrivateKey(privateKeyPem);
  const ec = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!ec && key.asymmetricKeyType !== 'ed25519') throw new Error('the private key must be P-256 or Ed25519');
  const alg = ec ? 'ES256' : 'EdDSA';
  return new SignJWT({ room, ...(name ? { name } : {}), ...(sub ? { sub } : {}) })
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(key);
}

/**
 * Reads ROOM_PUBLIC_KEY: one or more PEM public keys, a JWK, or a JWK Set (`{"keys": [...]}`, each with its `kid`, for
 * rotation), given inline or as the path of a file that holds them. Only P-256 (ES256) and Ed25519 (EdDSA) keys.
 *
 * @throws {Error} with a message that says what is wrong
 */
export function parsePublicKeys(value: string): JWK[] {
  let text = value.trim();
  if (!text.startsWith('-----') && !text.startsWith('{')) {
    try {
      text = readFileSync(text, 'utf8').trim();
    } catch (err) {
      throw new Error(`is neither a key nor a readable file (${(err as NodeJS.ErrnoException)?.code ?? err})`);
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the operator's JSON: each key is checked below
  let jwks: any[];
  if (text.startsWith('{')) {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('is not valid JSON (a JWK or a JWK Set)');
    }
    jwks = Array.isArray(parsed?.keys) ? parsed.keys : [parsed];
  } else {
    const pems = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g);
    if (!pems) throw new Error('has no "-----BEGIN PUBLIC KEY-----" block');
    jwks = pems.map((pem) => {
      try {
        return createPublicKey(pem).export({ format: 'jwk' });
      } catch {
        throw new Error('holds a PEM block that is not a public key');
      }
    });
  }
  if (!jwks.length) throw new Error('holds no key');
  return jwks.map((jwk, i) => {
    const which = jwks.length > 1 ? ` (key ${i + 1})` : '';
    if (!jwk || typeof jwk !== 'object') throw new Error(`holds something that is not a key${which}`);
    if ('d' in jwk) throw new Error(`holds a private key${which}: give the broker the public key only`);
    const ec = jwk.kty === 'EC' && jwk.crv === 'P-256';
    const ed = jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    if (!ec && !ed) throw new Error(`must be P-256 (ES256) or Ed25519 (EdDSA) keys${which}`);
    if (jwk.kid !== undefined && typeof jwk.kid !== 'string') throw new Error(`has a kid that is not a string${which}`);
    try {
      createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      throw new Error(`holds a malformed key${which}`);
    }
    return jwk as JWK;
  });
}

/**
 * `identity`: who holds the token (its `sub`, else its `jti`); `exp`: when it lapses, in seconds since the epoch.
 */
export type TokenCheck = { ok: true; name?: string; identity?: string; exp: number } | { ok: false; reason: string };

/** what room tokens are checked against */
export interface TokenKeys {
  /** ROOM_SECRET, for HS256 */
  secret?: string;
  /** ROOM_PUBLIC_KEY (as configured, or parsed), for ES256/EdDSA */
  publicKeys?: string | JWK[];
  /** seconds: the furthest ahead `exp` may be (default 24 hours) */
  maxTtl?: number;
}

/**
 * Builds the checker once (keys imported, algorithms fixed) for every join.
 */
export function tokenVerifier({
  secret,
  publicKeys,
  maxTtl = 86400,
}: TokenKeys): (token: unknown, room: string) => Promise<TokenCheck> {
  const hmacKey = secret ? new TextEncoder().encode(secret) : undefined;
  const jwks =
    publicKeys && publicKeys.length
      ? keySet(typeof publicKeys === 'string' ? parsePublicKeys(publicKeys) : publicKeys)
      : undefined;
  const accepted = [...(hmacKey ? HMAC_ALGS : []), ...(jwks ? KEY_ALGS : [])];

  return async (token, room) => {
    if (typeof token !== 'string' || !token) return { ok: false, reason: 'this room needs a token' };
    if (token.length > MAX_TOKEN_LENGTH || !token.split('.').every(canonicalBase64url) || token.split('.').length !== 3)
      return { ok: false, reason: 'the token is malformed' };
    let alg;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return { ok: false, reason: 'the token is malformed' };
    }
    if (typeof alg !== 'string' || !accepted.includes(alg))
      return { ok: false, reason: `the token is not signed with ${accepted.join(', ')}` };
    const options = { algorithms: accepted, clockTolerance: CLOCK_TOLERANCE, requiredClaims: ['exp'] };

    let payload: JWTPayload;
    try {
      if (HMAC_ALGS.includes(alg)) payload = (await jwtVerify(token, hmacKey as Uint8Array, options)).payload;
      else payload = await verifyWithKeySet(token, jwks as NonNullable<typeof jwks>, options);
    } catch (err) {
      return { ok: false, reason: refusal(err) };
    }
    const exp = payload.exp as number;
    if (exp - Date.now() / 1000 > maxTtl + CLOCK_TOLERANCE)
      return { ok: false, reason: `the token expires too far ahead (at most ${maxTtl} s)` };
    if (payload.room !== room) return { ok: false, reason: 'the token is for another room' };
    const identity = [payload.sub, payload.jti].find((v) => typeof v === 'string' && v.length > 0);
    return { ok: true, name: typeof payload.name === 'string' ? payload.name : undefined, identity, exp };
  };
}

/**
 * Whether `part` is base64url as an encoder writes it: no padding, no other characters, and unused low bits of the
 * last character zero. Decoders ignore those bits, so without this one token would have several spellings.
 */
function canonicalBase64url(part: string) {
  return /^[A-Za-z0-9_-]*$/.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part;
}

/**
 * Picks the key for a token: the one with the token's `kid`; for a `kid` no key has, the keys that have no `kid` of
 * their own (PEM keys); for a token without `kid`, every key of its type. Anything else is an unknown key.
 */
function keySet(keys: JWK[]): JWTVerifyGetKey {
  const byKid = createLocalJWKSet({ keys: keys.filter((k) => k.kid !== undefined) });
  const kidless = keys.filter((k) => k.kid === undefined);
  const anyKid = createLocalJWKSet({ keys: kidless });
  const all = createLocalJWKSet({ keys });
  const kids = new Set(keys.map((k) => k.kid).filter((kid) => kid !== undefined));
  return (header, token) => {
    if (header.kid === undefined) return all(header, token);
    if (kids.has(header.kid)) return byKid(header, token);
    // A key without a kid (a PEM key) answers to any kid; jose would want them equal, so it is not shown the kid.
    return anyKid({ ...header, kid: undefined }, token);
  };
}

/**
 * Several keys without a `kid` may fit a token (PEM keys, say): the first that verifies it wins.
 */
async function verifyWithKeySet(token: string, jwks: JWTVerifyGetKey, options: JWTVerifyOptions) {
  try {
    return (await jwtVerify(token, jwks, options)).payload;
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;

    let last: unknown = err;
    for await (const key of err as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (e) {
        last = e;
        if (!(e instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw last;
  }
}

/** What a refused token is told: enough to fix the minting backend, nothing about the room. */
function refusal(err: unknown) {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'exp')
      return err.reason === 'missing' ? 'the token has no expiry' : "the token's expiry is not a number";
    if (err.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${err.claim} claim is wrong`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is wrong';
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  return 'the token is malformed';
}

/**
 * Checks a room token for one room.
 *
 * @param keys the ROOM_SECRET, or the keys and limits
 */
export function verifyRoomToken(token: unknown, keys: string | TokenKeys, room: string): Promise<TokenCheck> {
  return tokenVerifier(typeof keys === 'string' ? { secret: keys } : keys)(token, room);
}
