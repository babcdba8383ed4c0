// @ts-check
/**
 * The pre-join screen as a visitor meets it, on the demo as it ships (the screen is on by default): Ana sees her
 * own camera, types her name, turns her camera off, and presses Join, all with real clicks and keys. Ben, already in
 * the room, sees her come by that name, with her camera off. Then she raises her hand and reacts, and Ben sees both;
 * his people list shows her with her hand up and her camera off; she renames herself in hers, and his list and tile
 * follow.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, waitForRemoteTiles } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;

before(async () => {
  server = await startServer();
  chromium = await launchBrowser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
});

/** The element with this part, found through the shadow roots (puppeteer's `pierce/`): the first in the page. */
const inCall = (/** @type {string} */ part) => `pierce/[part~="${part}"]`;

/** In the page: Ana's tile as Ben sees it. */
const anaAtBen = () => {
  const call = /** @type {any} */ (document.querySelector('rtc-call'));
  const tile = [...call.shadowRoot.querySelectorAll('rtc-video-tile')].find(
    (/** @type {any} */ t) => t.participant && !t.participant.local,
  );
  const p = tile?.participant;
  return {
    name: p?.name,
    videoEnabled: p?.videoEnabled,
    avatar: !!tile?.shadowRoot?.querySelector('[part~="avatar"]'),
    label: tile?.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim(),
  };
};

test('through the pre-join screen: a typed name, the camera off, Join; then a hand, a reaction, the people list and a new name', async () => {
  const room = `prejoin-${Date.now()}`;
  const ben = await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=Ben`);
  await ben.page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.reactions = [];
    document.addEventListener('rtc-reaction', (e) =>
      w.reactions.push(
        `${/** @type {CustomEvent} */ (e).detail.participant.name} ${/** @type {CustomEvent} */ (e).detail.emoji}`,
      ),
    );
  });
  const ana = await openPage(chromium.browser, `${server.url}/?room=${room}`);
  const page = ana.page;
  try {
    // The screen, with her camera's preview playing before she is in any call.
    await page.waitForSelector(inCall('prejoin-screen'), { timeout: 20000 });
    await page.waitForFunction(
      () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        const preview = call.shadowRoot.querySelector('[part~="prejoin-preview"]');
        return (preview?.shadowRoot?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > 5;
      },
      { timeout: 20000 },
    );
    assert.equal(await page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).state), 'prejoin');
    assert.equal(
      await ben.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).participants.length),
      1,
      'nobody has joined Ben yet',
    );

    await page.click(inCall('prejoin-name'));
    await page.keyboard.type('Ana Real');
    await page.click(inCall('prejoin-camera-button'));
    await page.waitForFunction(
      () =>
        /** @type {any} */ (document.querySelector('rtc-call')).shadowRoot
          .querySelector('[part~="prejoin-camera-button"]')
          ?.getAttribute('aria-pressed') === 'false',
    );
    await page.click(inCall('join-button'));

    await waitForRemoteTiles(ben.page, 1, 30000);
    await ben.page.waitForFunction(
      () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        const p = call.participants.find((/** @type {any} */ x) => !x.local);
        return p?.name === 'Ana Real' && p.videoEnabled === false;
      },
      { timeout: 20000 },
    );
    const seen = await ben.page.evaluate(anaAtBen);
    assert.deepEqual(
      { name: seen.name, videoEnabled: seen.videoEnabled, avatar: seen.avatar, label: seen.label },
      { name: 'Ana Real', videoEnabled: false, avatar: true, label: 'Ana Real' },
    );

    // In the call: her hand goes up, and she reacts.
    await page.waitForSelector(inCall('hand-button'), { timeout: 20000 });
    await page.click(inCall('hand-button'));
    await ben.page.waitForFunction(
      () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        const tile = [...call.shadowRoot.querySelectorAll('rtc-video-tile')].find(
          (/** @type {any} */ t) => t.participant && !t.participant.local,
        );
        return !!tile?.shadowRoot?.querySelector('[part~="hand"]');
      },
      { timeout: 20000 },
    );
    await page.click(inCall('reactions-button'));
    await page.waitForSelector(inCall('reaction'), { timeout: 10000 });
    const emoji = await page.$eval(inCall('reaction'), (b) => b.textContent?.trim());
    await page.click(inCall('reaction'));
    await ben.page.waitForFunction(
      (expected) => /** @type {any} */ (window).reactions.includes(expected),
      { timeout: 20000 },
      `Ana Real ${emoji}`,
    );

    // Ben opens the people list: two people, Ana with her hand up and her camera off.
    await ben.page.click(inCall('people-button'));
    await ben.page.waitForFunction(
      () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        const list = call.shadowRoot.querySelector('rtc-participant-list');
        const rows = [...(list?.shadowRoot?.querySelectorAll('[part~="row"]') ?? [])];
        const row = rows.find((r) => !r.hasAttribute('data-local'));
        return (
          rows.length === 2 &&
          row?.querySelector('[part~="name"]')?.textContent?.trim() === 'Ana Real' &&
          !!row.querySelector('[part~="hand"]') &&
          row.querySelector('[part~="camera-state"]')?.getAttribute('data-on') === 'false'
        );
      },
      { timeout: 20000 },
    );
    // Ana closes the reactions menu (it stays open for more, over the control bar), and renames herself in the call
    // from her own list: Ben's list and tile follow.
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () =>
        !(/** @type {any} */ (document.querySelector('rtc-call')).shadowRoot.querySelector('[part~="reaction-menu"]')),
    );
    await page.click(inCall('people-button'));
    await page.waitForSelector(inCall('people-list'), { timeout: 20000 });
    // (Twice in six runs of the e2e suite here, this wait ran out: what Ana's page then had says why.)
    await page.waitForSelector('pierce/[part~="edit-button"]', { timeout: 20000 }).catch(async (err) => {
      const state = await page.evaluate(() => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        const list = call.shadowRoot.querySelector('rtc-participant-list');
        return {
          panel: call.panel,
          listDefined: !!customElements.get('rtc-participant-list'),
          listRows: list?.shadowRoot?.innerHTML?.slice(0, 1500),
          listParticipants: list?.participants?.map((/** @type {any} */ p) => [p.name, p.local]),
          parts: [...call.shadowRoot.querySelectorAll('[part]')].map((e) => e.getAttribute('part')).join('|'),
        };
      });
      throw new Error(
        `${err.message}; Ana's page: ${JSON.stringify(state)}; its errors: ${JSON.stringify([ana.errors, ana.trouble])}`,
      );
    });
    await page.click('pierce/[part~="edit-button"]');
    await page.waitForSelector('pierce/[part~="name-input"]');
    await page.click('pierce/[part~="name-input"]', { count: 3 });
    await page.keyboard.type('Ana R.');
    await page.keyboard.press('Enter');
    await ben.page.waitForFunction(
      () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        const list = call.shadowRoot.querySelector('rtc-participant-list');
        const row = [...(list?.shadowRoot?.querySelectorAll('[part~="row"]') ?? [])].find(
          (r) => !r.hasAttribute('data-local'),
        );
        const tile = [...call.shadowRoot.querySelectorAll('rtc-video-tile')].find(
          (/** @type {any} */ t) => t.participant && !t.participant.local,
        );
        return (
          row?.querySelector('[part~="name"]')?.textContent?.trim() === 'Ana R.' &&
          tile?.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim() === 'Ana R.'
        );
      },
      { timeout: 20000 },
    );
    for (const { errors } of [ana, ben]) assert.deepEqual(errors, []);
  } finally {
    await Promise.all([ana.context.close(), ben.context.close()]);
  }
});
