/** One person in the call, as the views see it. A new object is made whenever anything in it changes. */
export interface Participant {
  /**
   * Who this is for the length of the call: the peer id the server issued when you first met them. A person who
   * comes back under a new seat (after losing the server for a while) keeps their id, tile and connection.
   */
  readonly id: string;
  readonly name: string;
  /** This is you. */
  readonly local: boolean;
  /** What to show and play; null until the media arrives. */
  readonly stream: MediaStream | null;
  readonly audioEnabled: boolean;
  readonly videoEnabled: boolean;
  /** How the connection to this person stands (always `connected` for yourself). */
  readonly connection: 'connecting' | 'connected' | 'reconnecting';
  /**
   * This person sends you no video for now because the connection between you is too weak for it (they step down
   * to audio only, and back up when it recovers). Always false for yourself.
   */
  readonly weakLink: boolean;
  /** Their hand is raised (`raiseHand()`). */
  readonly hand: boolean;
  /** They are speaking now (their audio level, with hysteresis; never while muted). */
  readonly speaking: boolean;
  /**
   * How good the connection to them is, from its stats (round trip, loss, jitter): null for yourself, and until
   * first judged, a few seconds after it is made.
   */
  readonly quality: ConnectionQuality | null;
  /** Their screen while they share it (yours too, on your own participant), else null. */
  readonly screen: MediaStream | null;
}

/** A connection's quality, as shown on its tile's badge (quality.ts says on what it is judged). */
export type ConnectionQuality = 'good' | 'fair' | 'poor';

export type CallState = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

/** Control messages on each peer's control channel. Typed and versioned: receivers ignore what they don't know. */
export type StateMessage = { v: 1; t: 'state'; name: string; audio: boolean; video: boolean };
/** Sent every second, so a peer whose network died is noticed by its silence. */
export type PingMessage = { v: 1; t: 'ping' };
/**
 * "I am on the server under a new seat now": sent by a peer that lost its seat (a half-open broker link, a server
 * restart) over the connections it still has, before it takes its place in the room again. Only the other end of
 * this DTLS connection can send it, so the receiver keeps the person (tile, connection) and knows them by the new
 * seat from then on. Answered with `seat-ack`.
 */
export type SeatMessage = { v: 1; t: 'seat'; id: string };
export type SeatAckMessage = { v: 1; t: 'seat-ack'; id: string };
/**
 * "I show your video this tall" (device pixels, in steps: video-fit.ts `viewStep`; 0 when it is not shown), so the
 * sender scales what it sends us to that, pauses it when 0, and captures no more than anyone shows.
 */
export type ViewMessage = { v: 1; t: 'view'; h: number };
/**
 * "What I send you on this connection, for its quality" (link-quality.ts `LinkLevel`): sent when it changes, so the
 * receiver can say why video stopped (`audio-only`).
 */
export type LinkMessage = { v: 1; t: 'link'; level: 'full' | 'reduced' | 'low-fps' | 'audio-only' };
/**
 * "Video between us in this codec": one this page encodes and decodes in hardware (codecs.ts), e.g. H.264 on Safari
 * and iOS. Sent when the connection opens, only by a page that has one; both ends then put it first.
 */
export type CodecMessage = { v: 1; t: 'codec'; mime: string };
export type ControlMessage =
  StateMessage | PingMessage | SeatMessage | SeatAckMessage | ViewMessage | LinkMessage | CodecMessage;

/**
 * A control message of a feature that attaches to the call (chat, presence, reactions…), not of the connection
 * itself. The mesh checks only this shape and hands it on (`message` event); the feature's own module checks the rest
 * before believing it, as `isControlMessage` does for the mesh's types.
 */
export type FeatureMessage = { v: 1; t: string; [field: string]: unknown };

const MESH_TYPES = new Set(['state', 'ping', 'seat', 'seat-ack', 'view', 'link', 'codec']);

export function isFeatureMessage(x: unknown): x is FeatureMessage {
  const m = x as { v?: unknown; t?: unknown } | null;
  return (
    !!m &&
    typeof m === 'object' &&
    m.v === 1 &&
    typeof m.t === 'string' &&
    /^[a-z][a-z-]{0,31}$/.test(m.t) &&
    !MESH_TYPES.has(m.t)
  );
}

/** Seat ids are what the server hands out: short, printable. */
const SEAT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isControlMessage(x: unknown): x is ControlMessage {
  const m = x as {
    v?: unknown;
    t?: unknown;
    id?: unknown;
    name?: unknown;
    audio?: unknown;
    video?: unknown;
    h?: unknown;
    level?: unknown;
    mime?: unknown;
  } | null;
  if (!m || typeof m !== 'object' || m.v !== 1) return false;
  if (m.t === 'ping') return true;
  if (m.t === 'link')
    return m.level === 'full' || m.level === 'reduced' || m.level === 'low-fps' || m.level === 'audio-only';
  if (m.t === 'codec') return typeof m.mime === 'string' && /^video\/[A-Za-z0-9-]{1,16}$/.test(m.mime);
  if (m.t === 'view') return typeof m.h === 'number' && Number.isInteger(m.h) && m.h >= 0 && m.h <= 4320;
  if (m.t === 'seat' || m.t === 'seat-ack') return typeof m.id === 'string' && SEAT_ID.test(m.id);
  return (
    m.t === 'state' &&
    typeof m.audio === 'boolean' &&
    typeof m.video === 'boolean' &&
    typeof (m.name ?? '') === 'string'
  );
}

/** What the server's join endpoint gives a client (the wire protocol's seat, protocol.ts). */
export type { Seat } from './protocol.js';
