/** Starting to listen: on a port, and (with REDIS_URL) only once Redis answers. */
import type { RedisRoomStore } from './store/redis.js';
import type { Server } from 'node:http';

/**
 * Connects to Redis before the server takes anything: one that does not answer within a few seconds stops the start
 * with an error naming REDIS_URL (later outages are survived: see cluster.ts).
 */
export async function connectRedis(redis: RedisRoomStore) {
  let timer: ReturnType<typeof setTimeout> | undefined;
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
 * @returns the port it listens on
 */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host || undefined, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
