// @ts-check
/** One HTTP server: the widget bundle, the demo, the join API, the PeerJS broker, health and metrics. */
import http from 'node:http';
import express from 'express';
import { mountBroker, BROKER_PATH, PEER_KEY } from './broker.js';
import { Rooms } from './rooms.js';
import { seatTaker } from './join.js';
import { MemoryRoomStore } from './store/memory.js';
import { RedisRoomStore, StoreUnavailable } from './store/redis.js';
import { createCluster } from './cluster.js';
import { iceServersFor } from './ice.js';
import { tokenVerifier } from './tokens.js';
import { SeatExpiry } from './seat-expiry.js';
import { Metrics } from './metrics.js';
import { metricsHandler } from './metrics-access.js';
import { demoHeaders } from './demo-headers.js';
import { serveBuilt, serveChunks } from './bundle.js';
import { createLogger, safe } from './log.js';
import { proxyTrust, clientAddress } from './proxy.js';
import { capSocketsPerAddress } from './sockets.js';
import { widgetRoot } from './widget.js';

/**
 * @param {import('./config.js').Config} config
 * @param {{log?: import('./log.js').Logger, store?: import('./rooms.js').RoomStore}} [deps] store: by default in
 *   memory, or in Redis with REDIS_URL
 */
export function createRtcServer(config, deps = {}) {
  const log = deps.log ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every JSON answer for an ETag: they are all no-store (the widget and the demo have their own).
  app.set('etag', false);
  const trusted = proxyTrust(config.trustProxy);
  app.set('trust proxy', (/** @type {string} */ addr) => trusted(addr));
  // Node's defaults let a request trickle in for 5 minutes, and check only every 30 s.
  const server = http.createServer(
    {
      requestTimeout: config.requestTimeout,
      headersTimeout: config.requestTimeout,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(config.requestTimeout / 4)),
    },
    app,
  );
  const started = Date.now();
  let stopping = false;

  /** @param {string | undefined} origin */
  const originAllowed = (origin) =>
    !config.allowedOrigins.length || (!!origin && config.allowedOrigins.includes(origin));
  /**
   * The client's address: X-Forwarded-For is read only from your proxies (TRUST_PROXY), right to left, so a client
   * cannot dodge per-address limits by making entries up.
   * @param {import('node:http').IncomingMessage} req
   */
  const clientIp = (req) => clientAddress(req, trusted);

  /** @type {ReturnType<typeof mountBroker>} */
  let broker;
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

  metrics.gauge('rtc_open_connections', 'Open broker websocket connections', () => broker.openConnections());
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

  // Before CORS, so no answer about metrics ever carries CORS headers. With METRICS_PORT, only there.
  const readMetrics = metricsHandler({
    metrics,
    token: config.metricsToken,
    ownPort: config.metricsPort !== undefined,
    refuse: (reason) => metrics.inc('rtc_refusals_total', { reason }),
  });
  /** @type {http.Server | undefined} */
  let metricsServer;
  if (config.metricsPort === undefined) app.all('/metrics', readMetrics);
  else {
    const metricsApp = express();
    metricsApp.disable('x-powered-by');
    metricsApp.all('/metrics', readMetrics);
    metricsApp.use((_req, res) => void res.status(404).json({ code: 'not-found', message: 'Not found' }));
    metricsServer = http.createServer(metricsApp);
    metricsServer.on('clientError', (_err, socket) => socket.destroy());
  }

  // CORS: any origin may load the widget and join, unless ALLOWED_ORIGINS says otherwise.
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin && originAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', config.allowedOrigins.length ? origin : '*');
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.sendStatus(origin && originAllowed(origin) ? 204 : 403);
    next();
  });

  // With REDIS_URL, `redis` says whether it answers: without it this instance takes no joins, while the calls it
  // carries go on, so it stays 200 (taking it out of a load balancer would end those calls for nothing).
  app.get('/healthz', (_req, res, next) => {
    const uptime = Math.round((Date.now() - started) / 1000);
    const status = stopping ? 'stopping' : 'ok';
    if (!redis) return void res.status(stopping ? 503 : 200).json({ status, uptime });
    redis
      .reachable()
      .then((up) => res.status(stopping ? 503 : 200).json({ status, uptime, redis: up ? 'up' : 'down' }))
      .catch(next);
  });

  const root = widgetRoot();
  if (root) {
    app.get('/rtc-call.js', serveBuilt(`${root}/dist/rtc-call.js`, 'text/javascript; charset=utf-8'));
    app.get('/rtc-call.js.map', serveBuilt(`${root}/dist/rtc-call.js.map`, 'application/json; charset=utf-8'));
    // What rtc-call.js loads when it needs it (a language file), found relative to it: `import('./rtc-call-….js')`.
    app.get(/^\/rtc-call-[^/]+$/, serveChunks(`${root}/dist`));
  } else {
    // A broker on its own is useful (the site serves the script itself), but say so where the script is asked for.
    log.warn(
      'the widget (the rtc-call package) is not installed beside the server: /rtc-call.js and the demo answer 503',
    );
    app.get(/^\/rtc-call[^/]*$/, (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The widget is not installed beside this server: `npm install rtc-call`.\n');
    });
  }

  /** @param {import('express').Response} res @param {number} status @param {string} code @param {string} message */
  const fail = (res, status, code, message) => {
    metrics.inc('rtc_refusals_total', { reason: code });
    res.status(status).json({ code, message });
  };

  // Seats carry secrets and TURN credentials: no cache (browser, proxy or CDN) may keep them.
  app.use('/rtc', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const tokensRequired = !!(config.roomSecret || config.roomPublicKey);
  const verifyToken = tokenVerifier({
    secret: config.roomSecret,
    publicKeys: config.roomPublicKey,
    maxTtl: config.tokenMaxTtl,
  });

  // JSON, also when labelled text/plain: the widget sends it so, which makes its POST a CORS "simple request" with no
  // preflight (one round trip less before a call can start). The Origin is checked by each route, not by CORS.
  const json = express.json({ limit: '8kb', strict: true, type: ['application/json', 'text/plain'] });
  // Async (tokens are checked by jose): Express 4 does not catch a rejected handler, so pass errors on by hand.
  app.post('/rtc/join', json, (req, res, next) => void joinRoom(req, res).catch(next));
  const seats = seatTaker({
    config,
    rooms,
    seatExpiry,
    verifyToken,
    tokensRequired,
    metrics,
    log,
    originAllowed,
    stopping: () => stopping,
  });
  /** @param {import('express').Request} req @param {import('express').Response} res */
  const joinRoom = async (req, res) => {
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    const answer = await seats.takeSeat({
      room: body.room,
      name: body.name,
      token: body.token,
      ip: clientIp(req),
      origin: req.headers.origin,
    });
    if (!answer.ok) return fail(res, answer.status, answer.code, answer.message);
    const { ticket } = answer;
    res.json({
      id: ticket.id,
      secret: ticket.secret,
      broker: { path: `${BROKER_PATH}/`, key: PEER_KEY },
      ...seats.seatDetails(ticket),
    });
  };

  /** @param {import('express').Response} res */
  const tokenExpired = (res) =>
    fail(res, 401, 'token-expired', 'The room token has expired, and so has this seat. Join again with a new token.');

  // Fresh TURN credentials, never outliving the seat's room token (plus TOKEN_GRACE). A renewed `token` extends it.
  app.post('/rtc/ice', json, (req, res, next) => void refreshIce(req, res).catch(next));
  /** @param {import('express').Request} req @param {import('express').Response} res */
  const refreshIce = async (req, res) => {
    const body = req.body && typeof req.body === 'object' ? req.body : {};
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
    const ice = iceServersFor(config, ticket.id, until);
    if (config.turnUrls.length) metrics.inc('rtc_turn_credentials_total');
    res.json(ice);
  };

  // A client hands its seat back (it left before its broker connection opened, or the page is closing).
  app.post('/rtc/leave', json, (req, res, next) => void leave(req, res).catch(next));
  /** @param {import('express').Request} req @param {import('express').Response} res */
  const leave = async (req, res) => {
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    const ticket = await rooms.check(body.id, body.secret);
    if (!ticket) return fail(res, 401, 'unauthorized', 'Unknown id or wrong secret.');
    metrics.inc('rtc_leaves_total');
    await rooms.left(ticket.id);
    broker.disconnect(ticket.id);
    res.status(204).end();
  };

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

  if (root) app.use(demoHeaders, express.static(`${root}/demo`, { index: 'index.html', dotfiles: 'ignore' }));
  app.use((_req, res) => void res.status(404).json({ code: 'not-found', message: 'Not found' }));
  /** @type {import('express').ErrorRequestHandler} */
  const onError = (err, _req, res, _next) => {
    if (err instanceof StoreUnavailable) {
      log.warn('room store unreachable', { err: safe(err.message) });
      return fail(res, 503, 'store-unavailable', 'The call server cannot reach its room store. Try again in a moment.');
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log.error('request failed', { err: safe(err?.stack ?? err) });
    fail(res, status, status === 500 ? 'internal' : 'bad-request', status === 500 ? 'Internal error' : 'Bad request');
  };
  app.use(onError);

  // A request slower than REQUEST_TIMEOUT is told so (as Node would without this listener); anything else that is
  // not HTTP just loses its socket.
  server.on('clientError', (/** @type {NodeJS.ErrnoException} */ err, socket) => {
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

  return {
    app,
    server,
    metrics,
    rooms,
    /**
     * @param {number} [port] @param {string} [host]
     * @returns {Promise<{port: number, metricsPort?: number}>} metricsPort: where /metrics is, with METRICS_PORT
     */
    async listen(port = config.port, host = config.host) {
      if (redis && cluster) {
        await connectRedis(redis);
        await cluster.start(broker, rooms);
        log.info('sharing rooms through redis', { instance: cluster.inst });
      }
      const actual = await listenOn(server, port, host);
      log.info('listening', { port: actual, host: host || '*' });
      if (!metricsServer) return { port: actual };
      const metricsPort = await listenOn(
        metricsServer,
        /** @type {number} */ (config.metricsPort),
        config.metricsHost,
      ).catch((/** @type {any} */ err) => {
        server.close();
        // Tells the CLI which of the two listeners failed.
        throw Object.assign(err ?? new Error('listen failed'), { setting: 'METRICS_PORT, METRICS_HOST' });
      });
      log.info('metrics listening', { port: metricsPort, host: config.metricsHost || '*' });
      return { port: actual, metricsPort };
    },
    /** Graceful shutdown: stop accepting, tell clients, close; resolves within `shutdownTimeout`. */
    close() {
      stopping = true;
      // Redis last: the seats of the sockets closing now are marked away in it first, for other instances to take.
      const done = async () => {
        await cluster?.stop();
        await redis?.close();
      };
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          broker.terminateAll();
          server.closeAllConnections();
          void done().then(resolve);
        }, config.shutdownTimeout);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          void done().then(resolve);
        });
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        broker.closeAll('shutdown');
        broker.stop();
        rooms.close();
        seatExpiry.close();
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * Connects to Redis before the server takes anything: one that does not answer within a few seconds stops the start
 * with an error naming REDIS_URL (later outages are survived: see cluster.js).
 * @param {RedisRoomStore} redis
 */
async function connectRedis(redis) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000);
  });
  try {
    await Promise.race([redis.connect(), late]);
  } catch (err) {
    await redis.close();
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { setting: 'REDIS_URL' });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @param {http.Server} server @param {number} port @param {string} host
 * @returns {Promise<number>} the port it listens on
 */
function listenOn(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host || undefined, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
