// The mesh part of `npm run bench` (BENCH_SKIP=mesh leaves it out): rooms of 2..6 pages for raw PeerJS and for
// <rtc-call> with and without fitting its video, in one headless Chromium; see mesh.mjs for what a room measures.
//
// Settings (environment): BENCH_MESH_SIZES (comma-separated room sizes, default 2,3,4,5,6), BENCH_MESH_ROUNDS
// (default 1), BENCH_MESH_WINDOW_MS (the CPU and uplink window, default 4000).
import { dropProfileOnExit } from './serve.mjs';
import { startOurs, startStock } from './procs.mjs';
import { startMeshSite, meshRoom, WIDTH } from './mesh.mjs';
import { median, paired } from './stats.mjs';
import { launchBrowser } from '../../test/support/browser.js';

const KINDS = /** @type {const} */ (['raw', 'fit', 'nofit']);
const int = (/** @type {string | undefined} */ v, /** @type {number} */ def, min = 1, max = 1000) =>
  Math.min(max, Math.max(min, Number.parseInt(v ?? '', 10) || def));

export const MESH = {
  sizes: [
    ...new Set(
      (process.env.BENCH_MESH_SIZES || '2,3,4,5,6')
        .split(',')
        .map((s) => int(s, 2, 2, 8))
        .sort((a, b) => a - b),
    ),
  ],
  rounds: int(process.env.BENCH_MESH_ROUNDS, 1, 1, 5),
  windowMs: int(process.env.BENCH_MESH_WINDOW_MS, 4000, 1000, 20000),
  settleMs: 2000,
  connectTimeoutMs: 60000,
};

/** The longest the mesh part can take, for the run's watchdog: every room timing out, plus its windows. */
export const meshBudgetMs = () =>
  MESH.rounds * MESH.sizes.length * KINDS.length * (MESH.connectTimeoutMs + MESH.settleMs + MESH.windowMs + 15000) +
  60000;

/**
 * Our server for the mesh: default settings but the per-address limits, since every page of the bench comes from
 * 127.0.0.1 (a real room's visitors each have their own address). ROOM_MAX is the default, 8.
 */
const OURS = {
  LOG_LEVEL: 'warn',
  JOIN_RATE: '1000000',
  MAX_CONNECTIONS_PER_IP: '1000',
  MAX_SOCKETS_PER_IP: '1000',
  PENDING_PER_IP: '1000',
};

/**
 * @param {Map<string, () => unknown>} owed cleanups the run still owes (each removed once done)
 * @param {(msg: string) => void} log
 */
export async function benchMesh(owed, log) {
  const stock = await startStock();
  owed.set('mesh stock server', () => stock.stop());
  const ours = await startOurs(OURS);
  owed.set('mesh our server', () => ours.stop());
  const site = await startMeshSite();
  owed.set('mesh site', () => site.close());
  const chromium = await launchBrowser();
  owed.set('mesh chromium', () => chromium.close());
  dropProfileOnExit(chromium.browser);
  const where = {
    site: site.url,
    stockPort: stock.port,
    ours: ours.url,
    browserPid: chromium.browser.process()?.pid,
    connectTimeoutMs: MESH.connectTimeoutMs,
    settleMs: MESH.settleMs,
    windowMs: MESH.windowMs,
  };
  /** @type {any[]} */
  const rooms = [];
  const started = Date.now();
  try {
    // Warm-up (not counted): the first calls of a browser pay for starting the fake devices and more.
    for (const kind of /** @type {const} */ (['raw', 'fit']))
      await meshRoom(chromium.browser, kind, 2, { ...where, settleMs: 0, windowMs: 200 });
    for (let r = 0; r < MESH.rounds; r++) {
      for (const [s, n] of MESH.sizes.entries()) {
        // Which kind goes first turns from room size to room size and round to round.
        const shift = (r + s) % KINDS.length;
        const order = [...KINDS.slice(shift), ...KINDS.slice(0, shift)];
        /** @type {Record<string, any>} */
        const got = {};
        for (const kind of order) {
          try {
            got[kind] = await meshRoom(chromium.browser, kind, n, where);
          } catch (err) {
            got[kind] = { kind, n, error: /** @type {Error} */ (err).message.slice(0, 2000) };
          }
          rooms.push({ round: r, ...got[kind] });
        }
        log(
          `  mesh round ${r + 1}/${MESH.rounds}, ${n} pages (${order.join(', ')}): everyone sees everyone after ` +
            KINDS.map((k) => (got[k].error ? `${k} failed` : `${k} ${got[k].allMs.toFixed(0)} ms`)).join(', ') +
            `; CPU ` +
            KINDS.map((k) => (got[k].error ? '-' : got[k].cpuPerSec.toFixed(2))).join(' / ') +
            ` s/s`,
        );
        for (const k of KINDS) if (got[k].error) log(`    ${k}: ${got[k].error.split('\n')[0]}`);
      }
    }
  } finally {
    for (const name of ['mesh chromium', 'mesh site', 'mesh our server', 'mesh stock server']) {
      const fn = owed.get(name);
      owed.delete(name);
      await fn?.();
    }
  }
  return {
    config: { ...MESH, width: WIDTH, kinds: KINDS, oursSettings: OURS, iceServers: [] },
    seconds: (Date.now() - started) / 1000,
    summary: summarise(rooms, MESH.sizes, MESH.rounds),
    rooms,
  };
}

/**
 * Browser CPU per video frame the room's pages encoded, ms. On a machine this busy the browser gets what it can, not
 * what it wants: a starved sender encodes fewer frames, so CPU seconds per second alone flatter the costlier call.
 * @param {any} room
 */
const cpuMsPerFrame = (room) =>
  (room.cpuPerSec * 1000) / room.perPage.reduce((/** @type {number} */ a, /** @type {any} */ p) => a + p.encodedFps, 0);

/**
 * Per room size: each kind's medians over rounds (and over pages for the per-sender figures), and the ratios.
 * @param {any[]} rooms @param {number[]} sizes @param {number} rounds
 */
export function summarise(rooms, sizes, rounds) {
  for (const r of rooms) if (!r.error) r.cpuMsPerFrame = cpuMsPerFrame(r);
  /** @type {Record<number, any>} */
  const out = {};
  for (const n of sizes) {
    /** @param {string} kind @returns {any[]} one per round, undefined where it failed */
    const of = (kind) =>
      Array.from({ length: rounds }, (_, r) =>
        rooms.find((x) => x.round === r && x.n === n && x.kind === kind && !x.error),
      );
    /** @param {string} kind */
    const kindSummary = (kind) => {
      const ok = of(kind).filter(Boolean);
      const pages = ok.flatMap((x) => x.perPage);
      return {
        rooms: ok.length,
        failed: rounds - ok.length,
        allMs: median(ok.map((x) => x.allMs)),
        cpuPerSec: median(ok.map((x) => x.cpuPerSec)),
        cpuMsPerFrame: median(ok.map((x) => x.cpuMsPerFrame)),
        uplinkKbps: median(pages.map((p) => p.uplinkKbps)),
        videoKbps: median(pages.map((p) => p.videoKbps)),
        encodedFps: median(pages.map((p) => p.encodedFps)),
        sentHeight: median(pages.flatMap((p) => p.sentHeights)),
        // Video streams sent per page, and of them paused (a receiver that does not show it).
        videoStreams: median(pages.map((p) => p.videoStreams)),
        paused: median(pages.map((p) => p.paused)),
      };
    };
    /** @param {string} a @param {string} b @param {string} key */
    const ratio = (a, b, key) =>
      paired(
        of(a).map((x) => x?.[key] ?? NaN),
        of(b).map((x) => x?.[key] ?? NaN),
      );
    out[n] = {
      raw: kindSummary('raw'),
      fit: kindSummary('fit'),
      nofit: kindSummary('nofit'),
      // ours / base: `paired(base, ours)`
      cpuFitOverNofit: ratio('nofit', 'fit', 'cpuPerSec'),
      cpuPerFrameFitOverNofit: ratio('nofit', 'fit', 'cpuMsPerFrame'),
      allMsFitOverRaw: ratio('raw', 'fit', 'allMs'),
      allMsNofitOverRaw: ratio('raw', 'nofit', 'allMs'),
      cpuFitOverRaw: ratio('raw', 'fit', 'cpuPerSec'),
    };
  }
  return out;
}

/** @param {number} x @param {number} [digits] */
const num = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
/** @param {{ratio: number, ratioMin: number, ratioMax: number, n: number}} p */
const ratio = (p) =>
  Number.isFinite(p.ratio)
    ? p.n > 1
      ? `${p.ratio.toFixed(2)}x (${p.ratioMin.toFixed(2)}-${p.ratioMax.toFixed(2)})`
      : `${p.ratio.toFixed(2)}x`
    : '-';

/** The mesh table, in Markdown (it goes into bench/RESULTS.md as it is). @param {any} mesh */
export function meshReport(mesh) {
  const c = mesh.config;
  const lines = [
    `Mesh in one headless Chromium, every call ${c.width} px wide; medians of ${c.rounds} round(s); ` +
      `CPU and uplink over ${c.windowMs / 1000} s once everyone sees everyone (+${c.settleMs / 1000} s settle).`,
    '',
    '| pages | page | everyone sees everyone, ms | browser CPU, s/s | CPU ms per frame encoded | uplink per sender, kbit/s | of it video | sent height (median) | frames encoded/s per sender | video streams (paused) per sender |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const label = { raw: 'raw PeerJS', fit: 'rtc-call', nofit: 'rtc-call, fit-video=off' };
  for (const [n, s] of Object.entries(mesh.summary)) {
    for (const k of /** @type {const} */ (['raw', 'fit', 'nofit'])) {
      const x = s[k];
      lines.push(
        `| ${n} | ${label[k]}${x.failed ? ` (${x.failed} failed)` : ''} | ${num(x.allMs)} | ${num(x.cpuPerSec, 2)} | ${num(x.cpuMsPerFrame, 1)} | ` +
          `${num(x.uplinkKbps)} | ${num(x.videoKbps)} | ${num(x.sentHeight)} | ${num(x.encodedFps, 1)} | ${num(x.videoStreams)} (${num(x.paused)}) |`,
      );
    }
  }
  lines.push(
    '',
    '| pages | CPU: fitted / fit-video=off | CPU per frame: fitted / fit-video=off | CPU: fitted / raw | everyone sees everyone: rtc-call / raw | fit-video=off / raw |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [n, s] of Object.entries(mesh.summary))
    lines.push(
      `| ${n} | ${ratio(s.cpuFitOverNofit)} | ${ratio(s.cpuPerFrameFitOverNofit)} | ${ratio(s.cpuFitOverRaw)} | ${ratio(s.allMsFitOverRaw)} | ${ratio(s.allMsNofitOverRaw)} |`,
    );
  const t4 = mesh.summary[4]?.cpuFitOverNofit;
  const t6 = mesh.summary[6]?.allMsFitOverRaw;
  lines.push('');
  if (t4)
    lines.push(
      `Target, 4 pages: CPU fitted / fit-video=off at most 0.60x: ${ratio(t4)} ` +
        `(per frame encoded: ${ratio(mesh.summary[4].cpuPerFrameFitOverNofit)}).`,
    );
  if (t6) lines.push(`Target, 6 pages: everyone sees everyone, rtc-call / raw PeerJS at most 0.50x: ${ratio(t6)}.`);
  return lines.join('\n');
}
