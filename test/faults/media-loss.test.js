// @ts-check
/**
 * The media path cut for longer than the silence bound: the other person is taken as gone, and their tile leaves.
 * Both are still in the room (the websocket stays up), so once the path is back they meet again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { inOwnNetns, firewall } from './netns.js';
import { startServer } from '../support/server.js';
import { launchBrowser } from '../support/browser.js';
import { openRecordedPage, widgetLog, framesByName, poll, sleep, everyoneSees } from './support.js';

/** Cuts of up to this long heal in place: no tile may leave before it. */
const HEAL_WINDOW_MS = 15000;
/** The transport's documented silence bound (at least 30 s), and the cut that outlasts it with a margin. */
const SILENCE_BOUND_MS = 30000;
const CUT_MS = SILENCE_BOUND_MS + 15000;

if (await inOwnNetns(import.meta.url)) {
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let server;
  /** @type {Awaited<ReturnType<typeof launchBrowser>>} */
  let chromium;
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  test(`a media cut longer than the silence bound (${CUT_MS / 1000} s): the tile goes, and the call comes back after`, async (t) => {
    server = await startServer();
    chromium = await launchBrowser();
    const room = `fault-media-loss-${Date.now()}`;
    const names = ['Ana', 'Ben'];
    const pages = [];
    for (const name of names)
      pages.push(await openRecordedPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
    await everyoneSees(pages, 1, 60000);

    const fw = firewall();
    let cutAt = 0;
    let restoredAt = 0;
    try {
      fw.dropUdp();
      cutAt = Date.now();
      await sleep(CUT_MS);
    } finally {
      fw.clear();
      restoredAt = Date.now();
      fw.remove();
    }
    const logs = await Promise.all(pages.map(({ page }) => widgetLog(page)));
    // When each page first lost the other during the cut.
    const leftAt = logs.map((log) => {
      const e = log.find((e) => e.type === 'rtc-participant-left' && e.at >= cutAt && e.at <= restoredAt);
      return e ? e.at - cutAt : undefined;
    });
    // Back: the other's video advances again (a tile alone, or one still showing its last frame, is not enough).
    const backMs = await Promise.all(
      pages.map(async ({ page }, p) => {
        const other = names[1 - p];
        const ok = await poll(async () => {
          const before = (await framesByName(page))[other] ?? -1;
          await sleep(500);
          return before > 0 && ((await framesByName(page))[other] ?? -1) > before;
        }, 60000);
        return ok ? Date.now() - restoredAt : undefined;
      }),
    );
    console.log(
      `media cut ${CUT_MS / 1000} s: the other's tile left at ${leftAt.map((ms) => `+${ms} ms`).join(', ')}; ` +
        `video back ${backMs.map((ms) => `${ms} ms`).join(', ')} after the restore`,
    );
    await Promise.all(pages.map(({ context }) => context.close()));

    await t.test('the tile goes during the cut', () =>
      leftAt.forEach((ms, p) => assert.ok(ms !== undefined, `${names[p]} still shows the other after the cut`)),
    );
    // Needs the transport work: today the tile leaves at about +6 s.
    await t.test(`not before ${HEAL_WINDOW_MS / 1000} s (shorter cuts heal in place)`, () =>
      leftAt.forEach((ms, p) => assert.ok(ms === undefined || ms >= HEAL_WINDOW_MS, `${names[p]}: left at +${ms} ms`)),
    );
    await t.test('both meet again once the path is back', () =>
      backMs.forEach((ms, p) => assert.ok(ms !== undefined, `${names[p]} has no video 60 s after the restore`)),
    );
  });
}
