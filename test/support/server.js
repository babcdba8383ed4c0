// @ts-check
/** Starts the real server as its own process on a free loopback port, as an operator would (`node server/cli.js`). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../server/cli.js', import.meta.url));

/**
 * @param {Record<string, string>} [env] extra settings
 * @returns {Promise<{url: string, port: number, proc: import('node:child_process').ChildProcess, logs: string[], stop: () => Promise<void>}>}
 */
export function startServer(env = {}) {
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
        const port = Number(m[1]);
        resolve({ url: `http://127.0.0.1:${port}`, port, proc, logs, stop: () => stop(proc) });
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`)));
  });
}

/**
 * @param {import('node:child_process').ChildProcess} proc
 * @returns {Promise<void>}
 */
function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 8000).unref();
  });
}
