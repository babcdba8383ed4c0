// Shared helpers for the server tests: start a server in-process or as a child process, join, open broker
// websockets, wait for messages, read /metrics. Only loopback addresses are used.
import { after } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRtcServer } from '../../server/dist/server/app.js';
import { parseConfig } from '../../server/dist/server/config.js';
import { createLogger } from '../../server/dist/server/log.js';
import { HOST } from '../support/broker-clients.js';

// The clients live in a module of their own (without the hook below), for the end-to-end tests too.
export * from '../support/broker-clients.js';
/** @typedef {import('../support/broker-clients.js').Msg} Msg */
/** @typedef {import('../support/broker-clients.js').Member} Member */

export { LOG_LEVELS } from '../../server/dist/server/log.js';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../server/dist/server/cli.js', import.meta.url));

// A test file whose process outlives its tests (a server that left a timer or socket behind) would hang the whole
// run; make it fail instead. The timer is unref'd: it only fires when something else keeps the process alive.
after(() => {
  setTimeout(() => {
    process.stderr.write(`process kept alive after the tests by: ${process.getActiveResourcesInfo().join(', ')}\n`);
    process.exit(1);
  }, 5000).unref();
});

/** A full garbage collection (for heap measurements), without needing --expose-gc on the command line. */
export const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return /** @type {() => void} */ (vm.runInNewContext('gc'));
})();

/**
 * Starts the server in-process on a random loopback port, with a logger that keeps every line.
 * Registers its shutdown (and of every socket opened through these helpers) with `t.after`.
 * @param {import('node:test').TestContext | undefined} t
 * @param {Record<string, string>} [env] settings, as environment variables
 * @param {{logLevel?: import('../../server/dist/server/log.js').LogLevel}} [opts]
 */
export async function startServer(t, env = {}, { logLevel = 'debug' } = {}) {
  /** @type {string[]} */
  const logs = [];
  const log = createLogger(logLevel, (line) => logs.push(line));
  const config = parseConfig([], env);
  const rtc = createRtcServer(config, { log });
  const { port, metricsPort } = await rtc.listen(0, HOST);
  /** @type {Set<{destroy(): void}>} */
  const owned = new Set();
  let closed = false;
  const srv = {
    rtc,
    config,
    port,
    /** Where /metrics is served with METRICS_PORT (else undefined: on `port`). */
    metricsPort,
    logs,
    base: `http://${HOST}:${port}`,
    owned,
    /** Closes every socket the test opened, then the server. */
    async close() {
      if (closed) return;
      closed = true;
      for (const s of owned) s.destroy();
      owned.clear();
      await rtc.close();
    },
  };
  t?.after(() => srv.close());
  return srv;
}

/** @typedef {Awaited<ReturnType<typeof startServer>>} Srv */

/**
 * Runs `node server/dist/server/cli.js` with the given arguments and environment.
 * @param {string[]} args
 * @param {Record<string, string>} [env] added to a minimal environment
 */
export function spawnCli(args, env = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  /** @type {Promise<{code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string}>} */
  const exited = new Promise((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/**
 * Runs the CLI to completion (with a time bound).
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @param {number} [timeout] ms
 */
export async function runCli(args, env = {}, timeout = 10000) {
  const run = spawnCli(args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeout);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}
