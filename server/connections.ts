/**
 * The broker's open websockets and their limits: how many are open (in all and per address), who is connected as
 * which id, and the send budgets (bytes handed to a socket and not yet written to the OS, per socket and in all).
 */
import { WebSocket } from 'ws';
import { addressKey } from './address.js';
import type { Ordered } from './in-order.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Ticket } from './rooms.js';
import type { RoomPush } from '../src/engine/protocol.js';

/** one open broker websocket */
export interface Conn extends Ordered {
  socket: WebSocket;
  id: string;
  /** the address key its per-address count is under */
  ip: string;
  /** the client's address (as logged) */
  address: string;
  /** peer registered it, as the id the guard checked */
  accepted: boolean;
  /** what `peer` sent before registering it (released once the id is confirmed) */
  held: Array<() => void> | undefined;
  openSent: boolean;
  /** rate-limit bucket */
  tokens: number;
  /** last refill, ms */
  refill: number;
  /** refused frames in the current second */
  strikes: number;
  /** bytes handed to the socket and not yet written to the OS */
  pending: number;
  /** when `pending` last went over the budget (ms), 0 while under it */
  overSince: number;
  closed: boolean;
  /** its seat, as it was when the socket opened */
  ticket: Ticket | undefined;
  /** its upgrade asked for the seat (so it is told the seat's details before RTC-ROOM) */
  joined: boolean;
}

export class Connections {
  readonly config: Config;
  readonly refuse: (reason: string) => void;
  readonly log: Logger;
  /** frames a connection may send at once */
  readonly burst: number;
  /** Current connection of each id. */
  byId: Map<string, Conn> = new Map();

  #perIp: Map<string, number> = new Map();
  /** Bytes of all sockets handed to ws and not yet written to the OS. */
  buffered = 0;
  open = 0;

  /**
   * @param deps.refuse counts a refusal
   */
  constructor({ config, refuse, log }: { config: Config; refuse: (reason: string) => void; log: Logger }) {
    this.config = config;
    this.refuse = refuse;
    this.log = log;
    this.burst = config.messageRate * 2;
  }

  /**
   * Why one more connection from this address may not open, or undefined.
   */
  refusal(ip: string): undefined | 'capacity' | 'ip-limit' {
    if (this.open >= this.config.maxConnections) return 'capacity';
    if ((this.#perIp.get(addressKey(ip)) ?? 0) >= this.config.maxConnectionsPerIp) return 'ip-limit';
    return undefined;
  }

  /**
   * Counts a socket that opened.
   */
  opened(socket: WebSocket, ip: string, ticket: Ticket | undefined, joined: boolean): Conn {
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
      chain: undefined,
      waiting: 0,
    };
  }

  /**
   * Makes `c` the connection of its id.
   *
   * @returns the one it replaces
   */
  registered(c: Conn): Conn | undefined {
    const previous = this.byId.get(c.id);
    this.byId.set(c.id, c);
    return previous !== c ? previous : undefined;
  }

  /**
   * Uncounts a socket that closed.
   *
   * @returns whether it was its id's current connection (the id is now away)
   */
  closed(c: Conn): boolean {
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

  /** Counts `n` bytes handed to `c`'s socket, until `written`. */
  sending(c: Conn, n: number): void {
    c.pending += n;
    this.buffered += n;
  }

  /** ws has written (or failed to write) `n` bytes that `sending` counted. */
  written(c: Conn, n: number): void {
    if (c.closed) return;
    c.pending -= n;
    this.buffered -= n;
    if (c.pending < this.config.sendBuffer) c.overSince = 0;
  }

  /** @returns whether it can be sent to now */
  isOpen(to: Conn | undefined): to is Conn {
    return !!to && to.accepted && to.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Whether a relayed frame may go to `to` within the send budgets; when not, the refusal is counted (and a
   * receiver that has stayed over its budget for ALIVE_TIMEOUT is dropped).
   *
   * @param bad how the refusal is counted (default: `refuse`)
   */
  withinBudget(to: Conn, bad: (reason: string) => void = this.refuse) {
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
   */
  #slowReceiver(c: Conn) {
    this.refuse('slow-receiver');
    const now = Date.now();
    c.overSince ||= now;
    if (now - c.overSince >= this.config.aliveTimeout) this.dropSlow(c);
  }

  /**
   * Frees what a receiver that does not read holds, by dropping its socket. It may come back within the grace,
   * like any dropped client.
   */
  dropSlow(c: Conn) {
    this.log.info('slow receiver dropped', { id: c.id, ip: c.ip, buffered: c.pending });
    c.socket.terminate();
  }

  /**
   * Server pushes (room events) are small and must not be lost, or the member's view of the room would be wrong:
   * a receiver over its budget is dropped instead, and gets the whole room again when it reconnects.
   */
  push(c: Conn, message: RoomPush) {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    if (c.pending >= this.config.sendBuffer) {
      this.refuse('slow-receiver');
      return this.dropSlow(c);
    }
    c.socket.send(JSON.stringify(message));
  }
}
