/**
 * The seat API: POST /rtc/join (a seat), /rtc/ice (fresh TURN credentials, and a renewed room token) and /rtc/leave
 * (a seat handed back). Seats carry secrets and TURN credentials: no cache (browser, proxy or CDN) may keep them.
 */
import express from 'express';
import { iceServersFor } from './ice.js';
import type { Express, Request, Response } from 'express';
import type { Config } from './config.js';
import type { Rooms } from './rooms.js';
import type { seatTaker } from './join.js';
import type { SeatExpiry } from './seat-expiry.js';
import type { tokenVerifier } from './tokens.js';
import type { Metrics } from './metrics.js';
import type { refusal } from './http-answers.js';
import type { IncomingMessage } from 'node:http';
import type { BrokerAddress, Seat } from '../src/engine/protocol.js';

/**
 * @param deps.broker where the broker is, as the join answer tells it
 * @param deps.disconnect closes a member's broker socket
 */
export function seatRoutes({
  app,
  config,
  rooms,
  seats,
  seatExpiry,
  verifyToken,
  metrics,
  fail,
  clientIp,
  ...rest
}: {
  app: Express;
  config: Config;
  rooms: Rooms;
  seats: ReturnType<typeof seatTaker>;
  seatExpiry: SeatExpiry;
  verifyToken: ReturnType<typeof tokenVerifier>;
  metrics: Metrics;
  fail: ReturnType<typeof refusal>;
  clientIp: (req: IncomingMessage) => string;
  broker: BrokerAddress;
  disconnect: (id: string) => void;
}) {
  app.use('/rtc', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // JSON, also when labelled text/plain: the widget sends it so, which makes its POST a CORS "simple request" with no
  // preflight (one round trip less before a call can start). The Origin is checked by each route, not by CORS.
  const json = express.json({ limit: '8kb', strict: true, type: ['application/json', 'text/plain'] });

  const bodyOf = (req: Request) => (req.body && typeof req.body === 'object' ? req.body : {});

  const join = async (req: Request, res: Response) => {
    const body = bodyOf(req);
    const answer = await seats.takeSeat({
      room: body.room,
      name: body.name,
      token: body.token,
      ip: clientIp(req),
      origin: req.headers.origin,
    });
    if (!answer.ok) return fail(res, answer.status, answer.code, answer.message);
    const { ticket } = answer;

    const seat: Seat = { id: ticket.id, secret: ticket.secret, broker: rest.broker, ...seats.seatDetails(ticket) };
    res.json(seat);
  };

  const tokenExpired = (res: Response) =>
    fail(res, 401, 'token-expired', 'The room token has expired, and so has this seat. Join again with a new token.');

  /**
   * Fresh TURN credentials, never outliving the seat's room token (plus TOKEN_GRACE). A renewed `token` extends it.
   */
  const ice = async (req: Request, res: Response) => {
    const body = bodyOf(req);
    const ticket = await rooms.check(body.id, body.secret);
    if (!ticket) {
      if (seatExpiry.expired(body.id, body.secret)) return tokenExpired(res);
      return fail(res, 401, 'unauthorized', 'Unknown id or wrong secret.');
    }
    if (seatExpiry.until(ticket.id) !== undefined && body.token !== undefined) {
      // A token that does not verify (or is for another room) extends nothing; the seat keeps the exp it has.
      const check = await verifyToken(body.token, ticket.room);
      if (check.ok) seatExpiry.set(ticket.id, ticket.secret, check.exp);
      if (!(await rooms.check(body.id, body.secret)))
        return fail(res, 401, 'unauthorized', 'Unknown id or wrong secret.');
    }
    const until = seatExpiry.until(ticket.id);
    if (until !== undefined && Date.now() >= until) {
      seatExpiry.expire(ticket.id, ticket.secret);
      return tokenExpired(res);
    }
    const servers = iceServersFor(config, ticket.id, until);
    if (config.turnUrls.length) metrics.inc('rtc_turn_credentials_total');
    res.json(servers);
  };

  /**
   * A client hands its seat back (it left before its broker connection opened, or the page is closing).
   */
  const leave = async (req: Request, res: Response) => {
    const body = bodyOf(req);
    const ticket = await rooms.check(body.id, body.secret);
    if (!ticket) return fail(res, 401, 'unauthorized', 'Unknown id or wrong secret.');
    metrics.inc('rtc_leaves_total');
    await rooms.left(ticket.id);
    rest.disconnect(ticket.id);
    res.status(204).end();
  };

  // Async (tokens are checked by jose): Express 4 does not catch a rejected handler, so pass errors on by hand.
  app.post('/rtc/join', json, (req, res, next) => void join(req, res).catch(next));
  app.post('/rtc/ice', json, (req, res, next) => void ice(req, res).catch(next));
  app.post('/rtc/leave', json, (req, res, next) => void leave(req, res).catch(next));
}
