/**
 * The server's configuration: every setting, its environment variable, its flag and its check, in one place.
 * A bad value stops the server with a message that names the setting.
 */
import { LOG_LEVELS } from './log.js';
import { trustProxyProblem } from './proxy.js';
import { parsePublicKeys } from './tokens.js';
import type { LogLevel } from './log.js';

export class ConfigError extends Error {}

export interface Config {
  port: number;
  host: string;
  turnUrls: string[];
  turnSecret: string;
  /** seconds */
  turnTtl: number;
  stunUrls: string[];
  roomSecret: string;
  /** PEM, JWK or JWK Set, or a file holding one */
  roomPublicKey: string;
  /** seconds */
  tokenMaxTtl: number;
  /** seconds */
  tokenGrace: number;
  /** empty: any origin */
  allowedOrigins: string[];
  roomMax: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxSocketsPerIp: number;
  /** ms */
  requestTimeout: number;
  /** ms */
  pendingTimeout: number;
  pendingPerIp: number;
  /** bytes */
  maxPayload: number;
  /** messages per second per connection */
  messageRate: number;
  /** joins per minute per IP address */
  joinRate: number;
  /** ms */
  aliveTimeout: number;
  /** ms */
  reconnectGrace: number;
  queuePerPeer: number;
  queueTotal: number;
  queuePerSender: number;
  queuePerRoom: number;
  queueBytesPerPeer: number;
  queueBytesTotal: number;
  /** bytes waiting to be written to one socket before relays to it are dropped */
  sendBuffer: number;
  /** bytes waiting to be written to all sockets before relays are dropped */
  sendBufferTotal: number;
  /** ms */
  shutdownTimeout: number;
  /** your proxies: names (loopback, ...), addresses and CIDR ranges; empty: none */
  trustProxy: string[];
  logLevel: LogLevel;
  /** undefined: /metrics on the main port */
  metricsPort: number | undefined;
  metricsHost: string;
  metricsToken: string;
  /** empty: the in-memory room store (one instance) */
  redisUrl: string;
}

export interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  type: 'int' | 'string' | 'list' | 'bool' | 'level' | 'proxies';
  def: unknown;
  help: string;
  min?: number;
  max?: number;
  /** returns a problem, or undefined */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each setting's check takes its own kind of value
  check?: (v: any) => string | undefined;
}

const urlList = (re: RegExp, what: string) => (list: string[]) =>
  list.find((u) => !re.test(u))
    ? `each entry must be a ${what} URL, got "${list.find((u) => !re.test(u))}"`
    : undefined;

/**
 * The origin a browser would send for `entry` (lowercase host, no default port), or undefined when `entry` is not
 * just an origin. Browsers send `https://good.example`, never `https://Good.Example:443`, so an entry written the
 * second way could otherwise never match.
 */
export function originOf(entry: string) {
  if (!/^https?:\/\/[^/\s?#*@]+$/i.test(entry)) return undefined;
  try {
    const origin = new URL(entry).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export const SETTINGS: Setting[] = [
  {
    key: 'port',
    env: 'PORT',
    flag: '--port',
    type: 'int',
    def: 9000,
    min: 0,
    max: 65535,
    help: 'TCP port to listen on (0 picks a free one)',
  },
  {
    key: 'host',
    env: 'HOST',
    flag: '--host',
    type: 'string',
    def: '',
    help: 'address to listen on (default: all interfaces)',
  },
  {
    key: 'turnUrls',
    env: 'TURN_URLS',
    flag: '--turn-urls',
    type: 'list',
    def: [],
    check: urlList(/^turns?:[^\s]+$/, 'turn: or turns:'),
    help: 'comma-separated turn:/turns: URLs of your coturn server',
  },
  {
    key: 'turnSecret',
    env: 'TURN_SECRET',
    flag: '--turn-secret',
    type: 'string',
    def: '',
    help: "coturn's static-auth-secret (TURN REST API credentials)",
  },
  {
    key: 'turnTtl',
    env: 'TURN_TTL',
    flag: '--turn-ttl',
    type: 'int',
    def: 3600,
    min: 10,
    max: 86400 * 7,
    help: 'lifetime of issued TURN credentials, in seconds',
  },
  {
    key: 'stunUrls',
    env: 'STUN_URLS',
    flag: '--stun-urls',
    type: 'list',
    def: [],
    check: urlList(/^stuns?:[^\s]+$/, 'stun:'),
    help: 'comma-separated stun: URLs',
  },
  {
    key: 'roomSecret',
    env: 'ROOM_SECRET',
    flag: '--room-secret',
    type: 'string',
    def: '',
    help: 'when set, joining a room needs a JWT (HS256) signed with it',
    check: (v) => (v && v.length < 16 ? 'must be at least 16 characters' : undefined),
  },
  {
    key: 'roomPublicKey',
    env: 'ROOM_PUBLIC_KEY',
    flag: '--room-public-key',
    type: 'string',
    def: '',
    help: 'when set, joining a room needs a JWT (ES256 or EdDSA) signed by one of these keys: PEM, JWK or JWK Set (kid for rotation), or a file holding them',
    check: (v) => {
      if (!v) return undefined;
      try {
        parsePublicKeys(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  },
  {
    key: 'tokenMaxTtl',
    env: 'TOKEN_MAX_TTL',
    flag: '--token-max-ttl',
    type: 'int',
    def: 86400,
    min: 60,
    max: 86400 * 31,
    help: 'seconds: a room token whose exp is further ahead than this is refused',
  },
  {
    key: 'tokenGrace',
    env: 'TOKEN_GRACE',
    flag: '--token-grace',
    type: 'int',
    def: 300,
    min: 0,
    max: 86400,
    help: "seconds a seat outlives its room token's exp, for the page to renew the token; then TURN refresh stops and the seat ends",
  },
  {
    key: 'allowedOrigins',
    env: 'ALLOWED_ORIGINS',
    flag: '--allowed-origins',
    type: 'list',
    def: [],
    check: (list: string[]) => {
      const bad = list.find((o) => originOf(o) === undefined);
      return bad === undefined
        ? undefined
        : `each entry must be an origin (scheme://host[:port], no path, query or wildcard), e.g. https://example.com, got "${bad}"`;
    },
    help: 'comma-separated origins that may embed the widget (default: any)',
  },
  {
    key: 'roomMax',
    env: 'ROOM_MAX',
    flag: '--room-max',
    type: 'int',
    def: 8,
    min: 2,
    max: 100,
    help: 'most people in one room',
  },
  {
    key: 'maxConnections',
    env: 'MAX_CONNECTIONS',
    flag: '--max-connections',
    type: 'int',
    def: 20000,
    min: 1,
    max: 1000000,
    help: 'most open broker connections in total',
  },
  {
    key: 'maxConnectionsPerIp',
    env: 'MAX_CONNECTIONS_PER_IP',
    flag: '--max-connections-per-ip',
    type: 'int',
    def: 20,
    min: 1,
    max: 100000,
    help: 'most open broker connections from one IP address',
  },
  {
    key: 'maxSocketsPerIp',
    env: 'MAX_SOCKETS_PER_IP',
    flag: '--max-sockets-per-ip',
    type: 'int',
    def: 50,
    min: 1,
    max: 100000,
    help: 'most open TCP connections (HTTP and websocket) from one address; your proxies are exempt',
  },
  {
    key: 'requestTimeout',
    env: 'REQUEST_TIMEOUT',
    flag: '--request-timeout',
    type: 'int',
    def: 10000,
    min: 1000,
    max: 300000,
    help: 'ms an HTTP request may take to arrive whole (headers and body); a slower one is closed',
  },
  {
    key: 'pendingTimeout',
    env: 'PENDING_TIMEOUT',
    flag: '--pending-timeout',
    type: 'int',
    def: 10000,
    min: 1000,
    max: 600000,
    help: 'ms an issued seat waits for its websocket before it is dropped',
  },
  {
    key: 'pendingPerIp',
    env: 'PENDING_PER_IP',
    flag: '--pending-per-ip',
    type: 'int',
    def: 4,
    min: 1,
    max: 1000,
    help: 'seats one address may hold that are not yet connected; a further join drops its oldest',
  },
  {
    key: 'maxPayload',
    env: 'MAX_PAYLOAD',
    flag: '--max-payload',
    type: 'int',
    def: 65536,
    min: 1024,
    max: 16777216,
    help: 'largest websocket frame, in bytes; a larger one closes the socket',
  },
  {
    key: 'messageRate',
    env: 'MESSAGE_RATE',
    flag: '--message-rate',
    type: 'int',
    def: 50,
    min: 1,
    max: 100000,
    help: 'messages per second one connection may send (bursts of twice that)',
  },
  {
    key: 'joinRate',
    env: 'JOIN_RATE',
    flag: '--join-rate',
    type: 'int',
    def: 30,
    min: 1,
    max: 1000000,
    help: 'seats one IP address may ask for per minute (bursts of that many)',
  },
  {
    key: 'aliveTimeout',
    env: 'ALIVE_TIMEOUT',
    flag: '--alive-timeout',
    type: 'int',
    def: 20000,
    min: 1000,
    max: 600000,
    help: 'ms of silence after which a client is dropped (clients ping every 5 s)',
  },
  {
    key: 'reconnectGrace',
    env: 'RECONNECT_GRACE',
    flag: '--reconnect-grace',
    type: 'int',
    def: 10000,
    min: 0,
    max: 600000,
    help: "ms a dropped client's id and seat are kept for it to come back",
  },
  {
    key: 'queuePerPeer',
    env: 'QUEUE_PER_PEER',
    flag: '--queue-per-peer',
    type: 'int',
    def: 64,
    min: 0,
    max: 100000,
    help: 'messages held for one absent peer',
  },
  {
    key: 'queueTotal',
    env: 'QUEUE_TOTAL',
    flag: '--queue-total',
    type: 'int',
    def: 10000,
    min: 0,
    max: 10000000,
    help: 'messages held for absent peers in total',
  },
  {
    key: 'queuePerSender',
    env: 'QUEUE_PER_SENDER',
    flag: '--queue-per-sender',
    type: 'int',
    def: 128,
    min: 0,
    max: 10000000,
    help: 'messages one member may have held for absent peers, all together',
  },
  {
    key: 'queuePerRoom',
    env: 'QUEUE_PER_ROOM',
    flag: '--queue-per-room',
    type: 'int',
    def: 512,
    min: 0,
    max: 10000000,
    help: 'messages held for absent peers within one room',
  },
  {
    key: 'queueBytesPerPeer',
    env: 'QUEUE_BYTES_PER_PEER',
    flag: '--queue-bytes-per-peer',
    type: 'int',
    def: 262144,
    min: 0,
    max: 1073741824,
    help: 'bytes held for one absent peer',
  },
  {
    key: 'queueBytesTotal',
    env: 'QUEUE_BYTES_TOTAL',
    flag: '--queue-bytes-total',
    type: 'int',
    def: 67108864,
    min: 0,
    max: 17179869184,
    help: 'bytes held for absent peers in total',
  },
  {
    key: 'sendBuffer',
    env: 'SEND_BUFFER',
    flag: '--send-buffer',
    type: 'int',
    def: 1048576,
    min: 65536,
    max: 1073741824,
    help: 'bytes waiting to be written to one client past which frames relayed to it are dropped',
  },
  {
    key: 'sendBufferTotal',
    env: 'SEND_BUFFER_TOTAL',
    flag: '--send-buffer-total',
    type: 'int',
    def: 67108864,
    min: 65536,
    max: 17179869184,
    help: 'bytes waiting to be written to all clients past which relayed frames are dropped',
  },
  {
    key: 'shutdownTimeout',
    env: 'SHUTDOWN_TIMEOUT',
    flag: '--shutdown-timeout',
    type: 'int',
    def: 5000,
    min: 0,
    max: 600000,
    help: 'ms a graceful shutdown may take before the process exits anyway',
  },
  {
    key: 'trustProxy',
    env: 'TRUST_PROXY',
    flag: '--trust-proxy',
    type: 'proxies',
    def: [],
    check: trustProxyProblem,
    help: 'your reverse proxies (loopback, or addresses and CIDR ranges): X-Forwarded-For is read only from them',
  },
  {
    key: 'metricsPort',
    env: 'METRICS_PORT',
    flag: '--metrics-port',
    type: 'string',
    def: undefined,
    help: 'serve /metrics on this port (on METRICS_HOST) and not on the main one; 0 picks a free port',
    check: (v) =>
      v === undefined || v === '' || (/^\d+$/.test(v) && Number(v) <= 65535)
        ? undefined
        : `must be a port (0-65535), got "${v}"`,
  },
  {
    key: 'metricsHost',
    env: 'METRICS_HOST',
    flag: '--metrics-host',
    type: 'string',
    def: '127.0.0.1',
    help: 'address the METRICS_PORT listener binds to',
  },
  {
    key: 'metricsToken',
    env: 'METRICS_TOKEN',
    flag: '--metrics-token',
    type: 'string',
    def: '',
    help: 'when set, /metrics needs "Authorization: Bearer <token>"; without it, only loopback clients may read it',
    check: (v) =>
      v && !/^[\x21-\x7e]{16,}$/.test(v) ? 'must be at least 16 printable characters, no spaces' : undefined,
  },
  {
    key: 'redisUrl',
    env: 'REDIS_URL',
    flag: '--redis-url',
    type: 'string',
    def: '',
    help: 'redis:// or rediss:// URL of the Redis that several instances share rooms through (default: in memory)',
    check: (v) => (v && !/^rediss?:\/\/[^\s]+$/.test(v) ? 'must be a redis:// or rediss:// URL' : undefined),
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    flag: '--log-level',
    type: 'level',
    def: 'info',
    help: `one of ${LOG_LEVELS.join(', ')}`,
  },
];

function convert(s: Setting, raw: string) {
  const name = `${s.env} (${s.flag})`;
  switch (s.type) {
    case 'int': {
      if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
      const n = Number(raw);
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max))
        throw new ConfigError(`${name} must be between ${s.min} and ${s.max}, got ${n}`);
      return n;
    }
    case 'list':
      return raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off|)$/i.test(raw)) return false;
      throw new ConfigError(`${name} must be true or false, got "${raw}"`);
    case 'proxies': {
      if (/^(0|false|no|off)$/i.test(raw.trim())) return [];
      // `true` used to mean: believe X-Forwarded-For from anyone who can reach the port, so any client could pick
      // its own address. Say what to write instead rather than guess which proxy was meant.
      if (/^(1|true|yes|on)$/i.test(raw.trim()))
        throw new ConfigError(
          `${name} no longer takes "${raw}", which trusted X-Forwarded-For from anyone: name your proxy, ` +
            'e.g. TRUST_PROXY=loopback (a proxy on this machine) or its addresses/CIDR ranges (10.0.0.5,10.1.0.0/16)',
        );
      return convert({ ...s, type: 'list' }, raw);
    }
    case 'level':
      if (!LOG_LEVELS.includes(raw as LogLevel))
        throw new ConfigError(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
      return raw;
    default:
      return raw;
  }
}

/**
 * Reads settings from flags (first) and the environment.
 * @param argv flags only, without the node and script paths
 */
export function parseConfig(argv: string[] = [], env: Record<string, string | undefined> = {}): Config {
  const fromFlags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const s = SETTINGS.find((x) => x.flag === flag);
    if (!s) throw new ConfigError(`unknown option "${arg}" (see --help)`);
    let value = inline;
    if (value === undefined) {
      if (s.type === 'bool' && (argv[i + 1] === undefined || argv[i + 1].startsWith('--'))) value = 'true';
      else if (argv[i + 1] === undefined) throw new ConfigError(`${flag} needs a value`);
      else value = argv[++i];
    }
    fromFlags[s.key] = value;
  }

  const config: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = fromFlags[s.key] ?? env[s.env];
    const value = raw === undefined || (raw === '' && s.type !== 'string') ? s.def : convert(s, raw);
    const problem = s.check?.(value);
    if (problem) throw new ConfigError(`${s.env} (${s.flag}) ${problem}`);
    config[s.key] = value;
  }
  const c = config as unknown as Config;
  if ((c.metricsPort as unknown) === '') c.metricsPort = undefined;
  else if (c.metricsPort !== undefined) c.metricsPort = Number(c.metricsPort);
  c.allowedOrigins = c.allowedOrigins.map((o) => originOf(o) as string);
  if (c.turnUrls.length && !c.turnSecret)
    throw new ConfigError('TURN_URLS is set but TURN_SECRET is not: coturn needs the shared secret');
  if (c.turnSecret && !c.turnUrls.length) throw new ConfigError('TURN_SECRET is set but TURN_URLS is not');
  return c;
}

export function helpText() {
  const rows = SETTINGS.map((s) => {
    const def = Array.isArray(s.def)
      ? s.def.length
        ? s.def.join(',')
        : 'none'
      : s.def === '' || s.def === undefined
        ? 'none'
        : String(s.def);
    return `  ${`${s.flag} <value>`.padEnd(34)} ${s.env.padEnd(24)} ${s.help} [default: ${def}]`;
  });
  return `rtc-call: the self-hosted broker for the <rtc-call> widget.

Usage:
  rtc-call [options]                 start the server
  rtc-call mint-token --room NAME [--name NAME] [--ttl SECONDS] [--sub ID] [--private-key FILE [--kid KID]]
                                     print a room token signed with ROOM_SECRET, or with
                                     a P-256 (ES256) or Ed25519 (EdDSA) private key in PEM
  rtc-call --help                    this text

Every option can be given as a flag or an environment variable (the flag wins):
  ${'flag'.padEnd(34)} ${'environment'.padEnd(24)} meaning
${rows.join('\n')}

It serves the widget at /rtc-call.js, a demo at /, /healthz and /metrics.
`;
}
