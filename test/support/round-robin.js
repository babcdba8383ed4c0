// @ts-check
/**
 * A small round-robin TCP load balancer on loopback, as the tests' stand-in for nginx or HAProxy in front of several
 * instances: each new connection goes to the next backend, with no stickiness (a join and its websocket land on
 * different instances). A backend that refuses the connection (it was killed) is skipped for the next one.
 */
import net from 'node:net';

/**
 * @param {() => number[]} ports the backends' ports, read at each connection (a test may change them)
 * @returns {Promise<{port: number, close: () => Promise<void>, picks: number[]}>} picks: where each connection went
 */
export async function roundRobin(ports) {
  let next = 0;
  /** @type {Set<net.Socket>} */
  const open = new Set();
  /** @type {number[]} */
  const picks = [];
  const server = net.createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => {});
    client.pause();
    const list = ports();
    // Each connection walks the list from its own turn: a refused backend sends it to the one after, even while other
    // connections move the turn on (with a shared counter, a retry could land on the dead backend again).
    const first = next++;
    /** @param {number} tries */
    const attempt = (tries) => {
      if (tries >= list.length) return void client.destroy();
      const port = list[(first + tries) % list.length];
      const upstream = net.connect(port, '127.0.0.1');
      let connected = false;
      upstream.once('error', () => {
        upstream.destroy();
        if (!connected) attempt(tries + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        connected = true;
        picks.push(port);
        open.add(upstream);
        upstream.once('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    picks,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
