import type { PeerOptions } from 'peerjs';
import { RtcError, serverError } from './errors.js';
import type { BrokerAddress, Seat, SeatIce } from './protocol.js';
import { sha256 } from './sha256.js';

/**
 * Our requests carry JSON labelled text/plain: a cross-origin POST of that type needs no CORS preflight, so the seat
 * comes one round trip sooner (the server reads it as JSON, and checks the Origin itself).
 */
const TEXT_JSON = 'text/plain;charset=UTF-8';

export interface SeatRequest {
  room: string;
  name?: string;
  token?: string;
}

/**
 * A request to a server whose packets vanish (a half-open path) would wait for the browser's own TCP timeout, minutes
 * at worst; giving up sooner lets the reconnect policy's next try land soon after the path is back.
 */
const REQUEST_TIMEOUT_MS = 10000;

async function post<T>(server: string, path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, server), {
      method: 'POST',
      headers: { 'Content-Type': TEXT_JSON },
      body: JSON.stringify(body),
      credentials: 'omit',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new RtcError('server-unreachable', `The call server at ${new URL(server).host} cannot be reached. Retrying…`);
  }
  const data = (await res.json().catch(() => undefined)) as (T & { code?: string; message?: string }) | undefined;
  if (!res.ok || !data) throw serverError(res.status, data);
  return data;
}

/** Where the broker lives on our server, and its PeerJS key (as POST /rtc/join says too). */
const BROKER: BrokerAddress = { path: '/broker/', key: 'rtc-call' };

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * A seat to ask for in the broker's websocket upgrade itself, one round trip sooner than POST /rtc/join: a secret
 * made here, and the id it stands for (its SHA-256, so nobody else can claim that id). The server tells the name and
 * ICE servers (RTC-SEAT) before the room. Synchronous, so the socket opens in the task that joins. Undefined where
 * the page has no `crypto.getRandomValues`: then the seat comes from POST /rtc/join.
 */
export function ownSeat(req: SeatRequest): Seat | undefined {
  if (typeof globalThis.crypto?.getRandomValues !== 'function') return undefined;
  const secret = base64url(crypto.getRandomValues(new Uint8Array(24)));
  // Hex: PeerJS refuses an id that starts or ends with `-` or `_`, or has two in a row.
  const id = [...sha256(new TextEncoder().encode(secret))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 32);
  return { id, secret, name: req.name ?? '', broker: BROKER, iceServers: [], ttl: 0 };
}

/** Asks the server for a seat in a room: an id, the secret that proves it, and the ICE servers to use. */
export function requestSeat(server: string, req: SeatRequest): Promise<Seat> {
  return post<Seat>(server, '/rtc/join', req);
}

/**
 * Fresh TURN credentials for a long call. The current room token goes along: a renewed one extends the seat, which
 * otherwise ends a little after the token it was taken with.
 */
export function refreshIce(server: string, seat: Seat, token?: string): Promise<SeatIce> {
  return post(server, '/rtc/ice', { id: seat.id, secret: seat.secret, ...(token ? { token } : {}) });
}

/**
 * Hands a seat back, so it stops counting toward the room's limit. Best effort, and it survives the page closing.
 */
export function releaseSeat(server: string, seat: Seat): void {
  void fetch(new URL('/rtc/leave', server), {
    method: 'POST',
    headers: { 'Content-Type': TEXT_JSON },
    body: JSON.stringify({ id: seat.id, secret: seat.secret }),
    credentials: 'omit',
    keepalive: true,
  }).catch(() => {});
}

/**
 * PeerJS options that point at our broker and nowhere else: host, port, path, key, token and ICE servers are
 * always explicit, so PeerJS's cloud broker and public STUN/TURN defaults are never used. With `join`, the seat is
 * asked for in the upgrade: PeerJS writes its key into the query unescaped (`peerjs?key=…&id=…&token=…`), so the
 * room, name and room token ride after it, escaped here.
 */
export function peerOptions(
  server: string,
  seat: Seat,
  iceTransportPolicy: RTCIceTransportPolicy,
  join?: SeatRequest,
): PeerOptions {
  const url = new URL(server);
  let key = seat.broker.key;
  if (join) {
    const q = new URLSearchParams({ room: join.room });
    if (join.name) q.set('name', join.name);
    if (join.token) q.set('jwt', join.token);
    key += `&${q}`;
  }
  const secure = url.protocol === 'https:';
  return {
    host: url.hostname,
    port: Number(url.port) || (secure ? 443 : 80),
    secure,
    path: seat.broker.path,
    key,
    token: seat.secret,
    debug: 0,
    config: { iceServers: seat.iceServers, iceTransportPolicy },
  };
}
