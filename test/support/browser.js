// @ts-check
/** Headless Chromium with fake camera and microphone, for end-to-end calls. */
import puppeteer from 'puppeteer-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from './chromium.js';
import { findChromium, findFirefox } from './packages.js';
import { within } from './within.js';

/**
 * Closes a browser, and kills it if it does not close in time (a hung browser must not hold the test run).
 * @param {import('puppeteer-core').Browser} browser
 */
async function closeOrKill(browser) {
  try {
    await within(browser.close(), 20000, 'the browser to close');
  } catch {
    browser.process()?.kill('SIGKILL');
  }
}

/** @param {string[]} [extraArgs] */
export async function launchBrowser(extraArgs = []) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rtc-call-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    userDataDir,
    protocolTimeout: 60000,
  });
  const close = async () => {
    await closeOrKill(browser);
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { browser, close };
}

/**
 * Opens `url` in a browser context of its own (own storage, own devices, as a separate visitor), and collects the
 * page's errors (uncaught, and console errors). `trouble` collects what a failure's message should show but a test
 * does not assert on: requests that failed, answers of 400 and up, console warnings. `beforeScripts` runs in the page
 * before any of its own.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} url
 * @param {() => void} [beforeScripts]
 */
export async function openPage(browser, url, beforeScripts) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  if (beforeScripts) await page.evaluateOnNewDocument(beforeScripts);
  /** @type {string[]} */
  const errors = [];
  /** @type {string[]} */
  const trouble = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('console', (m) => m.type() === 'warn' && trouble.push(`console.warn: ${m.text()}`));
  page.on('requestfailed', (r) => trouble.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && trouble.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.goto(url);
  return { page, context, errors, trouble };
}

/** Debian's Firefox ESR, driven over WebDriver BiDi, with a fake camera and microphone and no prompts. */
export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    protocolTimeout: 60000,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
      'media.autoplay.blocking_policy': 0,
      // Plain host candidates on loopback, and nothing phoning home.
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'network.connectivity-service.enabled': false,
      'network.captive-portal-service.enabled': false,
      'browser.safebrowsing.update.enabled': false,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'media.gmp-manager.updateEnabled': false,
    },
  });
  return { browser, close: () => closeOrKill(browser) };
}

/**
 * Frames each remote video on a page presents during `ms`, counted with requestVideoFrameCallback, which works in
 * Chromium and Firefox alike (headless Firefox reports no playback quality).
 * @param {import('puppeteer-core').Page} page
 * @param {number} [ms]
 * @returns {Promise<number[]>}
 */
export function remoteFrameCounts(page, ms = 1500) {
  return page.evaluate(async (ms) => {
    const call = document.querySelector('rtc-call');
    const tiles = [...(call?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? [])];
    const videos = tiles.map((t) => /** @type {HTMLVideoElement} */ (t.shadowRoot?.querySelector('video')));
    return Promise.all(
      videos.map(
        (v) =>
          new Promise((resolve) => {
            let n = 0;
            let counting = true;
            const tick = () => {
              if (!counting) return;
              n++;
              v.requestVideoFrameCallback(tick);
            };
            v.requestVideoFrameCallback(tick);
            setTimeout(() => {
              counting = false;
              resolve(n);
            }, ms);
          }),
      ),
    );
  }, ms);
}

/**
 * Counts decoded frames of each remote video on a page, twice, a while apart.
 * @param {import('puppeteer-core').Page} page
 * @param {number} [ms]
 * @returns {Promise<{before: number[], after: number[]}>}
 */
export async function remoteFrames(page, ms = 1500) {
  const read = () =>
    page.evaluate(() => {
      const call = document.querySelector('rtc-call');
      const tiles = [...(call?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? [])];
      return tiles.map((t) => t.shadowRoot?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? -1);
    });
  const before = await read();
  await new Promise((r) => setTimeout(r, ms));
  const after = await read();
  return { before, after };
}

/**
 * Waits until a page shows `n` remote tiles whose video has frames.
 * @param {import('puppeteer-core').Page} page
 * @param {number} n
 * @param {number} [timeout]
 */
export function waitForRemoteVideos(page, n, timeout = 30000) {
  return page.waitForFunction(
    (n) => {
      const call = document.querySelector('rtc-call');
      const tiles = [...(call?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? [])];
      return (
        tiles.length === n &&
        tiles.every((t) => (t.shadowRoot?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > 0)
      );
    },
    { timeout, polling: 250 },
    n,
  );
}

/**
 * @param {import('puppeteer-core').Page} page
 * @param {number} n
 * @param {number} [timeout]
 */
export function waitForRemoteTiles(page, n, timeout = 20000) {
  return page.waitForFunction(
    (n) =>
      (document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])').length ?? -1) ===
      n,
    { timeout, polling: 200 },
    n,
  );
}

/**
 * Waits until the remote tile showing `name` says `status` (its `status` part: "Connecting…", "Reconnecting…").
 * @param {import('puppeteer-core').Page} page
 * @param {string} name
 * @param {string} status
 * @param {number} [timeout]
 */
export function waitForTileStatus(page, name, status, timeout = 20000) {
  return page.waitForFunction(
    (name, status) =>
      [...(document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? [])].some(
        (t) =>
          t.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim() === name &&
          t.shadowRoot?.querySelector('[part~="status"]')?.textContent?.trim() === status,
      ),
    { timeout, polling: 200 },
    name,
    status,
  );
}
