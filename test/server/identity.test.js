// The guard and `peer` see one identity: an upgrade URL that two query parsers could read differently (a repeated,
// re-encoded or unknown parameter) is refused before `peer` sees it, so nobody can take over another member's id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  startServer,
  join,
  member,
  connect,
  connectUrl,
  refusals,
  scrape,
  until,
  fakeId,
  nothingElseFor,
  HOST,
} from './helpers.js';

/**
 * An upgrade by hand, with the request target exactly as given (no client-side URL normalisation). Resolves with
 * the status line's code and what followed the head: a refusal's body, or a 101's frames up to the first that
 * contains `upTo` (at once when not given); the socket is then closed.
 * @param {import('./helpers.js').Srv} srv
 * @param {string} target
 * @param {string} [upTo]
 * @returns {Promise<{status: number, body: string}>}
 */
function rawUpgrade(srv, target, upTo = '') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, HOST);
    srv.owned.add(socket);
    const timer = setTimeout(() => reject(new Error(`no answer to ${target}`)), 5000);
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: ${HOST}:${srv.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    let text = '';
    const settle = () => {
      clearTimeout(timer);
      socket.destroy();
      srv.owned.delete(socket);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      // A 101 is settled by its head alone; a refusal once the server has sent it all and hung up.
      const head = text.indexOf('\r\n\r\n');
      if (text.startsWith('HTTP/1.1 101') && head >= 0 && text.slice(head).includes(upTo)) settle();
    });
    socket.once('end', settle);
  });
}

test('a repeated id/token cannot take over an away member: 400, no OPEN, no OFFER; the owner gets its id back', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '10000' });
  const victim = await member(srv, 'r', 'Victim');
  const mate = await member(srv, 'r', 'Mate');
  const witness = await member(srv, 'r', 'Witness');
  // The attacker holds an ordinary seat of its own, in another room.
  const own = (await join(srv, { room: 'elsewhere', name: 'Mallory' })).json;
  await mate.client.waitFor('RTC-JOINED');
  victim.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 2, 3000, 'the drop');
  mate.client.send({ type: 'OFFER', dst: victim.id, payload: { sdp: 'for the victim only' } });
  // The mate's next frame reaching the witness proves the OFFER was handled (queued for the victim) before.
  await nothingElseFor(mate, witness);

  const query = `key=rtc-call&id=${own.id}&token=${own.secret}&id=${victim.id}&token=x`;
  const before = await refusals(srv, 'bad-request');
  const attempt = await connectUrl(srv, `ws://${HOST}:${srv.port}/broker/peerjs?${query}`).then(
    async (c) => ({ opened: true, first: await c.next(1000).catch(() => undefined), more: c.all }),
    (err) => ({ opened: false, status: err.status }),
  );
  assert.deepEqual(attempt, { opened: false, status: 400 }, 'refused before peer registers anything');
  assert.equal(await refusals(srv, 'bad-request'), before + 1);

  // The owner comes back within the grace, gets OPEN and the OFFER that was held for it.
  const back = await connect(srv, victim);
  assert.equal((await back.next()).type, 'OPEN');
  const offer = await back.waitFor('OFFER');
  assert.deepEqual(offer, { type: 'OFFER', src: mate.id, dst: victim.id, payload: { sdp: 'for the victim only' } });
});

test('every way two query parsers could disagree is refused with 400, and the plain PeerJS URL still opens', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '10000' });
  const victim = await member(srv, 'r', 'Victim');
  const own = (await join(srv, { room: 'elsewhere' })).json;
  const v = victim.id;
  const targets = [
    `key=rtc-call&id=${own.id}&token=${own.secret}&id=${v}&token=x`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&%69d=${v}&%74oken=x`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&%69%64=${v}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&ID=${v}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&Id=${v}&TOKEN=x`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&key=other`,
    `key=rtc-call&key=rtc-call&id=${own.id}&token=${own.secret}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&token=${own.secret}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&version=1&version=2`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&id+=${v}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&%20id=${v}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&&id=${v}`,
    `key=rtc%2Dcall&id=${own.id}&token=${own.secret}&id=${v}`,
    `key=rtc-call&token=${own.secret}&id=${own.id}%00${v}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}&%ZZid=${v}`,
    `key=rtc-call&id=${own.id}&token=${own.secret}%E0%A4`,
  ];
  for (const query of targets) {
    const res = await rawUpgrade(srv, `/broker/peerjs?${query}`);
    assert.equal(res.status, 400, query);
  }
  assert.equal(await refusals(srv, 'bad-request'), targets.length);
  // '+' is a space for both parsers: a token with one is just a wrong token.
  assert.equal((await rawUpgrade(srv, `/broker/peerjs?key=rtc-call&id=${v}&token=${victim.secret}+`)).status, 401);
  // Other names are ignored and never reach peer: the seat opens as its own id, whatever they say.
  for (const extra of [`extra=${v}`, `=${v}`, `peer=${v}`, `src=${v}`]) {
    const c = await connectUrl(
      srv,
      `ws://${HOST}:${srv.port}/broker/peerjs?key=rtc-call&id=${own.id}&token=${own.secret}&${extra}`,
    );
    assert.equal((await c.next()).type, 'OPEN', extra);
    assert.equal((await c.next()).payload.self.id, own.id, extra);
    c.destroy();
    await c.closed;
  }
  // What the PeerJS client sends (with its version) opens, as the seat's own id.
  const ok = await connectUrl(
    srv,
    `ws://${HOST}:${srv.port}/broker/peerjs?key=rtc-call&id=${own.id}&token=${own.secret}&version=1.5.4`,
  );
  assert.equal((await ok.next()).type, 'OPEN');
  assert.equal((await ok.next()).payload.self.id, own.id);
  // A fragment is no part of the query for either parser: what follows it names nobody.
  const frag = await rawUpgrade(
    srv,
    `/broker/peerjs?key=rtc-call&id=${own.id}&token=${own.secret}#&id=${v}&token=x`,
    '"RTC-ROOM"',
  );
  assert.equal(frag.status, 101);
  assert.match(frag.body, new RegExp(`"self":\\{"id":"${own.id}"`));
  assert.equal((await rawUpgrade(srv, `/broker/peerjs?key=rtc-call&id=${v}&token=x#${victim.secret}`)).status, 401);
  assert.ok(victim.client.open, 'the victim was never replaced');
});

test('a probe tells nothing about whether the victim is online: the same answer as for an id nobody holds', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '10000' });
  const victim = await member(srv, 'r', 'Victim');
  const own = (await join(srv, { room: 'elsewhere' })).json;
  const probe = (/** @type {string} */ id) =>
    rawUpgrade(srv, `/broker/peerjs?key=rtc-call&id=${own.id}&token=${own.secret}&id=${id}&token=x`);
  const online = await probe(victim.id);
  const nobody = await probe(fakeId());
  assert.equal(online.status, 400);
  assert.deepEqual(online, nobody);
  // The same for a plain upgrade with the victim's id and a wrong token.
  const guess = (/** @type {string} */ id) => rawUpgrade(srv, `/broker/peerjs?key=rtc-call&id=${id}&token=wrong`);
  const g1 = await guess(victim.id);
  assert.equal(g1.status, 401);
  assert.deepEqual(g1, await guess(fakeId()));
  assert.ok(victim.client.open);
});

test('were peer ever to read another id than the guard checked, that socket is closed before anything reaches it', async (t) => {
  const srv = await startServer(t, { RECONNECT_GRACE: '10000' });
  const victim = await member(srv, 'r', 'Victim');
  const mate = await member(srv, 'r', 'Mate');
  const witness = await member(srv, 'r', 'Witness');
  await mate.client.waitFor('RTC-JOINED');
  victim.client.destroy();
  await until(async () => (await scrape(srv)).get('rtc_open_connections') === 2, 3000, 'the drop');
  mate.client.send({ type: 'OFFER', dst: victim.id, payload: { sdp: 'for the victim only' } });
  await nothingElseFor(mate, witness);
  const own = (await join(srv, { room: 'elsewhere' })).json;
  // A disagreement the guard cannot see: after the guard has checked the attacker's own identity, the request's URL
  // (which `peer` reads) names the victim, and the guard's rebuilt URL does not stick.
  const victimUrl = `/broker/peerjs?key=rtc-call&id=${victim.id}&token=x`;
  const twoFaced = (/** @type {import('node:http').IncomingMessage} */ req) => {
    const url = req.url;
    let checked = false;
    Object.defineProperty(req, 'url', {
      configurable: true,
      get: () => (checked ? victimUrl : url),
      set: () => {
        checked = true;
      },
    });
  };
  srv.rtc.server.prependListener('upgrade', twoFaced);
  t.after(() => srv.rtc.server.off('upgrade', twoFaced));
  // The 101 answer leaves together with what follows it at once (OPEN), so the socket is gone before even that:
  // the upgrade never completes, and nothing at all reaches it.
  await assert.rejects(connect(srv, own), /socket hang up|ECONNRESET/);
  srv.rtc.server.off('upgrade', twoFaced);
  assert.equal(await refusals(srv, 'identity-mismatch'), 1);
  // The owner can still come back.
  const back = await connect(srv, victim);
  assert.equal((await back.next()).type, 'OPEN');
  assert.equal((await back.waitFor('RTC-ROOM')).payload.self.id, victim.id);
});
