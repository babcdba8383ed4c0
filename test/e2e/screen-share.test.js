// @ts-check
/**
 * Screen sharing as people use it: real pages in headless Chromium (which picks a screen by itself: see
 * test/support/chromium.js), a real broker process. The screen travels as a track of its own on each pair's one
 * connection; the others see it on a tile of its own, on the stage, while the sharer's camera goes on.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, waitForRemoteVideos } from '../support/browser.js';

/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;
/** @type {Awaited<ReturnType<typeof startServer>>[]} */
const servers = [];
after(async () => {
  await chromium?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/** Records every rtc-screen-share event of the page's widget, and its states and errors. */
function recordShares() {
  /** @type {{name: string, local: boolean, sharing: boolean}[]} */
  const log = [];
  /** @type {any} */ (window).rtcShares = log;
  document.addEventListener('rtc-screen-share', (e) => {
    const { participant, sharing } = /** @type {CustomEvent} */ (e).detail;
    log.push({ name: participant.name, local: participant.local, sharing });
  });
  // For a failure's message: the widget's states and errors, in order.
  /** @type {string[]} */
  const events = [];
  /** @type {any} */ (window).rtcEvents = events;
  document.addEventListener('rtc-state-change', (e) =>
    events.push(`state ${/** @type {CustomEvent} */ (e).detail.state}`),
  );
  document.addEventListener('rtc-error', (e) => events.push(`error ${/** @type {CustomEvent} */ (e).detail.code}`));
}

/**
 * @param {string} url
 * @param {string} room
 * @param {string} name
 */
async function join(url, room, name) {
  chromium ??= await launchBrowser();
  const opened = await openPage(chromium.browser, `${url}/?prejoin=off&room=${room}&name=${name}`, recordShares);
  // `?prejoin=off` (the demo's `no-prejoin`): it joins by itself; join() waits for that join (it never starts a second).
  await opened.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).join());
  return opened;
}

/**
 * What a page shows: for each tile, whose it is, whether it is a screen, where it is (stage, filmstrip, grid) and
 * its decoded frames so far.
 * @param {import('puppeteer-core').Page} page
 */
function tiles(page) {
  return page.evaluate(() =>
    [...(document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile') ?? [])].map((t) => {
      const video = /** @type {HTMLVideoElement} */ (t.shadowRoot?.querySelector('video'));
      return {
        name: t.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim() ?? '',
        local: t.hasAttribute('local'),
        screen: t.hasAttribute('screen'),
        place: t.parentElement?.getAttribute('part') ?? '',
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        mirrored: getComputedStyle(video).transform !== 'none',
        fit: getComputedStyle(video).objectFit,
      };
    }),
  );
}

/**
 * Polls `check` until it returns something truthy; bounded.
 * @template T
 * @param {() => Promise<T>} check
 * @param {string} what
 * @param {number} [timeout]
 * @returns {Promise<NonNullable<T>>}
 */
async function waitFor(check, what, timeout = 60000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return /** @type {NonNullable<T>} */ (v);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * What a page's widget has, for a failure's message: its state, the screen shares it told of, and for each person
 * their screen's tracks and the transceivers of the connection to them (to tell a lost message from a lost track).
 * @param {import('puppeteer-core').Page} page
 */
const callState = (page) =>
  page.evaluate(() => {
    const el = /** @type {any} */ (document.querySelector('rtc-call'));
    return {
      state: el.state,
      shares: /** @type {any} */ (window).rtcShares,
      events: /** @type {any} */ (window).rtcEvents,
      people: el.participants.map((/** @type {any} */ p) => {
        const pc = el.call?.mesh?.peerConnection(p.id);
        return {
          name: p.name,
          screen: p.screen?.getTracks().map((/** @type {MediaStreamTrack} */ t) => [t.kind, t.readyState, t.muted]),
          signaling: pc?.signalingState,
          transceivers: pc
            ?.getTransceivers()
            .map((/** @type {RTCRtpTransceiver} */ t) => [
              t.mid,
              t.direction,
              t.currentDirection,
              t.sender.track?.kind,
            ]),
        };
      }),
    };
  });

/**
 * Waits until the page shows `name`'s screen with its frames advancing, and `name`'s camera advancing too.
 * @param {import('puppeteer-core').Page} page
 * @param {string} name
 * @param {import('puppeteer-core').Page} [sharer] the sharer's page, whose state a failure shows too
 */
async function seesScreenAndCamera(page, name, sharer) {
  try {
    await seesBoth(page, name);
  } catch (err) {
    const seen = { tiles: await tiles(page), state: await callState(page) };
    const theirs = sharer && (await callState(sharer));
    throw new Error(`${/** @type {Error} */ (err).message}: ${JSON.stringify({ ...seen, sharer: theirs })}`);
  }
}

/**
 * @param {import('puppeteer-core').Page} page
 * @param {string} name
 */
async function seesBoth(page, name) {
  const screenLabel = `${name}’s screen`;
  const first = await waitFor(async () => {
    const t = await tiles(page);
    const screen = t.find((x) => x.screen && x.name === screenLabel);
    const camera = t.find((x) => !x.screen && x.name === name);
    return screen && camera && screen.frames > 0 ? { screen, camera } : undefined;
  }, `${screenLabel} with frames`);
  const later = await waitFor(async () => {
    const t = await tiles(page);
    const screen = t.find((x) => x.screen && x.name === screenLabel);
    const camera = t.find((x) => !x.screen && x.name === name);
    return screen && camera && screen.frames > first.screen.frames + 3 && camera.frames > first.camera.frames + 3
      ? { screen, camera }
      : undefined;
  }, `${screenLabel} and ${name}'s camera both advancing`);
  assert.equal(later.screen.place, 'stage', 'the screen takes the stage');
  assert.equal(later.camera.place, 'filmstrip', 'the camera goes on, in the filmstrip');
  assert.equal(later.screen.mirrored, false, 'a screen is not mirrored');
  assert.equal(later.screen.fit, 'contain', 'a screen is shown whole');
}

/**
 * @param {import('puppeteer-core').Page} page
 * @param {string} name
 */
const screenGone = (page, name) =>
  waitFor(
    async () => !(await tiles(page)).some((x) => x.screen && x.name === `${name}’s screen`),
    `${name}'s screen tile to go`,
  );

/**
 * Clicks the widget's screen button as a person does (a real click: the browser wants one for getDisplayMedia).
 * @param {import('puppeteer-core').Page} page
 */
async function clickScreenButton(page) {
  const button = await page.evaluateHandle(() =>
    document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="screen-button"]'),
  );
  await /** @type {import('puppeteer-core').ElementHandle<Element>} */ (button).click();
}

/** @param {import('puppeteer-core').Page} page */
const pressed = (page) =>
  page.evaluate(() =>
    document
      .querySelector('rtc-call')
      ?.shadowRoot?.querySelector('[part~="screen-button"]')
      ?.getAttribute('aria-pressed'),
  );

/** @param {import('puppeteer-core').Page} page */
const shares = (page) => page.evaluate(() => /** @type {any} */ (window).rtcShares);

test('a screen share: seen by the others on a stage tile of its own beside the camera, by a newcomer too, stopped by the button and by the browser', async () => {
  const server = await startServer();
  servers.push(server);
  const room = `e2e-screen-${Date.now()}`;
  const ana = await join(server.url, room, 'Ana');
  const ben = await join(server.url, room, 'Ben');
  const pages = [ana, ben];
  try {
    await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, 1, 60000)));
    assert.equal(await pressed(ana.page), 'false');

    // Ana shares from the control bar.
    await clickScreenButton(ana.page);
    await waitFor(async () => (await pressed(ana.page)) === 'true', 'the button to say Ana shares');
    await seesScreenAndCamera(ben.page, 'Ana', ana.page);
    const own = (await tiles(ana.page)).find((t) => t.screen);
    assert.equal(own?.name, 'Your screen');
    assert.equal(own?.place, 'stage', 'her own screen takes her stage too');
    assert.deepEqual(await shares(ben.page), [{ name: 'Ana', local: false, sharing: true }]);
    assert.deepEqual(await shares(ana.page), [{ name: 'Ana', local: true, sharing: true }]);

    // Cy joins while the share is on, and sees it.
    const cy = await join(server.url, room, 'Cy');
    pages.push(cy);
    await seesScreenAndCamera(cy.page, 'Ana', ana.page);
    assert.deepEqual(await shares(cy.page), [{ name: 'Ana', local: false, sharing: true }]);

    // Ana stops it from the button: the tile goes for everyone.
    await clickScreenButton(ana.page);
    await Promise.all([ben, cy].map(({ page }) => screenGone(page, 'Ana')));
    assert.equal(await pressed(ana.page), 'false');
    assert.equal((await tiles(ana.page)).filter((t) => t.screen).length, 0);
    assert.deepEqual((await shares(ben.page)).at(-1), { name: 'Ana', local: false, sharing: false });

    // Ben shares, and stops from the browser's own "Stop sharing", which ends the track (the closest a test gets to
    // that button: the track stopped and its `ended` event, as the browser fires it then).
    await ben.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).shareScreen());
    await Promise.all([ana, cy].map(({ page }) => seesScreenAndCamera(page, 'Ben', ben.page)));
    await ben.page.evaluate(() => {
      const track = /** @type {any} */ (document.querySelector('rtc-call')).participants[0].screen.getVideoTracks()[0];
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await Promise.all([ana, cy].map(({ page }) => screenGone(page, 'Ben')));
    assert.equal(await pressed(ben.page), 'false');

    // The calls went on all along: every camera still arrives.
    for (const { page } of pages) await waitForRemoteVideos(page, 2, 20000);
    for (const { errors } of pages) assert.deepEqual(errors, []);
  } finally {
    await Promise.all(pages.map(({ context }) => context.close()));
  }
});

test('with the broker stopped, two connected people start and stop a screen share, peer to peer', async () => {
  const server = await startServer();
  servers.push(server);
  const room = `e2e-screen-nobroker-${Date.now()}`;
  const ana = await join(server.url, room, 'Ana');
  const ben = await join(server.url, room, 'Ben');
  try {
    await Promise.all([ana, ben].map(({ page }) => waitForRemoteVideos(page, 1, 60000)));
    await server.stop();
    await assert.rejects(fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) }), 'the broker is gone');

    await clickScreenButton(ana.page);
    await seesScreenAndCamera(ben.page, 'Ana', ana.page);
    await clickScreenButton(ana.page);
    await screenGone(ben.page, 'Ana');
    // And again, on the transceiver the first share left.
    await clickScreenButton(ana.page);
    await seesScreenAndCamera(ben.page, 'Ana', ana.page);
    await clickScreenButton(ana.page);
    await screenGone(ben.page, 'Ana');
  } finally {
    await Promise.all([ana, ben].map(({ context }) => context.close()));
  }
});
