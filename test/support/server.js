// @ts-check
/** Starts the real server as its own process on a free loopback port, as an operator would (`node server/dist/server/cli.js`). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../server/dist/server/cli.js', import.meta.url));

/**
 * @param {Record<string, string>} [env] extra settings
 * @param {{timeout?: number}} [opts] ms to wait for it to say where it listens; then it is killed and this fails
 * @returns {Promise<{url: string, port: number, proc: import('node:child_process').ChildProcess, logs: string[], stop: () => Promise<void>}>}
 */
export function startServer(env = {}, { timeout = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [cli], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    /** @type {string[]} */
    const logs = [];
    let err = '';
    proc.stderr?.on('data', (d) => {
      err += d;
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      logs.push(...lines);
    });
    // The CLI says where it listens on stdout, whatever LOG_LEVEL is.
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += d;
      const m = /rtc-call is running: open http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[1]);
        resolve({ url: `http://127.0.0.1:${port}`, port, proc, logs, stop: () => stop(proc) });
      }
    });
    // A server that stays up but never says where it listens would hang the test: kill it and say so.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not say where it listens within ${timeout} ms:\n${out}\n${logs.join('\n')}`));
    }, timeout);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`));
    });
  });
}

/**
 * @param {import('node:child_process').ChildProcess} proc
 * @returns {Promise<void>}
 */
function stop(proc) {
  return new Promise((resolve) => {
    // Exited already, by itself or by a signal (then exitCode is null and no 'exit' is coming).
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 8000).unref();
  });
}
