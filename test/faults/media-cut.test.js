// @ts-check
/**
 * The media path cut for 15 s while the websocket stays up: all UDP on loopback is dropped (the broker is TCP). The
 * call must heal in place by ICE restart: the same tile, nobody leaves, video back within seconds of the restore.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { inOwnNetns, firewall } from './netns.js';
import { startServer } from '../support/server.js';
import { launchBrowser } from '../support/browser.js';
import { openRecordedPage, widgetLog, markTiles, markedFrames, poll, sleep, everyoneSees } from './support.js';

const CUT_MS = 15000;
/** "Video back within a few seconds of the network returning." */
const RECOVERY_BOUND_MS = 10000;

if (await inOwnNetns(import.meta.url)) {
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let server;
  /** @type {Awaited<ReturnType<typeof launchBrowser>>} */
  let chromium;
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  // Needs the transport work (ICE restart, the tile kept): today the tile leaves at about +6 s.
  test('a 15 s cut of the media path heals in place: same tile, nobody leaves, video back within seconds', async (t) => {
    server = await startServer();
    chromium = await launchBrowser();
    const room = `fault-media-cut-${Date.now()}`;
    const names = ['Ana', 'Ben'];
    const pages = [];
    for (const name of names)
      pages.push(await openRecordedPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
    await everyoneSees(pages, 1, 60000);
    for (const { page } of pages) assert.equal(await markTiles(page, 'before-the-cut'), 1);

    const fw = firewall();
    let cutAt = 0;
    let restoredAt = 0;
    try {
      fw.dropUdp();
      cutAt = Date.now();
      // The fault itself lasts this long; what happens meanwhile is read from the widget's log afterwards.
      await sleep(CUT_MS);
    } finally {
      fw.clear();
      restoredAt = Date.now();
      fw.remove();
    }
    const atRestore = await Promise.all(pages.map(({ page }) => markedFrames(page, 'before-the-cut')));
    // Frames advance again on the very tiles that were there before the cut.
    const healed = await poll(async () => {
      const now = await Promise.all(pages.map(({ page }) => markedFrames(page, 'before-the-cut')));
      return now.every((f, i) => f.length === 1 && f[0] > (atRestore[i][0] ?? Infinity));
    }, 30000);
    const healedMs = Date.now() - restoredAt;
    const logs = await Promise.all(pages.map(({ page }) => widgetLog(page)));
    const left = logs.flatMap((log, p) =>
      log
        .filter((e) => e.type === 'rtc-participant-left')
        .map((e) => `${names[p]} lost ${e.detail?.name} at +${e.at - cutAt} ms`),
    );
    const tiles = await Promise.all(pages.map(({ page }) => markedFrames(page, 'before-the-cut')));
    console.log(
      `media cut ${CUT_MS / 1000} s: frames advancing on the same tiles ${healed ? `${healedMs} ms` : 'never (30 s)'} ` +
        `after the restore; tiles kept: ${tiles.map((f) => f.length).join(', ')}; left: ${left.join('; ') || 'none'}`,
    );
    await Promise.all(pages.map(({ context }) => context.close()));

    await t.test('no participant leaves anyone’s call', () => assert.deepEqual(left, []));
    await t.test('the same tiles stay', () =>
      assert.deepEqual(
        tiles.map((f) => f.length),
        [1, 1],
      ),
    );
    await t.test(`video is back within ${RECOVERY_BOUND_MS / 1000} s of the restore`, () =>
      assert.ok(healed && healedMs <= RECOVERY_BOUND_MS, `frames advancing after ${healed ? healedMs : '(never)'} ms`),
    );
  });
}
