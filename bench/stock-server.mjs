// The stock PeerJS server (`peer`), default options, on a free loopback port: the baseline for bench/run.mjs.
// Prints {"port": N} on stdout once listening. STOCK_CONCURRENT_LIMIT lifts its cap on clients (5000 by default),
// for the runs with more clients than that.
import { PeerServer } from 'peer';

const limit = Number(process.env.STOCK_CONCURRENT_LIMIT) || undefined;
PeerServer({ port: 0, host: '127.0.0.1', key: 'peerjs', ...(limit ? { concurrent_limit: limit } : {}) }, (server) => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
