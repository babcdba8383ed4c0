// @ts-check
/**
 * The Debian packages the tests drive (chromium, coturn, firefox-esr, iptables, redis-server): found, installed, or
 * explained.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Finds a Debian package's binary: `$env`, then the usual paths; installs the package when we are root and have
 * apt-get; otherwise says exactly how to get it.
 * @param {{env: string, paths: string[], pkg: string, what: string}} spec
 */
export function findOrInstall({ env, paths, pkg, what }) {
  const fromEnv = process.env[env];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = paths.find((p) => existsSync(p));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.error(`${what} not found: installing Debian's "${pkg}" package with apt-get…`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = paths.find((p) => existsSync(p));
    if (installed) return installed;
  }
  throw new Error(
    `The tests need ${what} and none was found.\n` +
      `  On Debian or Ubuntu:  sudo apt-get install ${pkg}\n` +
      `  Or point ${env} at the binary:  ${env}=/path/to/it npm test`,
  );
}

export const findChromium = () =>
  findOrInstall({
    env: 'CHROME_PATH',
    paths: [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
    ],
    pkg: 'chromium',
    what: 'Chromium',
  });

export const findTurnserver = () =>
  findOrInstall({
    env: 'TURNSERVER_PATH',
    paths: ['/usr/bin/turnserver', '/usr/local/bin/turnserver', '/usr/sbin/turnserver'],
    pkg: 'coturn',
    what: 'coturn (turnserver)',
  });

export const findFirefox = () =>
  findOrInstall({
    env: 'FIREFOX_PATH',
    paths: ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
    pkg: 'firefox-esr',
    what: 'Firefox',
  });

/** The fault tests' firewall (Debian 12's is the nf_tables one; it works inside a network namespace as root). */
export const findIptables = () =>
  findOrInstall({
    env: 'IPTABLES_PATH',
    paths: ['/usr/sbin/iptables', '/sbin/iptables', '/usr/bin/iptables'],
    pkg: 'iptables',
    what: 'iptables',
  });

/** `ip`, which brings the fault tests' namespace up (iproute2: not in every minimal image). */
export const findIp = () =>
  findOrInstall({
    env: 'IP_PATH',
    paths: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'],
    pkg: 'iproute2',
    what: 'ip (iproute2)',
  });

/** The shared room store of the several-instances tests. */
export const findRedisServer = () =>
  findOrInstall({
    env: 'REDIS_SERVER_PATH',
    paths: ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'],
    pkg: 'redis-server',
    what: 'Redis (redis-server)',
  });
