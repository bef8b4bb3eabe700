/**
 * The client a per-address limit counts. One IPv6 address is not one client: every home line and
 * cloud host is handed a whole /64 and may send from any of its 2^64 addresses, so an IPv6 client
 * is its /64 prefix. An IPv6 address that translates an IPv4 one (mapped `::ffff:a.b.c.d`, SIIT, the
 * well-known NAT64 prefix `64:ff9b::a.b.c.d`: ip-address.ts `translatedIpv4`) is that IPv4 client. IPv4 is itself.
 *
 * Only limits use this (the rate-limit middleware's counters, the flood guard, the log-in
 * throttle's address counter); audit entries, sessions and consent records keep the full address.
 */
import { isIP } from 'node:net';
import { canonicalIpv6, ipv6Groups, translatedIpv4 } from './ip-address';

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
  const v4 = translatedIpv4(groups);
  if (v4 !== undefined) return v4;
  const prefix = [...groups.slice(0, 4), 0, 0, 0, 0].map((g) => g.toString(16)).join(':');
  return `${canonicalIpv6(prefix)}/64`;
}
