// @ts-check
/**
 * Fault tests break the network, so each test file runs in a network namespace of its own: the first run of the
 * file re-executes itself under `unshare -n` (as root; other users in a user namespace of their own, `unshare -r -n`)
 * and passes the child's test report through; the child brings
 * its loopback up and runs the tests. Firewall rules live in that namespace only, and the namespace (with every rule
 * in it) is gone when its last process exits, whatever happened: nothing is left on the host.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { findIp, findIptables } from '../support/packages.js';

const MARK = 'RTC_FAULTS_HOST_NETNS';

/** The network namespace this process is in, e.g. "net:[4026531840]". */
const currentNetns = () => readlinkSync('/proc/self/ns/net');

/**
 * True when this process is the one inside the test's own namespace (run the tests); false when it is the outer
 * one, which has started the inner copy and waits for it (define no tests).
 * @param {string} file the test file, `import.meta.url`
 * @returns {Promise<boolean>}
 */
export async function inOwnNetns(file) {
  const host = process.env[MARK];
  if (host) {
    // Never touch the firewall of a namespace we did not make.
    if (host === currentNetns()) throw new Error('fault tests: not in a network namespace of their own');
    const ip = findIp();
    execFileSync(ip, ['link', 'set', 'lo', 'up']);
    // Chromium gathers no ICE candidates on loopback alone: give it an address on a veth pair that leads nowhere
    // but itself (traffic to a local address still goes over lo, where the rules apply).
    execFileSync(ip, ['link', 'add', 'rtc0', 'type', 'veth', 'peer', 'name', 'rtc1']);
    execFileSync(ip, ['addr', 'add', '10.99.0.1/24', 'dev', 'rtc0']);
    for (const dev of ['rtc0', 'rtc1']) execFileSync(ip, ['link', 'set', dev, 'up']);
    return true;
  }
  // Root makes the namespace itself; anyone else makes a user namespace too, in which they are root (Debian allows
  // this by default: kernel.unprivileged_userns_clone).
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const unshare = root ? ['--net'] : ['--user', '--map-root-user', '--net'];
  const child = spawn(
    'unshare',
    [
      ...unshare,
      '--kill-child',
      process.execPath,
      ...process.execArgv,
      new URL(file).pathname,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, [MARK]: currentNetns() } },
  );
  // If the outer process is killed, the inner one (and its namespace) goes too.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
    process.once(signal, () => {
      kill();
      process.exit(1);
    });
  const code = await new Promise((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  process.removeListener('exit', kill);
  process.exitCode = code;
  return false;
}

/**
 * Firewall rules of one test, in a chain of our own hooked into INPUT (on loopback every packet passes INPUT once
 * on arrival, so a DROP there loses it silently in both directions: no RST, no ICMP). `clear()` lifts the cut,
 * `remove()` takes the chain away; an exit hook removes it even if the test never gets there.
 */
export function firewall(chain = 'RTC_FAULT') {
  const iptables = findIptables();
  const ipt = (/** @type {string[]} */ ...args) => execFileSync(iptables, ['-w', ...args], { stdio: 'pipe' });
  ipt('-N', chain);
  ipt('-I', 'INPUT', '-j', chain);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      ipt('-D', 'INPUT', '-j', chain);
      ipt('-F', chain);
      ipt('-X', chain);
    } catch {
      // The namespace goes with the process anyway.
    }
  };
  process.once('exit', remove);
  return {
    /** Drops TCP to and from a port. @param {number} port */
    dropTcpPort(port) {
      ipt('-A', chain, '-p', 'tcp', '--dport', String(port), '-j', 'DROP');
      ipt('-A', chain, '-p', 'tcp', '--sport', String(port), '-j', 'DROP');
    },
    /** Drops all UDP (the media path; the broker is TCP). */
    dropUdp() {
      ipt('-A', chain, '-p', 'udp', '-j', 'DROP');
    },
    /** Drops each UDP packet with probability `p` (a lossy path, not a cut). @param {number} p */
    loseUdp(p) {
      ipt('-A', chain, '-p', 'udp', '-m', 'statistic', '--mode', 'random', '--probability', String(p), '-j', 'DROP');
    },
    /** The rules, for a report. */
    list: () => String(ipt('-S', chain)),
    clear: () => void ipt('-F', chain),
    remove: () => {
      remove();
      process.removeListener('exit', remove);
    },
  };
}
