/**
 * Who may read /metrics. It tells how busy the server is and which refusals it hands out, so it is not public:
 * - with METRICS_TOKEN, whoever sends `Authorization: Bearer <METRICS_TOKEN>`;
 * - without it, on METRICS_PORT, whoever reaches that port (it listens on METRICS_HOST, loopback by default);
 * - without either, on the main port, only a client on this machine that reached the port directly (loopback, no proxy
 *   headers: a reverse proxy on the same host would otherwise make every visitor look local).
 * Never with CORS headers: no web page may read it from a visitor's browser.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Metrics } from './metrics.js';
import type { RequestHandler } from 'express';

/** Headers a reverse proxy adds; a request that carries one came from somewhere else. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

export function isDirectLoopback(req: IncomingMessage) {
  const addr = req.socket.remoteAddress ?? '';
  const loopback = addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
  return loopback && !PROXY_HEADERS.some((h) => h in req.headers);
}

/** Compares without telling, through timing, how much of the token was right. */
const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * @param opts.token METRICS_TOKEN, or ''
 * @param opts.ownPort on METRICS_PORT: whoever reaches that port may read (its host is the operator's choice)
 * @param opts.refuse counts a refusal
 */
export function metricsHandler({
  metrics,
  token,
  ownPort,
  refuse,
}: {
  metrics: Metrics;
  token: string;
  ownPort: boolean;
  refuse: (reason: string) => void;
}): RequestHandler {
  return (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return void res.status(405).json({ code: 'method-not-allowed', message: 'GET only' });
    }
    if (token) {
      const auth = String(req.headers.authorization ?? '');
      const given = /^Bearer (\S+)$/i.exec(auth)?.[1] ?? '';
      if (!given || !sameSecret(given, token)) {
        refuse('metrics-unauthorized');
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return void res.status(401).json({ code: 'unauthorized', message: 'Metrics need the bearer token.' });
      }
    } else if (!ownPort && !isDirectLoopback(req)) {
      // As if it did not exist: a visitor learns nothing, not even that there is something to guess.
      refuse('metrics-not-local');
      return void res.status(404).json({ code: 'not-found', message: 'Not found' });
    }
    metrics.text().then((text) => res.type('text/plain; version=0.0.4').send(text));
  };
}
