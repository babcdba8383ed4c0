// @ts-check
/**
 * A throwaway `redis-server` on loopback only, for the shared-store tests: a free port, its working directory a
 * temporary one, nothing saved to disk. It can be stopped (kill -9, to play an outage) and started again on the
 * same port, empty, as a restarted Redis would be.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer } from './packages.js';
import { within } from './within.js';

/** @returns {Promise<number>} a free loopback TCP port */
export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port. @param {number} port @param {number} ms */
async function accepting(port, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts redis-server. Call `stop()` when done (the test's `after`).
 * @param {{port?: number}} [opts]
 */
export async function startRedis({ port } = {}) {
  const bin = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'rtc-redis-'));
  const chosen = port ?? (await freeTcpPort());
  let log = '';
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;

  const up = async () => {
    const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
    const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', (d) => (log += d));
    c.stderr?.on('data', (d) => (log += d));
    const exited = new Promise((_, reject) =>
      c.once('exit', (code) => reject(new Error(`redis-server exited (${code}) at start:\n${log}`))),
    );
    await Promise.race([accepting(chosen, 10000), exited]);
  };

  /** Ends the process (SIGKILL: an outage, not a shutdown) and waits until it is gone. */
  const down = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await within(gone, 10000, 'redis-server to exit');
  };

  await up();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    get log() {
      return log;
    },
    /** Kills it (its data goes with it). */
    kill: down,
    /** Starts it again on the same port, empty. */
    restart: up,
    async stop() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
