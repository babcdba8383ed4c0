// @ts-check
/**
 * Several instances, as a browser sees them: two headless Chromium pages whose widgets talk to different broker
 * instances (sharing rooms through one redis-server) see each other's video. (The kill -9 mid-call is in
 * instances-kill-browser.test.js: each file has its own time limit.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { startRedis } from '../support/redis.js';
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

test('two pages on two instances see each other', async () => {
  const [a, b] = await instances(2);
  const room = `two-${Date.now()}`;
  const ana = await openPage(chromium.browser, `${a.url}/?room=${room}&name=Ana`);
  const ben = await openPage(chromium.browser, `${b.url}/?room=${room}&name=Ben`);
  try {
    await Promise.all([ana, ben].map(({ page }) => waitForRemoteVideos(page, 1, 45000)));
    for (const { page } of [ana, ben]) await advancing(page);
    assert.deepEqual([...ana.errors, ...ben.errors], []);
  } finally {
    await ana.context.close();
    await ben.context.close();
  }
});
