// @ts-check
/**
 * Speaking and the active speaker, between two real pages. Chromium's own fake microphone beeps for 20 ms twice a
 * second, too short to be seen by a level read a few times a second, and its noise suppression takes a steady tone
 * for noise; so the fake microphone here plays a file of speech-like bursts (tones of changing pitch, 300 ms on,
 * 200 ms off), which Chromium loops.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../support/server.js';
import { launchBrowser, openPage, waitForRemoteTiles } from '../support/browser.js';

/** A 16-bit mono WAV of `seconds` of bursts. */
function speechLikeWav(seconds = 6, rate = 48000) {
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const burst = Math.floor(t / 0.5);
    const on = t % 0.5 < 0.3;
    const f = 300 + (burst % 5) * 110;
    const v = on ? 0.5 * Math.sin(2 * Math.PI * f * t) * (1 + 0.3 * Math.sin(2 * Math.PI * 7 * t)) : 0;
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const dir = mkdtempSync(join(tmpdir(), 'rtc-speaking-'));
const wav = join(dir, 'speech.wav');
writeFileSync(wav, speechLikeWav());

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let chromium;

before(async () => {
  server = await startServer();
  chromium = await launchBrowser([`--use-file-for-fake-audio-capture=${wav}`]);
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** In the page: who is speaking now, by name, and who the active speaker is. */
const speakingNow = () => {
  const call = /** @type {any} */ (document.querySelector('rtc-call'));
  return {
    speaking: call.participants.filter((/** @type {any} */ p) => p.speaking).map((/** @type {any} */ p) => p.name),
    active: call.call?.activeSpeaker?.name ?? null,
    rings: [...call.shadowRoot.querySelectorAll('rtc-video-tile')]
      .filter((/** @type {any} */ t) => t.shadowRoot.querySelector('[part~="speaking"]'))
      .map((/** @type {any} */ t) => t.participant.name),
    highlighted: [...call.shadowRoot.querySelectorAll('rtc-video-tile[active-speaker]')].map(
      (/** @type {any} */ t) => t.participant.name,
    ),
  };
};

test('who speaks is seen by both, a muted person never speaks, and the active speaker moves to whoever is unmuted', async () => {
  const room = `speaking-${Date.now()}`;
  // What a page's script hears, from its start: every rtc-active-speaker event, by name.
  const listen = () => {
    const w = /** @type {any} */ (window);
    w.speakers = [];
    document.addEventListener('rtc-active-speaker', (e) =>
      w.speakers.push(/** @type {CustomEvent} */ (e).detail.participant?.name ?? null),
    );
  };
  const open = async (/** @type {string} */ name) => ({
    name,
    ...(await openPage(chromium.browser, `${server.url}/?prejoin=off&room=${room}&name=${name}`, listen)),
  });
  const ana = await open('Ana');
  const ben = await open('Ben');
  await Promise.all([waitForRemoteTiles(ana.page, 1, 30000), waitForRemoteTiles(ben.page, 1, 30000)]);
  // Ben mutes; from then on, both pages note every moment Ben shows as speaking.
  await ben.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).setMicrophone(false));
  const watch = () => {
    const w = /** @type {any} */ (window);
    w.benSpoke = 0;
    w.mutedFrom = w.speakers.length;
    w.benWatch = setInterval(() => {
      const call = /** @type {any} */ (document.querySelector('rtc-call'));
      if (call.participants.some((/** @type {any} */ p) => p.name === 'Ben' && p.speaking)) w.benSpoke++;
    }, 50);
  };
  // (Ben's own page may have seen him speak before he muted: his level is let go of at once on muting.)
  await ben.page.waitForFunction(
    () => !(/** @type {any} */ (document.querySelector('rtc-call')).participants[0].speaking),
    {
      timeout: 5000,
    },
  );
  await Promise.all([ana.page.evaluate(watch), ben.page.evaluate(watch)]);

  for (const { page } of [ana, ben])
    await page.waitForFunction(
      () => {
        const call = /** @type {any} */ (document.querySelector('rtc-call'));
        return (
          call.call?.activeSpeaker?.name === 'Ana' &&
          call.participants.find((/** @type {any} */ p) => p.name === 'Ana')?.speaking
        );
      },
      { timeout: 20000, polling: 100 },
    );
  const atBen = await ben.page.evaluate(speakingNow);
  assert.deepEqual(atBen.active, 'Ana');
  assert.ok(atBen.speaking.includes('Ana'), JSON.stringify(atBen));
  await ben.page.waitForFunction(
    () =>
      [
        .../** @type {any} */ (document.querySelector('rtc-call')).shadowRoot.querySelectorAll(
          'rtc-video-tile[active-speaker]',
        ),
      ]
        .map((/** @type {any} */ t) => t.participant.name)
        .join() === 'Ana',
    { timeout: 10000 },
  );
  // The speaking ring on Ana's tile, at Ben's, shows in time.
  await ben.page.waitForFunction(
    () =>
      [.../** @type {any} */ (document.querySelector('rtc-call')).shadowRoot.querySelectorAll('rtc-video-tile')].some(
        (/** @type {any} */ t) => t.participant.name === 'Ana' && t.shadowRoot.querySelector('[part~="speaking"]'),
      ),
    { timeout: 10000, polling: 50 },
  );
  // Muted all along: never speaking, on either page.
  const spoke = await Promise.all(
    [ana, ben].map(({ page }) =>
      page.evaluate(() => {
        const w = /** @type {any} */ (window);
        clearInterval(w.benWatch);
        w.mutedTo = w.speakers.length;
        return w.benSpoke;
      }),
    ),
  );
  assert.deepEqual(spoke, [0, 0], 'Ben, muted, never showed as speaking');

  // Ana mutes, Ben unmutes: the active speaker moves to Ben, on both pages.
  await ana.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).setMicrophone(false));
  await ben.page.evaluate(() => /** @type {any} */ (document.querySelector('rtc-call')).setMicrophone(true));
  for (const { page } of [ana, ben])
    await page.waitForFunction(
      () => /** @type {any} */ (document.querySelector('rtc-call')).call?.activeSpeaker?.name === 'Ben',
      { timeout: 20000, polling: 100 },
    );
  const atAna = await ana.page.evaluate(speakingNow);
  assert.ok(!atAna.speaking.includes('Ana'), `Ana is muted: ${JSON.stringify(atAna)}`);
  // The page's script heard it all as rtc-active-speaker events: Ana, never Ben while he was muted, and Ben last.
  for (const { page, name } of [ana, ben]) {
    const { heard, from, to } = await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      return { heard: /** @type {(string | null)[]} */ (w.speakers), from: w.mutedFrom, to: w.mutedTo };
    });
    const said = `${name} heard ${heard.join(', ')} (Ben muted from event ${from} to ${to})`;
    assert.ok(heard.includes('Ana'), said);
    assert.ok(!heard.slice(from, to).includes('Ben'), said);
    assert.equal(heard.at(-1), 'Ben', said);
  }
  for (const { errors } of [ana, ben]) assert.deepEqual(errors, []);
  await Promise.all([ana.context.close(), ben.context.close()]);
});
