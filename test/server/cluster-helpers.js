// Helpers for the several-instances tests: a redis-server and instances sharing it, and a member whose join and
// websocket may be on different instances.
import assert from 'node:assert/strict';
import { startServer, join, connect } from './helpers.js';
import { startRedis } from '../support/redis.js';

/**
 * A redis-server of the test's own, and `n` in-process instances sharing it.
 * @param {import('node:test').TestContext} t
 * @param {number} n
 * @param {Record<string, string>} [env]
 */
export async function instances(t, n, env = {}) {
  const redis = await startRedis();
  const list = [];
  try {
    for (let i = 0; i < n; i++) list.push(await startServer(t, { REDIS_URL: redis.url, ...env }));
  } finally {
    // After the instances' own closing (hooks run in the order they were added): they close their Redis clients
    // while Redis still answers.
    t.after(() => redis.stop());
  }
  return { redis, list };
}

/** Joins through `via`, opens the websocket on `on`. @param {any} via @param {any} on @param {string} room */
export async function memberAcross(via, on, room, name = 'someone') {
  const res = await join(via, { room, name });
  assert.equal(res.status, 200, res.text);
  const client = await connect(on, res.json);
  assert.equal((await client.next()).type, 'OPEN');
  const roomMsg = await client.next();
  assert.equal(roomMsg.type, 'RTC-ROOM');
  return { id: res.json.id, secret: res.json.secret, name: res.json.name, client, roomMsg };
}
