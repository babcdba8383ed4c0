// @ts-check
/**
 * A throwaway coturn (`turnserver`) on loopback only, for relay tests: free ports, a random shared secret (TURN REST
 * API credentials), no config file, its pid file and database in a temporary directory, its log collected in memory.
 */
import { spawn, execFileSync } from 'node:child_process';
import { findTurnserver } from './packages.js';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @param {'tcp'|'udp'} kind @param {number} port @returns {Promise<number>} the bound port, or 0 if it is taken */
function tryBind(kind, port) {
  return new Promise((resolve) => {
    if (kind === 'tcp') {
      const s = net.createServer();
      s.once('error', () => resolve(0));
      s.listen(port, '127.0.0.1', () => {
        const p = /** @type {net.AddressInfo} */ (s.address()).port;
        s.close(() => resolve(p));
      });
    } else {
      const s = dgram.createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(0);
      });
      s.bind(port, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    }
  });
}

/** A loopback port that is free for both TCP and UDP (TURN listens on both): bind port 0, release, check UDP. */
export async function freePort() {
  for (let i = 0; i < 50; i++) {
    const port = await tryBind('tcp', 0);
    if (port && (await tryBind('udp', port))) return port;
  }
  throw new Error('no free loopback port for TCP and UDP');
}

/**
 * A run of `count` consecutive free UDP ports for relayed addresses, below the kernel's ephemeral range so that
 * ports picked with port 0 (ours, Chromium's) are unlikely to land in it while coturn runs.
 * @param {number} count
 */
export async function freePortRange(count) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20000 + 2 * Math.floor(Math.random() * 5000); // even, 20000..29998
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = (await tryBind('udp', p)) === p;
    if (ok) return { min: base, max: base + count - 1 };
  }
  throw new Error(`no run of ${count} free UDP ports`);
}

/**
 * Sends STUN Binding requests to the server over UDP until one is answered (a Binding success response, 0x0101).
 * @param {number} port
 * @param {number} timeout ms
 * @param {() => boolean} gone true once the process has exited
 */
function waitForStun(port, timeout, gone) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const txid = randomBytes(12);
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), txid]);
    const started = Date.now();
    let timer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
    const done = (/** @type {Error | undefined} */ err) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(undefined);
    };
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(txid)) done(undefined);
    });
    socket.on('error', () => {}); // ICMP port unreachable before coturn listens: keep trying
    const send = () => {
      if (gone()) return done(new Error('turnserver exited before it answered STUN'));
      if (Date.now() - started > timeout)
        return done(new Error(`turnserver did not answer STUN on 127.0.0.1:${port} within ${timeout} ms`));
      socket.send(request, port, '127.0.0.1');
      timer = setTimeout(send, 150);
    };
    socket.bind(0, '127.0.0.1', send);
  });
}

/** @param {number} port @param {number} timeout */
async function waitForTcp(port, timeout) {
  const started = Date.now();
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - started > timeout)
      throw new Error(`turnserver did not accept TCP on 127.0.0.1:${port} within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Starts coturn on 127.0.0.1 and resolves once it answers STUN over UDP and accepts TCP.
 * @param {{realm?: string, relayPorts?: number, secret?: string}} [options]
 */
export async function startCoturn({
  realm = 'rtc-call.test',
  relayPorts = 40,
  secret = randomBytes(18).toString('base64url'),
} = {}) {
  const bin = findTurnserver();
  const dir = mkdtempSync(join(tmpdir(), 'rtc-call-coturn-'));
  const port = await freePort();
  const range = await freePortRange(relayPorts);
  const args = [
    '-n', // no configuration file
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${range.min}`,
    `--max-port=${range.max}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--allow-loopback-peers',
    '--no-multicast-peers',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    '--log-file=stdout',
    '--simple-log',
    '--verbose', // session and ALLOCATE lines; without it coturn logs only its start-up
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`, // else it opens /var/lib/turn/turndb
  ];
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // If the test process dies without `stop()`, do not leave coturn behind.
  const onExit = () => proc.kill('SIGKILL');
  process.once('exit', onExit);
  /** @type {string[]} */
  const logs = [];
  let buffer = '';
  const collect = (/** @type {Buffer} */ d) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    logs.push(...lines);
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  let exited = false;
  proc.once('exit', () => {
    exited = true;
    process.removeListener('exit', onExit);
  });

  const stop = () =>
    new Promise((resolve) => {
      const finish = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve(undefined);
      };
      if (exited) return finish();
      proc.once('exit', finish);
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
    });

  try {
    await waitForStun(port, 15000, () => exited);
    await waitForTcp(port, 5000);
  } catch (err) {
    await stop();
    throw new Error(`${/** @type {Error} */ (err).message}\n$ ${bin} ${args.join(' ')}\n${logs.join('\n')}`);
  }

  return {
    port,
    secret,
    realm,
    minPort: range.min,
    maxPort: range.max,
    /** The command line, with the secret masked, for reports. */
    commandLine: `${bin} ${args.join(' ').replace(secret, '<secret>')}`,
    logs,
    proc,
    stop,
  };
}

/** The coturn version, e.g. "4.6.1", for logs. */
export function coturnVersion() {
  try {
    return execFileSync(findTurnserver(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
