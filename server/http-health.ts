/**
 * GET /healthz. With REDIS_URL, `redis` says whether it answers: without it this instance takes no joins, while the
 * calls it carries go on, so it stays 200 (taking it out of a load balancer would end those calls for nothing).
 */
import type { RequestHandler } from 'express';

export function health({
  stopping,
  redis,
}: {
  stopping: () => boolean;
  redis: { reachable(): Promise<boolean> } | undefined;
}): RequestHandler {
  const started = Date.now();
  return (_req, res, next) => {
    const uptime = Math.round((Date.now() - started) / 1000);
    const status = stopping() ? 'stopping' : 'ok';
    const code = stopping() ? 503 : 200;
    if (!redis) return void res.status(code).json({ status, uptime });
    redis
      .reachable()
      .then((up) => res.status(code).json({ status, uptime, redis: up ? 'up' : 'down' }))
      .catch(next);
  };
}
