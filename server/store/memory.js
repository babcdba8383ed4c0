// @ts-check
/** The default room store: one broker instance, everything in its memory. */
import { LruMap } from '../lru.js';
import { takeToken } from '../rate.js';

/** @typedef {import('../rooms.js').Ticket} Ticket */

/** @typedef {import('./store.js').RoomStore} RoomStore */

/** @implements {RoomStore} */
export class MemoryRoomStore {
  shared = false;
  /** @type {Map<string, Ticket>} */
  #tickets = new Map();
  /** @type {Map<string, Set<string>>} */
  #rooms = new Map();
  /** Pending seats per owner. @type {Map<string, Set<string>>} */
  #pendingByOwner = new Map();
  /** @type {LruMap<string, {tokens: number, at: number}>} */
  #joins;

  /** @param {{joinCapacity?: number}} [opts] joinCapacity: addresses whose join rate is remembered */
  constructor({ joinCapacity = 100000 } = {}) {
    this.#joins = new LruMap(joinCapacity);
  }

  /** @param {Ticket} t */
  async add(t) {
    this.#tickets.set(t.id, { ...t });
    let ids = this.#rooms.get(t.room);
    if (!ids) this.#rooms.set(t.room, (ids = new Set()));
    ids.add(t.id);
    if (t.state === 'pending') this.#pending(t, true);
  }

  /** @param {string} id */
  async get(id) {
    const t = this.#tickets.get(id);
    return t && { ...t };
  }

  /**
   * The stored seat itself, at once (no copy: the caller only reads it), for the broker's hot path.
   * @param {string} id
   * @returns {Readonly<Ticket> | undefined}
   */
  peek(id) {
    return this.#tickets.get(id);
  }

  /** @param {string} id @param {import('./store.js').TicketChange} change */
  async update(id, change) {
    const t = this.#tickets.get(id);
    if (!t) return undefined;
    if (t.state === 'pending' && change.state && change.state !== 'pending') this.#pending(t, false);
    Object.assign(t, change);
    if (change.until === 0) delete t.until;
    return { ...t };
  }

  /** @param {string} id @param {number} roomMax @param {string} inst @returns {Promise<import('./store.js').Claim>} */
  async claim(id, roomMax, inst) {
    const t = this.#tickets.get(id);
    if (!t) return { result: 'gone' };
    const first = t.state === 'pending';
    if (first) {
      const seated = (await this.inRoom(t.room)).filter((m) => m.state !== 'pending').length;
      if (seated >= roomMax) return { result: 'full' };
    }
    const ticket = /** @type {Ticket} */ (await this.update(id, { state: 'connected', until: 0, inst }));
    return { result: first ? 'first' : 'back', ticket };
  }

  /** @param {string} id @param {string} inst @param {number} until */
  async release(id, inst, until) {
    const t = this.#tickets.get(id);
    if (!t) return 'gone';
    if (t.state === 'pending') return 'pending';
    if ((t.inst ?? '') !== inst) return 'elsewhere';
    Object.assign(t, { state: 'away', until });
    return 'away';
  }

  /** @param {string} id */
  async remove(id) {
    const t = this.#tickets.get(id);
    if (!t) return undefined;
    this.#tickets.delete(id);
    const ids = this.#rooms.get(t.room);
    ids?.delete(id);
    if (ids && ids.size === 0) this.#rooms.delete(t.room);
    if (t.state === 'pending') this.#pending(t, false);
    return t;
  }

  /** @param {string} room */
  async inRoom(room) {
    return [...(this.#rooms.get(room) ?? [])].map((id) => ({ .../** @type {Ticket} */ (this.#tickets.get(id)) }));
  }

  /** @param {string} owner */
  async pendingOf(owner) {
    const ids = [...(this.#pendingByOwner.get(owner) ?? [])];
    const issued = (/** @type {string} */ id) => this.#tickets.get(id)?.issuedAt ?? 0;
    return ids.sort((a, b) => issued(a) - issued(b));
  }

  /** @param {number} now */
  async due(now) {
    return [...this.#tickets.values()].filter((t) => t.until && t.until <= now).map((t) => t.id);
  }

  async counts() {
    let pending = 0;
    for (const ids of this.#pendingByOwner.values()) pending += ids.size;
    return { rooms: this.#rooms.size, members: this.#tickets.size - pending, pending };
  }

  /** @param {string} key @param {number} perMinute @param {number} [now] ms */
  async takeJoin(key, perMinute, now = Date.now()) {
    const { bucket, ok } = takeToken(this.#joins.get(key), perMinute, now);
    this.#joins.set(key, bucket);
    return ok;
  }

  async reachable() {
    return true;
  }

  async close() {}

  /** @param {Ticket} t @param {boolean} on */
  #pending(t, on) {
    const owner = t.owner ?? '';
    let ids = this.#pendingByOwner.get(owner);
    if (on) {
      if (!ids) this.#pendingByOwner.set(owner, (ids = new Set()));
      ids.add(t.id);
      return;
    }
    ids?.delete(t.id);
    if (ids && ids.size === 0) this.#pendingByOwner.delete(owner);
  }
}
