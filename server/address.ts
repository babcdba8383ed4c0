/**
 * Client addresses: their canonical form, and the key that per-address limits count under. One person is one key:
 * an IPv4-mapped IPv6 address is its IPv4 address, and an IPv6 client is its /64 (the smallest network a provider
 * hands out, so one subscriber can choose any address inside it). This is what express-rate-limit's
 * `ipKeyGenerator` does, with a /64 where it defaults to a /56.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { LruMap } from './lru.js';

/** The prefix length that IPv6 clients are counted by. */
export const IPV6_PREFIX = 64;

/**
 * The eight 16-bit groups of a valid IPv6 address (without a zone id).
 */
function groups(ip: string): number[] {
  let text = ip;

  let tail: number[] = [];
  // A dotted IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2].split('.').map(Number);
    tail = [(a << 8) | b, (c << 8) | d];
    text = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const hex = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const [head, rest] = text.split('::');
  const before = hex(head);
  const after = [...(rest === undefined ? [] : hex(rest)), ...tail];
  const gap = rest === undefined ? [] : new Array(8 - before.length - after.length).fill(0);
  return [...before, ...gap, ...after];
}

/**
 * RFC 5952 text for eight groups: lowercase, no leading zeros, the longest run of two or more zero groups as `::`.
 */
function formatGroups(g: number[]) {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * The canonical form of an address, or undefined when `raw` is no IP address. A zone id (`fe80::1%eth0`) is dropped:
 * it names an interface on the sender's side, is unbounded text, and says nothing about who the client is.
 * IPv4-mapped addresses (`::ffff:1.2.3.4`, however written) become the IPv4 address.
 */
export function canonicalAddress(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // Asked several times for every request and upgrade, mostly about the same few addresses. Only address-sized text
  // is remembered: a header full of junk must not fill the memory.
  if (raw.length > MEMO_LENGTH) return canonicalize(raw);
  const known = memo.get(raw);
  if (known !== undefined) return known || undefined;
  const ip = canonicalize(raw);
  memo.set(raw, ip ?? '');
  return ip;
}

/** The longest text `canonicalAddress` remembers: an IPv6 address with a dotted tail and a short zone id. */
const MEMO_LENGTH = 64;
/** canonical forms, '' for no address */
const memo: LruMap<string, string> = new LruMap(4096);

function canonicalize(raw: string): string | undefined {
  const ip = raw.trim().replace(/%.*$/s, '');
  if (isIPv4(ip)) return ip.split('.').map(Number).join('.');
  if (!isIPv6(ip)) return undefined;
  const g = groups(ip);
  const v4 = () => `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(5) && g[5] === 0xffff) return v4();
  // The deprecated IPv4-compatible form, only when written as such (`::1.2.3.4`): `::1` is loopback, not 0.0.0.1.
  if (zeros(6) && /^::\d+\.\d+\.\d+\.\d+$/.test(ip)) return v4();
  return formatGroups(g);
}

/**
 * The key that per-address limits count under: the IPv4 address, or the IPv6 /64 in CIDR notation
 * (`2001:db8:1:2::/64`). Anything that is not an address is its own key (never reached with socket addresses).
 */
export function addressKey(raw: unknown) {
  const ip = canonicalAddress(raw);
  if (ip === undefined) return String(raw);
  if (isIPv4(ip)) return ip;
  const g = groups(ip);
  return `${formatGroups([...g.slice(0, IPV6_PREFIX / 16), 0, 0, 0, 0])}/${IPV6_PREFIX}`;
}
