// @ts-check
/**
 * A call through TURN, tested as one: our own coturn on loopback with the REST API shared secret, a real broker
 * process that hands out its credentials, and two headless Chromium pages that embed the widget with
 * `ice-transport-policy="relay"`. Media must flow both ways, the selected ICE pair must be relayed by our coturn, and
 * coturn must have made the allocations.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, remoteFrames, waitForRemoteVideos } from '../support/browser.js';
import { startCoturn } from '../support/coturn.js';

/** @type {Awaited<ReturnType<typeof startCoturn>>} */
let coturn;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {http.Server} */
let site;
let siteUrl = '';
let turnUrls = /** @type {string[]} */ ([]);

/** A page of another site that embeds the widget and asks for relay-only connections. */
const embedPage = (
  /** @type {string} */ broker,
  /** @type {string} */ room,
  /** @type {string} */ name,
) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Relay only</title>
<script type="module" src="${broker}/rtc-call.js"></script></head>
<body><rtc-call no-prejoin room="${room}" name="${name}" ice-transport-policy="relay"></rtc-call></body></html>`;

before(async () => {
  coturn = await startCoturn({ realm: 'rtc-call.test' });
  console.log(`coturn: ${coturn.commandLine}`);
  turnUrls = [`turn:127.0.0.1:${coturn.port}?transport=udp`, `turn:127.0.0.1:${coturn.port}?transport=tcp`];
  server = await startServer({ TURN_URLS: turnUrls.join(','), TURN_SECRET: coturn.secret });
  site = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    res.setHeader('Content-Type', 'text/html');
    res.end(embedPage(server.url, q.get('room') ?? 'x', q.get('name') ?? ''));
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', () => r(undefined)));
  siteUrl = `http://localhost:${/** @type {import('node:net').AddressInfo} */ (site.address()).port}`;
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  site?.close();
  await server?.stop();
  await coturn?.stop();
});

test('the join API hands out TURN REST credentials signed with the shared secret', async () => {
  const res = await fetch(`${server.url}/rtc/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ room: `creds-${Date.now()}` }),
  });
  assert.equal(res.status, 200);
  const seat = await res.json();
  const now = Math.floor(Date.now() / 1000);
  const turn = seat.iceServers.find((/** @type {{urls: string[]}} */ s) => s.urls.some((u) => u.startsWith('turn:')));
  assert.ok(turn, `a TURN entry in ${JSON.stringify(seat.iceServers)}`);
  assert.deepEqual(turn.urls, turnUrls);
  const m = /^(\d+):(.+)$/.exec(turn.username);
  assert.ok(m, `username is <expiry>:<id>, got ${turn.username}`);
  assert.equal(m[2], seat.id, 'the id in the username is the seat id');
  const expiry = Number(m[1]);
  assert.ok(Math.abs(expiry - (now + 3600)) <= 5, `expiry ${expiry} is now + TURN_TTL (3600 s), now ${now}`);
  assert.equal(seat.ttl, 3600);
  assert.equal(turn.credential, createHmac('sha1', coturn.secret).update(turn.username).digest('base64'));
});

test('two relay-only pages see each other through our coturn', async () => {
  const room = `relay-${Date.now()}`;
  const names = ['Ana', 'Ben'];
  const pages = [];
  const loadedAt = /** @type {number[]} */ ([]);
  try {
    for (const name of names) {
      loadedAt.push(Date.now());
      pages.push({
        ...(await openPage(chromium.browser, `${siteUrl}/?prejoin=off&room=${room}&name=${name}`, recordCandidates)),
        name,
      });
    }

    const firstFrameMs = await Promise.all(
      pages.map(async ({ page, name }, i) => {
        try {
          await waitForRemoteVideos(page, 1, 60000);
        } catch (err) {
          const state = await page.evaluate(peerStats).catch((e) => String(e));
          const refused = coturn.logs.filter((l) => /error|401|403|438|denied|forbidden/i.test(l)).slice(-10);
          throw new Error(
            `${name}: no remote video over the relay: ${err}\npage: ${JSON.stringify(state)}\ncoturn: ${refused.join('\n') || '(no errors logged)'}`,
          );
        }
        return Date.now() - loadedAt[i];
      }),
    );
    console.log(
      `page load to first remote frame over the relay: ${firstFrameMs.map((ms, i) => `${names[i]} ${ms} ms`).join(', ')}`,
    );

    for (const { page, name } of pages) {
      const { before, after } = await remoteFrames(page, 2000);
      assert.equal(before.length, 1, `${name}: one remote tile`);
      assert.ok(after[0] > before[0], `${name}: the remote video advances: ${before[0]} -> ${after[0]}`);
    }

    const seen = [];
    for (const { page, name } of pages) {
      // ICE may still be settling on its pair: wait (bounded) for the route this test then reads.
      let info = await page.evaluate(peerStats);
      for (let i = 0; i < 40 && info.peers.some((/** @type {any} */ p) => !p.stats?.route); i++) {
        await new Promise((r) => setTimeout(r, 250));
        info = await page.evaluate(peerStats);
      }
      seen.push(info);
      console.log(`${name} (${info.self}): ${JSON.stringify(info.peers)}`);
      assert.equal(info.peers.length, 1, `${name}: one peer in the call`);
      const [{ stats }] = info.peers;
      assert.ok(stats?.route, `${name}: a route chosen: ${JSON.stringify(stats)}`);
      assert.equal(stats.state, 'connected');
      assert.ok(stats.bytesReceived > 0 && stats.bytesSent > 0, `${name}: bytes both ways`);
      assert.equal(stats.route.type, 'relay', `${name}: the route is relayed`);
      assert.equal(stats.route.local, 'relay', `${name}: the selected pair's local candidate is relayed`);
      assert.equal(stats.route.remote, 'relay', `${name}: so is the remote one (the other page is relay-only too)`);
      assert.ok(turnUrls.includes(stats.route.server), `${name}: relayed by our coturn: ${stats.route.server}`);
      assert.equal(stats.route.protocol, new URL(stats.route.server).searchParams.get('transport'));
      const gathered = await page.evaluate(() => [.../** @type {any} */ (window).rtcCandidateTypes]);
      assert.deepEqual(gathered, ['relay'], `${name}: relay-only gathers nothing but relay candidates`);
    }
    // What the visitor sees: the quality badge on the other's tile opens the details, whose route says "relayed".
    for (const [i, { page, name }] of pages.entries()) {
      const protocol = seen[i].peers[0].stats.route.protocol.toUpperCase();
      await page.waitForFunction(
        () => /** @type {any} */ (window).remoteTile()?.shadowRoot?.querySelector('[part~="quality"]'),
        { timeout: 15000 },
      );
      await page.evaluate(() =>
        /** @type {HTMLElement} */ (
          /** @type {any} */ (window).remoteTile().shadowRoot.querySelector('[part~="quality"]')
        ).click(),
      );
      const route = await page.waitForFunction(
        () =>
          /** @type {any} */ (window)
            .remoteTile()
            ?.shadowRoot?.querySelector('rtc-quality-details')
            ?.shadowRoot?.querySelector('[data-key="route"] [part~="value"]')?.textContent,
        { timeout: 15000 },
      );
      assert.equal(await route.jsonValue(), `Relayed through TURN over ${protocol}`, `${name}: the route shown`);
    }
    // Each page's relay is the other's remote candidate.
    assert.equal(seen[0].peers[0].id, seen[1].self);
    assert.equal(seen[1].peers[0].id, seen[0].self);

    // coturn made allocations for both pages, with the credentials our server issued them (username <expiry>:<id>).
    // Lines look like: session 000000000000000002: realm <rtc-call.test> user <1795595115:abc123>: incoming packet
    // ALLOCATE processed, success (logged with --verbose).
    const allocationsFor = (/** @type {string} */ id) =>
      coturn.logs.filter(
        (l) => /incoming packet ALLOCATE processed, success/.test(l) && l.includes(`user <`) && l.includes(`:${id}>`),
      );
    for (let i = 0; i < 50 && seen.some(({ self }) => !allocationsFor(self).length); i++)
      await new Promise((r) => setTimeout(r, 100));
    for (const { self } of seen) {
      assert.ok(
        allocationsFor(self).length >= 1,
        `coturn allocated for ${self}:\n${coturn.logs.slice(-60).join('\n')}`,
      );
    }
    const allocations = coturn.logs.filter((l) => /ALLOCATE processed, success/.test(l));
    console.log(`coturn: ${allocations.length} successful allocations`);

    for (const { errors, name } of pages) assert.deepEqual(errors, [], `${name}: no page errors`);
  } finally {
    await Promise.all(pages.map(({ context }) => context.close().catch(() => {})));
  }
});

/** In the page: `call.stats(id)` of every other participant. */
async function peerStats() {
  const call = /** @type {any} */ (document.querySelector('rtc-call'))?.call;
  const peers = [];
  for (const { id, local } of call?.participants ?? []) if (!local) peers.push({ id, stats: await call.stats(id) });
  return { self: call?.seat?.id, peers };
}

/**
 * Runs in the page before its scripts: records the type of every ICE candidate its connections gather, and defines
 * `remoteTile()`, the other participant's tile.
 */
function recordCandidates() {
  Object.assign(window, {
    remoteTile: () =>
      [
        .../** @type {any} */ (
          document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile') ?? []
        ),
      ].find((/** @type {any} */ t) => t.participant && !t.participant.local),
  });
  const Native = window.RTCPeerConnection;
  /** @type {Set<string>} */
  const types = new Set();
  Object.assign(window, { rtcCandidateTypes: types });
  window.RTCPeerConnection = class extends Native {
    /** @param {any[]} args */
    constructor(...args) {
      super(.../** @type {[RTCConfiguration]} */ (args));
      this.addEventListener('icecandidate', (e) => e.candidate?.type && types.add(e.candidate.type));
    }
  };
}
