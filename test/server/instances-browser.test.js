// @ts-check
/**
 * Several instances, as a browser sees them: two headless Chromium pages whose widgets talk to different broker
 * instances (sharing rooms through one redis-server) see each other's video. (The kill -9 mid-call is in
 * instances-kill-browser.test.js: each file has its own time limit.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterInBrowser, advancing } from '../support/cluster-browser.js';
import { openPage, waitForRemoteVideos } from '../support/browser.js';

const cluster = clusterInBrowser();

test('two pages on two instances see each other', async () => {
  const [a, b] = await cluster.instances(2);
  const room = `two-${Date.now()}`;
  const ana = await openPage(cluster.browser(), `${a.url}/?prejoin=off&room=${room}&name=Ana`);
  const ben = await openPage(cluster.browser(), `${b.url}/?prejoin=off&room=${room}&name=Ben`);
  try {
    await Promise.all([ana, ben].map(({ page }) => waitForRemoteVideos(page, 1, 45000)));
    for (const { page } of [ana, ben]) await advancing(page);
    assert.deepEqual([...ana.errors, ...ben.errors], []);
  } finally {
    await ana.context.close();
    await ben.context.close();
  }
});
