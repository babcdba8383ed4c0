// @ts-check
/**
 * Rooms. PeerJS has none, so the broker keeps them. The data lives behind the small `RoomStore` interface, so another
 * store (Redis, for several broker instances) can replace the in-memory one.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const ROOM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PEER_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** @param {unknown} room @returns {string | undefined} a problem, or undefined when the name is good */
export function roomNameProblem(room) {
  if (typeof room !== 'string' || room.length === 0) return 'a room name is required';
  if (room.length > 64) return 'a room name has at most 64 characters';
  if (!ROOM_NAME.test(room))
    return 'a room name uses only letters, digits, ".", "_" and "-", and starts with a letter or digit';
  return undefined;
}

/**
 * Display names: printable, trimmed, at most 40 characters. Invisible format characters (\p{Cf}: U+202E
 * right-to-left override, U+200B zero-width space, ...) go too, so nobody can show a name that looks like another
 * member's. @param {unknown} name
 */
export function cleanName(name) {
  if (typeof name !== 'string') return '';
  // Control characters are exactly what this removes.
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu, '');
  return printable.trim().slice(0, 40);
}

/**
 * @typedef {object} Ticket a seat in a room, issued by the join endpoint
 * @property {string} id the peer id, issued by the server
 * @property {string} secret what proves the id (the PeerJS token)
 * @property {string} room
 * @property {string} name
 * @property {'pending'|'connected'|'away'} state
 * @property {number} issuedAt ms
 * @property {string} [owner] the address key it was issued to (for the cap on pending seats per address)
 * @property {string} [identity] who the room token says this is (`sub`, else `jti`): one seat each
 */

/**
 * @typedef {object} RoomStore
 * @property {(ticket: Ticket) => void} add
 * @property {(id: string) => Ticket | undefined} get
 * @property {(id: string) => void} remove
 * @property {(room: string) => Ticket[]} inRoom every ticket of a room, pending or not
 * @property {() => number} roomCount
 * @property {() => Ticket[]} all
 */

/** @implements {RoomStore} */
export class MemoryRoomStore {
  /** @type {Map<string, Ticket>} */
  #tickets = new Map();
  /** @type {Map<string, Set<string>>} */
  #rooms = new Map();

  /** @param {Ticket} t */
  add(t) {
    this.#tickets.set(t.id, t);
    let ids = this.#rooms.get(t.room);
    if (!ids) this.#rooms.set(t.room, (ids = new Set()));
    ids.add(t.id);
  }

  /** @param {string} id */
  get(id) {
    return this.#tickets.get(id);
  }

  /** @param {string} id */
  remove(id) {
    const t = this.#tickets.get(id);
    if (!t) return;
    this.#tickets.delete(id);
    const ids = this.#rooms.get(t.room);
    ids?.delete(id);
    if (ids && ids.size === 0) this.#rooms.delete(t.room);
  }

  /** @param {string} room */
  inRoom(room) {
    return [...(this.#rooms.get(room) ?? [])].map((id) => /** @type {Ticket} */ (this.#tickets.get(id)));
  }

  roomCount() {
    return this.#rooms.size;
  }

  all() {
    return [...this.#tickets.values()];
  }
}

const token = (/** @type {number} */ bytes) => randomBytes(bytes).toString('base64url');

/**
 * Seats people in rooms: issues identities, checks them, and tells members of joins and leaves.
 *
 * Only members (connected, or briefly away) count toward `roomMax`. A seat that was issued and never connected
 * ("pending") holds no place: it expires after `pendingTimeout`, and there are at most `pendingPerOwner` per address
 * and `roomMax` per room, a further one pushing out the oldest. So seats that nobody uses cannot lock a room; the
 * place is taken when the websocket opens, and `hasPlace` refuses that when the room filled up meanwhile.
 */
export class Rooms {
  /** @type {Map<string, ReturnType<typeof setTimeout>>} */
  #timers = new Map();
  /** Pending seats per owner, oldest first. @type {Map<string, Set<string>>} */
  #pendingByOwner = new Map();

  /**
   * @param {object} opts
   * @param {RoomStore} opts.store
   * @param {number} opts.roomMax
   * @param {number} opts.reconnectGrace ms
   * @param {number} [opts.pendingTimeout] ms a ticket waits for its websocket
   * @param {number} [opts.pendingPerOwner] pending seats one address may hold
   * @param {(id: string, message: object) => void} opts.send push a message to a connected member
   * @param {(id: string) => void} [opts.gone] an id is gone for good
   * @param {(id: string) => void} [opts.replaced] a seat was taken over by a new join with the same identity; it is
   *   gone for good right after this, which should close its socket
   */
  constructor({
    store,
    roomMax,
    reconnectGrace,
    pendingTimeout = 10000,
    pendingPerOwner = 4,
    send,
    gone = () => {},
    replaced = () => {},
  }) {
    this.gone = gone;
    this.replaced = replaced;
    this.pendingPerOwner = pendingPerOwner;
    this.store = store;
    this.roomMax = roomMax;
    this.reconnectGrace = reconnectGrace;
    this.pendingTimeout = pendingTimeout;
    this.send = send;
  }

  /**
   * Reserves a seat. The caller has validated the room name and the room token.
   * @param {string} room
   * @param {string} name
   * @param {{owner?: string, identity?: string}} [who] the address key asking, and the token's identity
   * @returns {Ticket | undefined} undefined when the room is full
   */
  issue(room, name, { owner = '', identity } = {}) {
    // One identity, one seat: the new join takes over (a reload, another device), and frees the old one's place.
    if (identity)
      for (const old of this.store.inRoom(room).filter((x) => x.identity === identity)) {
        this.replaced(old.id);
        this.left(old.id);
      }
    if (this.members(room).length >= this.roomMax) return undefined;
    const mine = [...(this.#pendingByOwner.get(owner) ?? [])];
    for (const id of mine.slice(0, Math.max(0, mine.length - this.pendingPerOwner + 1))) this.left(id);
    const waiting = this.store.inRoom(room).filter((x) => x.state === 'pending');
    for (const old of waiting.slice(0, Math.max(0, waiting.length - this.roomMax + 1))) this.left(old.id);
    /** @type {Ticket} */
    const t = { id: token(12), secret: token(24), room, name, state: 'pending', issuedAt: Date.now(), owner };
    if (identity) t.identity = identity;
    this.store.add(t);
    let pending = this.#pendingByOwner.get(owner);
    if (!pending) this.#pendingByOwner.set(owner, (pending = new Set()));
    pending.add(t.id);
    this.#later(t.id, this.pendingTimeout, () => this.store.get(t.id)?.state === 'pending' && this.left(t.id));
    return t;
  }

  /**
   * Whether this seat's websocket may open: a member coming back always may, a pending seat only while the room
   * has a place (it may have filled up since the seat was issued).
   * @param {string} id
   */
  hasPlace(id) {
    const t = this.store.get(id);
    return !!t && (t.state !== 'pending' || this.members(t.room).length < this.roomMax);
  }

  /** Seats issued and not yet connected. */
  pendingCount() {
    let n = 0;
    for (const ids of this.#pendingByOwner.values()) n += ids.size;
    return n;
  }

  /**
   * Whether `secret` proves `id`.
   * @param {unknown} id
   * @param {unknown} secret
   */
  check(id, secret) {
    if (typeof id !== 'string' || typeof secret !== 'string') return undefined;
    const t = this.store.get(id);
    if (!t) return undefined;
    const a = Buffer.from(t.secret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b) ? t : undefined;
  }

  /** Members that are (or may soon be again) connected. @param {string} room */
  members(room) {
    return this.store.inRoom(room).filter((t) => t.state !== 'pending');
  }

  /**
   * Whether `src` may send signalling to `dst`: both are seated in the same room.
   * @param {string} src
   * @param {string} dst
   */
  sameRoom(src, dst) {
    const a = this.store.get(src);
    const b = this.store.get(dst);
    return !!a && !!b && src !== dst && a.room === b.room && b.state !== 'pending';
  }

  /** The member's websocket is open (first time, or back after a drop). @param {string} id */
  connected(id) {
    const t = this.store.get(id);
    if (!t) return;
    this.#cancel(id);
    const first = t.state === 'pending';
    if (first) this.#notPending(t);
    t.state = 'connected';
    const others = this.members(t.room).filter((m) => m.id !== id);
    if (first) for (const m of others) this.send(m.id, { type: 'RTC-JOINED', payload: { id, name: t.name } });
    this.send(id, {
      type: 'RTC-ROOM',
      payload: { room: t.room, self: { id, name: t.name }, members: others.map((m) => ({ id: m.id, name: m.name })) },
    });
  }

  /** The member's websocket closed; its seat and id wait for it for the grace period. @param {string} id */
  dropped(id) {
    const t = this.store.get(id);
    if (!t || t.state === 'pending') return this.left(id);
    t.state = 'away';
    this.#later(id, this.reconnectGrace, () => this.left(id));
  }

  /** The member is gone for good. @param {string} id */
  left(id) {
    const t = this.store.get(id);
    this.#cancel(id);
    if (!t) return;
    if (t.state === 'pending') this.#notPending(t);
    this.store.remove(id);
    this.gone(id);
    if (t.state === 'pending') return;
    for (const m of this.members(t.room)) this.send(m.id, { type: 'RTC-LEFT', payload: { id } });
  }

  /** @param {Ticket} t */
  #notPending(t) {
    const owner = t.owner ?? '';
    const ids = this.#pendingByOwner.get(owner);
    ids?.delete(t.id);
    if (ids && ids.size === 0) this.#pendingByOwner.delete(owner);
  }

  close() {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** @param {string} id @param {number} ms @param {() => void} fn */
  #later(id, ms, fn) {
    this.#cancel(id);
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, ms);
    timer.unref?.();
    this.#timers.set(id, timer);
  }

  /** @param {string} id */
  #cancel(id) {
    const timer = this.#timers.get(id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(id);
  }
}
