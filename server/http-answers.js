// @ts-check
/** How the HTTP routes answer what they refuse: a JSON `{code, message}`, counted by reason. */
import { StoreUnavailable } from './store/redis.js';
import { safe } from './log.js';

/**
 * @param {import('./metrics.js').Metrics} metrics
 * @returns {(res: import('express').Response, status: number, code: string, message: string) => void}
 */
export function refusal(metrics) {
  return (res, status, code, message) => {
    metrics.inc('rtc_refusals_total', { reason: code });
    res.status(status).json({ code, message });
  };
}

/** @type {import('express').RequestHandler} */
export const notFound = (_req, res) => void res.status(404).json({ code: 'not-found', message: 'Not found' });

/**
 * The last handler: a store that does not answer is a 503 the client may retry; a client error keeps its status;
 * anything else is a 500 logged with its stack, never shown to the client.
 * @param {ReturnType<typeof refusal>} fail @param {import('./log.js').Logger} log
 * @returns {import('express').ErrorRequestHandler}
 */
export function errorAnswer(fail, log) {
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
