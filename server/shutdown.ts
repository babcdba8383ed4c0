/** A graceful shutdown: stop accepting, tell every client (RTC-GOODBYE), close; done within SHUTDOWN_TIMEOUT. */
import type { Server } from 'node:http';
import type { mountBroker } from './broker.js';

/**
 * @param parts.timeout ms after which every socket still open is cut
 */
export function shutDown({
  server,
  metricsServer,
  broker,
  rooms,
  seatExpiry,
  cluster,
  redis,
  timeout,
}: {
  server: Server;
  metricsServer: Server | undefined;
  broker: ReturnType<typeof mountBroker>;
  rooms: { close(): void };
  seatExpiry: { close(): void };
  cluster: { stop(): Promise<void> } | undefined;
  redis: { close(): Promise<void> } | undefined;
  timeout: number;
}): Promise<void> {
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
