/**
 * The client a per-address limit counts. One IPv6 address is not one client: every home line and
 * cloud host is handed a whole /64 and may send from any of its 2^64 addresses, so an IPv6 client
 * is its /64 prefix. An IPv4 address carried in IPv6 (`::ffff:a.b.c.d`, or the well-known NAT64
 * prefix `64:ff9b::a.b.c.d`) is that IPv4 client. IPv4 is itself.
 *
 * Only limits use this (the rate-limit middleware's counters, the flood guard, the log-in
 * throttle's address counter); audit entries, sessions and consent records keep the full address.
 */
import { isIP } from 'node:net';

/**
 * `2001:DB8:1:2:aa::1` -> `2001:db8:1:2::/64`; `fe80::1%eth0` -> `fe80::/64`;
 * `::ffff:203.0.113.7` (or `::ffff:cb00:7107`) -> `203.0.113.7`; `203.0.113.7` -> itself.
 * Anything that is not an IP literal is answered as given (trimmed).
 */
export function limitedAddressOf(address: string): string {
  const bare = address
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return address.trim();
  const groups = ipv6Groups(bare);
  const v4 = embeddedIpv4(groups);
  if (v4 !== undefined) return v4;
  return `${canonicalIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** The eight 16-bit groups of an IPv6 literal (any notation: `::`, upper case, a dotted IPv4 tail). */
function ipv6Groups(address: string): number[] {
  // WHATWG URL serialises IPv6 canonically: lower-case hex, `::` for the longest zero run, no dotted tail.
  const canonical = canonicalIpv6Text(address);
  const [head = '', tail] = canonical.split('::');
  const part = (text: string) => (text ? text.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const canonicalIpv6Text = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);

const canonicalIpv6 = (groups: readonly number[]) => canonicalIpv6Text(groups.map((g) => g.toString(16)).join(':'));

/** The IPv4 address of an IPv4-mapped (`::ffff:0:0/96`) or well-known NAT64 (`64:ff9b::/96`) address. */
function embeddedIpv4(g: readonly number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = g;
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  if (!mapped && !nat64) return undefined;
  return [g6 >> 8, g6 & 255, g7 >> 8, g7 & 255].join('.');
}
