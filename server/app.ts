/**
 * One HTTP server: the widget bundle, the demo, the seat API, the PeerJS broker, health and metrics. This module
 * makes the parts (the room store, the rooms, seat expiry) and mounts the routes in the order a request meets them;
 * each route lives in its own module (http-*.ts), the broker in broker.ts.
 */
import express from 'express';
import { mountBroker, BROKER_PATH, PEER_KEY } from './broker.js';
import { Rooms } from './rooms.js';
import { seatTaker } from './join.js';
import { MemoryRoomStore } from './store/memory.js';
import { RedisRoomStore } from './store/redis.js';
import { createCluster } from './cluster.js';
import { tokenVerifier } from './tokens.js';
import { SeatExpiry } from './seat-expiry.js';
import { Metrics } from './metrics.js';
import { createLogger, safe } from './log.js';
import { proxyTrust, clientAddress } from './proxy.js';
import { widgetRoot } from './widget.js';
import { refusal, notFound, errorAnswer } from './http-answers.js';
import { cors } from './http-cors.js';
import { health } from './http-health.js';
import { widgetRoutes, demoRoutes } from './http-widget.js';
import { seatRoutes } from './http-seats.js';
import { declareMetrics, metricsRoute } from './http-metrics.js';
import { connectRedis, listenOn } from './listen.js';
import { createHttpServer } from './http-server.js';
import { shutDown } from './shutdown.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { RoomStore } from './store/store.js';
import type { IncomingMessage } from 'node:http';

/**
 * @param deps store: by default in
 *   memory, or in Redis with REDIS_URL
 */
export function createRtcServer(config: Config, deps: { log?: Logger; store?: RoomStore } = {}) {
  const log = deps.log ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every JSON answer for an ETag: they are all no-store (the widget and the demo have their own).
  app.set('etag', false);
  const trusted = proxyTrust(config.trustProxy);
  app.set('trust proxy', (addr: string) => trusted(addr));
  const server = createHttpServer({ app, config, trusted, metrics, log });
  let stopping = false;

  const originAllowed = (origin: string | undefined) =>
    !config.allowedOrigins.length || (!!origin && config.allowedOrigins.includes(origin));
  /**
   * The client's address: X-Forwarded-For is read only from your proxies (TRUST_PROXY), right to left, so a client
   * cannot dodge per-address limits by making entries up.
   */
  const clientIp = (req: IncomingMessage) => clientAddress(req, trusted);

  // eslint-disable-next-line prefer-const -- the callbacks above it read it; it is set below, before any of them runs
  let broker: ReturnType<typeof mountBroker>;
  const redis = config.redisUrl
    ? new RedisRoomStore({ url: config.redisUrl, onError: (err) => log.debug('redis', { err: safe(err) }) })
    : undefined;
  const store = deps.store ?? redis ?? new MemoryRoomStore();
  const cluster = redis && createCluster({ store: redis, log });
  const rooms = new Rooms({
    store,
    inst: cluster?.inst,
    roomMax: config.roomMax,
    reconnectGrace: config.reconnectGrace,
    pendingTimeout: config.pendingTimeout,
    pendingPerOwner: config.pendingPerIp,
    send: (to, msg) => broker.send(to, msg),
    replaced: (old) => {
      broker.disconnect(old.id, 4001, 'replaced');
      log.info('seat replaced', { id: old.id });
    },
    failed: (err) => log.warn('room store unreachable', { err: safe(err) }),
    gone: (id) => {
      broker.forget(id);
      seatExpiry.forget(id);
      log.info('member gone', { id });
    },
  });

  // A seat taken with a room token ends TOKEN_GRACE after the token's exp, unless the page hands in a renewed one.
  const seatExpiry = new SeatExpiry({
    grace: config.tokenGrace,
    end: (id) => {
      metrics.inc('rtc_seats_expired_total');
      log.info('seat ended: room token expired', { id });
      broker.send(id, { type: 'RTC-GOODBYE', payload: { reason: 'token-expired' } });
      rooms.left(id).catch((err) => log.warn('room store unreachable', { err: safe(err) }));
      broker.disconnect(id);
    },
  });
  const verifyToken = tokenVerifier({
    secret: config.roomSecret,
    publicKeys: config.roomPublicKey,
    maxTtl: config.tokenMaxTtl,
  });
  const seats = seatTaker({
    config,
    rooms,
    seatExpiry,
    verifyToken,
    tokensRequired: !!(config.roomSecret || config.roomPublicKey),
    metrics,
    log,
    originAllowed,
    stopping: () => stopping,
  });
  const fail = refusal(metrics);

  // The routes, in the order a request meets them.
  declareMetrics(metrics, store, () => broker.openConnections());
  const metricsServer = metricsRoute(app, config, metrics);
  app.use(cors(config.allowedOrigins, originAllowed));
  app.get('/healthz', health({ stopping: () => stopping, redis }));
  const root = widgetRoot();
  widgetRoutes(app, root, log);
  seatRoutes({
    app,
    config,
    rooms,
    seats,
    seatExpiry,
    verifyToken,
    metrics,
    fail,
    clientIp,
    broker: { path: `${BROKER_PATH}/`, key: PEER_KEY },
    disconnect: (id) => broker.disconnect(id),
  });
  broker = mountBroker({
    server,
    app,
    config,
    rooms,
    metrics,
    log,
    originAllowed,
    clientIp,
    peers: cluster?.peers,
    seats,
  });
  demoRoutes(app, root);
  app.use(notFound);
  app.use(errorAnswer(fail, log));

  return {
    app,
    server,
    metrics,
    rooms,
    /**
     * @returns metricsPort: where /metrics is, with METRICS_PORT
     */
    async listen(
      port: number = config.port,
      host: string = config.host,
    ): Promise<{ port: number; metricsPort?: number }> {
      if (redis && cluster) {
        await connectRedis(redis);
        await cluster.start(broker, rooms);
        log.info('sharing rooms through redis', { instance: cluster.inst });
      }
      const actual = await listenOn(server, port, host);
      log.info('listening', { port: actual, host: host || '*' });
      if (!metricsServer) return { port: actual };
      const metricsPort = await listenOn(metricsServer, config.metricsPort as number, config.metricsHost).catch(
        (err: Error | undefined) => {
          server.close();
          // Tells the CLI which of the two listeners failed.
          throw Object.assign(err ?? new Error('listen failed'), { setting: 'METRICS_PORT, METRICS_HOST' });
        },
      );
      log.info('metrics listening', { port: metricsPort, host: config.metricsHost || '*' });
      return { port: actual, metricsPort };
    },
    /** Graceful shutdown: stop accepting, tell clients, close; resolves within `shutdownTimeout`. */
    close() {
      stopping = true;
      const parts = { server, metricsServer, broker, rooms, seatExpiry, cluster, redis };
      return shutDown({ ...parts, timeout: config.shutdownTimeout });
    },
  };
}
