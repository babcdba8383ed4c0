// @ts-check
/**
 * The transport: one RTCPeerConnection per pair of people, and changes to a running call made peer to peer, with
 * the broker gone.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, waitForRemoteVideos } from '../support/browser.js';
import { countResources } from '../support/page-resources.js';

/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {Awaited<ReturnType<typeof startServer>>[]} */
const servers = [];
after(async () => {
  await chromium?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/**
 * Opens pages for `names` in one room, counting their RTCPeerConnections, and waits until each sees every other's
 * video.
 * @param {string} url
 * @param {string[]} names
 */
async function call(url, names) {
  chromium ??= await launchBrowser();
  const room = `e2e-transport-${Date.now()}`;
  const pages = [];
  for (const name of names) {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    await page.evaluateOnNewDocument(countResources);
    await page.goto(`${url}/?prejoin=off&room=${room}&name=${name}`);
    pages.push({ page, context });
  }
  await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, names.length - 1, 60000)));
  return pages;
}

test('a 3-person call has two RTCPeerConnections in each page: one per other person', async () => {
  const server = await startServer();
  servers.push(server);
  const pages = await call(server.url, ['Ana', 'Ben', 'Cy']);
  try {
    for (const { page } of pages) {
      const counts = await page.evaluate(() => /** @type {any} */ (window).rtcResources());
      assert.equal(counts.peerConnections, 2, 'open RTCPeerConnections in a page of a 3-person call');
      // Each of them carries audio, video and the control channel, both ways.
      const carried = await page.evaluate(async () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call')).call;
        const others = call.participants.filter((/** @type {any} */ p) => !p.local);
        return Promise.all(
          others.map(async (/** @type {any} */ p) => {
            /** @type {import('../../src/engine/peer-stats.js').PeerStats} */
            const s = await call.stats(p.id);
            return {
              control: s.control,
              audio: [s.audio.send?.codec, s.audio.receive?.codec],
              video: [s.video.send?.codec, s.video.receive?.codec],
            };
          }),
        );
      });
      assert.equal(carried.length, 2);
      for (const c of carried) {
        assert.equal(c.control, 'open', 'the control channel is open');
        for (const kind of /** @type {const} */ (['audio', 'video']))
          assert.ok(c[kind].every(Boolean), `${kind} sent and received on it: ${JSON.stringify(c)}`);
      }
    }
  } finally {
    await Promise.all(pages.map(({ context }) => context.close()));
  }
});

test('with the broker stopped, two connected people add a track and remove it again, peer to peer', async () => {
  const server = await startServer();
  servers.push(server);
  const [a, b] = await call(server.url, ['Ana', 'Ben']);
  try {
    await server.stop();
    await assert.rejects(fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) }), 'the broker is gone');

    // A adds a second video track (what a screen share will do) to its connection to B: to the page's one
    // RTCPeerConnection, as no public API adds a track yet (screen sharing will).
    await a.page.evaluate(() => {
      /** @type {RTCPeerConnection[]} */
      const pcs = /** @type {any} */ (window).rtcPeerConnections();
      if (pcs.length !== 1) throw new Error(`${pcs.length} RTCPeerConnections in a 2-person call`);
      const [pc] = pcs;
      const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 120 });
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      let n = 0;
      // Something that changes, so the encoder sends frames.
      const timer = setInterval(
        () => ((ctx.fillStyle = `hsl(${(n += 10) % 360} 80% 50%)`), ctx.fillRect(0, 0, 160, 120)),
        50,
      );
      const stream = canvas.captureStream(20);
      const sender = pc.addTrack(stream.getVideoTracks()[0], stream);
      Object.assign(window, { rtcExtra: { pc, sender, stream, timer } });
    });
    // B decodes frames of it: a third transceiver, receiving, with frames advancing. call.stats() tells the camera's
    // video, not this stand-in for a screen's: read on the page's one RTCPeerConnection.
    const extraFrames = () =>
      b.page.evaluate(async () => {
        /** @type {RTCPeerConnection[]} */
        const pcs = /** @type {any} */ (window).rtcPeerConnections();
        if (pcs.length !== 1) throw new Error(`${pcs.length} RTCPeerConnections in a 2-person call`);
        const [pc] = pcs;
        const extra = pc.getTransceivers()[2];
        if (!extra?.mid) return { frames: -1, direction: extra?.currentDirection ?? null, state: pc.signalingState };
        let frames = 0;
        (await pc.getStats()).forEach((r) => {
          if (r.type === 'inbound-rtp' && r.mid === extra.mid) frames = r.framesDecoded ?? 0;
        });
        return { frames, direction: extra.currentDirection, state: pc.signalingState };
      });
    const first = await waitFor(async () => {
      const s = await extraFrames();
      return s.frames > 0 ? s : undefined;
    }, "B to decode the added track's frames");
    await waitFor(async () => (await extraFrames()).frames > first.frames + 5, 'the frames to advance');

    // A takes it away again: B's side of it stops receiving.
    await a.page.evaluate(() => {
      const { pc, sender, stream, timer } = /** @type {any} */ (window).rtcExtra;
      clearInterval(timer);
      pc.removeTrack(sender);
      stream.getTracks().forEach((/** @type {MediaStreamTrack} */ t) => t.stop());
    });
    const removed = await waitFor(async () => {
      const s = await extraFrames();
      return s.state === 'stable' && (s.direction === 'inactive' || s.direction === 'sendonly') ? s : undefined;
    }, 'B to stop receiving it');
    assert.ok(removed);

    // And the call itself went on all along.
    for (const { page } of [a, b]) await waitForRemoteVideos(page, 1, 5000);
    const tiles = await Promise.all(
      [a, b].map(({ page }) =>
        page.evaluate(
          () => document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])').length,
        ),
      ),
    );
    assert.deepEqual(tiles, [1, 1]);
  } finally {
    await Promise.all([a, b].map(({ context }) => context.close()));
  }
});

/**
 * Polls `check` until it returns something truthy; bounded.
 * @template T
 * @param {() => Promise<T>} check
 * @param {string} what
 * @param {number} [timeout]
 * @returns {Promise<NonNullable<T>>}
 */
async function waitFor(check, what, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return /** @type {NonNullable<T>} */ (v);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
