// The slow-reader attack from issue 6 (item 2), measured: a member stops reading its socket but keeps sending
// heartbeats; a roommate sends it ~60 KB OFFERs at 40/s (inside MESSAGE_RATE). Prints the server's RSS (read from
// /proc) each second and the refusals. Usage: node bench/slow-reader.mjs [seconds] [pairs]. Loopback only.
import { readFileSync } from 'node:fs';
import { spawnCli, HOST, WebSocket } from '../test/server/helpers.js';

const seconds = Number(process.argv[2] ?? 15);
const pairs = Number(process.argv[3] ?? 1);
const port = 20000 + Math.floor(Math.random() * 20000);
const run = spawnCli([], { PORT: String(port), HOST, LOG_LEVEL: 'warn' });
const rssMb = () => {
  const line = readFileSync(`/proc/${run.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return Math.round(Number(line?.[1] ?? 0) / 1024);
};
for (let i = 0; i < 100 && !run.stdout.includes('running'); i++) await new Promise((r) => setTimeout(r, 100));

const base = `http://${HOST}:${port}`;
/** @param {string} room */
async function seat(room) {
  const res = await fetch(`${base}/rtc/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ room, name: 'x' }),
  });
  const { id, secret } = await res.json();
  const ws = new WebSocket(`ws://${HOST}:${port}/broker/peerjs?key=rtc-call&id=${id}&token=${secret}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return { id, ws };
}

const payload = { sdp: 'x'.repeat(60000) };
const timers = [];
for (let p = 0; p < pairs; p++) {
  const slow = await seat(`room-${p}`);
  const sender = await seat(`room-${p}`);
  await new Promise((r) => setTimeout(r, 200));
  // The slow member never reads again, but stays alive.
  /** @type {any} */ (slow.ws)._socket.pause();
  timers.push(setInterval(() => slow.ws.send('{"type":"HEARTBEAT"}'), 2000));
  timers.push(setInterval(() => sender.ws.send(JSON.stringify({ type: 'OFFER', dst: slow.id, payload })), 25));
  timers.push(setInterval(() => sender.ws.send('{"type":"HEARTBEAT"}'), 2000));
}

const start = rssMb();
console.log(`t=0s rss=${start} MB`);
let max = start;
for (let s = 1; s <= seconds; s++) {
  await new Promise((r) => setTimeout(r, 1000));
  const now = rssMb();
  max = Math.max(max, now);
  console.log(`t=${s}s rss=${now} MB`);
}
for (const t of timers) clearInterval(t);
const metrics = await (await fetch(`${base}/metrics`)).text();
console.log(
  metrics
    .split('\n')
    .filter((l) => /refusals|relayed|buffered/.test(l) && !l.startsWith('#'))
    .join('\n'),
);
console.log(`RSS: start ${start} MB, end ${rssMb()} MB, max ${max} MB over ${seconds} s with ${pairs} pair(s)`);
run.child.kill('SIGKILL');
process.exit(0);
