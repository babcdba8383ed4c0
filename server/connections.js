// @ts-check
/**
 * The broker's open websockets and their limits: how many are open (in all and per address), who is connected as
 * which id, and the send budgets (bytes handed to a socket and not yet written to the OS, per socket and in all).
 */
import { WebSocket } from 'ws';
import { addressKey } from './address.js';
import { InOrder } from './in-order.js';

/**
 * @typedef {object} Conn one open broker websocket
 * @property {WebSocket} socket
 * @property {string} id
 * @property {string} ip the address key its per-address count is under
 * @property {string} address the client's address (as logged)
 * @property {boolean} accepted peer registered it, as the id the guard checked
 * @property {Array<() => void> | undefined} held what `peer` sent before registering it (released once the id is
 *   confirmed)
 * @property {boolean} openSent
 * @property {number} tokens rate-limit bucket
 * @property {number} refill last refill, ms
 * @property {number} strikes refused frames in the current second
 * @property {number} pending bytes handed to the socket and not yet written to the OS
 * @property {number} overSince when `pending` last went over the budget (ms), 0 while under it
 * @property {boolean} closed
 * @property {import('./rooms.js').Ticket | undefined} ticket its seat, as it was when the socket opened
 * @property {boolean} joined its upgrade asked for the seat (so it is told the seat's details before RTC-ROOM)
 * @property {InOrder<string | undefined | void>} order its frames, handled in order
 */

export class Connections {
  /** Current connection of each id. @type {Map<string, Conn>} */
  byId = new Map();
  /** @type {Map<string, number>} */
  #perIp = new Map();
  /** Bytes of all sockets handed to ws and not yet written to the OS. */
  buffered = 0;
  open = 0;

  /**
   * @param {object} deps
   * @param {import('./config.js').Config} deps.config
   * @param {(reason: string) => void} deps.refuse counts a refusal
   * @param {import('./log.js').Logger} deps.log
   * @param {(id: string, err: unknown) => void} deps.notRelayed a frame's handler failed (the store did not answer)
   */
  constructor({ config, refuse, log, notRelayed }) {
    this.config = config;
    this.refuse = refuse;
    this.log = log;
    this.notRelayed = notRelayed;
    this.burst = config.messageRate * 2;
  }

  /**
   * Why one more connection from this address may not open, or undefined.
   * @param {string} ip
   * @returns {undefined | 'capacity' | 'ip-limit'}
   */
  refusal(ip) {
    if (this.open >= this.config.maxConnections) return 'capacity';
    if ((this.#perIp.get(addressKey(ip)) ?? 0) >= this.config.maxConnectionsPerIp) return 'ip-limit';
    return undefined;
  }

  /**
   * Counts a socket that opened.
   * @param {WebSocket} socket @param {string} ip @param {import('./rooms.js').Ticket | undefined} ticket
   * @param {boolean} joined
   * @returns {Conn}
   */
  opened(socket, ip, ticket, joined) {
    const id = ticket?.id ?? '';
    const key = addressKey(ip);
    this.open++;
    this.#perIp.set(key, (this.#perIp.get(key) ?? 0) + 1);
    return {
      socket,
      id,
      ip: key,
      address: ip,
      accepted: false,
      held: undefined,
      openSent: false,
      tokens: this.burst,
      refill: Date.now(),
      strikes: 0,
      pending: 0,
      overSince: 0,
      closed: false,
      ticket,
      joined,
      order: new InOrder(this.notRelayed, id),
    };
  }

  /**
   * Makes `c` the connection of its id.
   * @param {Conn} c
   * @returns {Conn | undefined} the one it replaces
   */
  registered(c) {
    const previous = this.byId.get(c.id);
    this.byId.set(c.id, c);
    return previous !== c ? previous : undefined;
  }

  /**
   * Uncounts a socket that closed.
   * @param {Conn} c
   * @returns {boolean} whether it was its id's current connection (the id is now away)
   */
  closed(c) {
    c.closed = true;
    this.buffered -= c.pending;
    c.pending = 0;
    this.open--;
    const n = (this.#perIp.get(c.ip) ?? 1) - 1;
    if (n > 0) this.#perIp.set(c.ip, n);
    else this.#perIp.delete(c.ip);
    if (this.byId.get(c.id) !== c) return false;
    this.byId.delete(c.id);
    return true;
  }

  /**
   * Counts `n` bytes handed to `c`'s socket until ws has written them.
   * @param {Conn} c @param {number} n
   * @returns {() => void} to call once they are written (or failed to be)
   */
  sending(c, n) {
    c.pending += n;
    this.buffered += n;
    return () => {
      if (c.closed) return;
      c.pending -= n;
      this.buffered -= n;
      if (c.pending < this.config.sendBuffer) c.overSince = 0;
    };
  }

  /** @param {Conn | undefined} to @returns {to is Conn} whether it can be sent to now */
  isOpen(to) {
    return !!to && to.accepted && to.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Whether a relayed frame may go to `to` within the send budgets; when not, the refusal is counted (and a
   * receiver that has stayed over its budget for ALIVE_TIMEOUT is dropped).
   * @param {Conn} to
   * @param {(reason: string) => void} [bad] how the refusal is counted (default: `refuse`)
   */
  withinBudget(to, bad = this.refuse) {
    if (to.pending >= this.config.sendBuffer) {
      this.#slowReceiver(to);
      return false;
    }
    if (this.buffered >= this.config.sendBufferTotal) {
      bad('send-buffer-full');
      return false;
    }
    return true;
  }

  /**
   * A frame for a receiver over its send budget is dropped. One that has stayed over it for ALIVE_TIMEOUT reads
   * nothing: it is as good as dead.
   * @param {Conn} c
   */
  #slowReceiver(c) {
    this.refuse('slow-receiver');
    const now = Date.now();
    c.overSince ||= now;
    if (now - c.overSince >= this.config.aliveTimeout) this.dropSlow(c);
  }

  /**
   * Frees what a receiver that does not read holds, by dropping its socket. It may come back within the grace,
   * like any dropped client.
   * @param {Conn} c
   */
  dropSlow(c) {
    this.log.info('slow receiver dropped', { id: c.id, ip: c.ip, buffered: c.pending });
    c.socket.terminate();
  }

  /**
   * Server pushes (room events) are small and must not be lost, or the member's view of the room would be wrong:
   * a receiver over its budget is dropped instead, and gets the whole room again when it reconnects.
   * @param {Conn} c @param {import('../src/engine/protocol.js').RoomPush} message
   */
  push(c, message) {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    if (c.pending >= this.config.sendBuffer) {
      this.refuse('slow-receiver');
      return this.dropSlow(c);
    }
    c.socket.send(JSON.stringify(message));
  }
}
