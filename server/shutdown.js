// @ts-check
/** A graceful shutdown: stop accepting, tell every client (RTC-GOODBYE), close; done within SHUTDOWN_TIMEOUT. */

/**
 * @param {object} parts
 * @param {import('node:http').Server} parts.server
 * @param {import('node:http').Server | undefined} parts.metricsServer
 * @param {ReturnType<typeof import('./broker.js').mountBroker>} parts.broker
 * @param {{close(): void}} parts.rooms
 * @param {{close(): void}} parts.seatExpiry
 * @param {{stop(): Promise<void>} | undefined} parts.cluster
 * @param {{close(): Promise<void>} | undefined} parts.redis
 * @param {number} parts.timeout ms after which every socket still open is cut
 * @returns {Promise<void>}
 */
export function shutDown({ server, metricsServer, broker, rooms, seatExpiry, cluster, redis, timeout }) {
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
    }, timeout);
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
}
