/**
 * The HTTP server under the app: requests must arrive whole within REQUEST_TIMEOUT (Node's default lets one trickle
 * in for 5 minutes, and checks only every 30 s), one address holds at most MAX_SOCKETS_PER_IP TCP connections, and
 * what is not HTTP just loses its socket.
 */
import http from 'node:http';
import { capSocketsPerAddress } from './sockets.js';
import { safe } from './log.js';
import type { Express } from 'express';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './log.js';

/**
 * @param deps.trusted your proxies (exempt from the socket cap)
 */
export function createHttpServer({
  app,
  config,
  trusted,
  metrics,
  log,
}: {
  app: Express;
  config: Config;
  trusted: (address: string | undefined) => boolean;
  metrics: Metrics;
  log: Logger;
}) {
  const server = http.createServer(
    {
      requestTimeout: config.requestTimeout,
      headersTimeout: config.requestTimeout,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(config.requestTimeout / 4)),
    },
    app,
  );
  // A request slower than REQUEST_TIMEOUT is told so (as Node would without this listener); anything else that is
  // not HTTP just loses its socket.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable)
      socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  capSocketsPerAddress(server, {
    max: config.maxSocketsPerIp,
    exempt: trusted,
    refused: (address) => {
      metrics.inc('rtc_refusals_total', { reason: 'socket-limit' });
      log.debug('socket refused', { reason: 'socket-limit', ip: safe(address) });
    },
  });
  return server;
}
