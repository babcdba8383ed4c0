// @ts-check
/**
 * What the several-instances browser tests share: one redis-server and one Chromium for the file, broker
 * processes sharing that Redis, and a check that remote video advances. Each browser file has its own time limit,
 * so each sets this up for itself.
 */
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.js';
import { startRedis } from './redis.js';
import { launchBrowser, remoteFrames } from './browser.js';

export function clusterInBrowser() {
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

  return {
    /** The file's Chromium (after `before`). */
    browser: () => chromium.browser,
    /** `n` broker processes sharing the Redis, stopped after the file. @param {number} n */
    async instances(n) {
      const list = [];
      for (let i = 0; i < n; i++) {
        const s = await startServer({ REDIS_URL: redis.url, RECONNECT_GRACE: '20000' });
        servers.push(s);
        list.push(s);
      }
      return list;
    },
  };
}

/** Every remote video of `page` advances. @param {import('puppeteer-core').Page} page */
export async function advancing(page, what = 'remote video') {
  const { before, after } = await remoteFrames(page, 1500);
  assert.ok(before.length > 0, `${what}: a remote tile`);
  after.forEach((n, i) => assert.ok(n > before[i], `${what} ${i} advances: ${before[i]} -> ${n}`));
}
