/**
 * The wire protocol between the widget and the rtc-call server, in the one module both compile against (the
 * client imports it; the server, JavaScript checked through JSDoc, imports its types), so the two cannot drift: a
 * field renamed here fails the type check on whichever side was not changed with it. Types only: nothing here runs,
 * and no DOM type is named (the server's declarations are read by Node projects without the DOM library): the shapes
 * below are the WebRTC dictionaries' own, so each passes for the other.
 *
 * - The seat: what `POST /rtc/join` answers (and, for a seat asked for in the websocket upgrade, `RTC-SEAT` tells).
 * - The server's pushes on the broker socket: `RTC-SEAT`, `RTC-ROOM`, `RTC-JOINED`, `RTC-LEFT`, `RTC-GOODBYE`,
 *   `RTC-SIGNAL` (relayed, stamped with the sender's `src`) and `RTC-PONG`.
 * - What the widget sends there: `RTC-SIGNAL` (with `dst`), `RTC-PING` and `RTC-LEAVE`, beside PeerJS's `HEARTBEAT`.
 */

/** Where the broker lives on the server, and its PeerJS key. */
export interface BrokerAddress {
  path: string;
  key: string;
}

/** One STUN or TURN server (the shape of WebRTC's `RTCIceServer`). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** ICE servers with TURN credentials for a seat (`POST /rtc/ice` answers this). */
export interface SeatIce {
  iceServers: IceServer[];
  /** Seconds until TURN credentials lapse; 0 when they never do. */
  ttl: number;
}

/** What the server tells a seat about itself: its name (as the server cleaned it) and ICE servers. */
export interface SeatDetails extends SeatIce {
  name: string;
}

/** What the server's join endpoint gives a client. */
export interface Seat extends SeatDetails {
  id: string;
  secret: string;
  broker: BrokerAddress;
}

/** A member of a room, by the server's word. */
export interface Member {
  id: string;
  name: string;
}

/**
 * An offer or answer, or one ICE candidate, as `RTC-SIGNAL` carries it. The server takes only an `offer` or `answer`
 * of at most 64 KiB of SDP, or a candidate, and rebuilds the payload from those fields (server/signal.ts).
 */
export type SignalPayload = { description: SessionDescription } | { candidate: IceCandidate };

/** The shape of WebRTC's `RTCSessionDescriptionInit`. */
export interface SessionDescription {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  sdp?: string;
}

/** The shape of WebRTC's `RTCIceCandidateInit`. */
export interface IceCandidate {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** Why the server ends a seat with `RTC-GOODBYE`: it shuts down (a deploy), or the seat's room token expired. */
export type GoodbyeReason = 'shutdown' | 'token-expired';

/** What the server pushes to a member on the broker socket. */
export type ServerPush =
  | { type: 'RTC-SEAT'; payload: SeatDetails }
  | { type: 'RTC-ROOM'; payload: { room: string; self: Member; members: Member[] } }
  | { type: 'RTC-JOINED'; payload: Member }
  | { type: 'RTC-LEFT'; payload: { id: string } }
  | { type: 'RTC-GOODBYE'; payload: { reason: GoodbyeReason } }
  | { type: 'RTC-SIGNAL'; src: string; payload: SignalPayload }
  | { type: 'RTC-PONG' };

/** The room events among the pushes: never dropped for a slow receiver (it is disconnected instead). */
export type RoomPush = Exclude<ServerPush, { type: 'RTC-SIGNAL' | 'RTC-PONG' }>;

/** What the widget sends the server on the broker socket (beside PeerJS's own `HEARTBEAT`). */
export type ClientMessage =
  { type: 'RTC-SIGNAL'; dst: string; payload: SignalPayload } | { type: 'RTC-PING' } | { type: 'RTC-LEAVE' };

/** A push as it arrives, before it is checked: every field may be anything. */
export interface UntrustedPush {
  type?: unknown;
  src?: unknown;
  payload?: { [K in PushField]?: unknown };
}

/** Every field of every push's payload (of each kind of a payload that has kinds, as RTC-SIGNAL's). */
type PushField = ServerPush extends infer T
  ? T extends { payload: infer P }
    ? P extends unknown
      ? keyof P
      : never
    : never
  : never;
