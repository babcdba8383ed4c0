// ROOM_PUBLIC_KEY: tokens signed with ES256 or EdDSA by a key the broker never holds; kid picks the key (rotation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { mintRoomToken, signRoomToken, verifyRoomToken } from '../../server/dist/server/tokens.js';
import { parseConfig, ConfigError } from '../../server/dist/server/config.js';
import { startServer, join, runCli } from './helpers.js';

const SECRET = 'sixteen-chars-at-least-secret';
const pair = (/** @type {'ec' | 'ed25519'} */ type) => {
  const { publicKey, privateKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    pem: /** @type {string} */ (privateKey.export({ type: 'pkcs8', format: 'pem' })),
    publicPem: /** @type {string} */ (publicKey.export({ type: 'spki', format: 'pem' })),
    jwk: publicKey.export({ format: 'jwk' }),
  };
};
const es = pair('ec');
const ed = pair('ed25519');
const newEs = pair('ec');
const stranger = pair('ec');
/** Two keys in rotation (the old ES256 one and its Ed25519 successor), and a third added for the next rotation. */
const JWKS = JSON.stringify({
  keys: [
    { ...es.jwk, kid: '2026-01', alg: 'ES256', use: 'sig' },
    { ...ed.jwk, kid: '2026-02' },
    { ...newEs.jwk, kid: '2026-03' },
  ],
});

test('ES256 and EdDSA tokens verify against a JWK Set, the key chosen by kid; an unknown kid or key is refused', async () => {
  const keys = { publicKeys: JWKS };
  for (const [who, key, kid] of /** @type {const} */ ([
    ['ES256', es, '2026-01'],
    ['EdDSA', ed, '2026-02'],
    ['ES256, next key', newEs, '2026-03'],
  ])) {
    const token = await signRoomToken({ room: 'standup', name: 'Ada', sub: 'user-1' }, key.pem, kid);
    const r = await verifyRoomToken(token, keys, 'standup');
    assert.equal(r.ok, true, `${who}: ${JSON.stringify(r)}`);
    assert.equal(/** @type {any} */ (r).name, 'Ada');
    assert.equal(/** @type {any} */ (r).identity, 'user-1');
    assert.ok(Math.abs(/** @type {any} */ (r).exp - (Date.now() / 1000 + 3600)) < 60);
    assert.equal((await verifyRoomToken(token, keys, 'other')).ok, false, `${who}: other room`);
  }
  /** @type {Array<[string, string, RegExp]>} */
  const refused = [
    ['a kid nobody has', await signRoomToken({ room: 'standup' }, es.pem, '2025-12'), /unknown key/],
    ['the right kid, the wrong key', await signRoomToken({ room: 'standup' }, stranger.pem, '2026-01'), /signature/],
    ["another key's kid", await signRoomToken({ room: 'standup' }, es.pem, '2026-03'), /signature/],
    ['an Ed25519 key under an ES256 kid', await signRoomToken({ room: 'standup' }, ed.pem, '2026-01'), /unknown key/],
    ['no kid, a stranger', await signRoomToken({ room: 'standup' }, stranger.pem), /signature/],
    ['HS256 without ROOM_SECRET', mintRoomToken({ room: 'standup' }, SECRET), /not signed with ES256, EdDSA/],
    ['expired', await signRoomToken({ room: 'standup', ttl: -120 }, es.pem, '2026-01'), /expired/],
  ];
  for (const [what, token, reason] of refused) {
    const r = await verifyRoomToken(token, keys, 'standup');
    assert.equal(r.ok, false, what);
    assert.match(/** @type {any} */ (r).reason, reason, what);
  }
  // Without a kid, every key of the right type is tried.
  assert.equal((await verifyRoomToken(await signRoomToken({ room: 'standup' }, newEs.pem), keys, 'standup')).ok, true);
});

test('ROOM_PUBLIC_KEY as PEM (inline or a file), alone or with ROOM_SECRET, through /rtc/join', async (t) => {
  const dir = mkdtempSync(joinPath(tmpdir(), 'rtc-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = joinPath(dir, 'room-keys.pem');
  writeFileSync(file, es.publicPem + ed.publicPem);

  const inline = await startServer(t, { ROOM_PUBLIC_KEY: es.publicPem });
  const esToken = await signRoomToken({ room: 'standup', name: 'Ada' }, es.pem);
  const ok = await join(inline, { room: 'standup', name: 'x', token: esToken });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.name, 'Ada');
  for (const token of [
    undefined,
    mintRoomToken({ room: 'standup' }, SECRET),
    await signRoomToken({ room: 'standup' }, ed.pem),
  ]) {
    const res = await join(inline, { room: 'standup', ...(token ? { token } : {}) });
    assert.equal(res.status, 401, String(token));
    assert.equal(res.json.code, 'unauthorized');
  }

  // A PEM key has no kid: it answers to a token with any kid (a backend that always sets one).
  const withKid = await signRoomToken({ room: 'standup' }, es.pem, 'backend-key-1');
  assert.equal((await join(inline, { room: 'standup', token: withKid })).status, 200);

  const both = await startServer(t, { ROOM_PUBLIC_KEY: file, ROOM_SECRET: SECRET });
  for (const token of [
    esToken,
    await signRoomToken({ room: 'standup' }, ed.pem),
    mintRoomToken({ room: 'standup' }, SECRET),
  ])
    assert.equal((await join(both, { room: 'standup', token })).status, 200);
  const forged = await signRoomToken({ room: 'standup' }, stranger.pem);
  assert.equal((await join(both, { room: 'standup', token: forged })).status, 401);
});

test('ROOM_PUBLIC_KEY that is not a usable public key stops the server with a clear message', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  const bad = [
    ['junk', /neither a key nor a readable file/],
    ['/nonexistent/keys.pem', /neither a key nor a readable file/],
    ['{"keys": [', /not valid JSON/],
    [JSON.stringify(rsa), /P-256 .* or Ed25519/],
    [es.pem, /BEGIN PUBLIC KEY/],
    [JSON.stringify({ ...es.jwk, d: 'AAAA' }), /private key/],
    [JSON.stringify({ keys: [] }), /no key/],
    [JSON.stringify({ ...es.jwk, x: 'AAAA' }), /malformed/],
    ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /not a public key/],
  ];
  for (const [value, message] of bad)
    assert.throws(
      () => parseConfig([], { ROOM_PUBLIC_KEY: /** @type {string} */ (value) }),
      (err) =>
        err instanceof ConfigError &&
        /ROOM_PUBLIC_KEY/.test(err.message) &&
        /** @type {RegExp} */ (message).test(err.message),
      String(value).slice(0, 40),
    );
});

test('CLI mint-token --private-key prints an ES256 or EdDSA token (with kid and sub) that the server accepts', async () => {
  const dir = mkdtempSync(joinPath(tmpdir(), 'rtc-keys-'));
  try {
    for (const [key, kid, alg] of /** @type {const} */ ([
      [es, '2026-01', 'ES256'],
      [ed, '2026-02', 'EdDSA'],
    ])) {
      const file = joinPath(dir, `${kid}.pem`);
      writeFileSync(file, key.pem);
      const r = await runCli([
        'mint-token',
        '--room',
        'standup',
        '--name',
        'Ada',
        '--sub',
        'u-9',
        '--private-key',
        file,
        '--kid',
        kid,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const token = r.stdout.trim();
      assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()), { alg, typ: 'JWT', kid });
      const check = await verifyRoomToken(token, { publicKeys: JWKS }, 'standup');
      assert.equal(check.ok, true);
      assert.equal(/** @type {any} */ (check).identity, 'u-9');
    }
    const missing = await runCli(['mint-token', '--room', 'standup', '--private-key', joinPath(dir, 'nope.pem')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--private-key: cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
