// @ts-check
/**
 * A real call goes on while hostile clients flood the same broker process with 100,000 bad frames, and the
 * broker still seats a newcomer afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, remoteFrames, waitForRemoteVideos } from '../support/browser.js';
import { member, connect, request } from '../support/broker-clients.js';

const TOTAL = 100_000;
const FLOODERS = 4;
/** The shortest time the flood is spread over. */
const MIN_FLOOD_MS = 5000;
/** How long one sample of Ana's remote video lasts (the fake camera sends 30 frames a second). */
const SAMPLE_MS = 300;

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;

before(async () => {
  // Every test client comes from 127.0.0.1, so the per-address cap is raised; every other limit is the default.
  server = await startServer({ MAX_CONNECTIONS_PER_IP: '100', LOG_LEVEL: 'warn' });
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

test(`a call goes on through a flood of ${TOTAL.toLocaleString('en')} bad frames`, async () => {
  const srv = { port: server.port, owned: new Set() };
  const room = `flood-${Date.now()}`;
  const pages = [];
  for (const name of ['Ana', 'Ben'])
    pages.push(await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
  await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, 1, 60000)));
  const victims = await Promise.all(
    pages.map(({ page }) => page.evaluate(() => document.querySelector('rtc-call')?.call?.seat?.id ?? '')),
  );

  // The flooders have seats of their own (in another room) and aim at the call's members too.
  const flooders = [];
  for (let i = 0; i < FLOODERS; i++) flooders.push(await member(/** @type {any} */ (srv), `${room}-x`, `F${i}`));
  const frames = [
    '{',
    'null',
    '[]',
    '42',
    '{"type":5}',
    JSON.stringify({ type: 'OFFER', dst: victims[0], payload: { sdp: 'v=0', type: 'offer', connectionId: 'evil' } }),
    JSON.stringify({ type: 'CANDIDATE', dst: victims[1], payload: { candidate: {}, connectionId: 'evil' } }),
    JSON.stringify({ type: 'LEAVE', dst: victims[0] }),
    JSON.stringify({ type: 'EXPIRE', dst: victims[1], src: victims[0] }),
    JSON.stringify({ type: 'RTC-LEFT', dst: victims[0], payload: { id: victims[1] } }),
    '['.repeat(500) + ']'.repeat(500),
  ];

  const started = Date.now();
  let sent = 0;
  let reconnects = 0;
  // Ana's remote video is sampled, one sample after another, from the start of the flood to its end; a sample
  // counts only if it ended while the flood was still going.
  let flooding = true;
  /** @type {{before: number[], after: number[]}[]} */
  const samples = [];
  const sampling = (async () => {
    while (flooding) {
      const sample = await remoteFrames(pages[0].page, SAMPLE_MS);
      if (flooding) samples.push(sample);
    }
  })();
  try {
    await Promise.all(
      flooders.map(async (f) => {
        let client = f.client;
        for (let mine = 0; mine < TOTAL / FLOODERS;) {
          if (!client.open) {
            // Cut off by the rate limit: come back with the same id and secret.
            client = await connect(/** @type {any} */ (srv), f);
            reconnects++;
          }
          for (let i = 0; i < 500 && client.open; i++, mine++, sent++) client.ws.send(frames[mine % frames.length]);
          // Spread over MIN_FLOOD_MS at least, so that the call is sampled several times during the flood however
          // fast this machine sends it (it is still tens of thousands of frames a second).
          const due = started + (mine / (TOTAL / FLOODERS)) * MIN_FLOOD_MS - Date.now();
          await new Promise((r) => (due > 0 ? setTimeout(r, due) : setImmediate(r)));
        }
        client.ws.close(1000);
      }),
    );
  } finally {
    flooding = false;
  }
  const floodMs = Date.now() - started;
  await sampling;
  console.log(
    `${sent} bad frames in ${floodMs} ms, ${reconnects} reconnects after rate-limit cut-offs; ${samples.length} frame samples during the flood`,
  );
  assert.equal(sent, TOTAL);
  // A sample takes SAMPLE_MS and a round trip to the page: about ten fit in the flood; several must.
  assert.ok(samples.length >= 4, `${samples.length} samples during the flood`);
  for (const s of samples)
    assert.ok(s.after[0] > s.before[0], `Ana's remote video advanced during the flood: ${s.before} -> ${s.after}`);

  assert.equal((await request(/** @type {any} */ (srv), 'GET', '/healthz')).status, 200);
  for (const { page } of pages) {
    const { before, after } = await remoteFrames(page, 1000);
    assert.equal(after.length, 1, 'nobody joined or left the call');
    assert.ok(after[0] > before[0], 'the call goes on after the flood');
  }
  // The broker still seats people.
  const { page, context } = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Cy`);
  await waitForRemoteVideos(page, 2, 60000);
  await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, 2, 60000)));
  await Promise.all([...pages.map((p) => p.context), context].map((c) => c.close()));
});
