/** The server's metrics: what is counted, and where /metrics is read (the main port, or METRICS_PORT). */
import http from 'node:http';
import express from 'express';
import { metricsHandler } from './metrics-access.js';
import { notFound } from './http-answers.js';
import type { Metrics } from './metrics.js';
import type { RoomStore } from './store/store.js';
import type { Express } from 'express';
import type { Config } from './config.js';

/**
 * Declares the server-wide metrics (the broker declares its own).
 */
export function declareMetrics(metrics: Metrics, store: RoomStore, openConnections: () => number) {
  metrics.gauge('rtc_open_connections', 'Open broker websocket connections', openConnections);
  // With REDIS_URL these three are the totals of every instance (read from Redis); the rest are this instance's.
  metrics.gauge(
    'rtc_rooms',
    'Rooms with at least one member or reserved seat',
    async () => (await store.counts()).rooms,
  );
  metrics.gauge(
    'rtc_members',
    'People seated in rooms (connected or briefly away)',
    async () => (await store.counts()).members,
  );
  metrics.gauge(
    'rtc_pending_seats',
    'Seats issued whose websocket has not opened yet',
    async () => (await store.counts()).pending,
  );
  metrics.counter('rtc_joins_total', 'Seats issued by POST /rtc/join');
  metrics.counter('rtc_leaves_total', 'Members who left on purpose');
  metrics.counter('rtc_messages_relayed_total', 'Signalling messages relayed between members');
  metrics.counter('rtc_refusals_total', 'Requests, upgrades and frames refused, by reason');
  metrics.counter('rtc_turn_credentials_total', 'TURN credentials issued');
  metrics.counter('rtc_seats_expired_total', "Seats ended because their room token's exp (plus TOKEN_GRACE) passed");
}

/**
 * Serves /metrics on the main app, or, with METRICS_PORT, on a server of its own (returned, not listening yet).
 * Mount it before CORS, so no answer about metrics ever carries CORS headers.
 */
export function metricsRoute(app: Express, config: Config, metrics: Metrics): http.Server | undefined {
  const readMetrics = metricsHandler({
    metrics,
    token: config.metricsToken,
    ownPort: config.metricsPort !== undefined,
    refuse: (reason) => metrics.inc('rtc_refusals_total', { reason }),
  });
  if (config.metricsPort === undefined) return void app.all('/metrics', readMetrics);
  const metricsApp = express();
  metricsApp.disable('x-powered-by');
  metricsApp.all('/metrics', readMetrics);
  metricsApp.use(notFound);
  const metricsServer = http.createServer(metricsApp);
  metricsServer.on('clientError', (_err, socket) => socket.destroy());
  return metricsServer;
}
