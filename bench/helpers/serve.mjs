// What the bench's pages and browsers share: a static site on loopback, and a Chromium profile that goes with the
// process however it exits.
import http from 'node:http';
import { rmSync } from 'node:fs';

/**
 * Serves `handler` on 127.0.0.1 at a free port.
 * @param {http.RequestListener} handler
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function serveOnLoopback(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r(undefined)));
    },
  };
}

/**
 * On Ctrl-C puppeteer kills Chromium and exits at once, before any async cleanup: its profile is removed on 'exit'.
 * @param {import('puppeteer-core').Browser} browser
 */
export function dropProfileOnExit(browser) {
  const profile = browser
    .process()
    ?.spawnargs.find((a) => a.startsWith('--user-data-dir='))
    ?.slice('--user-data-dir='.length);
  process.once('exit', () => profile && rmSync(profile, { recursive: true, force: true, maxRetries: 3 }));
}
