/** How the HTTP routes answer what they refuse: a JSON `{code, message}`, counted by reason. */
import { StoreUnavailable } from './store/redis.js';
import { safe } from './log.js';
import type { Metrics } from './metrics.js';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from './log.js';

export function refusal(metrics: Metrics): (res: Response, status: number, code: string, message: string) => void {
  return (res, status, code, message) => {
    metrics.inc('rtc_refusals_total', { reason: code });
    res.status(status).json({ code, message });
  };
}

export const notFound: RequestHandler = (_req, res) =>
  void res.status(404).json({ code: 'not-found', message: 'Not found' });

/**
 * The last handler: a store that does not answer is a 503 the client may retry; a client error keeps its status;
 * anything else is a 500 logged with its stack, never shown to the client.
 */
export function errorAnswer(fail: ReturnType<typeof refusal>, log: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof StoreUnavailable) {
      log.warn('room store unreachable', { err: safe(err.message) });
      return fail(res, 503, 'store-unavailable', 'The call server cannot reach its room store. Try again in a moment.');
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log.error('request failed', { err: safe(err?.stack ?? err) });
    fail(res, status, status === 500 ? 'internal' : 'bad-request', status === 500 ? 'Internal error' : 'Bad request');
  };
}
