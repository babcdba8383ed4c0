// @ts-check
/**
 * Several instances, as a browser sees them: behind a round-robin balancer, one of two instances is killed with
 * SIGKILL mid-call; the call goes on, and the pages are seated again on the survivor.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { startRedis } from '../support/redis.js';
import { roundRobin } from '../support/round-robin.js';
import { launchBrowser, openPage, remoteFrames, waitForRemoteVideos } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startRedis>>} */
let redis;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {Array<Awaited<ReturnType<typeof startServer>>>} */
const servers = [];

before(async () => {
  redis = await startRedis();
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await redis?.stop();
});

/** @param {number} n */
async function instances(n) {
  const list = [];
  for (let i = 0; i < n; i++) {
    const s = await startServer({ REDIS_URL: redis.url, RECONNECT_GRACE: '20000' });
    servers.push(s);
    list.push(s);
  }
  return list;
}

/** @param {import('puppeteer-core').Page} page */
async function advancing(page, what = 'remote video') {
  const { before, after } = await remoteFrames(page, 1500);
  assert.ok(before.length > 0, `${what}: a remote tile`);
  after.forEach((n, i) => assert.ok(n > before[i], `${what} ${i} advances: ${before[i]} -> ${n}`));
}

test('behind a balancer, kill -9 of an instance mid-call: video goes on, and the room still has everyone', async () => {
  const procs = await instances(2);
  const lb = await roundRobin(() => procs.map((p) => p.port));
  try {
    const front = `http://127.0.0.1:${lb.port}`;
    const room = `kill-${Date.now()}`;
    const ana = await openPage(chromium.browser, `${front}/?room=${room}&name=Ana`);
    const ben = await openPage(chromium.browser, `${front}/?room=${room}&name=Ben`);
    try {
      await Promise.all([ana, ben].map(({ page }) => waitForRemoteVideos(page, 1, 45000)));
      procs[0].proc.kill('SIGKILL');
      // The media never went through the broker: it keeps flowing while the pages find the other instance.
      for (const { page } of [ana, ben]) await advancing(page, 'after the kill, remote video');
      // A newcomer (through the balancer, so on the survivor) reaches both: both are seated there again.
      const cy = await openPage(chromium.browser, `${front}/?room=${room}&name=Cy`);
      try {
        await waitForRemoteVideos(cy.page, 2, 45000);
        await advancing(cy.page, "the newcomer's remote video");
        for (const { page } of [ana, ben]) await waitForRemoteVideos(page, 2, 45000);
      } finally {
        await cy.context.close();
      }
    } finally {
      await ana.context.close();
      await ben.context.close();
    }
  } finally {
    await lb.close();
  }
});
