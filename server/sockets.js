// @ts-check
/**
 * A cap on open TCP connections per client address, applied as each one arrives, before a byte of HTTP is read: a
 * client that opens sockets and then trickles (or sends nothing) holds at most this many. Websocket upgrades stay
 * the same TCP connection, so they count too.
 */
import { addressKey } from './address.js';

/**
 * @param {import('node:net').Server} server
 * @param {object} opts
 * @param {number} opts.max open sockets per address key
 * @param {(address: string | undefined) => boolean} opts.exempt connections from your own proxy: every client
 *   behind it shares its address, and the per-client limits apply to what it forwards instead
 * @param {(address: string | undefined) => void} opts.refused called for each socket closed at once
 * @returns {{count: (address: string) => number}}
 */
export function capSocketsPerAddress(server, { max, exempt, refused }) {
  /** Open sockets per address key; an entry exists only while a socket from that key is open. */
  /** @type {Map<string, number>} */
  const open = new Map();
  server.on('connection', (/** @type {import('node:net').Socket} */ socket) => {
    const address = socket.remoteAddress;
    if (exempt(address)) return;
    const key = addressKey(address);
    const n = open.get(key) ?? 0;
    if (n >= max) {
      refused(address);
      socket.destroy();
      return;
    }
    open.set(key, n + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
  return { count: (address) => open.get(addressKey(address)) ?? 0 };
}
