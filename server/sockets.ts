/**
 * A cap on open TCP connections per client address, applied as each one arrives, before a byte of HTTP is read: a
 * client that opens sockets and then trickles (or sends nothing) holds at most this many. Websocket upgrades stay
 * the same TCP connection, so they count too.
 */
import { addressKey } from './address.js';
import type { Server, Socket } from 'node:net';

/**
 * @param opts.max open sockets per address key
 * @param opts.exempt connections from your own proxy: every client
 *   behind it shares its address, and the per-client limits apply to what it forwards instead
 * @param opts.refused called for each socket closed at once
 */
export function capSocketsPerAddress(
  server: Server,
  {
    max,
    exempt,
    refused,
  }: { max: number; exempt: (address: string | undefined) => boolean; refused: (address: string | undefined) => void },
): { count: (address: string) => number } {
  /** Open sockets per address key; an entry exists only while a socket from that key is open. */

  const open: Map<string, number> = new Map();
  /**
   * The one close handler every counted socket shares (a closure each costs ~160 bytes). Its key is made again from
   * its address, which Node keeps once read (a WeakMap from socket to key cost each socket an entry).
   */
  function closed(this: Socket) {
    const key = addressKey(this.remoteAddress);
    const left = (open.get(key) ?? 1) - 1;
    if (left > 0) open.set(key, left);
    else open.delete(key);
  }
  server.on('connection', (socket: Socket) => {
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
    socket.on('close', closed);
  });
  return { count: (address) => open.get(addressKey(address)) ?? 0 };
}
