/** One person in the call, as the views see it. A new object is made whenever anything in it changes. */
export interface Participant {
  /** The peer id the server issued. */
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
}

export type CallState = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

/** Control messages on each peer's data connection. Typed and versioned: receivers ignore what they don't know. */
export type StateMessage = { v: 1; t: 'state'; name: string; audio: boolean; video: boolean };
/** Sent every second, so a peer whose network died is noticed in seconds, not when ICE gives up. */
export type PingMessage = { v: 1; t: 'ping' };
export type ControlMessage = StateMessage | PingMessage;

export function isControlMessage(x: unknown): x is ControlMessage {
  const m = x as Partial<StateMessage> | Partial<PingMessage> | null;
  if (!m || typeof m !== 'object' || m.v !== 1) return false;
  if (m.t === 'ping') return true;
  return (
    m.t === 'state' &&
    typeof m.audio === 'boolean' &&
    typeof m.video === 'boolean' &&
    typeof (m.name ?? '') === 'string'
  );
}

/** What the server's join endpoint gives a client. */
export interface Seat {
  id: string;
  secret: string;
  name: string;
  broker: { path: string; key: string };
  iceServers: RTCIceServer[];
  /** Seconds until TURN credentials lapse; 0 when they never do. */
  ttl: number;
}
