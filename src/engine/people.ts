import { Emitter } from './emitter.js';
import { RtcError } from './errors.js';
import { AudioLevel } from './audio-level.js';
import { ActiveSpeaker, Speaking } from './speaking.js';
import { QUALITY_MS, QualityTracker, linkTotals, type LinkReport } from './quality.js';
import type { ConnectionQuality, FeatureMessage, Participant } from './types.js';

import { REACTIONS, type Reaction } from './reactions.js';

export { REACTIONS, type Reaction };
/** For the pre-join screen's meter, which loads it from here: with this chunk, not in rtc-call.js. */
export { AudioLevel };

/** At most this many reactions from one sender in REACTION_WINDOW_MS; more are refused (ours) or dropped (theirs). */
export const REACTION_LIMIT = 5;
export const REACTION_WINDOW_MS = 5000;
/** Levels are read this often while anyone else is in the call (a few times a second, enough for speech). */
export const LEVEL_MS = 200;
/** A level older than this (they stopped sending audio) counts as silence. */
const STALE_MS = 1000;

/**
 * How loud participant `pc`'s microphone is now: the level their browser measured and put in the header of the
 * latest audio packet (RFC 6464), which `getSynchronizationSources()` gives without a trip to the network stack. Not
 * `getStats`'s inbound `audioLevel`: that is measured on the sound as played, so it stays 0 where none is played (the
 * page's sound blocked until a click, a machine without speakers, headless Chromium), while the header's is the
 * sender's own. Reading it costs nothing, so it is read 5 times a second; getStats only every QUALITY_MS.
 */
function receivedLevel(pc: RTCPeerConnection, now: number): number {
  const receiver = pc.getReceivers?.().find((r) => r.track?.kind === 'audio');
  let level = 0;
  for (const s of receiver?.getSynchronizationSources?.() ?? [])
    if (now - s.timestamp < STALE_MS && typeof s.audioLevel === 'number') level = Math.max(level, s.audioLevel);
  return level;
}

/** "My hand is up / down": sent when it changes, and to each peer whose control channel opens while it is up. */
export type HandMessage = { v: 1; t: 'hand'; up: boolean };
/** "I react with this", one of REACTIONS. */
export type ReactionMessage = { v: 1; t: 'reaction'; emoji: Reaction };

export function isReaction(x: unknown): x is Reaction {
  return typeof x === 'string' && (REACTIONS as readonly string[]).includes(x);
}

/** What the people features need from the call. */
export interface PeopleHost {
  /** Everyone in the call now, yourself first. */
  participants(): readonly Participant[];
  /** A new snapshot of participant `id` (yourself included) with `patch`; nothing for someone not shown. */
  update(id: string, patch: Partial<Pick<Participant, 'hand' | 'speaking' | 'quality'>>): void;
  send(id: string, message: FeatureMessage): boolean;
  broadcast(message: FeatureMessage): void;
  /** The connection to participant `id`, for its stats. */
  peerConnection(id: string): RTCPeerConnection | undefined;
  /** Our microphone track, for our own level where the connection's stats do not give it. */
  microphone(): MediaStreamTrack | null;
}

export interface PeopleEvents {
  hand: { participant: Participant; raised: boolean };
  reaction: { participant: Participant; emoji: Reaction };
  /** The active speaker changed (undefined: nobody, e.g. they left). */
  'active-speaker': Participant | undefined;
  quality: { participant: Participant; quality: ConnectionQuality };
}

interface PeerState {
  speaking: Speaking;
  quality: QualityTracker;
  /** When its stats were last read (ms). */
  readAt: number;
}

/**
 * Raised hands, reactions, who is speaking and the active speaker, and each connection's quality: the people
 * features of one join, owned by the call (a chunk of its own, loaded as the call starts). Framework-free; peers'
 * messages are checked here before anything is believed.
 */
export class People extends Emitter<PeopleEvents> {
  #hand = false;
  readonly #peers = new Map<string, PeerState>();
  readonly #self = new Speaking();
  readonly #active = new ActiveSpeaker();
  /** When each sender's recent reactions came (ms), ours under ''. */
  readonly #reactions = new Map<string, number[]>();
  #timer?: ReturnType<typeof setInterval>;
  #reading = false;
  #closed = false;
  /** Our level where stats do not give it. */
  #meter?: AudioLevel;
  /** The energy counters of our last level read from stats, and whose. */
  #sent?: { sender: RTCRtpSender; energy: number; seconds: number };

  constructor(
    private readonly host: PeopleHost,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** Whether levels are being read (only while someone else is in the call). */
  get sampling(): boolean {
    return this.#timer !== undefined;
  }

  get handRaised(): boolean {
    return this.#hand;
  }

  /** The active speaker's id, if anyone has spoken. */
  get activeSpeaker(): string | undefined {
    return this.#active.id;
  }

  /** What the connection to `id` was judged on last (round trip, loss, jitter, bitrates), once it has been. */
  report(id: string): LinkReport | undefined {
    return this.#peers.get(id)?.quality.report;
  }

  raiseHand(up: boolean): void {
    if (this.#hand === up) return;
    this.#hand = up;
    this.host.broadcast({ v: 1, t: 'hand', up } satisfies HandMessage);
    this.#setHand(this.#selfId(), up);
  }

  /** Sends a reaction to everyone. Rejects with `invalid-reaction` or `rate-limited`, having sent nothing. */
  react(emoji: unknown): void {
    if (!isReaction(emoji))
      throw new RtcError('invalid-reaction', `A reaction is one of ${REACTIONS.join(' ')}, not ${String(emoji)}.`);
    if (!this.#allow(''))
      throw new RtcError('rate-limited', `At most ${REACTION_LIMIT} reactions in ${REACTION_WINDOW_MS / 1000} s.`);
    this.host.broadcast({ v: 1, t: 'reaction', emoji } satisfies ReactionMessage);
    const self = this.host.participants().find((p) => p.local);
    if (self) this.emit('reaction', { participant: self, emoji });
  }

  /** A feature message from participant `id`: ours if it is a hand or a reaction, and well formed. */
  receive(id: string, m: FeatureMessage): void {
    if (this.#closed) return;
    if (m.t === 'hand' && typeof m.up === 'boolean') this.#setHand(id, m.up);
    else if (m.t === 'reaction' && isReaction(m.emoji) && this.#allow(id)) {
      const p = this.#find(id);
      if (p) this.emit('reaction', { participant: p, emoji: m.emoji });
    }
  }

  /** Participant `id`'s control channel opened: a newcomer (or a new connection) learns our raised hand. */
  opened(id: string): void {
    if (this.#hand) this.host.send(id, { v: 1, t: 'hand', up: true } satisfies HandMessage);
  }

  /** The participants changed: forget those who left, and read levels only while someone else is here. */
  sync(): void {
    if (this.#closed) return;
    const list = this.host.participants();
    const ids = new Set(list.filter((p) => !p.local).map((p) => p.id));
    for (const id of [...this.#peers.keys()])
      if (!ids.has(id)) {
        this.#peers.delete(id);
        this.#reactions.delete(id);
        if (this.#active.id === id) {
          this.#active.forget(id);
          this.emit('active-speaker', undefined);
        }
      }
    if (ids.size && !this.#timer) this.#timer = setInterval(() => void this.sample(), LEVEL_MS);
    if (!ids.size && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#meter?.close();
      this.#meter = undefined;
    }
    // Someone muted is not speaking, from that moment.
    for (const p of list) if (p.speaking && !p.audioEnabled) this.#speaking(p.id, false);
  }

  /** Reads every connection's stats once: levels, speaking, the active speaker, quality. */
  async sample(): Promise<void> {
    if (this.#reading || this.#closed) return;
    this.#reading = true;
    try {
      await this.#sample();
    } finally {
      this.#reading = false;
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#meter?.close();
    this.#meter = undefined;
  }

  async #sample(): Promise<void> {
    const now = this.now();
    const reads: Promise<void>[] = [];
    for (const p of this.host.participants()) {
      if (p.local) continue;
      const pc = this.host.peerConnection(p.id);
      if (!pc || pc.connectionState === 'closed') continue;
      let peer = this.#peers.get(p.id);
      if (!peer)
        this.#peers.set(p.id, (peer = { speaking: new Speaking(), quality: new QualityTracker(), readAt: -Infinity }));
      this.#hear(p.id, peer.speaking, p.audioEnabled ? receivedLevel(pc, now) : -1, now);
      if (now - peer.readAt >= QUALITY_MS) {
        peer.readAt = now;
        reads.push(this.#judge(p.id, pc, peer));
      }
    }
    const self = this.host.participants().find((p) => p.local);
    if (self) {
      const level = self.audioEnabled ? await this.#ownLevel() : -1;
      if (this.#closed) return void (await Promise.all(reads));
      this.#hear(self.id, this.#self, level, now);
    }
    const speaking = new Map<string, number>();
    if (self && this.#self.speaking) speaking.set(self.id, this.#self.level);
    for (const [id, s] of this.#peers) if (s.speaking.speaking) speaking.set(id, s.speaking.level);
    const before = this.#active.id;
    const after = this.#active.update(speaking, now);
    if (after !== before) this.emit('active-speaker', this.#find(after ?? ''));
    await Promise.all(reads);
  }

  /**
   * How loud our own microphone is: from the stats of a connection that sends it, where the browser gives them
   * (Chromium, Safari), else from an AudioLevel, whose audio graph runs all the time (about 1.5% of a core in Chromium).
   */
  async #ownLevel(): Promise<number> {
    const track = this.host.microphone();
    if (!track) return 0;
    if (!this.#meter) {
      const level = await this.#sentLevel(track);
      if (level !== undefined) return level;
    }
    this.#meter ??= new AudioLevel();
    this.#meter.listen(track);
    return this.#meter.read();
  }

  /**
   * Our level since the last read, from the `media-source` stats of a sender of `track`: the root mean square of the
   * energy the browser summed. Chromium sums each 10 ms frame's peak, which is √2 times its RMS for a steady tone and
   * more for a voice; divided by √2, it is on the scale of AudioLevel and of the levels the others send. 0 while no
   * connection sends it or says nothing of it yet; undefined if its stats have no energy (Firefox), or none at all for
   * the microphone while it is sent.
   */
  async #sentLevel(track: MediaStreamTrack): Promise<number | undefined> {
    let sender: RTCRtpSender | undefined;
    for (const p of this.host.participants()) {
      if (p.local) continue;
      sender = this.host
        .peerConnection(p.id)
        ?.getSenders?.()
        .find((s) => s.track === track);
      if (sender) break;
    }
    if (!sender) return 0;
    const report = await sender.getStats().catch(() => undefined);
    type Source = { type: string; kind?: string; totalAudioEnergy?: unknown; totalSamplesDuration?: unknown };
    let source: Source | undefined;
    let sent = false;
    report?.forEach((r: Source) => {
      if (r.type === 'media-source' && r.kind === 'audio') source = r;
      else if (r.type === 'outbound-rtp') sent = true;
    });
    if (!source) return sent ? undefined : 0;
    const energy = source.totalAudioEnergy;
    const seconds = source.totalSamplesDuration;
    if (typeof energy !== 'number' || typeof seconds !== 'number') return undefined;
    const last = this.#sent;
    this.#sent = { sender, energy, seconds };
    const dt = last?.sender === sender ? seconds - last.seconds : 0;
    return dt > 0 && energy >= last!.energy ? Math.sqrt((energy - last!.energy) / dt) / Math.SQRT2 : 0;
  }

  /** Reads a connection's stats and judges its quality; tells when that changed. */
  async #judge(id: string, pc: RTCPeerConnection, peer: PeerState): Promise<void> {
    const report = await pc.getStats().catch(() => undefined);
    if (!report || this.#closed || this.#peers.get(id) !== peer) return;
    const quality = peer.quality.add(linkTotals(report, this.now()));
    if (!quality || quality === this.#find(id)?.quality) return;
    this.host.update(id, { quality });
    const now = this.#find(id);
    if (now) this.emit('quality', { participant: now, quality });
  }

  /** A level for `id` (-1: muted, so not speaking whatever the level). */
  #hear(id: string, s: Speaking, level: number, now: number): void {
    const was = s.speaking;
    if (level < 0) s.silence();
    else s.add(level, now);
    if (s.speaking !== was) this.#speaking(id, s.speaking);
  }

  #speaking(id: string, on: boolean): void {
    if (!on)
      (this.host.participants().find((p) => p.local)?.id === id
        ? this.#self
        : this.#peers.get(id)?.speaking
      )?.silence();
    this.host.update(id, { speaking: on });
  }

  #setHand(id: string, up: boolean): void {
    const p = this.#find(id);
    if (!p || p.hand === up) return;
    this.host.update(id, { hand: up });
    const now = this.#find(id);
    if (now) this.emit('hand', { participant: now, raised: up });
  }

  /** Whether sender `id` (ours: '') may react once more now; counts it if so. */
  #allow(id: string): boolean {
    const now = this.now();
    const recent = (this.#reactions.get(id) ?? []).filter((at) => now - at < REACTION_WINDOW_MS);
    const ok = recent.length < REACTION_LIMIT;
    if (ok) recent.push(now);
    this.#reactions.set(id, recent);
    return ok;
  }

  #selfId(): string {
    return this.host.participants().find((p) => p.local)?.id ?? '';
  }

  #find(id: string): Participant | undefined {
    return this.host.participants().find((p) => (id === '' ? p.local : p.id === id));
  }
}
