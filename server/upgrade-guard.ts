/**
 * The upgrade guard: a broker websocket opens only for an allowed origin, within the connection caps, for an id
 * whose seat secret it proves (or a seat it asks for in the upgrade itself, checked as POST /rtc/join checks one),
 * and while its room has a place. `peer` is then handed a URL rebuilt from the checked values only.
 */
import { PEER_ID } from './rooms.js';
import { safe } from './log.js';
import { clientSeatValid } from './join.js';
import type { Socket } from 'node:net';
import type { Rooms, Ticket } from './rooms.js';
import type { seatTaker } from './join.js';
import type { Connections } from './connections.js';
import type { IncomingMessage } from 'node:http';
import type { Logger } from './log.js';

export const PEER_KEY = 'rtc-call';
/**
 * The token `peer` is handed with every id. `peer` reads a token in one place only: to tell an id's owner coming back
 * from someone else taking the id, which the guard has already told by the seat's secret. (Its HTTP API, closed here
 * anyway, takes none.) So one short constant: `peer` keeps no copy of a secret per member.
 */
const PEER_TOKEN = 'seat';

/**
 * The query parameters of a broker URL: what the PeerJS client sends, and, for a seat taken in the upgrade itself,
 * the room, the name and the room token (the widget puts them after its PeerJS `key`).
 */
const QUERY = new Set(['key', 'id', 'token', 'version', 'room', 'name', 'jwt']);
const VERSION = /^[0-9A-Za-z.+-]{1,32}$/;

/**
 * A query name or value, decoded as a URL's search parameters decode it ('+' is a space), into a string of its own:
 * V8 would otherwise keep a long value (an id, a secret) as a slice of the request's URL, and the seat keeps such
 * values for as long as the member stays. Throws on a malformed escape (which URLSearchParams would keep as it is).
 */
const decode = (s: string): string => decodeURIComponent(s.includes('+') ? s.replaceAll('+', ' ') : s);

/**
 * Reads the identity an upgrade claims, or undefined when its URL could be read two ways. `peer` parses the same
 * query again (and keeps the last of a repeated name, where a guard reading the first would be fooled), so a name
 * given twice (also once percent-encoded: `%69d` is `id`) or a look-alike of a known one (`ID`, `id `) is refused
 * rather than interpreted, and so is a malformed escape. `peer` is handed a URL rebuilt from the checked values only,
 * so other names, ignored here, never reach it.
 * @param url the request target, whose path ws has already matched to the broker's
 *
 *   `join` when the client asks for a seat in the upgrade (it has `room`)
 */
export function upgradeIdentity(
  url: string | undefined,
): { id: string; token: string; url: string; join?: { room: string; name?: string; jwt?: string } } | undefined {
  if (!url) return undefined;
  const at = url.indexOf('?');
  const hash = url.indexOf('#', at);
  const path = at === -1 ? url : url.slice(0, at);
  const query = at === -1 ? '' : url.slice(at + 1, hash === -1 ? undefined : hash);

  const q: Map<string, string> = new Map();
  try {
    for (const pair of query.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const name = decode(eq === -1 ? pair : pair.slice(0, eq));
      const plain = name.trim().toLowerCase();
      if (!QUERY.has(plain)) continue;
      if (plain !== name || q.has(name)) return undefined;
      q.set(name, eq === -1 ? '' : decode(pair.slice(eq + 1)));
    }
  } catch {
    return undefined;
  }
  const id = q.get('id') ?? '';
  // The token is checked against the seat's secret later (a wrong one is a 401, whatever its shape).
  const token = q.get('token') ?? '';
  const version = q.get('version');
  if (q.get('key') !== PEER_KEY || !PEER_ID.test(id)) return undefined;
  if (version !== undefined && !VERSION.test(version)) return undefined;
  const room = q.get('room');
  const name = q.get('name');
  const join = room === undefined ? undefined : { room, name, jwt: q.get('jwt') };
  // `peer` keeps the id it reads from this URL for as long as the member stays, and V8 reads a long plain value as a
  // slice that keeps the whole URL alive (152 bytes a member). The id's first character goes percent-encoded, so
  // the id `peer` decodes is a string of its own (56 bytes) and the URL is let go.
  return {
    id,
    token,
    url: `${path}?key=${PEER_KEY}&id=%${id.charCodeAt(0).toString(16)}${id.slice(1)}&token=${PEER_TOKEN}`,
    join,
  };
}

/**
 * Completes an upgrade with the 101 answer, `peer`'s OPEN and, with the store in memory, RTC-ROOM in one write (a
 * system call each is most of what a connect costs): ws writes the answer and emits the connection, where `peer`
 * sends OPEN, at once inside `complete`; the seat is taken and RTC-ROOM sent before this turn of the event loop
 * ends, when the socket writes what it holds. (A shared store answers later: RTC-ROOM then follows on its own.)
 */
function openCorked(socket: Socket, complete: () => void) {
  socket.cork();
  try {
    complete();
  } finally {
    setImmediate(() => socket.uncork());
  }
}

/** what the guard learnt of an upgrade it let through */
export interface Admitted {
  /** the seat it authenticated */
  ticket: Ticket;
  /** the upgrade asked for its seat (its socket is told the seat's details first) */
  joined: boolean;
}

export function upgradeGuard({
  rooms,
  seats,
  conns,
  originAllowed,
  clientIp,
  refuse,
  log,
}: {
  rooms: Rooms;
  seats: ReturnType<typeof seatTaker>;
  conns: Connections;
  originAllowed: (origin: string | undefined) => boolean;
  clientIp: (req: IncomingMessage) => string;
  refuse: (reason: string) => void;
  log: Logger;
}) {
  const admitted: WeakMap<IncomingMessage, Admitted> = new WeakMap();

  /**
   * Checks an upgrade before `peer` sees it (ws's `verifyClient`).
   */
  const verifyClient = (
    info: { origin: string; req: IncomingMessage },
    done: (ok: boolean, code?: number, message?: string) => void,
  ) => {
    const { req } = info;
    const fail = (reason: string, code: number, message: string) => {
      refuse(reason);
      log.info('websocket refused', { reason, ip: safe(clientIp(req)) });
      done(false, code, message);
    };
    if (!originAllowed(info.origin)) return fail('origin', 403, 'Origin not allowed');
    const full = conns.refusal(clientIp(req));
    if (full === 'capacity') return fail('capacity', 503, 'Server is full');
    if (full === 'ip-limit') return fail('ip-limit', 429, 'Too many connections');
    const who = upgradeIdentity(req.url);
    if (!who) return fail('bad-request', 400, 'Bad request');
    const admit = async () => {
      let ticket = await rooms.check(who.id, who.token);
      if (ticket) {
        if (!(await rooms.hasPlace(ticket))) return fail('room-full', 409, 'The room is full');
      } else {
        // A seat asked for in the upgrade: one round trip instead of a join request and then the upgrade. The id is
        // the hash of the client's secret, so nobody can take another's; all else is checked as for POST /rtc/join,
        // the room's place included. (A client coming back with its own id and secret gets its seat back, or, if it
        // ended meanwhile, a new one with the same id.)
        if (!who.join || !clientSeatValid(who.id, who.token)) return fail('identity', 401, 'Unknown id or wrong token');
        const answer = await seats.takeSeat({
          room: who.join.room,
          name: who.join.name,
          token: who.join.jwt,
          ip: clientIp(req),
          origin: info.origin,
          seat: { id: who.id, secret: who.token },
        });
        if (!answer.ok) return fail(answer.code, answer.status, answer.message);
        ticket = answer.ticket;
      }
      // `peer` reads the identity from req.url again: give it exactly what was checked.
      req.url = who.url;
      admitted.set(req, { ticket, joined: !!who.join });
      openCorked(req.socket, () => done(true));
    };
    admit().catch((err) => {
      log.warn('room store unreachable', { err: safe(err) });
      fail('store-unavailable', 503, 'Service unavailable');
    });
  };

  return {
    verifyClient,
    /** What the guard let through for this request, if it did. */
    admitted: (req: IncomingMessage) => admitted.get(req),
  };
}
