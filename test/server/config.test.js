// Configuration: defaults, every bad value refused with a message naming the setting, and the CLI around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { parseConfig, ConfigError, SETTINGS } from '../../server/dist/server/config.js';
import { verifyRoomToken } from '../../server/dist/server/tokens.js';
import { runCli, HOST } from './helpers.js';

test('defaults: port 9000, no ICE servers, no secrets, any origin', () => {
  const c = parseConfig([], {});
  assert.equal(c.port, 9000);
  assert.deepEqual(c.turnUrls, []);
  assert.deepEqual(c.stunUrls, []);
  assert.equal(c.turnSecret, '');
  assert.equal(c.roomSecret, '');
  assert.deepEqual(c.allowedOrigins, []);
  assert.deepEqual(c.trustProxy, []);
  assert.equal(c.logLevel, 'info');
  // Every setting has its documented default.
  for (const s of SETTINGS) assert.deepEqual(c[s.key], s.def, s.env);
});

test('environment and flags are read; the flag wins', () => {
  const c = parseConfig(['--port', '1234', '--room-max=3', '--trust-proxy', 'loopback,10.0.0.0/8'], {
    PORT: '9999',
    STUN_URLS: 'stun:a.test:3478, stun:b.test',
    ALLOWED_ORIGINS: 'https://a.test,http://b.test:8080',
    TURN_URLS: 'turn:t.test:3478?transport=udp,turns:t.test:5349',
    TURN_SECRET: 'shh',
    TURN_TTL: '120',
  });
  assert.equal(c.port, 1234);
  assert.equal(c.roomMax, 3);
  assert.deepEqual(c.trustProxy, ['loopback', '10.0.0.0/8']);
  assert.deepEqual(c.stunUrls, ['stun:a.test:3478', 'stun:b.test']);
  assert.deepEqual(c.allowedOrigins, ['https://a.test', 'http://b.test:8080']);
  assert.deepEqual(c.turnUrls, ['turn:t.test:3478?transport=udp', 'turns:t.test:5349']);
  assert.equal(c.turnTtl, 120);
});

/** A bad value for each setting, and what the refusal must say besides the variable's name. */
const BAD = {
  PORT: ['abc', '65536', '-1', '1e3', '80.5'],
  TURN_URLS: ['http://turn.test'],
  TURN_TTL: ['9', '604801', 'soon'],
  STUN_URLS: ['turn:x.test', 'stun:a b'],
  ROOM_SECRET: ['too-short'],
  ALLOWED_ORIGINS: [
    'example.com',
    'https://example.com/path',
    '*',
    'https://example.com?x=1',
    'https://*.example.com',
    'https://user@example.com',
    'https://example.com/',
  ],
  ROOM_PUBLIC_KEY: ['not-a-key', '{"kty":"oct","k":"AAAA"}'],
  TOKEN_MAX_TTL: ['59', '2678401', 'a day'],
  TOKEN_GRACE: ['86401', '-1'],
  ROOM_MAX: ['1', '101', 'many'],
  MAX_CONNECTIONS: ['0', 'lots'],
  MAX_CONNECTIONS_PER_IP: ['0', '100001'],
  MAX_PAYLOAD: ['1023', '16777217', '64k'],
  MESSAGE_RATE: ['0', '100001'],
  JOIN_RATE: ['0', '1000001', 'fast'],
  ALIVE_TIMEOUT: ['999', '600001'],
  RECONNECT_GRACE: ['600001', 'x'],
  QUEUE_PER_PEER: ['100001', '-5'],
  QUEUE_TOTAL: ['10000001', '1.5'],
  QUEUE_PER_SENDER: ['10000001', 'some'],
  QUEUE_PER_ROOM: ['10000001', '-1'],
  QUEUE_BYTES_PER_PEER: ['1073741825', '256k'],
  QUEUE_BYTES_TOTAL: ['17179869185', '1e6'],
  SEND_BUFFER: ['65535', '1073741825', '1M'],
  SEND_BUFFER_TOTAL: ['65535', '17179869185', 'lots'],
  SHUTDOWN_TIMEOUT: ['600001', 'never'],
  TRUST_PROXY: ['maybe', '2', 'true', 'yes', '1', '10.0.0.0/33', 'fe80::1%eth0', 'toString'],
  MAX_SOCKETS_PER_IP: ['0', '100001'],
  REQUEST_TIMEOUT: ['999', '300001', 'soon'],
  PENDING_TIMEOUT: ['999', '600001'],
  PENDING_PER_IP: ['0', '1001'],
  LOG_LEVEL: ['loud', 'INFO'],
  METRICS_PORT: ['65536', 'nine', '-1'],
  METRICS_TOKEN: ['too-short', 'has a space in it 0123456789'],
  REDIS_URL: ['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://a b'],
};

test('every bad value is refused with a ConfigError naming the variable and the flag', () => {
  for (const [env, values] of Object.entries(BAD)) {
    const s = SETTINGS.find((x) => x.env === env);
    assert.ok(s, `${env} is a setting`);
    for (const value of values) {
      const extra = env === 'TURN_URLS' ? { TURN_SECRET: 'shh' } : {};
      assert.throws(
        () => parseConfig([], { ...extra, [env]: value }),
        (err) => err instanceof ConfigError && err.message.includes(env) && err.message.includes(s.flag),
        `${env}=${value}`,
      );
      // The same value given as a flag is refused the same way.
      assert.throws(
        () => parseConfig([`${s.flag}=${value}`], extra),
        (err) => err instanceof ConfigError && err.message.includes(env),
        `${s.flag}=${value}`,
      );
    }
  }
  // Every setting with a check is exercised above, except those that take any string.
  const anyString = SETTINGS.filter((s) => !(s.env in BAD)).map((s) => s.env);
  assert.deepEqual(anyString.sort(), ['HOST', 'METRICS_HOST', 'TURN_SECRET']);
});

test('TURN_URLS without TURN_SECRET is refused, and the other way round', () => {
  assert.throws(
    () => parseConfig([], { TURN_URLS: 'turn:t.test' }),
    (err) => err instanceof ConfigError && /TURN_URLS/.test(err.message) && /TURN_SECRET/.test(err.message),
  );
  assert.throws(
    () => parseConfig([], { TURN_SECRET: 'shh' }),
    (err) => err instanceof ConfigError && /TURN_SECRET/.test(err.message) && /TURN_URLS/.test(err.message),
  );
  assert.doesNotThrow(() => parseConfig([], { TURN_URLS: 'turn:t.test', TURN_SECRET: 'shh' }));
});

test('unknown flags and flags without a value are refused', () => {
  assert.throws(
    () => parseConfig(['--prot', '80'], {}),
    (err) => err instanceof ConfigError && err.message.includes('--prot'),
  );
  assert.throws(
    () => parseConfig(['--port'], {}),
    (err) => err instanceof ConfigError && err.message.includes('--port'),
  );
});

test('CLI --help lists every setting with its variable and flag, and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const s of SETTINGS) {
    assert.ok(r.stdout.includes(s.env), `help names ${s.env}`);
    assert.ok(r.stdout.includes(s.flag), `help names ${s.flag}`);
  }
  assert.match(r.stdout, /mint-token/);
});

test('CLI: a bad setting stops start-up with exit code 2 and a one-line message naming it', async () => {
  const cases = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ TURN_URLS: 'turn:t.test' }, 'TURN_SECRET'],
    [{ ROOM_SECRET: 'short' }, 'ROOM_SECRET'],
    [{ ALLOWED_ORIGINS: 'nope' }, 'ALLOWED_ORIGINS'],
  ];
  // Four CLIs start at once: on a busy 2-core machine, loading express and peer alone can take seconds each.
  const results = await Promise.all(cases.map(([env]) => runCli([], { HOST, PORT: '0', ...env }, 30000)));
  for (const [i, r] of results.entries()) {
    const [, name] = cases[i];
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^rtc-call: .*${name}`));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, no stack trace: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, /is running/);
  }
  const flag = await runCli(['--room-max', '1'], { HOST, PORT: '0' });
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /ROOM_MAX \(--room-max\)/);
});

test('CLI: a port that cannot be listened on stops start-up with a message naming PORT', async () => {
  const blocker = net.createServer();
  blocker.listen(0, HOST);
  await once(blocker, 'listening');
  try {
    const port = /** @type {import('node:net').AddressInfo} */ (blocker.address()).port;
    const r = await runCli([], { HOST, PORT: String(port) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^rtc-call: cannot listen on .*PORT.*EADDRINUSE$/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    blocker.close();
  }
});

test('CLI mint-token prints a token for the room that the server accepts', async () => {
  const secret = 'a-room-secret-of-some-length';
  const r = await runCli(['mint-token', '--room', 'standup', '--name', 'Ada', '--ttl', '60'], { ROOM_SECRET: secret });
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp;
  assert.deepEqual(await verifyRoomToken(token, secret, 'standup'), {
    ok: true,
    name: 'Ada',
    identity: undefined,
    exp,
  });
  assert.equal((await verifyRoomToken(token, secret, 'other')).ok, false);
  assert.ok(Math.abs(exp - (Date.now() / 1000 + 60)) < 5, 'ttl honoured');

  const noSecret = await runCli(['mint-token', '--room', 'standup']);
  assert.equal(noSecret.code, 2);
  assert.match(noSecret.stderr, /ROOM_SECRET/);
  const noRoom = await runCli(['mint-token'], { ROOM_SECRET: secret });
  assert.equal(noRoom.code, 2);
  assert.match(noRoom.stderr, /--room/);
  const badTtl = await runCli(['mint-token', '--room', 'x', '--ttl', '-5'], { ROOM_SECRET: secret });
  assert.equal(badTtl.code, 2);
  assert.match(badTtl.stderr, /--ttl/);
});
