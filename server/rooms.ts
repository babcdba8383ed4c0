/**
 * Rooms. PeerJS has none, so the broker keeps them. The data lives behind the async `RoomStore` interface
 * (store/store.ts): in memory, or in Redis for several broker instances.
 */
import { timingSafeEqual } from 'node:crypto';
import { randomToken } from './random-token.js';
import type { RoomStore, SeatState } from './store/store.js';
import type { RoomPush } from '../src/engine/protocol.js';
export { MemoryRoomStore } from './store/memory.js';

export const ROOM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PEER_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** @returns a problem, or undefined when the name is good */
export function roomNameProblem(room: unknown): string | undefined {
  if (typeof room !== 'string' || room.length === 0) return 'a room name is required';
  if (room.length > 64) return 'a room name has at most 64 characters';
  if (!ROOM_NAME.test(room))
    return 'a room name uses only letters, digits, ".", "_" and "-", and starts with a letter or digit';
  return undefined;
}

/**
 * Display names: printable, trimmed, at most 40 characters. Invisible format characters (\p{Cf}: U+202E
 * right-to-left override, U+200B zero-width space, ...) go too, so nobody can show a name that looks like another
 * member's.
 */
export function cleanName(name: unknown) {
  if (typeof name !== 'string') return '';
  // Control characters are exactly what this removes.
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu, '');
  return printable.trim().slice(0, 40);
}

/** a seat in a room, issued by the join endpoint */
export interface Ticket {
  /**
   * the peer id, issued by the server (or, for a seat taken in the websocket upgrade, the hash of the secret the client
   * made)
   */
  id: string;
  /** what proves the id (the PeerJS token) */
  secret: string;
  room: string;
  name: string;
  state: SeatState;
  /** ms */
  issuedAt: number;
  /** the address key it was issued to (for the cap on pending seats per address) */
  owner?: string;
  /** who the room token says this is (`sub`, else `jti`): one seat each */
  identity?: string;
  /** ms: when a pending or away seat ends */
  until?: number;
  /** the broker instance holding its websocket */
  inst?: string;
}

const token = randomToken;

/** A seat that holds a place in its room: connected, or briefly away (a pending one does not). */
const seated = (t: Ticket) => t.state !== 'pending';

/**
 * Seats people in rooms: issues identities, checks them, and tells members of joins and leaves.
 *
 * Only members (connected, or briefly away) count toward `roomMax`. A seat that was issued and never connected
 * ("pending") holds no place: it expires after `pendingTimeout`, and there are at most `pendingPerOwner` per address
 * and `roomMax` per room, a further one pushing out the oldest. So seats that nobody uses cannot lock a room; the
 * place is taken when the websocket opens, and `hasPlace` refuses that when the room filled up meanwhile.
 *
 * A pending or away seat carries its deadline (`until`) in the store. This instance arms a timer for the seats it
 * issued or saw drop; `sweep` ends the seats whose deadline passed without one (their instance died), so with a
 * shared store no seat outlives its deadline by more than the sweep interval.
 */
export class Rooms {
  readonly store: RoomStore;
  readonly roomMax: number;
  /** ms */
  readonly reconnectGrace: number;
  /** ms */
  readonly pendingTimeout: number;
  readonly pendingPerOwner: number;
  readonly inst: string;
  readonly send: (to: Ticket, message: RoomPush) => void;
  readonly gone: (id: string) => void;
  readonly replaced: (old: Ticket) => void;
  readonly failed: (err: unknown) => void;
  #timers: Map<string, ReturnType<typeof setTimeout>> = new Map();
  /**
   * When this instance last issued a seat: each seat is issued at least a millisecond after the one before, so that
   * "the oldest" is always one seat. (Two issued in the same millisecond tied, and the Redis store then ordered them
   * by id: a third pending seat of an address pushed out either of the first two, not always the first.)
   */
  #lastIssued = 0;

  /**
   * @param opts.reconnectGrace ms
   * @param opts.pendingTimeout ms a ticket waits for its websocket
   * @param opts.pendingPerOwner pending seats one address may hold
   * @param opts.inst this broker instance
   * @param opts.send push a room event to a connected member
   * @param opts.gone an id is gone for good
   * @param opts.replaced a seat was taken over by a new join with the same identity; it is
   *   gone for good right after this, which should close its socket
   * @param opts.failed a timer's store call failed (the sweep retries it)
   */
  constructor({
    store,
    roomMax,
    reconnectGrace,
    pendingTimeout = 10000,
    pendingPerOwner = 4,
    inst = '',
    send,
    gone = () => {},
    replaced = () => {},
    failed = () => {},
  }: {
    store: RoomStore;
    roomMax: number;
    reconnectGrace: number;
    pendingTimeout?: number;
    pendingPerOwner?: number;
    inst?: string;
    send: (to: Ticket, message: RoomPush) => void;
    gone?: (id: string) => void;
    replaced?: (old: Ticket) => void;
    failed?: (err: unknown) => void;
  }) {
    this.gone = gone;
    this.replaced = replaced;
    this.failed = failed;
    this.pendingPerOwner = pendingPerOwner;
    this.store = store;
    this.roomMax = roomMax;
    this.reconnectGrace = reconnectGrace;
    this.pendingTimeout = pendingTimeout;
    this.inst = inst;
    this.send = send;
  }

  /**
   * Reserves a seat. The caller has validated the room name and the room token.
   *
   * @param who the address key asking,
   *   the token's identity, and the id and secret the client made itself (checked by the caller), if it did
   * @returns undefined when the room is full
   */
  async issue(
    room: string,
    name: string,
    { owner = '', identity, seat }: { owner?: string; identity?: string; seat?: { id: string; secret: string } } = {},
  ): Promise<Ticket | undefined> {
    // The room is read once, and again only after this join has freed seats in it.
    let here = await this.store.inRoom(room);
    // One identity, one seat: the new join takes over (a reload, another device), and frees the old one's place.
    const olds = identity ? here.filter((x) => x.identity === identity) : [];
    for (const old of olds) {
      this.replaced(old);
      await this.left(old.id);
    }
    if (olds.length) here = await this.store.inRoom(room);
    if (here.filter(seated).length >= this.roomMax) return undefined;
    const mine = await this.store.pendingOf(owner);
    const stale = mine.slice(0, Math.max(0, mine.length - this.pendingPerOwner + 1));
    for (const id of stale) await this.left(id);
    if (stale.length) here = await this.store.inRoom(room);
    const waiting = here.filter((x) => x.state === 'pending').sort((a, b) => a.issuedAt - b.issuedAt);
    for (const old of waiting.slice(0, Math.max(0, waiting.length - this.roomMax + 1))) await this.left(old.id);
    const issuedAt = (this.#lastIssued = Math.max(Date.now(), this.#lastIssued + 1));

    const t: Ticket = {
      // Letters and digits only: PeerJS refuses an id that starts or ends with `-` or `_`, or has two in a row.
      id: seat?.id ?? randomToken(12, 'hex'),
      secret: seat?.secret ?? token(24),
      room,
      name,
      state: 'pending',
      issuedAt,
      owner,
      until: issuedAt + this.pendingTimeout,
    };
    if (identity) t.identity = identity;
    await this.store.add(t);
    this.#later(t.id, this.pendingTimeout);
    return t;
  }

  /**
   * Whether this seat's websocket may open: a member coming back always may, a pending seat only while the room
   * has a place (it may have filled up since the seat was issued).
   */
  async hasPlace(t: Ticket) {
    return seated(t) || (await this.members(t.room)).length < this.roomMax;
  }

  /** Seats issued and not yet connected. */
  async pendingCount() {
    return (await this.store.counts()).pending;
  }

  /**
   * The seat `secret` proves `id` to be, or undefined.
   */
  async check(id: unknown, secret: unknown) {
    if (typeof id !== 'string' || typeof secret !== 'string') return undefined;
    const t = await this.store.get(id);
    if (!t) return undefined;
    const a = Buffer.from(t.secret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b) ? t : undefined;
  }

  /** Members that are (or may soon be again) connected. */
  async members(room: string) {
    return (await this.store.inRoom(room)).filter(seated);
  }

  /**
   * The seat of `dst` when `src` may send signalling to it (both are seated in the same room), else undefined.
   */
  async sameRoom(src: string, dst: string) {
    if (src === dst) return undefined;
    const [a, b] = await Promise.all([this.store.get(src), this.store.get(dst)]);
    return a && b && a.room === b.room && seated(b) ? b : undefined;
  }

  /**
   * `sameRoom` answered at once when the store can (it is in this process's memory): null when only `sameRoom` can
   * tell. Every relayed frame asks this, and a promise per frame is most of what it would cost.
   */
  sameRoomNow(src: string, dst: string): Readonly<Ticket> | undefined | null {
    const peek = this.store.peek;
    if (!peek) return null;
    if (src === dst) return undefined;
    const a = peek.call(this.store, src);
    const b = peek.call(this.store, dst);
    return a && b && a.room === b.room && seated(b) ? b : undefined;
  }

  /**
   * The member's websocket is open (first time, or back after a drop), on this instance.
   *
   * @returns its seat; 'full' when the room filled up (on other instances
   *   too) since `hasPlace` let the websocket open: the socket should close, and the seat stays pending
   */
  async connected(id: string): Promise<Ticket | 'full' | undefined> {
    const claim = await this.store.claim(id, this.roomMax, this.inst);
    if (!('ticket' in claim)) return claim.result === 'full' ? 'full' : undefined;
    this.#cancel(id);
    const first = claim.result === 'first';
    const t = claim.ticket;
    const others = (await this.members(t.room)).filter((m) => m.id !== id);
    if (first) for (const m of others) this.send(m, { type: 'RTC-JOINED', payload: { id, name: t.name } });
    this.send(t, {
      type: 'RTC-ROOM',
      payload: { room: t.room, self: { id, name: t.name }, members: others.map((m) => ({ id: m.id, name: m.name })) },
    });
    return t;
  }

  /** The member's websocket closed; its seat and id wait for it for the grace period. */
  async dropped(id: string) {
    const seat = await this.store.release(id, this.inst, Date.now() + this.reconnectGrace);
    if (seat === 'pending') return this.left(id);
    // 'elsewhere': it came back through another instance meanwhile, and is connected there.
    if (seat === 'away') this.#later(id, this.reconnectGrace);
  }

  /** The member is gone for good. */
  async left(id: string) {
    this.#cancel(id);
    const t = await this.store.remove(id);
    if (!t) return;
    this.gone(id);
    if (t.state === 'pending') return;
    for (const m of await this.members(t.room)) this.send(m, { type: 'RTC-LEFT', payload: { id } });
  }

  /** Ends the seats whose deadline has passed (their timer was on an instance that is gone, or was lost). */
  async sweep() {
    for (const id of await this.store.due(Date.now())) await this.#expire(id);
  }

  close() {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /**
   * Ends the seat if it is still pending or away and its deadline has passed. A seat that came back meanwhile (here
   * or on another instance), or dropped again later, keeps its place.
   *  @param slack ms
   */
  async #expire(id: string, slack: number = 0) {
    const t = await this.store.get(id);
    if (t && t.state !== 'connected' && t.until !== undefined && t.until <= Date.now() + slack) await this.left(id);
  }

  #later(id: string, ms: number) {
    this.#cancel(id);
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      // A timer may fire a moment before Date.now() reaches the deadline it was armed for.
      this.#expire(id, 50).catch(this.failed);
    }, ms);
    timer.unref?.();
    this.#timers.set(id, timer);
  }

  #cancel(id: string) {
    const timer = this.#timers.get(id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(id);
  }
}
