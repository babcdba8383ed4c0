import { Emitter } from './emitter.js';
import type { Participant } from './types.js';

export interface RosterEvents {
  /** Someone new is shown. */
  joined: Participant;
  /** Someone is no longer shown (gone from the room, or their connection closed). */
  left: Participant;
  /** The list changed: a new array of new-or-unchanged objects, yourself first. */
  changed: readonly Participant[];
}

/**
 * Who is in the call, as immutable `Participant` snapshots: any change makes a new object, so a view (or Lit
 * context) can tell a change by identity. It also keeps the server's word on who is in the room (members), which
 * can differ from who is shown: a member whose connection is being made again is a member without a tile.
 */
export class Roster extends Emitter<RosterEvents> {
  #self?: Participant;
  #people = new Map<string, Participant>();
  /** Who the server says is in the room, besides us, with the name it gave. */
  #members = new Map<string, string>();
  #telling = false;
  #again = false;

  /** Everyone shown, yourself first. */
  get participants(): readonly Participant[] {
    return this.#self ? [this.#self, ...this.#people.values()] : [...this.#people.values()];
  }

  get self(): Participant | undefined {
    return this.#self;
  }

  get(id: string): Participant | undefined {
    return this.#people.get(id);
  }

  /** Whether the server says `id` is in the room. */
  isMember(id: string): boolean {
    return this.#members.has(id);
  }

  /** The name the server gave a member ('' when it gave none or they are not one). */
  memberName(id: string): string {
    return this.#members.get(id) ?? '';
  }

  memberIds(): string[] {
    return [...this.#members.keys()];
  }

  /** You, or nobody (after leaving). */
  setSelf(self: Participant | undefined): void {
    this.#self = self && { ...self };
    this.#changed();
  }

  updateSelf(patch: Partial<Omit<Participant, 'id' | 'local'>>): void {
    if (!this.#self) return;
    this.#self = { ...this.#self, ...patch };
    this.#changed();
  }

  /** The server says `id` is in the room: shown (as still connecting) unless already. */
  memberJoined(id: string, name: string): void {
    this.#members.set(id, name);
    if (!this.#people.has(id)) this.#add(id, {});
  }

  /** The server says `id` has left the room. */
  memberLeft(id: string): void {
    this.#members.delete(id);
    this.remove(id);
  }

  /** The server no longer lists `id`, but they are still shown: we still hear them over our connection. */
  notMember(id: string): void {
    this.#members.delete(id);
  }

  /** A member we knew as `from` is listed under `to` now (a person met again under their current seat). */
  rekeyMember(from: string, to: string): void {
    const name = this.#members.get(from);
    if (name === undefined) return;
    this.#members.delete(from);
    this.#members.set(to, name);
  }

  /** Something about `id` changed (media, state, name): a new snapshot; shown now if it was not. */
  update(id: string, patch: Partial<Omit<Participant, 'id' | 'local'>>): void {
    const current = this.#people.get(id);
    if (!current) return this.#add(id, patch);
    this.#people.set(id, { ...current, ...patch });
    this.#changed();
  }

  /** No longer shown; still a member if the server says so (their connection may be made again). */
  remove(id: string): void {
    const p = this.#people.get(id);
    if (!p) return;
    this.#people.delete(id);
    this.emit('left', p);
    this.#changed();
  }

  /** Forgets everyone but yourself at once, without a `left` each: the seat they were met through has ended. */
  clearOthers(): void {
    const had = this.#people.size > 0;
    this.#people.clear();
    this.#members.clear();
    if (had) this.#changed();
  }

  #add(id: string, patch: Partial<Omit<Participant, 'id' | 'local'>>): void {
    const p: Participant = {
      id,
      name: this.#members.get(id) ?? '',
      local: false,
      stream: null,
      audioEnabled: true,
      videoEnabled: true,
      connection: 'connecting',
      weakLink: false,
      hand: false,
      speaking: false,
      quality: null,
      screen: null,
      ...patch,
    };
    this.#people.set(id, p);
    this.emit('joined', p);
    this.#changed();
  }

  /**
   * Tells of the list as it is now. A listener may change it again while being told (the people features mark someone
   * who muted as not speaking): that change is told after this one has reached every listener, never inside it, so
   * the last list each listener gets is the current one.
   */
  #changed(): void {
    if (this.#telling) return void (this.#again = true);
    this.#telling = true;
    try {
      do {
        this.#again = false;
        this.emit('changed', this.participants);
      } while (this.#again);
    } finally {
      this.#telling = false;
    }
  }
}
