/**
 * Taking a seat: the checks and the seat that `POST /rtc/join` and a joining websocket upgrade share, so both give
 * the same answers (origin, rate, room name, room token, room full) and seat the same way.
 */
import * as crypto from 'node:crypto';
import { roomNameProblem, cleanName } from './rooms.js';
import { iceServersFor } from './ice.js';
import { addressKey } from './address.js';
import { safe } from './log.js';
import type { Rooms, Ticket } from './rooms.js';
import type { Config } from './config.js';
import type { SeatExpiry } from './seat-expiry.js';
import type { tokenVerifier } from './tokens.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './log.js';
import type { SeatDetails } from '../src/engine/protocol.js';

/** A seat secret a client made itself: 32 to 64 base64url characters (at least 192 random bits). */
const CLIENT_SECRET = /^[A-Za-z0-9_-]{32,64}$/;

/**
 * The id a client-made secret stands for: 32 hex digits of its SHA-256 (PeerJS takes only ids of letters and digits
 * with single inner separators). A seat taken in the websocket upgrade has the id the client chose, and
 * only this id: whoever saw it in a room cannot claim it (they would need the secret it is the hash of), now or after
 * the seat has ended.
 */
export function idOfSecret(secret: string) {
  return sha256Hex(secret).slice(0, 32);
}

/** SHA-256 in hex: `crypto.hash` (Node 20.12 and later) is one call with no Hash object, a quarter of the cost cold. */
const sha256Hex: (s: string) => string =
  typeof crypto.hash === 'function'
    ? (s) => crypto.hash('sha256', s, 'hex')
    : (s) => crypto.createHash('sha256').update(s).digest('hex');

/** Whether `id` and `secret` make a seat a client may take in the upgrade. */
export function clientSeatValid(id: string, secret: string) {
  return CLIENT_SECRET.test(secret) && idOfSecret(secret) === id;
}

export interface SeatRequest {
  room: unknown;
  name?: unknown;
  /** the room token (JWT), when the server requires one */
  token?: unknown;
  /** the client's address */
  ip: string;
  origin: string | undefined;
  /** the client's own id and secret (upgrade joins) */
  seat?: { id: string; secret: string };
}
export type SeatAnswer =
  { ok: true; ticket: Ticket; name: string } | { ok: false; status: number; code: string; message: string };

export function seatTaker({
  config,
  rooms,
  seatExpiry,
  verifyToken,
  tokensRequired,
  metrics,
  log,
  originAllowed,
  stopping,
}: {
  config: Config;
  rooms: Rooms;
  seatExpiry: SeatExpiry;
  verifyToken: ReturnType<typeof tokenVerifier>;
  tokensRequired: boolean;
  metrics: Metrics;
  log: Logger;
  originAllowed: (origin: string | undefined) => boolean;
  stopping: () => boolean;
}) {
  const no = (status: number, code: string, message: string): SeatAnswer => ({ ok: false, status, code, message });

  /**
   * Checks a request for a seat and takes one. Refusals are answers, not exceptions; the room store being away
   * rejects (StoreUnavailable).
   */
  async function takeSeat({ room, name: asked, token, ip, origin, seat }: SeatRequest): Promise<SeatAnswer> {
    if (stopping()) return no(503, 'unavailable', 'The server is restarting. Try again in a moment.');
    if (!originAllowed(origin)) return no(403, 'origin-not-allowed', 'This site may not use this call server.');
    if (!(await rooms.store.takeJoin(addressKey(ip), config.joinRate)))
      return no(429, 'rate-limited', 'Too many attempts. Wait a minute and try again.');
    const problem = roomNameProblem(room);
    if (problem) return no(400, 'invalid-room', `Invalid room name: ${problem}.`);
    const roomName = room as string;
    let name = cleanName(asked);

    let identity: string | undefined;

    let exp: number | undefined;
    if (tokensRequired) {
      const check = await verifyToken(token, roomName);
      if (!check.ok) return no(401, 'unauthorized', `You may not join this room: ${check.reason}.`);
      if (check.name) name = cleanName(check.name);
      identity = check.identity;
      exp = check.exp;
    }
    const ticket = await rooms.issue(roomName, name, { owner: addressKey(ip), identity, seat });
    if (!ticket) return no(409, 'room-full', `The room is full (at most ${config.roomMax} people).`);
    if (exp !== undefined) seatExpiry.set(ticket.id, ticket.secret, exp);
    metrics.inc('rtc_joins_total');
    log.info('seat issued', () => ({
      room: safe(roomName),
      id: ticket.id,
      ip: safe(ip),
      via: seat ? 'upgrade' : 'http',
    }));
    return { ok: true, ticket, name };
  }

  /**
   * What a client needs of its seat besides id and secret: its name (a room token may set it) and the ICE servers,
   * with TURN credentials that do not outlive the seat.
   */
  function seatDetails(ticket: Ticket): SeatDetails {
    const ice = iceServersFor(config, ticket.id, seatExpiry.until(ticket.id));
    if (config.turnUrls.length) metrics.inc('rtc_turn_credentials_total');
    return { name: ticket.name, ...ice };
  }

  return { takeSeat, seatDetails };
}
