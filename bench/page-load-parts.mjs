#!/usr/bin/env node
// `node bench/page-load-parts.mjs`: where the widget's page load to first remote frame goes, against raw PeerJS.
// Three kinds of two-page call in one headless Chromium, interleaved (the order turns each round): raw PeerJS on the
// stock `peer` server (the bench's own raw page), `<rtc-call no-prejoin>` on our server (the bench's own widget
// page), and the engine alone: the same rtc-call.js, its `Call` joined by a few lines of page script that put the
// other's stream on a <video>, with no element on the page. The engine-alone page pays for the same script, the same
// broker and the same connection as the widget; what the widget takes beyond it is the elements' work (rendering,
// layout, their reactions to the call's events) on the page's main thread.
//
// Settings (environment): BENCH_CALLS (calls of each kind, default 10). Everything on 127.0.0.1, `iceServers: []`.
import { launchBrowser } from '../test/support/browser.js';
import { startOurs, startStock, killAll } from './helpers/procs.mjs';
import { startSite, oneCall, callFigures } from './helpers/call.mjs';
import { serveOnLoopback } from './helpers/serve.mjs';
import { median } from './helpers/stats.mjs';

const CALLS = Math.min(50, Math.max(1, Number.parseInt(process.env.BENCH_CALLS ?? '', 10) || 10));
const KINDS = /** @type {const} */ (['raw', 'engine', 'widget']);
const STEPS = ['gumStart', 'wsOpen', 'brokerOpen', 'gumDone', 'remoteSdp', 'pcConnected', 'firstFrame'];

/** The engine alone. @param {string} server @param {string} room @param {string} name */
const enginePage = (server, room, name) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtc-call engine</title><link rel="icon" href="data:,">
<script type="module">
  import { Call } from ${JSON.stringify(`${server}/rtc-call.js`)};
  const call = new Call({ server: ${JSON.stringify(server)}, room: ${JSON.stringify(room)}, name: ${JSON.stringify(name)} });
  const video = document.getElementById('remote');
  call.on('participants', (people) => {
    for (const p of people) if (!p.local && p.stream && video.srcObject !== p.stream) video.srcObject = p.stream;
  });
  call.join();
</script></head>
<body><video id="remote" autoplay muted playsinline></video></body></html>`;

const stock = await startStock();
// Its join limit lifted: this script's calls follow each other with no pause, and at 4 seats a round from one address
// the default (30 a minute) ran out by round 8, so later calls waited out rate-limit back-offs (3 s and more) that
// were then counted as page load. (`npm run bench` spaces its calls with a CPU window and stays under the limit.)
const ours = await startOurs({ LOG_LEVEL: 'warn', JOIN_RATE: '1000000' });
const site = await startSite();
// Serves the engine page where oneCall asks for the widget page.
const engineSite = await serveOnLoopback((req, res) => {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  res.setHeader('Content-Type', 'text/html');
  res.end(enginePage(q.get('server') ?? '', q.get('room') ?? 'x', q.get('name') ?? ''));
});
const chromium = await launchBrowser();
const where = { site: site.url, stockPort: stock.port, ours: ours.url };
/** @param {(typeof KINDS)[number]} kind */
const call = (kind) =>
  kind === 'raw'
    ? oneCall(chromium.browser, 'raw', where)
    : oneCall(chromium.browser, 'rtc', kind === 'widget' ? where : { ...where, site: engineSite.url });
/** From the earlier navigation start to both pages showing the other's video, as `npm run bench` counts it. @param {any} r */
const both = (r) => callFigures(r).bothMs;

/** @type {Record<string, any[]>} */
const results = { raw: [], engine: [], widget: [] };
try {
  for (const kind of KINDS) await call(kind); // warm-up, not counted
  for (let i = 0; i < CALLS; i++) {
    const order = i % 2 ? [...KINDS].reverse() : KINDS;
    for (const kind of order) results[kind].push(await call(kind));
    console.log(
      `  round ${i + 1}/${CALLS}: ${KINDS.map((k) => `${k} ${both(results[k][i]).toFixed(0)} ms`).join(', ')}`,
    );
  }
} finally {
  await chromium.close();
  await Promise.all([site.close(), engineSite.close(), ours.stop(), stock.stop()]);
  killAll();
}

console.log(`\nPage load to both pages showing remote video; medians of ${CALLS} interleaved calls of each kind`);
for (const kind of KINDS) {
  const ratios = results[kind].map((r, i) => both(r) / both(results.raw[i]));
  const steps = STEPS.map((s) => {
    const ms = median(
      results[kind].flatMap((r) => r.pages.map((/** @type {any} */ p) => p.t[s])).filter(Number.isFinite),
    );
    return `${s} ${ms.toFixed(0)}`;
  });
  console.log(
    `${kind.padEnd(7)} ${median(results[kind].map(both)).toFixed(0).padStart(5)} ms  ${median(ratios).toFixed(2)}x raw  | ${steps.join('  ')}`,
  );
}
