// Child server processes for the bench: ours (server/dist/server/cli.js) and the stock PeerJS server. Every child is tracked
// and killed when the bench exits, however it exits.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SETTINGS } from '../../server/dist/server/config.js';

const CLI = fileURLToPath(new URL('../../server/dist/server/cli.js', import.meta.url));
const STOCK = fileURLToPath(new URL('../stock-server.mjs', import.meta.url));

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();

/** Kills every child still running (SIGKILL: used on the way out). */
export function killAll() {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}
process.on('exit', killAll);

/** The parent's environment without any of our server's settings, so a stray ROOM_SECRET cannot skew a run. */
function cleanEnv() {
  const env = { ...process.env };
  for (const s of SETTINGS) delete env[s.env];
  return env;
}

/**
 * @typedef {object} Child
 * @property {import('node:child_process').ChildProcess} proc
 * @property {number} pid
 * @property {number} port
 * @property {string} url
 * @property {number} startupMs spawn to listening
 * @property {string[]} output the last lines of stdout and stderr
 * @property {() => Promise<void>} stop
 */

/**
 * Spawns `node <script>` and resolves once a stdout line yields a port.
 * @param {string} script
 * @param {Record<string, string | undefined>} env
 * @param {(line: string) => number | undefined} portFrom
 * @param {number} [timeoutMs]
 * @returns {Promise<Child>}
 */
function spawnServer(script, env, portFrom, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    /** @type {string[]} */
    const output = [];
    const keep = (/** @type {string} */ line) => {
      output.push(line);
      if (output.length > 50) output.shift();
    };
    let done = false;
    const timer = setTimeout(() => fail(new Error(`${script} did not listen within ${timeoutMs} ms`)), timeoutMs);
    const fail = (/** @type {Error} */ err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${err.message}\n${output.join('\n')}`));
    };
    let buf = '';
    proc.stdout?.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        keep(line);
        const port = done ? undefined : portFrom(line);
        if (port) {
          done = true;
          clearTimeout(timer);
          const startupMs = performance.now() - t0;
          resolve({
            proc,
            pid: /** @type {number} */ (proc.pid),
            port,
            url: `http://127.0.0.1:${port}`,
            startupMs,
            output,
            stop: () => stop(proc),
          });
        }
      }
    });
    proc.stderr?.on('data', (d) => String(d).split('\n').filter(Boolean).forEach(keep));
    proc.once('error', fail);
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      fail(new Error(`${script} exited (${code ?? signal}) before listening`));
    });
  });
}

/** @param {import('node:child_process').ChildProcess} proc */
function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve(undefined);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    proc.once('exit', () => {
      clearTimeout(timer);
      live.delete(proc);
      resolve(undefined);
    });
    proc.kill('SIGTERM');
  });
}

/**
 * Our server, as an operator runs it (`node server/dist/server/cli.js`), on a free loopback port.
 * @param {Record<string, string>} [settings] environment settings (README "Self-hosting")
 */
export function startOurs(settings = {}) {
  const env = { ...cleanEnv(), PORT: '0', HOST: '127.0.0.1', ...settings };
  return spawnServer(CLI, env, (line) => {
    const m = /^rtc-call is running: open http:\/\/[^:]+:(\d+)\//.exec(line);
    return m ? Number(m[1]) : undefined;
  });
}

/**
 * The stock PeerJS server (`peer`, default options, key "peerjs") on a free loopback port.
 * @param {{concurrentLimit?: number}} [opts] lifts its cap on clients (5000)
 */
export function startStock({ concurrentLimit } = {}) {
  const env = { ...cleanEnv(), ...(concurrentLimit ? { STOCK_CONCURRENT_LIMIT: String(concurrentLimit) } : {}) };
  return spawnServer(STOCK, env, (line) => {
    try {
      return JSON.parse(line).port || undefined;
    } catch {
      return undefined;
    }
  });
}

/** Resident set size of a process, in kB (from /proc; `ps -o rss=` reads the same number). @param {number} pid */
export function rssKb(pid) {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

let tck = 100;
try {
  tck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* Linux default */
}

/** user+system CPU seconds of one process, from /proc. @param {number} pid */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / tck;
}
