// @ts-check
/**
 * Several instances, as a browser sees them: behind a round-robin balancer, one of two instances is killed with
 * SIGKILL mid-call; the call goes on, and the pages are seated again on the survivor.
 */
import { test } from 'node:test';
import { clusterInBrowser, advancing } from '../support/cluster-browser.js';
import { roundRobin } from '../support/round-robin.js';
import { openPage, waitForRemoteVideos } from '../support/browser.js';

const cluster = clusterInBrowser();

test('behind a balancer, kill -9 of an instance mid-call: video goes on, and the room still has everyone', async () => {
  const procs = await cluster.instances(2);
  const lb = await roundRobin(() => procs.map((p) => p.port));
  try {
    const front = `http://127.0.0.1:${lb.port}`;
    const room = `kill-${Date.now()}`;
    const ana = await openPage(cluster.browser(), `${front}/?prejoin=off&room=${room}&name=Ana`);
    const ben = await openPage(cluster.browser(), `${front}/?prejoin=off&room=${room}&name=Ben`);
    try {
      await Promise.all([ana, ben].map(({ page }) => waitForRemoteVideos(page, 1, 45000)));
      procs[0].proc.kill('SIGKILL');
      // The media never went through the broker: it keeps flowing while the pages find the other instance.
      for (const { page } of [ana, ben]) await advancing(page, 'after the kill, remote video');
      // A newcomer (through the balancer, so on the survivor) reaches both: both are seated there again.
      const cy = await openPage(cluster.browser(), `${front}/?prejoin=off&room=${room}&name=Cy`);
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
