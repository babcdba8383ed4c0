// @ts-check
/** What the fault tests share: pages that record what the widget says, frame counters, and bounded waits. */
import { openPage, waitForRemoteVideos } from '../support/browser.js';

/**
 * Runs in every page before its scripts: records the widget's events and `call-state` changes with their times.
 * Events bubble out of <rtc-call no-prejoin>, so the document hears them.
 */
function recordWidget() {
  /** @type {{at: number, type: string, detail?: any}[]} */
  const log = [];
  /** @type {any} */ (window).rtcFaultLog = log;
  for (const type of ['rtc-joined', 'rtc-participant-joined', 'rtc-participant-left', 'rtc-error', 'rtc-left'])
    document.addEventListener(
      type,
      (e) => {
        const d = /** @type {CustomEvent} */ (e).detail ?? {};
        const p = d.participant;
        log.push({
          at: Date.now(),
          type,
          detail: p ? { id: p.id, name: p.name } : d.code ? { code: d.code, fatal: d.fatal } : undefined,
        });
      },
      true,
    );
  new MutationObserver((records) => {
    for (const r of records) {
      const state = /** @type {Element} */ (r.target).getAttribute('call-state');
      log.push({ at: Date.now(), type: 'call-state', detail: state });
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['call-state'] });
}

/**
 * Opens the widget in a browser context of its own (a separate visitor) with the recorder installed.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} url
 */
export const openRecordedPage = (browser, url) => openPage(browser, url, recordWidget);

/**
 * The recorded events of a page.
 * @param {import('puppeteer-core').Page} page
 * @returns {Promise<{at: number, type: string, detail?: any}[]>}
 */
export const widgetLog = (page) => page.evaluate(() => /** @type {any} */ (window).rtcFaultLog ?? []);

/**
 * Decoded frames of each remote tile, by the name it shows.
 * @param {import('puppeteer-core').Page} page
 * @returns {Promise<Record<string, number>>}
 */
export function framesByName(page) {
  return page.evaluate(() => {
    const call = document.querySelector('rtc-call');
    /** @type {Record<string, number>} */
    const out = {};
    for (const t of call?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])') ?? []) {
      const name = t.shadowRoot?.querySelector('[part~="name"]')?.textContent?.trim() ?? '?';
      out[name] = t.shadowRoot?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? -1;
    }
    return out;
  });
}

/** @param {import('puppeteer-core').Page} page */
export const callState = (page) => page.evaluate(() => document.querySelector('rtc-call')?.getAttribute('call-state'));

/**
 * Marks the remote tiles of a page, to check later that the same elements are still there (a tile that left and
 * came back is a new element).
 * @param {import('puppeteer-core').Page} page
 * @param {string} mark
 */
export function markTiles(page, mark) {
  return page.evaluate((mark) => {
    const tiles = document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])');
    for (const t of tiles ?? []) /** @type {any} */ (t).rtcFaultMark = mark;
    return tiles?.length ?? 0;
  }, mark);
}

export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns something truthy; returns it, or undefined after `timeout` ms. Bounded.
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {number} timeout
 * @param {number} [every]
 * @returns {Promise<T | undefined>}
 */
export async function poll(check, timeout, every = 250) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() >= end) return undefined;
    await sleep(every);
  }
}

/**
 * Reads the server's member count from /metrics (the test runs on the server's machine, so it may read it).
 * @param {string} url
 */
export async function serverMembers(url) {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  const m = /^rtc_members (\d+)$/m.exec(await res.text());
  return m ? Number(m[1]) : NaN;
}

/**
 * Decoded frames of the remote tiles that carry the mark (one number per such tile still in the document).
 * @param {import('puppeteer-core').Page} page
 * @param {string} mark
 * @returns {Promise<number[]>}
 */
export function markedFrames(page, mark) {
  return page.evaluate((mark) => {
    const tiles = document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('rtc-video-tile:not([local])');
    return [...(tiles ?? [])]
      .filter((t) => /** @type {any} */ (t).rtcFaultMark === mark && t.isConnected)
      .map((t) => t.shadowRoot?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? -1);
  }, mark);
}

/**
 * Until every page sees `count` remote videos. If one does not within `timeoutMs`, fails with what each page's widget
 * said (its recorded events), its page errors, failed requests and console errors, its element's attributes and its
 * tiles' frames, so that a call that never connected can be told from a slow one.
 * @param {{page: import('puppeteer-core').Page, errors: string[], trouble: string[]}[]} pages
 * @param {number} count
 * @param {number} timeoutMs
 */
export async function everyoneSees(pages, count, timeoutMs) {
  try {
    await Promise.all(pages.map(({ page }) => waitForRemoteVideos(page, count, timeoutMs)));
  } catch (err) {
    const said = await Promise.all(
      pages.map(async ({ page, errors, trouble }) => ({
        log: await widgetLog(page).catch(String),
        errors,
        trouble,
        element: await page
          .evaluate(() => {
            const call = document.querySelector('rtc-call');
            return call && Object.fromEntries([...call.attributes].map((a) => [a.name, a.value]));
          })
          .catch(String),
        frames: await framesByName(page).catch(String),
      })),
    );
    throw new Error(`${/** @type {Error} */ (err).message}; what each page said: ${JSON.stringify(said)}`);
  }
}
