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
    let buffer = '';
    proc.stderr?.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening') {
            const url = `http://127.0.0.1:${entry.port}`;
            resolve({ url, port: entry.port, proc, logs, stop: () => stop(proc) });
          }
        } catch {
          /* not JSON */
        }
      }
    });
    proc.stdout?.resume();
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`)));
  });
}

/** @param {import('node:child_process').ChildProcess} proc */
function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 8000).unref();
  });
}
