/** CORS: any origin may load the widget and join, unless ALLOWED_ORIGINS says otherwise. */
import type { RequestHandler } from 'express';

export function cors(allowedOrigins: string[], originAllowed: (origin: string | undefined) => boolean): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && originAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', allowedOrigins.length ? origin : '*');
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.sendStatus(origin && originAllowed(origin) ? 204 : 403);
    next();
  };
}
