// @ts-check
/**
 * Half-open broker: every TCP packet to and from the broker's port silently vanishes (no FIN, no RST) for 70 s,
 * while three pages are in a call. The media path (UDP) is untouched.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { inOwnNetns, firewall } from './netns.js';
import { startServer } from '../support/server.js';
import { launchBrowser, waitForRemoteVideos } from '../support/browser.js';
import {
  openRecordedPage,
  widgetLog,
  framesByName,
  callState,
  serverMembers,
  poll,
  sleep,
  everyoneSees,
} from './support.js';

const CUT_MS = 70000;
/** The client's own bound for noticing (README: ping every 5 s, lost after 12 s of silence). */
const NOTICE_BOUND_MS = 15000;
/** Frames are sampled this often during the cut; each sample must show every remote video advancing. */
const SAMPLE_MS = 5000;

if (await inOwnNetns(import.meta.url)) {
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let server;
  /** @type {Awaited<ReturnType<typeof launchBrowser>>} */
  let chromium;
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  // One 70 s cut, its findings checked one by one, so that each shows as a test of its own.
  test('a half-open broker link for 70 s', async (t) => {
    server = await startServer();
    chromium = await launchBrowser();
    const room = `fault-half-open-${Date.now()}`;
    const names = ['Ana', 'Ben', 'Cy'];
    const pages = [];
    for (const name of names)
      pages.push(await openRecordedPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
    // Generous: the machine is shared, and three pages start their calls at once.
    await everyoneSees(pages, 2, 120000);

    const fw = firewall();
    /** @type {string[]} */
    const stalls = [];
    let cutAt = 0;
    let restoredAt = 0;
    try {
      fw.dropTcpPort(server.port);
      cutAt = Date.now();
      // Media between the pages must keep flowing all through the cut: every remote video advances between samples.
      let last = await Promise.all(pages.map(({ page }) => framesByName(page)));
      for (let i = 0; i < Math.ceil(CUT_MS / SAMPLE_MS); i++) {
        await sleep(Math.min(SAMPLE_MS, cutAt + CUT_MS - Date.now()));
        const now = await Promise.all(pages.map(({ page }) => framesByName(page)));
        now.forEach((frames, p) => {
          for (const other of names.filter((n) => n !== names[p]))
            if (!((frames[other] ?? -1) > (last[p][other] ?? -1)))
              stalls.push(
                `+${Date.now() - cutAt} ms: ${names[p]} sees ${other} at ${frames[other]} (was ${last[p][other]})`,
              );
        });
        last = now;
        if (Date.now() - cutAt >= CUT_MS) break;
      }
    } finally {
      fw.clear();
      restoredAt = Date.now();
      fw.remove();
    }

    // Back: every widget joined again and the server counts all three.
    const back = await poll(
      async () =>
        (await Promise.all(pages.map(({ page }) => callState(page)))).every((s) => s === 'joined') &&
        (await serverMembers(server.url).catch(() => NaN)) === 3,
      90000,
    );
    const backMs = Date.now() - restoredAt;

    // A newcomer reaches everyone, and everyone sees the newcomer.
    const newcomerAt = Date.now();
    const dan = await openRecordedPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Dan`);
    const reachedMs = await Promise.all(
      [dan, ...pages].map(({ page }) =>
        waitForRemoteVideos(page, 3, 30000).then(
          () => Date.now() - newcomerAt,
          () => undefined,
        ),
      ),
    );
    const reached = reachedMs.map((ms) => ms !== undefined);
    const danLog = (await widgetLog(dan.page)).map(
      (e) => `+${e.at - newcomerAt} ms ${e.type} ${JSON.stringify(e.detail)}`,
    );
    console.log(`the newcomer's widget: ${danLog.join('; ')}`);

    const logs = await Promise.all(pages.map(({ page }) => widgetLog(page)));
    const noticed = logs.map((log) => {
      const e = log.find(
        (e) =>
          e.at >= cutAt &&
          ((e.type === 'rtc-error' && e.detail?.code === 'connection-lost') ||
            (e.type === 'call-state' && e.detail === 'reconnecting')),
      );
      return e ? e.at - cutAt : undefined;
    });
    const left = logs.flatMap((log, p) =>
      log.filter((e) => e.type === 'rtc-participant-left').map((e) => `${names[p]} lost ${e.detail?.name}`),
    );
    console.log(
      `half-open broker, ${CUT_MS / 1000} s: noticed after ${noticed.map((ms) => `${ms} ms`).join(', ')}; ` +
        `back ${back ? `${backMs} ms` : 'never (90 s)'} after the restore; newcomer reached everyone in ` +
        `${reachedMs.map((ms) => `${ms} ms`).join(', ')} (Dan, ${names}); stalls: ${stalls.length}; left: ${left.length}`,
    );
    for (const s of stalls.slice(0, 10)) console.log(`  stall ${s}`);
    for (const l of left.slice(0, 10)) console.log(`  ${l}`);

    await Promise.all([dan, ...pages].map(({ context }) => context.close()));

    await t.test('every client notices within its bound (15 s): state reconnecting, error connection-lost', () =>
      noticed.forEach((ms, p) =>
        assert.ok(ms !== undefined && ms <= NOTICE_BOUND_MS, `${names[p]} noticed the dead link after ${ms} ms`),
      ),
    );
    await t.test('after the restore every client is back in the room and a newcomer reaches everyone', () => {
      assert.ok(back, 'every widget is back in the room after the restore (90 s)');
      assert.deepEqual(reached, [true, true, true, true], 'the newcomer and the three see each other (30 s)');
    });
    // These two need the transport work: connections (and tiles) kept when the same person comes back under a new
    // seat. Today the seat change at about +20 s closes every connection, and everyone leaves everyone's call.
    await t.test('media flows on through the cut', () => assert.deepEqual(stalls, [], 'frames advance throughout'));
    await t.test('no participant leaves anyone’s call', () => assert.deepEqual(left, []));
  });
}
