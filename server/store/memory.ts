/** The default room store: one broker instance, everything in its memory. */
import { LruMap } from '../lru.js';
import { takeToken } from '../rate.js';
import type { Ticket } from '../rooms.js';
import type { Claim, RoomStore, TicketChange } from './store.js';

/**
 * The stored seat: every field there from the start, in one order, so that all seats share one shape. (A field added
 * later, such as `inst` when the seat is taken, gave each seat a map of its own, 312 bytes; deleting `until` made it
 * a dictionary, 448 bytes.) `until` 0 is "no deadline".
 */
function stored(t: Ticket): Ticket {
  const { id, secret, room, name, state, issuedAt, owner, identity, until = 0, inst } = t;
  return { id, secret, room, name, state, issuedAt, owner, identity, until, inst };
}

/**
 * A copy for callers: only the fields that are set, and no deadline for a seat that has none. Built field by field
 * in one order, so that copies share a shape (a copy made from `Object.entries` was a dictionary, and the slowest
 * part of a connect on a fresh server, where each one reads the room several times).
 */
function copy(t: Ticket): Ticket {
  const { id, secret, room, name, state, issuedAt, owner, identity, until, inst } = t;
  const out: Ticket = { id, secret, room, name, state, issuedAt };
  if (owner !== undefined) out.owner = owner;
  if (identity !== undefined) out.identity = identity;
  if (until) out.until = until;
  if (inst !== undefined) out.inst = inst;
  return out;
}

export class MemoryRoomStore implements RoomStore {
  shared = false;

  #tickets: Map<string, Ticket> = new Map();

  #rooms: Map<string, Set<string>> = new Map();
  /** Pending seats per owner. */
  #pendingByOwner: Map<string, Set<string>> = new Map();

  #joins: LruMap<string, { tokens: number; at: number }>;

  /** @param opts joinCapacity: addresses whose join rate is remembered */
  constructor({ joinCapacity = 100000 }: { joinCapacity?: number } = {}) {
    this.#joins = new LruMap(joinCapacity);
  }

  async add(t: Ticket) {
    this.#tickets.set(t.id, stored(t));
    let ids = this.#rooms.get(t.room);
    if (!ids) this.#rooms.set(t.room, (ids = new Set()));
    ids.add(t.id);
    if (t.state === 'pending') this.#pending(t, true);
  }

  async get(id: string) {
    const t = this.#tickets.get(id);
    return t && copy(t);
  }

  /**
   * The stored seat itself, at once (no copy: the caller only reads it), for the broker's hot path.
   */
  peek(id: string): Readonly<Ticket> | undefined {
    return this.#tickets.get(id);
  }

  async update(id: string, change: TicketChange) {
    const t = this.#tickets.get(id);
    if (!t) return undefined;
    this.#change(t, change);
    return copy(t);
  }

  /** Changes the stored seat in place, and the pending seats of its owner with it. */
  #change(t: Ticket, change: TicketChange) {
    if (t.state === 'pending' && change.state && change.state !== 'pending') this.#pending(t, false);
    Object.assign(t, change);
  }

  async claim(id: string, roomMax: number, inst: string): Promise<Claim> {
    const t = this.#tickets.get(id);
    if (!t) return { result: 'gone' };
    const first = t.state === 'pending';
    if (first) {
      let seated = 0;
      for (const m of this.#rooms.get(t.room) ?? []) {
        const state = this.#tickets.get(m)?.state;
        if (state && state !== 'pending') seated++;
      }
      if (seated >= roomMax) return { result: 'full' };
    }
    this.#change(t, { state: 'connected', until: 0, inst });
    // The stored seat itself, not a copy: the broker keeps it for as long as the member is connected, and only reads
    // it (a copy would be one more object per member).
    return { result: first ? 'first' : 'back', ticket: t };
  }

  async release(id: string, inst: string, until: number) {
    const t = this.#tickets.get(id);
    if (!t) return 'gone';
    if (t.state === 'pending') return 'pending';
    if ((t.inst ?? '') !== inst) return 'elsewhere';
    Object.assign(t, { state: 'away', until });
    return 'away';
  }

  async remove(id: string) {
    const t = this.#tickets.get(id);
    if (!t) return undefined;
    this.#tickets.delete(id);
    const ids = this.#rooms.get(t.room);
    ids?.delete(id);
    if (ids && ids.size === 0) this.#rooms.delete(t.room);
    if (t.state === 'pending') this.#pending(t, false);
    return copy(t);
  }

  async inRoom(room: string) {
    return [...(this.#rooms.get(room) ?? [])].map((id) => copy(this.#tickets.get(id) as Ticket));
  }

  async pendingOf(owner: string) {
    const ids = [...(this.#pendingByOwner.get(owner) ?? [])];
    const issued = (id: string) => this.#tickets.get(id)?.issuedAt ?? 0;
    return ids.sort((a, b) => issued(a) - issued(b));
  }

  async due(now: number) {
    return [...this.#tickets.values()].filter((t) => t.until && t.until <= now).map((t) => t.id);
  }

  async counts() {
    let pending = 0;
    for (const ids of this.#pendingByOwner.values()) pending += ids.size;
    return { rooms: this.#rooms.size, members: this.#tickets.size - pending, pending };
  }

  /** @param now ms */
  async takeJoin(key: string, perMinute: number, now: number = Date.now()) {
    const { bucket, ok } = takeToken(this.#joins.get(key), perMinute, now);
    this.#joins.set(key, bucket);
    return ok;
  }

  async reachable() {
    return true;
  }

  async close() {}

  #pending(t: Ticket, on: boolean) {
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
