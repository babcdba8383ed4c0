#!/usr/bin/env node
/** `rtc-call`: starts the server, or mints a room token. */
import { parseConfig, helpText, ConfigError } from './config.js';
import { createRtcServer } from './app.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_DIR } from './package-dir.js';
import { mintRoomToken, signRoomToken } from './tokens.js';

const args = process.argv.slice(2);

async function mint() {
  const opts: Record<string, string> = {};
  for (let i = 1; i < args.length; i += 2) opts[args[i].replace(/^--/, '')] = args[i + 1];
  if (!opts.room) throw new ConfigError('mint-token needs --room NAME');
  const ttl = opts.ttl === undefined ? 3600 : Number(opts.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new ConfigError('--ttl must be a positive number of seconds');
  const claims = { room: opts.room, name: opts.name, ttl };
  if (opts['private-key']) {
    // ES256 or EdDSA, for a server that checks tokens with ROOM_PUBLIC_KEY.
    let pem;
    try {
      pem = readFileSync(opts['private-key'], 'utf8');
    } catch (err) {
      throw new ConfigError(
        `--private-key: cannot read ${opts['private-key']} (${(err as NodeJS.ErrnoException)?.code})`,
      );
    }
    const token = await signRoomToken({ ...claims, sub: opts.sub }, pem, opts.kid).catch((err) => {
      throw new ConfigError(`--private-key: ${err?.message ?? err}`);
    });
    process.stdout.write(token + '\n');
    return;
  }
  const secret = process.env.ROOM_SECRET ?? '';
  if (!secret) throw new ConfigError('mint-token needs ROOM_SECRET in the environment, or --private-key FILE');
  process.stdout.write(mintRoomToken({ ...claims, sub: opts.sub }, secret) + '\n');
}

async function start() {
  const config = parseConfig(args, process.env);
  const rtc = createRtcServer(config);
  const { port, metricsPort } = await rtc
    .listen()
    .catch((err: { setting?: string; message?: string; code?: string }) => {
      // The URL is not repeated: it may hold a password.
      if (err?.setting === 'REDIS_URL') throw new ConfigError(`cannot reach Redis (REDIS_URL): ${err?.message ?? err}`);
      // EADDRINUSE, EACCES, EADDRNOTAVAIL, ENOTFOUND: a setting problem, not a crash.
      if (err?.setting)
        throw new ConfigError(
          `cannot listen on ${config.metricsHost || '*'}:${config.metricsPort} (${err.setting}): ${err?.code ?? err}`,
        );
      throw new ConfigError(`cannot listen on ${config.host || '*'}:${config.port} (PORT, HOST): ${err?.code ?? err}`);
    });
  const shown = !config.host || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    `rtc-call is running: open http://${shown}:${port}/ (widget: http://${shown}:${port}/rtc-call.js)\n`,
  );
  if (metricsPort !== undefined)
    process.stdout.write(`rtc-call metrics: http://${config.metricsHost || 'localhost'}:${metricsPort}/metrics\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`rtc-call: ${signal}, shutting down\n`);
    await rtc.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

try {
  if (args.includes('--help') || args.includes('-h')) process.stdout.write(helpText());
  else if (args[0] === '--version')
    process.stdout.write(JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version + '\n');
  else if (args[0] === 'mint-token') await mint();
  else await start();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`rtc-call: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
