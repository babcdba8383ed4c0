// @ts-check
/**
 * A collapsing link: heavy random loss on the media path. Each sender steps its video down (resolution, then frame
 * rate, then none), and the receiving tile says why its video stopped; once the loss is gone, video comes back and
 * the notice goes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { inOwnNetns, firewall } from './netns.js';
import { startServer } from '../support/server.js';
import { launchBrowser } from '../support/browser.js';
import { openRecordedPage, framesByName, poll, sleep, everyoneSees } from './support.js';

/** Of every UDP packet (both ways: on loopback each passes INPUT once), this share is lost. */
const LOSS = 0.3;
/** Bounds on each wait: the module steps a level per 2 bad samples (2 s apart) and up per 5 good ones. */
const DOWN_WITHIN_MS = 60000;
const BACK_WITHIN_MS = 90000;

/**
 * Records, in the page, every change of the encoding its video sender uses towards the one other participant (read
 * with `call.stats(id)`).
 * @param {import('puppeteer-core').Page} page
 */
function recordEncodings(page) {
  return page.evaluate(() => {
    /** @type {any} */
    const w = window;
    w.rtcEncodings = [];
    let last = '';
    let ticks = 0;
    let reading = false;
    // Bounded: 10 minutes at most, far beyond the test.
    const timer = setInterval(async () => {
      if (++ticks > 2400) return clearInterval(timer);
      if (reading) return;
      reading = true;
      try {
        const call = /** @type {any} */ (document.querySelector('rtc-call'))?.call;
        const id = call?.participants.find((/** @type {any} */ p) => !p.local)?.id;
        /** @type {import('../../src/engine/peer-stats.js').PeerStats | undefined} */
        const stats = id && (await call.stats(id));
        const e = stats?.video.send;
        if (!e) return;
        const now = JSON.stringify({ active: e.active, scale: e.scale, fps: e.maxFramerate });
        if (now !== last) w.rtcEncodings.push({ at: Date.now(), ...JSON.parse(now) });
        last = now;
      } finally {
        reading = false;
      }
    }, 250);
  });
}

/**
 * What the page shows of the other participant: the tile's notice, its quality badge, and the participant snapshot's
 * weakLink.
 * @param {import('puppeteer-core').Page} page
 * @param {string} name
 */
function weakLinkShown(page, name) {
  return page.evaluate((name) => {
    const call = /** @type {any} */ (document.querySelector('rtc-call'));
    const tile = [...(call?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? [])].find(
      (t) => t.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim() === name,
    );
    return {
      notice: tile?.shadowRoot?.querySelector('[part~="weak-link"]')?.textContent?.trim() ?? null,
      badge: tile?.shadowRoot?.querySelector('[part~="quality"]')?.getAttribute('data-quality') ?? null,
      weakLink: call?.participants.find((/** @type {any} */ p) => p.name === name)?.weakLink,
    };
  }, name);
}

if (await inOwnNetns(import.meta.url)) {
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let server;
  /** @type {Awaited<ReturnType<typeof launchBrowser>>} */
  let chromium;
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  test(`${LOSS * 100} % loss: video steps down to audio only with a notice and a poor badge, and comes back after`, async (t) => {
    server = await startServer();
    chromium = await launchBrowser();
    const room = `fault-stepdown-${Date.now()}`;
    const names = ['Ana', 'Ben'];
    const pages = [];
    for (const name of names)
      pages.push(await openRecordedPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`));
    await everyoneSees(pages, 1, 60000);
    await Promise.all(pages.map(({ page }) => recordEncodings(page)));
    const [ana, ben] = pages.map(({ page }) => page);

    const fw = firewall();
    let lossAt = 0;
    let noticeMs;
    /** @type {Awaited<ReturnType<typeof weakLinkShown>> | undefined} */
    let atLoss;
    let restoredAt = 0;
    try {
      fw.loseUdp(LOSS);
      lossAt = Date.now();
      const shown = await poll(async () => {
        const s = await weakLinkShown(ben, 'Ana');
        return s.notice && s.weakLink === true && s.badge === 'poor' ? s : undefined;
      }, DOWN_WITHIN_MS);
      noticeMs = shown ? Date.now() - lossAt : undefined;
      atLoss = shown;
    } finally {
      fw.clear();
      restoredAt = Date.now();
      fw.remove();
    }
    const duringLoss = await weakLinkShown(ben, 'Ana');
    // Back: the notice goes, and Ana's video advances on Ben's tile again.
    const cleared = await poll(async () => {
      const s = await weakLinkShown(ben, 'Ana');
      if (s.notice !== null || s.weakLink !== false) return false;
      const before = (await framesByName(ben)).Ana ?? -1;
      await sleep(500);
      return ((await framesByName(ben)).Ana ?? -1) > before;
    }, BACK_WITHIN_MS);
    const clearedMs = cleared ? Date.now() - restoredAt : undefined;
    const good = await poll(async () => (await weakLinkShown(ben, 'Ana')).badge === 'good', BACK_WITHIN_MS);
    const goodMs = good ? Date.now() - restoredAt : undefined;
    // And all the way back to what the fit sends (no step of the link's left).
    const full = await poll(async () => {
      const log = await ana.evaluate(() => /** @type {any} */ (window).rtcEncodings);
      const e = log.at(-1);
      const paused = log.some((/** @type {any} */ e) => !e.active);
      return paused && e.active && e.fps === undefined && e.scale === log[0].scale ? e : undefined;
    }, BACK_WITHIN_MS);
    const fullMs = full ? Date.now() - restoredAt : undefined;
    /** @type {{at: number, active: boolean, scale: number, fps?: number}[]} */
    const steps = await ana.evaluate(() => /** @type {any} */ (window).rtcEncodings);
    console.log(
      `${LOSS * 100} % loss: notice on Ben's tile of Ana after ${noticeMs} ms; Ana's encodings to Ben: ` +
        steps
          .map((e) => `+${e.at - lossAt}ms ${e.active ? `x${e.scale}${e.fps ? `@${e.fps}fps` : ''}` : 'off'}`)
          .join(', ') +
        `; after the restore: notice gone, video back in ${clearedMs} ms, badge good in ${goodMs} ms, full in ${fullMs} ms`,
    );
    await Promise.all(pages.map(({ context }) => context.close()));

    await t.test('the receiving tile says "Weak connection: video paused", and the participant has weakLink', () => {
      assert.ok(noticeMs !== undefined, `no notice (with a poor badge) within ${DOWN_WITHIN_MS} ms`);
      assert.equal(duringLoss.notice, 'Weak connection: video paused');
    });
    await t.test('the quality badge on that tile says poor, and good again once the loss is gone', () => {
      assert.equal(atLoss?.badge, 'poor', `no poor badge with the notice within ${DOWN_WITHIN_MS} ms`);
      assert.ok(goodMs !== undefined, `not good ${BACK_WITHIN_MS} ms after the restore`);
    });
    await t.test('the sender stepped down in order: smaller, then fewer frames, then no video', () => {
      // Up to the step that paused video (recorded by a 250 ms poll: it may come just after the notice).
      const during = steps.slice(0, steps.findIndex((e) => !e.active) + 1);
      const first = (/** @type {(e: any) => boolean} */ f) => during.findIndex(f);
      const smaller = first((e) => e.active && e.scale > steps[0].scale);
      const slower = first((e) => e.active && e.fps !== undefined);
      const off = first((e) => !e.active);
      assert.ok(smaller >= 0 && slower > smaller && off > slower, JSON.stringify(steps));
      assert.ok(steps[0].active && steps[0].fps === undefined, `before the loss: ${JSON.stringify(steps[0])}`);
    });
    await t.test('once the loss is gone, video comes back and the notice goes', () =>
      assert.ok(clearedMs !== undefined, `still paused ${BACK_WITHIN_MS} ms after the restore`),
    );
    await t.test('and the sender comes back to full, one level at a time', () => {
      assert.ok(fullMs !== undefined, JSON.stringify(steps));
      const after = steps.filter((e) => e.at > restoredAt);
      assert.ok(after.length >= 2, `came back in one jump: ${JSON.stringify(after)}`);
    });
  });
}
