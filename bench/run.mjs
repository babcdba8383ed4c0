#!/usr/bin/env node
// `npm run bench`: what rtc-call costs over plain PeerJS, on this machine, now.
//
// The machine is assumed noisy, so nothing is reported as an absolute alone: every figure is set against a baseline
// measured in the same run (stock `peer` server, raw PeerJS), the two alternate round by round (which one goes first
// alternates too), and the summaries are medians; each ratio is the median of the per-round ratios.
// Everything runs on 127.0.0.1, every loop is bounded, and every child process, socket and browser is closed on
// the way out, also on failure (and a watchdog ends the run if it ever takes far too long).
//
// Settings (environment): BENCH_ROUNDS (broker rounds, default 10), BENCH_CALLS (calls of each kind, default 20:
// fewer swing the call's median ratio by ±0.15 from run to run on 2 cores),
// BENCH_CLIENTS (default 200), BENCH_SCALE (idle clients of the scale part, comma-separated, default
// 1000,5000,10000; at most 20000 each, and only as many as `ulimit -n` leaves room for), BENCH_JOIN (`http`: our
// broker clients take their seat by POST /rtc/join first, not in the upgrade), BENCH_SKIP (comma-separated: size,
// broker, scale, browser, mesh); the mesh's own in helpers/mesh-bench.mjs.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { sizes, composition, lazyChunks, OURS } from './helpers/size.mjs';
import { startOurs, startStock, killAll } from './helpers/procs.mjs';
import { brokerRound, JOIN_OVER_HTTP } from './helpers/broker.mjs';
import { scaleRound, fdLimit } from './helpers/scale.mjs';
import { startSite, oneCall, callFigures } from './helpers/call.mjs';
import { treeCpuSeconds } from './helpers/cpu.mjs';
import { paired, median, sleep, withTimeout } from './helpers/stats.mjs';
import { launchBrowser } from '../test/support/browser.js';
import { dropProfileOnExit } from './helpers/serve.mjs';
import { benchMesh, meshReport, meshBudgetMs } from './helpers/mesh-bench.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const int = (/** @type {string | undefined} */ v, /** @type {number} */ def, max = 1000) =>
  Math.min(max, Math.max(1, Number.parseInt(v ?? '', 10) || def));
const ROUNDS = int(process.env.BENCH_ROUNDS, 10, 20);
const CALLS = int(process.env.BENCH_CALLS, 20, 40);
const SKIP = new Set(
  (process.env.BENCH_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const BROKER = {
  n: int(process.env.BENCH_CLIENTS, 200, 2000),
  concurrency: 20,
  pairs: 20,
  roundTrips: 200,
  sdpBytes: 2000,
};
const SCALE = {
  sizes: (process.env.BENCH_SCALE ?? '1000,5000,10000')
    .split(',')
    .map((s) => int(s.trim(), 0, 20000))
    .filter((n) => n >= 2),
  concurrency: 50,
  idleSeconds: 10,
  pairs: 20,
  rate: 10,
  relaySeconds: 5,
  sdpBytes: 2000,
};
const CPU_WINDOW_MS = 2000;
// Each scale size takes up to about two minutes a server on this machine.
const WATCHDOG_MS =
  300000 + (SKIP.has('scale') ? 0 : SCALE.sizes.length * 300000) + (SKIP.has('mesh') ? 0 : meshBudgetMs());

/**
 * Our server with its limits lifted, so the broker bench measures the guard's overhead rather than the limits
 * doing their job. (MESSAGE_RATE's ceiling is 100000/s per connection: a higher value stops the server.)
 */
const LIFTED = {
  MESSAGE_RATE: '100000',
  JOIN_RATE: '1000000',
  MAX_CONNECTIONS_PER_IP: '100000',
  MAX_SOCKETS_PER_IP: '100000',
  PENDING_PER_IP: '1000',
  ROOM_MAX: '100',
  LOG_LEVEL: 'warn',
};

/** Cleanups still owed, newest first. @type {Map<string, () => Promise<unknown> | unknown>} */
const owed = new Map();
async function cleanup() {
  for (const [name, fn] of [...owed].reverse()) {
    owed.delete(name);
    await withTimeout(Promise.resolve().then(fn), 10000, `cleanup ${name}`).catch((err) =>
      console.error(`bench: ${err.message}`),
    );
  }
  killAll();
}
const bail = (/** @type {string} */ why, code = 1) => {
  console.error(`bench: ${why}`);
  void withTimeout(cleanup(), 15000, 'cleanup').finally(() => process.exit(code));
};
setTimeout(() => bail(`watchdog: still running after ${WATCHDOG_MS / 1000} s, giving up`), WATCHDOG_MS).unref();
process.once('SIGINT', () => bail('interrupted', 130));
process.once('SIGTERM', () => bail('terminated', 143));

const log = (/** @type {string} */ msg) => process.stderr.write(`${msg}\n`);

// ---------------------------------------------------------------------------------------------------------------
// 1. Size

function benchSize() {
  if (!existsSync(OURS)) {
    log('dist/rtc-call.js is missing: npm run build');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const s = sizes();
  return {
    ...s,
    ratio: { bytes: s.ours.bytes / s.peerjs.bytes, gzipBytes: s.ours.gzipBytes / s.peerjs.gzipBytes },
    composition: composition(),
    lazy: lazyChunks(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Broker

async function benchBroker() {
  /** @type {{stock: any[], ours: any[]}} */
  const rounds = { stock: [], ours: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = /** @type {const} */ (r % 2 ? ['ours', 'stock'] : ['stock', 'ours']);
    for (const kind of order) {
      const server = kind === 'stock' ? await startStock() : await startOurs(LIFTED);
      owed.set(`${kind} server`, () => server.stop());
      try {
        rounds[kind].push(await brokerRound(kind, server, { ...BROKER, tag: `bench${r}` }));
      } finally {
        await server.stop();
        owed.delete(`${kind} server`);
      }
    }
    const s = rounds.stock[r];
    const o = rounds.ours[r];
    log(
      `  broker round ${r + 1}/${ROUNDS} (${order[0]} first): connect ${s.connect.totalMs.toFixed(0)} / ${o.connect.totalMs.toFixed(0)} ms, ` +
        `relay ${s.relay.messagesPerSec.toFixed(0)} / ${o.relay.messagesPerSec.toFixed(0)} msg/s (stock / ours)`,
    );
  }
  const pick = (/** @type {(x: any) => number} */ f) => paired(rounds.stock.map(f), rounds.ours.map(f));
  return {
    config: {
      ...BROKER,
      rounds: ROUNDS,
      oursSettings: LIFTED,
      stockOptions: { key: 'peerjs', path: '/', other: 'defaults' },
    },
    summary: {
      startupMs: pick((x) => x.startupMs),
      connectTotalMs: pick((x) => x.connect.totalMs),
      connectPerClientMs: pick((x) => x.connect.perClientMedianMs),
      connectPerClientP99Ms: pick((x) => x.connect.perClientP99Ms),
      connectCpuPerClientMs: pick((x) => x.connect.cpuPerClientMs),
      oursJoinMs: median(rounds.ours.map((x) => x.connect.joinMedianMs)),
      oursWebsocketMs: median(rounds.ours.map((x) => x.connect.wsMedianMs)),
      relayMessagesPerSec: pick((x) => x.relay.messagesPerSec),
      relayRttP50Ms: pick((x) => x.relay.rttP50Ms),
      relayRttP99Ms: pick((x) => x.relay.rttP99Ms),
      relayCpuPerMessageUs: pick((x) => x.relay.cpuPerMessageUs),
      rssIdleKb: pick((x) => x.memory.rssIdleKb),
      rssConnectedKb: pick((x) => x.memory.rssConnectedKb),
      rssPerClientKb: pick((x) => x.memory.perClientKb),
      rssAfterRelayKb: pick((x) => x.memory.rssAfterRelayKb),
    },
    rounds,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. The broker at scale

async function benchScale() {
  // Each client is a socket in this process and one in the server: both under the same `ulimit -n`.
  const limit = fdLimit();
  const sizes = SCALE.sizes.filter((n) => {
    const fits = n + 500 <= limit;
    if (!fits)
      log(`  scale: ${n} clients skipped: \`ulimit -n\` is ${limit} (raise it in the shell that runs the bench)`);
    return fits;
  });
  /** @type {any[]} */
  const runs = [];
  for (const [k, n] of sizes.entries()) {
    const order = /** @type {const} */ (k % 2 ? ['ours', 'stock'] : ['stock', 'ours']);
    /** @type {Record<string, any>} */
    const pair = { n };
    for (const kind of order) {
      const server = kind === 'stock' ? await startStock({ concurrentLimit: n + 100 }) : await startOurs(LIFTED);
      owed.set(`${kind} scale server`, () => server.stop());
      try {
        pair[kind] = await scaleRound(kind, server, { ...SCALE, n, tag: `scale${n}` });
      } finally {
        await server.stop();
        owed.delete(`${kind} scale server`);
      }
    }
    const [s, o] = [pair.stock, pair.ours];
    for (const kind of order)
      if (pair[kind].stillOpen < n)
        log(
          `  scale ${n}: ${kind} dropped ${n - pair[kind].stillOpen} clients: its figures at this size are not comparable`,
        );
    log(
      `  scale ${n} (${order[0]} first): ${s.connectsPerSec.toFixed(0)} / ${o.connectsPerSec.toFixed(0)} connects/s, ` +
        `RSS ${s.rssPer1kMb.toFixed(1)} / ${o.rssPer1kMb.toFixed(1)} MB per 1k, relay p50 ${s.relay.rttP50Ms.toFixed(2)} / ${o.relay.rttP50Ms.toFixed(2)} ms (stock / ours)`,
    );
    runs.push(pair);
  }
  return {
    config: {
      ...SCALE,
      sizes,
      fdLimit: limit,
      oursSettings: LIFTED,
      // How our clients took their seat (BENCH_JOIN), so that the report and the JSON say it.
      joinOverHttp: JOIN_OVER_HTTP,
      stockOptions: 'defaults, concurrent_limit lifted',
    },
    runs,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Call setup in the browser

const STEPS = ['gumDone', 'brokerOpen', 'remoteSdp', 'remoteTrack', 'pcConnected', 'firstFrame'];

async function benchBrowser() {
  const stock = await startStock();
  owed.set('browser stock server', () => stock.stop());
  // Our server as shipped (default limits): a call is what the limits are for.
  const ours = await startOurs({ LOG_LEVEL: 'warn' });
  owed.set('browser our server', () => ours.stop());
  const site = await startSite();
  owed.set('site', () => site.close());
  const chromium = await launchBrowser();
  owed.set('chromium', () => chromium.close());
  dropProfileOnExit(chromium.browser);
  const browserPid = chromium.browser.process()?.pid;
  const steady = browserPid
    ? async () => {
        const c0 = treeCpuSeconds(browserPid);
        const t0 = performance.now();
        await sleep(CPU_WINDOW_MS);
        return { cpuPercent: ((treeCpuSeconds(browserPid) - c0) / ((performance.now() - t0) / 1000)) * 100 };
      }
    : undefined;
  const where = { site: site.url, stockPort: stock.port, ours: ours.url, steady };
  /** @type {{raw: any[], rtc: any[]}} */
  const calls = { raw: [], rtc: [] };
  try {
    // Warm-up (not counted): the first call of a browser pays for starting the fake devices and more.
    for (const kind of /** @type {const} */ (['raw', 'rtc']))
      await oneCall(chromium.browser, kind, { ...where, steady: undefined });
    for (let k = 0; k < CALLS; k++) {
      const order = /** @type {const} */ (k % 2 ? ['rtc', 'raw'] : ['raw', 'rtc']);
      for (const kind of order) calls[kind].push(await oneCall(chromium.browser, kind, where));
      const [r, o] = [callFigures(calls.raw[k]), callFigures(calls.rtc[k])];
      log(
        `  call ${k + 1}/${CALLS} (${order[0]} first): both pages showing remote video after ${r.bothMs.toFixed(0)} / ${o.bothMs.toFixed(0)} ms (raw / rtc-call)`,
      );
    }
  } finally {
    for (const name of ['chromium', 'site', 'browser our server', 'browser stock server']) {
      const fn = owed.get(name);
      owed.delete(name);
      await fn?.();
    }
  }
  const figs = { raw: calls.raw.map(callFigures), rtc: calls.rtc.map(callFigures) };
  /** Median over every page of every call of one mark. @param {any[]} cs @param {string} step */
  const step = (cs, step) => median(cs.flatMap((c) => c.pages.map((/** @type {any} */ p) => p.t[step])));
  /** Remote video at the end of the CPU window, median over pages. @param {any[]} cs */
  const videoOf = (cs) => {
    const vs = cs.flatMap((c) => c.remoteVideo ?? []);
    return {
      width: median(vs.map((v) => v.width)),
      height: median(vs.map((v) => v.height)),
      fps: median(vs.map((v) => v.fps)),
    };
  };
  const steadyOf = (/** @type {any[]} */ cs, /** @type {(c: any) => number} */ f) =>
    cs.map((c) => (c.steady ? f(c) : NaN));
  return {
    config: { calls: CALLS, cpuWindowMs: CPU_WINDOW_MS, oursSettings: 'defaults (LOG_LEVEL=warn)', iceServers: [] },
    summary: {
      bothPagesMs: paired(
        figs.raw.map((f) => f.bothMs),
        figs.rtc.map((f) => f.bothMs),
      ),
      perPageMs: paired(
        figs.raw.map((f) => f.perPageMs),
        figs.rtc.map((f) => f.perPageMs),
      ),
      steps: Object.fromEntries(STEPS.map((s) => [s, { raw: step(calls.raw, s), rtc: step(calls.rtc, s) }])),
      cpuPercent: paired(
        steadyOf(calls.raw, (c) => c.steady.cpuPercent),
        steadyOf(calls.rtc, (c) => c.steady.cpuPercent),
      ),
      remoteVideo: { raw: videoOf(calls.raw), rtc: videoOf(calls.rtc) },
    },
    calls,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

/** @param {number} x @param {number} [digits] */
const num = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
/** @param {{ratio: number, ratioMin: number, ratioMax: number}} p */
const ratio = (p) =>
  Number.isFinite(p.ratio) ? `${p.ratio.toFixed(2)}x  (${p.ratioMin.toFixed(2)}-${p.ratioMax.toFixed(2)})` : '-';

/** @param {string} title @param {string[]} head @param {string[][]} rows */
function table(title, head, rows) {
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('   ');
  return [`\n${title}`, line(head), w.map((n) => '-'.repeat(n)).join('   '), ...rows.map(line)].join('\n');
}

/** @param {any} results */
function report(results) {
  const out = [];
  const { size, broker, scale, browser } = results;
  if (size) {
    out.push(
      table(
        'Size: dist/rtc-call.js vs node_modules/peerjs/dist/peerjs.min.js',
        ['', 'peerjs.min.js', 'rtc-call.js', 'rtc-call/peerjs'],
        [
          ['minified bytes', num(size.peerjs.bytes), num(size.ours.bytes), `${size.ratio.bytes.toFixed(2)}x`],
          [
            'gzip -9 bytes',
            num(size.peerjs.gzipBytes),
            num(size.ours.gzipBytes),
            `${size.ratio.gzipBytes.toFixed(2)}x`,
          ],
        ],
      ),
    );
    if (size.composition) {
      const total = Object.values(/** @type {Record<string, number>} */ (size.composition)).reduce((a, b) => a + b, 0);
      out.push(
        `  rtc-call.js by package (source map, minified bytes): ` +
          Object.entries(/** @type {Record<string, number>} */ (size.composition))
            .map(([k, v]) => `${k} ${((v / total) * 100).toFixed(0)}%`)
            .join(', '),
      );
    }
    for (const [file, m] of Object.entries(/** @type {Record<string, any>} */ (size.lazy ?? {})))
      out.push(`  loaded when needed: ${file} ${num(m.bytes)} bytes, ${num(m.gzipBytes)} gzip -9`);
  }
  /** A row of a baseline-vs-ours table. */
  const row = (/** @type {string} */ label, /** @type {any} */ p, digits = 0) => [
    label,
    num(p.base, digits),
    num(p.ours, digits),
    ratio(p),
  ];
  if (broker) {
    const s = broker.summary;
    const c = broker.config;
    out.push(
      table(
        `Broker: stock peer 1.0.2 vs ours; ${c.n} clients (${c.concurrency} connecting at a time), ${c.pairs} pairs x ${c.roundTrips} OFFER round trips of ${c.sdpBytes}-byte SDP; medians of ${c.rounds} alternating rounds`,
        ['', 'stock', 'ours', 'ours/stock (min-max)'],
        [
          row('server startup, ms', s.startupMs),
          row(`connect ${c.n} clients, total ms`, s.connectTotalMs),
          row('connect, per client median ms', s.connectPerClientMs, 1),
          row('connect, per client p99 ms', s.connectPerClientP99Ms, 1),
          row('connect, server CPU per client ms', s.connectCpuPerClientMs, 2),
          row('relay, messages/s', s.relayMessagesPerSec),
          row('relay, round trip p50 ms', s.relayRttP50Ms, 2),
          row('relay, round trip p99 ms', s.relayRttP99Ms, 2),
          row('relay, server CPU per message µs', s.relayCpuPerMessageUs, 1),
          row('RSS idle, kB', s.rssIdleKb),
          row(`RSS with ${c.n} clients, kB`, s.rssConnectedKb),
          row('RSS per client, kB', s.rssPerClientKb, 1),
          row('RSS after relay, kB', s.rssAfterRelayKb),
        ],
      ),
      Number.isFinite(s.oursJoinMs)
        ? `  ours per client: POST /rtc/join ${num(s.oursJoinMs, 1)} ms + websocket to OPEN ${num(s.oursWebsocketMs, 1)} ms (medians).`
        : `  ours per client: the seat taken in the websocket upgrade, to OPEN ${num(s.oursWebsocketMs, 1)} ms (median; BENCH_JOIN=http for POST /rtc/join first).`,
      `  Our limits were lifted for this (${Object.entries(c.oursSettings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}), so it measures the guard's overhead, not the limits.`,
    );
  }
  if (scale) {
    const c = scale.config;
    /** One figure at one size: stock, ours, ours/stock. */
    const fig = (/** @type {string} */ label, /** @type {(x: any) => number} */ f, digits = 0) =>
      scale.runs.map((/** @type {any} */ r) => {
        const [b, o] = [f(r.stock), f(r.ours)];
        return [
          `${label}, ${num(r.n)} clients`,
          num(b, digits),
          num(o, digits),
          Number.isFinite(o / b) ? `${(o / b).toFixed(2)}x` : '-',
        ];
      });
    out.push(
      table(
        `Broker at scale: stock peer 1.0.2 vs ours; idle clients heartbeating every 5 s (${c.concurrency} connecting at a time), then ${c.pairs} pairs x ${c.rate} OFFER round trips/s of ${c.sdpBytes}-byte SDP for ${c.relaySeconds} s; one run per size`,
        ['', 'stock', 'ours', 'ours/stock'],
        [
          ...fig('connects/s', (x) => x.connectsPerSec),
          ...fig('server CPU per connect, ms', (x) => x.cpuPerConnectMs, 2),
          ...fig(`server CPU idle (${c.idleSeconds} s), % of a core`, (x) => x.idleCpuPercent, 1),
          ...fig('RSS per 1k clients after idling, MB', (x) => x.rssPer1kMb, 1),
          ...fig('relay round trip p50, ms', (x) => x.relay.rttP50Ms, 2),
          ...fig('relay round trip p99, ms', (x) => x.relay.rttP99Ms, 2),
        ],
      ),
      `  Clients still connected at the end: ${scale.runs
        .map((/** @type {any} */ r) => `${r.n}: ${r.stock.stillOpen} / ${r.ours.stillOpen}`)
        .join(', ')} (stock / ours).`,
      `  ours: a connect is ${c.joinOverHttp ? 'POST /rtc/join + websocket' : 'a websocket that takes its seat in the upgrade (BENCH_JOIN=http: POST /rtc/join first)'}; stock: a websocket. Relay answers lost: ${scale.runs
        .map((/** @type {any} */ r) => `${r.n}: ${r.stock.relay.lost} / ${r.ours.relay.lost}`)
        .join(', ')} (stock / ours).`,
    );
  }
  if (browser) {
    const s = browser.summary;
    out.push(
      table(
        `Call setup in headless Chromium: raw PeerJS + stock server vs <rtc-call> + our server; two pages, medians of ${browser.config.calls} interleaved calls`,
        ['', 'raw PeerJS', 'rtc-call', 'rtc-call/raw (min-max)'],
        [
          row('navigation to both pages showing remote video, ms', s.bothPagesMs),
          row('each page: own navigation to first remote frame, ms', s.perPageMs),
          row(`Chromium CPU during the call (${browser.config.cpuWindowMs / 1000} s), % of a core`, s.cpuPercent),
        ],
      ),
      `  where the time goes (ms since navigation, median over pages):`,
      ...STEPS.map(
        (k) =>
          `    ${k.padEnd(12)} raw ${num(s.steps[k].raw).padStart(5)}   rtc-call ${num(s.steps[k].rtc).padStart(5)}`,
      ),
      `  remote video at the end of the CPU window (medians): raw ${num(s.remoteVideo.raw.width)}x${num(s.remoteVideo.raw.height)} at ${num(s.remoteVideo.raw.fps, 1)} fps, ` +
        `rtc-call ${num(s.remoteVideo.rtc.width)}x${num(s.remoteVideo.rtc.height)} at ${num(s.remoteVideo.rtc.fps, 1)} fps ` +
        `(raw asks getUserMedia for defaults, rtc-call for 1280x720: CPU is not like for like)`,
      `  raw PeerJS: explicit host 127.0.0.1, the stock server's port, path /, key peerjs, iceServers []; rtc-call: our server with default settings.`,
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  /** @type {any} */
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
    note: 'Ratios are ours/baseline, the median of per-round paired ratios (min-max over rounds alongside).',
  };
  if (!SKIP.has('size')) {
    log('size…');
    results.size = benchSize();
  }
  if (!SKIP.has('broker')) {
    log(`broker: ${ROUNDS} rounds…`);
    results.broker = await benchBroker();
  }
  if (!SKIP.has('scale') && SCALE.sizes.length) {
    log(`scale: ${SCALE.sizes.join(', ')} idle clients…`);
    results.scale = await benchScale();
  }
  if (!SKIP.has('browser')) {
    log(`browser: ${CALLS} calls of each kind…`);
    results.browser = await benchBrowser();
  }
  if (!SKIP.has('mesh')) {
    log('mesh…');
    results.mesh = await benchMesh(owed, log);
  }
  results.seconds = (Date.now() - started) / 1000;
  const text = report(results) + (results.mesh ? `\n\n${meshReport(results.mesh)}` : '');
  console.log(text);
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/latest.json`, JSON.stringify(results, null, 2) + '\n');
  if (results.mesh)
    writeFileSync(
      `${ROOT}bench/results/mesh-latest.json`,
      JSON.stringify(
        { date: results.date, cpus: results.cpus, loadavg: results.loadavg, mesh: results.mesh },
        null,
        2,
      ) + '\n',
    );
  console.log(`\n${results.seconds.toFixed(0)} s; JSON: bench/results/latest.json`);
}

try {
  await main();
  await cleanup();
} catch (err) {
  console.error(err);
  await cleanup();
  process.exitCode = 1;
}
// Nothing should be left; if something is, say what and leave anyway (unref'd: fires only if the process lingers).
setTimeout(() => {
  console.error(`bench: still alive after finishing, held by: ${process.getActiveResourcesInfo().join(', ')}`);
  process.exit(process.exitCode ?? 1);
}, 5000).unref();
