/**
 * Which connecting addresses are your reverse proxies (TRUST_PROXY), and the client address behind them. A request's
 * X-Forwarded-For is believed only when it arrives from a trusted proxy, and then read the way Express's
 * `trust proxy` reads it: from the right, skipping trusted hops, up to the first address that is not a proxy.
 * Everything left of that was written by the client and could be anything.
 */
import { BlockList, isIPv4 } from 'node:net';
import { canonicalAddress } from './address.js';
import type { IncomingMessage } from 'node:http';

/** Names for common proxy networks, as Express knows them. */
const NAMED = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * What is wrong with one TRUST_PROXY entry, or undefined: a name above, an address, or address/prefix.
 */
function entryProblem(entry: string) {
  if (Object.hasOwn(NAMED, entry)) return undefined;
  const [ip, prefix, extra] = entry.split('/');
  const addr = canonicalAddress(ip);
  if (extra !== undefined || addr === undefined || ip.includes('%'))
    return `"${entry}" is not an address, a CIDR range or one of ${Object.keys(NAMED).join(', ')}`;
  const bits = isIPv4(addr) && !ip.includes(':') ? 32 : 128;
  if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits))
    return `"${entry}" has a bad prefix length (0 to ${bits})`;
  return undefined;
}

/**
 * The check for the TRUST_PROXY setting.
 *
 * @returns a problem, or undefined
 */
export function trustProxyProblem(list: string[]): string | undefined {
  for (const entry of list) {
    const problem = entryProblem(entry);
    if (problem) return `takes your proxies' addresses: ${problem}`;
  }
  return undefined;
}

/**
 * Compiles a checked TRUST_PROXY list into a test for connecting addresses.
 */
export function proxyTrust(list: string[]): (address: string | undefined) => boolean {
  if (!list.length) return () => false;
  const trusted = new BlockList();
  for (const entry of list.flatMap((e) => (Object.hasOwn(NAMED, e) ? NAMED[e as keyof typeof NAMED] : [e]))) {
    const [ip, prefix] = entry.split('/');
    const addr = canonicalAddress(ip) as string;
    // An IPv4-mapped entry (::ffff:10.0.0.0/104) is the IPv4 range it maps.
    const v4 = isIPv4(addr);
    const bits = prefix === undefined ? (v4 ? 32 : 128) : Number(prefix) - (v4 && ip.includes(':') ? 96 : 0);
    trusted.addSubnet(addr, Math.max(0, bits), v4 ? 'ipv4' : 'ipv6');
  }
  return (address) => {
    const addr = canonicalAddress(address);
    return addr !== undefined && trusted.check(addr, isIPv4(addr) ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address, canonical (no zone id, IPv4-mapped unmapped): the connecting address, or, when that is a
 * trusted proxy, the right-most X-Forwarded-For entry that is not one. An entry that is no address ends the walk at
 * the last good hop: a proxy appends a real address, so garbage there was not written by one.
 */
export function clientAddress(req: IncomingMessage, trusted: (address: string | undefined) => boolean) {
  let addr = canonicalAddress(req.socket.remoteAddress) ?? 'unknown';
  if (!trusted(addr)) return addr;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').reverse();
  for (const hop of hops) {
    const next = canonicalAddress(hop);
    if (next === undefined) break;
    addr = next;
    if (!trusted(addr)) break;
  }
  return addr;
}
