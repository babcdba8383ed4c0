import { Emitter } from './emitter.js';
import { RtcError } from './errors.js';
import type { FeatureMessage } from './types.js';

/**
 * Text chat over each peer's control channel (a chunk of its own, loaded by the call with the first message sent or
 * received). Each message has an id its sender made (`<sender id>-<n>`), arrives exactly once and in order: the sender
 * keeps what a peer has not acknowledged and sends it again when that peer's control channel opens again; the receiver
 * acknowledges every copy and keeps only the first. A newcomer (a peer that says it has no messages) is sent the recent
 * history. Everything a peer sends is checked here, and each peer may send only so many messages a second.
 *
 * Wire (FeatureMessage): `chat` `{ id, text, time }` (the sender's own, acknowledged with `chat-ack` `{ id }`),
 * `chat-old` `{ id, from: { id, name }, text, time }` (history, from whoever has it), `chat-hi` `{ n }` (sent when the
 * control channel opens: how many messages we have; 0 asks for the history).
 */

/** One message, as the page and the panel get it. `time` is when its sender sent it (ms since 1970, their clock). */
export interface ChatMessage {
  readonly id: string;
  readonly from: { readonly id: string; readonly name: string };
  readonly text: string;
  readonly time: number;
  /** This message is yours. */
  readonly local: boolean;
}

/** The longest message, in characters (UTF-16 units). */
export const MAX_TEXT = 4000;
/** A newcomer is sent at most this many of the latest messages, and… */
export const HISTORY = 100;
/** …at most this many characters of them, so the control channel is never held long. */
export const HISTORY_CHARS = 100_000;
/** Messages kept for the panel; older ones are forgotten. */
export const KEPT = 500;
/** Per peer: a burst of this many messages, then RATE a second (also what we may send ourselves). */
export const BURST = 20;
export const RATE = 5;
/** Names longer than this (from a hostile peer's history) are cut. */
const MAX_NAME = 128;
const ID = /^[A-Za-z0-9_-]{1,64}-\d{1,9}$/;
/** A sane time: after 2020, and not further ahead than a day (a peer's clock may be off, not by years). */
const validTime = (t: unknown): t is number =>
  typeof t === 'number' && Number.isInteger(t) && t > 1.5e12 && t < Date.now() + 864e5;

/** What the chat needs from the call. */
export interface ChatHost {
  /** Sends a message on participant `id`'s control channel; false when it is not open. */
  send(id: string, message: FeatureMessage): boolean;
  /** The others in the call now (participant ids). */
  peers(): readonly string[];
  /** Who you are now (your participant id is '' before you have a seat). */
  self(): { id: string; name: string };
  /** Participant `id`'s name. */
  nameOf(id: string): string;
}

export interface ChatEvents {
  /** A message new to us (ours, or a peer's, live or from history). */
  message: ChatMessage;
}

/** A token bucket: BURST at once, RATE a second after that. */
class Allowance {
  constructor(private tokens = BURST) {}
  #at = Date.now();
  take(): boolean {
    const now = Date.now();
    // Regained at RATE up to BURST; a catch-up's larger room (refill) is only spent, never regained.
    if (this.tokens < BURST) this.tokens = Math.min(BURST, this.tokens + ((now - this.#at) / 1000) * RATE);
    this.#at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
  /** Room for a catch-up (resent messages, history) once per opened channel. */
  refill(n: number): void {
    this.tokens = Math.max(this.tokens, n);
  }
}

type Wire = { v: 1; t: 'chat'; id: string; text: string; time: number };

export class Chat extends Emitter<ChatEvents> {
  /** In order: live messages as they came, history put in by time. A new array for every change. */
  messages: readonly ChatMessage[] = [];
  readonly #ids = new Set<string>();
  /** Our messages each peer has not acknowledged yet, by participant. */
  readonly #unacked = new Map<string, Wire[]>();
  readonly #allowance = new Map<string, Allowance>();
  readonly #own = new Allowance();
  #n = 0;

  constructor(private readonly host: ChatHost) {
    super();
  }

  /**
   * Sends `text` to everyone else in the call; resolves with the message once handed to the connections (to someone
   * whose control channel is not open yet, it goes when it opens). Throws an RtcError: `invalid-message` (empty, only
   * spaces, or over MAX_TEXT characters), `rate-limited` (more than BURST at once, RATE a second after that).
   */
  send(text: unknown): ChatMessage {
    if (typeof text !== 'string' || !text.trim() || text.length > MAX_TEXT)
      throw new RtcError('invalid-message', `A message is 1 to ${MAX_TEXT} characters, not only spaces.`);
    if (!this.#own.take()) throw new RtcError('rate-limited', `At most ${RATE} messages a second.`);
    const self = this.host.self();
    const wire: Wire = { v: 1, t: 'chat', id: `${self.id}-${++this.#n}`, text, time: Date.now() };
    this.#prune();
    for (const peer of this.host.peers()) {
      const list = this.#unacked.get(peer) ?? [];
      // A peer that never acknowledges (gone, or hostile) holds no more than a history's worth.
      if (list.push(wire) > HISTORY) list.shift();
      this.#unacked.set(peer, list);
      this.host.send(peer, wire);
    }
    return this.#add({ id: wire.id, from: self, text, time: wire.time, local: true }, false)!;
  }

  /** Peer `id`'s control channel opened (again): say what we have, and send what they have not acknowledged. */
  open(id: string): void {
    this.#allowanceOf(id).refill(HISTORY + BURST);
    this.host.send(id, { v: 1, t: 'chat-hi', n: this.messages.length });
    // A copy: acknowledgements may come back while this goes out.
    for (const wire of [...(this.#unacked.get(id) ?? [])]) this.host.send(id, wire);
  }

  /** A chat message from peer `id` (any `chat…` FeatureMessage; anything not valid is dropped). */
  receive(id: string, m: FeatureMessage): void {
    switch (m.t) {
      case 'chat':
        if (typeof m.id !== 'string' || !ID.test(m.id) || !validText(m.text) || !validTime(m.time)) return;
        // A copy we have already is acknowledged again (our ack may have been lost with the connection).
        if (this.#ids.has(m.id)) return void this.host.send(id, { v: 1, t: 'chat-ack', id: m.id });
        if (!this.#allowanceOf(id).take()) return;
        this.host.send(id, { v: 1, t: 'chat-ack', id: m.id });
        this.#add({ id: m.id, from: { id, name: this.host.nameOf(id) }, text: m.text, time: m.time, local: false });
        return;
      case 'chat-ack': {
        const list = this.#unacked.get(id);
        const i = list?.findIndex((w) => w.id === m.id) ?? -1;
        if (i >= 0) list!.splice(i, 1);
        return;
      }
      case 'chat-hi':
        if (m.n === 0) this.#sendHistory(id);
        return;
      case 'chat-old': {
        const from = m.from as { id?: unknown; name?: unknown } | null;
        if (typeof m.id !== 'string' || !ID.test(m.id) || this.#ids.has(m.id)) return;
        if (!from || typeof from !== 'object' || typeof from.id !== 'string' || typeof from.name !== 'string') return;
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(from.id) || !validText(m.text) || !validTime(m.time)) return;
        if (!this.#allowanceOf(id).take()) return;
        const self = this.host.self().id;
        const message = {
          id: m.id,
          from: { id: from.id, name: from.name.slice(0, MAX_NAME) },
          text: m.text,
          time: m.time,
          local: !!self && from.id === self,
        };
        this.#add(message, true);
        return;
      }
    }
  }

  /** Participant `id` has left the call: nothing more is kept for them. */
  forget(id: string): void {
    this.#unacked.delete(id);
    this.#allowance.delete(id);
  }

  #prune(): void {
    const peers = new Set(this.host.peers());
    for (const id of this.#unacked.keys()) if (!peers.has(id)) this.#unacked.delete(id);
  }

  #sendHistory(id: string): void {
    let chars = 0;
    const recent: ChatMessage[] = [];
    for (const m of [...this.messages].reverse()) {
      chars += m.text.length;
      if (recent.length >= HISTORY || chars > HISTORY_CHARS) break;
      recent.unshift(m);
    }
    for (const m of recent)
      this.host.send(id, {
        v: 1,
        t: 'chat-old',
        id: m.id,
        from: { id: m.from.id, name: m.from.name },
        text: m.text,
        time: m.time,
      });
  }

  #allowanceOf(id: string): Allowance {
    let a = this.#allowance.get(id);
    // A peer met for the first time may be sending the history (before our chat was even loaded): room for it.
    if (!a) this.#allowance.set(id, (a = new Allowance(HISTORY + BURST)));
    return a;
  }

  /** Keeps a new message (live: at the end; history: by its time) and tells of it. */
  #add(message: ChatMessage, byTime = false): ChatMessage | undefined {
    if (this.#ids.has(message.id)) return undefined;
    const frozen = Object.freeze({ ...message, from: Object.freeze({ ...message.from }) });
    const list = [...this.messages];
    let at = list.length;
    if (byTime) while (at > 0 && list[at - 1].time > frozen.time) at--;
    list.splice(at, 0, frozen);
    this.#ids.add(frozen.id);
    for (const old of list.splice(0, Math.max(0, list.length - KEPT))) this.#ids.delete(old.id);
    this.messages = list;
    this.emit('message', frozen);
    return frozen;
  }
}

function validText(text: unknown): text is string {
  return typeof text === 'string' && text.length > 0 && text.length <= MAX_TEXT && !!text.trim();
}
