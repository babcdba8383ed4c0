// /metrics in Prometheus text format with plausible values, and logs as JSON lines that client junk cannot shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  member,
  join,
  request,
  connectUrl,
  brokerUrl,
  nothingElseFor,
  scrape,
  until,
  upgradeStatus,
  fakeId,
  LOG_LEVELS,
} from './helpers.js';

test('/metrics is Prometheus text with HELP and TYPE for every series', async (t) => {
  const srv = await startServer(t);
  const res = await request(srv, 'GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  const names = [
    'rtc_open_connections',
    'rtc_rooms',
    'rtc_members',
    'rtc_messages_relayed_total',
    'rtc_refusals_total',
    'rtc_turn_credentials_total',
    'rtc_joins_total',
    'rtc_leaves_total',
  ];
  for (const name of names) {
    assert.match(res.text, new RegExp(`^# HELP ${name} \\S`, 'm'), name);
    assert.match(res.text, new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'), name);
    assert.match(res.text, new RegExp(`^${name}(\\{[^}]*\\})? \\d+$`, 'm'), name);
  }
  for (const line of res.text.trim().split('\n'))
    assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[\w-]+"(,\w+="[\w-]+")*\})? \d+)$/, line);
  const m = await scrape(srv);
  for (const name of [
    'rtc_open_connections',
    'rtc_rooms',
    'rtc_members',
    'rtc_messages_relayed_total',
    'rtc_turn_credentials_total',
  ])
    assert.equal(m.get(name), 0, `${name} starts at 0`);
});

test('/metrics values follow what happens', async (t) => {
  const srv = await startServer(t, { TURN_URLS: 'turn:turn.test', TURN_SECRET: 'shh', RECONNECT_GRACE: '5000' });
  const a = await member(srv, 'one', 'A');
  const b = await member(srv, 'one', 'B');
  const c = await member(srv, 'two', 'C');
  await join(srv, { room: 'three' }); // a seat nobody connects to
  await a.client.waitFor('RTC-JOINED');
  a.client.send({ type: 'OFFER', dst: b.id, payload: {} });
  await b.client.waitFor('OFFER');
  b.client.send({ type: 'ANSWER', dst: a.id, payload: {} });
  await a.client.waitFor('ANSWER');
  a.client.send({ type: 'OFFER', dst: c.id, payload: {} }); // another room: refused
  a.client.send('junk'); // malformed
  await nothingElseFor(b, a);
  let m = await scrape(srv);
  assert.equal(m.get('rtc_open_connections'), 3);
  assert.equal(m.get('rtc_rooms'), 3, 'one, two, and three with its reserved seat');
  assert.equal(m.get('rtc_members'), 3, 'connected members only');
  assert.equal(m.get('rtc_messages_relayed_total'), 3);
  assert.equal(m.get('rtc_refusals_total{reason="not-in-room"}'), 1);
  assert.equal(m.get('rtc_refusals_total{reason="malformed"}'), 1);
  assert.equal(m.get('rtc_joins_total'), 4);
  assert.equal(m.get('rtc_turn_credentials_total'), 4);
  // A drop keeps the member (away) but not the connection; a leave removes both.
  c.client.destroy();
  b.client.send({ type: 'RTC-LEAVE' });
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 1, 2000, 'the closes');
  m = await scrape(srv);
  assert.equal(m.get('rtc_members'), 2, 'a, and c who is away');
  assert.equal(m.get('rtc_leaves_total'), 1);
  assert.equal(m.get('rtc_rooms'), 3);
});

test('logs are JSON lines with a level; client junk never appears in them verbatim', async (t) => {
  const srv = await startServer(t, { TRUST_PROXY: 'loopback' }, { logLevel: 'debug' });
  const a = await member(srv, 'r', 'A');
  const b = await member(srv, 'r', 'B');
  const junk = 'JUNK<script>\u001b[31m\u2028' + 'Z'.repeat(50);
  const junkId = `${junk}-id`;
  // Junk as ids, tokens, keys, room names, names, frames and forwarded addresses.
  assert.equal(await upgradeStatus(srv, { id: junkId, secret: junk }), 400);
  assert.equal(await upgradeStatus(srv, { id: 'x'.repeat(16) + junk, secret: junk }, { key: junk }), 400);
  const printable = 'JUNK<script>alert(1)</script>' + 'Z'.repeat(50);
  assert.equal(
    await upgradeStatus(
      srv,
      { id: fakeId(), secret: junk },
      { headers: { 'x-forwarded-for': `1.1.1.1, ${printable}` } },
    ),
    401,
  );
  await connectUrl(
    srv,
    brokerUrl(srv, { key: 'rtc-call', id: a.id, token: a.secret }) + `&junk=${encodeURIComponent(junk)}`,
  ).then((c) => c.destroy());
  await join(srv, { room: junk, name: junk, token: junk });
  await join(srv, { room: 'r', name: junk }, { 'x-forwarded-for': printable });
  await join(srv, { room: 'r', name: printable }, { 'x-forwarded-for': `${printable}, 192.0.2.1` });
  await request(srv, 'GET', `/${encodeURIComponent(junk)}`);
  b.client.send(junk);
  b.client.send({ type: junk, dst: junk, payload: junk });
  b.client.send({ type: 'OFFER', dst: junkId, payload: { junk } });
  await until(() => srv.logs.some((l) => l.includes('frame refused')), 2000, 'the frame logs');

  assert.ok(srv.logs.length > 5, 'something was logged');
  for (const line of srv.logs) {
    const entry = JSON.parse(line);
    assert.ok(LOG_LEVELS.includes(entry.level), line);
    assert.equal(typeof entry.msg, 'string');
    assert.ok(!Number.isNaN(Date.parse(entry.time)), line);
    assert.ok(!line.includes('JUNK'), `junk in the log: ${line}`);
    assert.ok(!line.includes('ZZZZZZZZZZ'), `junk in the log: ${line}`);
  }
  assert.ok(
    srv.logs.some((l) => JSON.parse(l).msg === 'websocket refused'),
    'refusals are logged',
  );
});

test('the log level filters', async (t) => {
  const srv = await startServer(t, {}, { logLevel: 'warn' });
  await member(srv, 'r', 'A');
  await join(srv, { room: 'bad room' });
  assert.deepEqual(srv.logs, [], 'nothing at info or debug');
});
