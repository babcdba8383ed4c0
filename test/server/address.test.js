// Per-address limits count people, not address spellings: IPv4-mapped addresses are their IPv4 address, an IPv6
// client is its /64, zone ids are dropped, and the remembered addresses are bounded without forgetting the active
// ones. X-Forwarded-For is read only from the proxies named in TRUST_PROXY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress, addressKey } from '../../server/dist/server/address.js';
import { LruMap } from '../../server/dist/server/lru.js';
import { perAddressLimit } from '../../server/dist/server/rate.js';
import { proxyTrust, clientAddress } from '../../server/dist/server/proxy.js';
import { parseConfig, ConfigError } from '../../server/dist/server/config.js';
import { startServer, join, connect, upgradeStatus, refusals, fakeId } from './helpers.js';

test('canonicalAddress: IPv4-mapped is IPv4 however written, zone ids go, IPv6 is in RFC 5952 form', () => {
  const cases = [
    ['1.2.3.4', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:102:304', '1.2.3.4'],
    ['::FFFF:0102:0304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4'],
    ['::1.2.3.4', '1.2.3.4'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8::1.2.3.4', '2001:db8::102:304'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['fe80::1%eth0', 'fe80::1'],
    [`fe80::1%${'z'.repeat(12000)}`, 'fe80::1'],
    [' 10.0.0.1 ', '10.0.0.1'],
  ];
  for (const [raw, want] of cases) assert.equal(canonicalAddress(raw), want, raw);
  for (const bad of ['junk', '', '1.2.3', '01.2.3.4', '1.2.3.4/8', '::ffff:1.2.3.4.5', undefined, 42])
    assert.equal(canonicalAddress(bad), undefined, String(bad));
});

test('addressKey: an IPv6 /64 is one key, IPv4 and its mapped form are one key', () => {
  assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::ffff:c000:207'), '192.0.2.7');
  assert.equal(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:DB8:1:2:0:0:0:ffff%eth0'), '2001:db8:1:2::/64');
  assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'), 'the next /64 is someone else');
  assert.equal(addressKey('2001:db8::1'), '2001:db8::/64');
  assert.equal(addressKey('::1'), '::/64');
  // An address that merely ends in dotted notation is IPv6, keyed by its /64, not by the bits the client chose.
  assert.equal(addressKey('2001:db8::1.2.3.4'), '2001:db8::/64');
});

test('LruMap forgets the least recently used entry when full, never everything', () => {
  const m = new LruMap(3);
  m.set('a', 1).set('b', 2).set('c', 3);
  assert.equal(m.get('a'), 1, 'a is now the most recently used');
  m.set('d', 4);
  assert.equal(m.size, 3);
  assert.equal(m.has('b'), false, 'b was the least recently used');
  assert.deepEqual(
    ['a', 'c', 'd'].map((k) => m.get(k)),
    [1, 3, 4],
  );
  assert.throws(() => new LruMap(0), RangeError);
});

test('LruMap: using the most recent entry again, setting it, or deleting it keeps the order of the rest', () => {
  const m = new LruMap(3);
  m.set('a', 1).set('b', 2).set('c', 3);
  assert.equal(m.get('c'), 3);
  assert.equal(m.get('c'), 3);
  m.set('c', 30);
  assert.equal(m.get('c'), 30);
  m.set('d', 4);
  assert.deepEqual([m.has('a'), m.has('b')], [false, true], 'a, not c, was the least recently used');
  assert.equal(m.get('b'), 2, 'b moves to the end');
  m.set('e', 5);
  assert.deepEqual([m.has('c'), m.has('d'), m.has('b')], [false, true, true], 'c went next');
  assert.equal(m.delete('e'), true);
  assert.equal(m.get('e'), undefined);
  m.set('e', 6).set('f', 7);
  assert.deepEqual(
    ['d', 'b', 'e', 'f'].map((k) => m.get(k)),
    [undefined, 2, 6, 7],
    'a deleted newest comes back as new, and d was the least recently used',
  );
});

test('the join limit keeps its count for active addresses while a flood of new addresses fills it', () => {
  let now = 1_000_000;
  const allowed = perAddressLimit({ perMinute: 3, capacity: 100, now: () => now });
  for (let i = 0; i < 3; i++) assert.equal(allowed('192.0.2.1'), true);
  assert.equal(allowed('192.0.2.1'), false, 'the allowance is spent');
  // Ten times the capacity of fresh addresses, with the limited address still trying in between.
  for (let i = 0; i < 1000; i++) {
    allowed(`10.${(i >> 8) & 255}.${i & 255}.1`);
    if (i % 50 === 0) assert.equal(allowed('192.0.2.1'), false, `still limited after ${i} new addresses`);
  }
  assert.equal(allowed('192.0.2.1'), false, 'still limited: the flood did not reset it');
  // Each address in a /64, and the mapped form of an IPv4 address, draws on the same allowance.
  for (let i = 0; i < 3; i++) assert.equal(allowed(`2001:db8:5:5::${i + 1}`), true);
  assert.equal(allowed('2001:db8:5:5:ffff::9'), false);
  assert.equal(allowed('2001:db8:5:6::1'), true, 'another /64');
  assert.equal(allowed('::ffff:192.0.2.1'), false);
  // Time refills it.
  now += 60_000;
  assert.equal(allowed('192.0.2.1'), true);
});

test('clientAddress: X-Forwarded-For only from a trusted proxy, the right-most untrusted entry, no zone ids', () => {
  const req = (/** @type {string} */ remoteAddress, /** @type {string | undefined} */ xff) =>
    /** @type {import('node:http').IncomingMessage} */ (
      /** @type {unknown} */ ({
        socket: { remoteAddress },
        headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      })
    );
  const trusted = proxyTrust(['loopback', '10.0.0.0/8']);
  assert.equal(clientAddress(req('192.0.2.9', '6.6.6.6'), trusted), '192.0.2.9', 'not from a proxy: ignored');
  assert.equal(clientAddress(req('::ffff:192.0.2.9', '6.6.6.6'), trusted), '192.0.2.9');
  assert.equal(clientAddress(req('127.0.0.1', '6.6.6.6, 192.0.2.7'), trusted), '192.0.2.7');
  assert.equal(clientAddress(req('::1', '6.6.6.6, 192.0.2.7, 10.1.1.1'), trusted), '192.0.2.7', 'proxy hops skipped');
  assert.equal(clientAddress(req('127.0.0.1', '10.1.1.1, 10.2.2.2'), trusted), '10.1.1.1', 'all trusted: the first');
  assert.equal(clientAddress(req('127.0.0.1', 'junk, 10.2.2.2'), trusted), '10.2.2.2', 'garbage ends the walk');
  assert.equal(clientAddress(req('127.0.0.1', undefined), trusted), '127.0.0.1');
  assert.equal(clientAddress(req('127.0.0.1', `fe80::1%${'z'.repeat(12000)}`), trusted), 'fe80::1');
  assert.equal(clientAddress(req('127.0.0.1', '6.6.6.6'), proxyTrust([])), '127.0.0.1', 'no proxies: none trusted');
  const v6 = proxyTrust(['2001:db8::/32', '::ffff:192.168.0.0/112']);
  assert.equal(v6('2001:db8:ffff::1'), true);
  assert.equal(v6('2001:db9::1'), false);
  assert.equal(v6('192.168.4.4'), true, 'a mapped range is the IPv4 range it maps');
  assert.equal(v6('192.169.0.1'), false);
});

test('TRUST_PROXY=true is refused at start-up with a message that says to name the proxy', () => {
  for (const value of ['true', 'TRUE', 'yes', 'on', '1'])
    assert.throws(
      () => parseConfig([], { TRUST_PROXY: value }),
      (err) => err instanceof ConfigError && /TRUST_PROXY/.test(err.message) && /loopback/.test(err.message),
      value,
    );
  for (const value of ['false', 'no', '0', 'off', ''])
    assert.deepEqual(parseConfig([], { TRUST_PROXY: value }).trustProxy, []);
  assert.deepEqual(parseConfig([], { TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy, [
    'loopback',
    '10.0.0.0/8',
    '::1',
  ]);
});

test('a forged X-Forwarded-For from an address that is not a configured proxy is ignored', async (t) => {
  // The tests connect from 127.0.0.1, which is not the proxy here.
  const srv = await startServer(t, { TRUST_PROXY: '10.0.0.0/8', JOIN_RATE: '1', MAX_CONNECTIONS_PER_IP: '1' });
  const first = await join(srv, { room: 'r' }, { 'x-forwarded-for': '192.0.2.1' });
  assert.equal(first.status, 200);
  const second = await join(srv, { room: 'r' }, { 'x-forwarded-for': '192.0.2.2' });
  assert.equal(second.status, 429, 'another made-up address is still the same client');
  assert.equal(second.json.code, 'rate-limited');
  const a = await connect(srv, first.json, { headers: { 'x-forwarded-for': '192.0.2.3' } });
  assert.equal((await a.next()).type, 'OPEN');
  // The one connection this address may have is taken, whatever the next upgrade claims to come from (the address
  // cap is checked before the seat).
  const forged = { id: fakeId(), secret: fakeId() };
  assert.equal(await upgradeStatus(srv, forged, { headers: { 'x-forwarded-for': '192.0.2.4' } }), 429);
  assert.equal(await refusals(srv, 'ip-limit'), 1);
  // The log has the real address only.
  assert.ok(!srv.logs.some((l) => l.includes('192.0.2.')), 'no forged address in the log');
});

test('behind a trusted proxy, ::ffff:a.b.c.d and a.b.c.d are one client, and so is one IPv6 /64', async (t) => {
  const srv = await startServer(t, { TRUST_PROXY: 'loopback', JOIN_RATE: '2', MAX_CONNECTIONS_PER_IP: '1' });
  const via = (/** @type {string} */ xff) => ({ 'x-forwarded-for': xff });
  assert.equal((await join(srv, { room: 'r' }, via('192.0.2.7'))).status, 200);
  assert.equal((await join(srv, { room: 'r' }, via('::ffff:192.0.2.7'))).status, 200);
  assert.equal((await join(srv, { room: 'r' }, via('::ffff:c000:207'))).status, 429);
  assert.equal((await join(srv, { room: 'r' }, via('2001:db8:7:7::1'))).status, 200);
  assert.equal((await join(srv, { room: 'r' }, via('2001:db8:7:7::2'))).status, 200);
  assert.equal((await join(srv, { room: 'r' }, via('2001:db8:7:7:abcd::3'))).status, 429, 'the same /64');
  // The broker's connection cap counts the same way.
  const seats = [];
  for (let i = 0; i < 4; i++) seats.push((await join(srv, { room: 'r' }, via(`198.51.100.${i}`))).json);
  const a = await connect(srv, seats[0], { headers: via('2001:db8:9:9::1') });
  assert.equal((await a.next()).type, 'OPEN');
  assert.equal(await upgradeStatus(srv, seats[1], { headers: via('2001:db8:9:9::ffff') }), 429, 'the same /64');
  assert.equal(await upgradeStatus(srv, seats[1], { headers: via('2001:db8:9:a::1') }), 101, 'the next /64');
  const b = await connect(srv, seats[2], { headers: via('203.0.113.5') });
  assert.equal((await b.next()).type, 'OPEN');
  assert.equal(await upgradeStatus(srv, seats[3], { headers: via('::ffff:203.0.113.5') }), 429, 'the mapped form');
});

test('a 12,000-character IPv6 zone id never reaches the logs', async (t) => {
  const srv = await startServer(t, { TRUST_PROXY: 'loopback' }, { logLevel: 'debug' });
  const zoned = `fe80::1%${'z'.repeat(12000)}`;
  const res = await join(srv, { room: 'r' }, { 'x-forwarded-for': zoned });
  assert.equal(res.status, 200);
  assert.equal(
    await upgradeStatus(srv, { id: res.json.id, secret: 'wrong' }, { headers: { 'x-forwarded-for': zoned } }),
    401,
  );
  const c = await connect(srv, res.json, { headers: { 'x-forwarded-for': `1.1.1.1, ${zoned}` } });
  assert.equal((await c.next()).type, 'OPEN');
  const lines = srv.logs.filter((l) => /seat issued|websocket refused|member connected/.test(l));
  assert.equal(lines.length, 3, srv.logs.join('\n'));
  for (const line of srv.logs) {
    assert.ok(!line.includes('zzzz'), `zone id in the log: ${line.slice(0, 200)}`);
    assert.ok(line.length < 500, `a long log line: ${line.slice(0, 200)}`);
  }
  for (const line of lines) assert.equal(JSON.parse(line).ip, 'fe80::1');
});

test('canonicalAddress answers the same the second time (it remembers recent answers), also for non-addresses', () => {
  const inputs = ['::ffff:10.0.0.1', ' 10.0.0.1', 'fe80::1%eth0', 'not an address', '', '1'.repeat(80), '::1'];
  const first = inputs.map(canonicalAddress);
  assert.deepEqual(first, ['10.0.0.1', '10.0.0.1', 'fe80::1', undefined, undefined, undefined, '::1']);
  assert.deepEqual(inputs.map(canonicalAddress), first);
  assert.deepEqual(inputs.map(addressKey), inputs.map(addressKey));
});
