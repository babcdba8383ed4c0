// The tests' stand-in for a load balancer (test/support/round-robin.js) must itself be right, or the several-instances
// tests fail for its sake: with one backend dead, every connection reaches the live one, however many come at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { roundRobin } from '../support/round-robin.js';

/** @returns {Promise<net.Server>} */
const listen = (/** @type {net.Server} */ server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
const portOf = (/** @type {net.Server} */ s) => /** @type {net.AddressInfo} */ (s.address()).port;

test('a refused backend is skipped for the next one, even for connections that arrive together', async () => {
  // The live backend echoes; the dead one listened once and is closed, so its port refuses.
  const live = await listen(net.createServer((s) => s.pipe(s)));
  const gone = await listen(net.createServer());
  const deadPort = portOf(gone);
  await new Promise((r) => gone.close(r));
  const lb = await roundRobin(() => [deadPort, portOf(live)]);
  try {
    const echo = (/** @type {number} */ i) =>
      new Promise((resolve, reject) => {
        const c = net.connect(lb.port, '127.0.0.1', () => c.write(`hello ${i}`));
        c.setTimeout(10000, () => c.destroy(new Error(`connection ${i}: no echo within 10 s`)));
        c.once('data', (d) => (c.end(), resolve(String(d))));
        c.once('close', () => reject(new Error(`connection ${i} closed without an echo`)));
        c.once('error', reject);
      });
    const n = 16;
    const answers = await Promise.allSettled(Array.from({ length: n }, (_, i) => echo(i)));
    const failed = answers.filter((a) => a.status === 'rejected').map((a) => String(a.reason?.message));
    assert.deepEqual(failed, [], `${failed.length} of ${n} connections did not reach the live backend`);
    assert.deepEqual(new Set(lb.picks), new Set([portOf(live)]), 'every connection went to the live backend');
  } finally {
    await lb.close();
    await new Promise((r) => live.close(r));
  }
});
