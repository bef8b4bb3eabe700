/**
 * Where a campaign webhook may point. A journey is refused at save when its URL names a private,
 * loopback or link-local address (or `localhost`), or is plain http, unless private webhooks are
 * allowed (ALLOW_PRIVATE_WEBHOOKS; on in the local stage): the worker must not become a way into
 * the network it runs in. The sender checks resolved addresses again (a name can point inward).
 */
import { BlockList, isIP } from 'node:net';
import { dottedIpv4, ipv6Groups, translatedIpv4 } from '../security/ip-address';

export interface WebhookPolicy {
  /** Private, loopback and link-local hosts and plain http allowed (the local runtime, tests). */
  readonly allowPrivate: boolean;
}

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  // Unspecified, loopback, and the deprecated IPv4-compatible block (::a.b.c.d): never a webhook.
  ['::', 96],
  ['64:ff9b:1::', 48], // NAT64 for local use (RFC 8215)
  ['100::', 64], // discard (RFC 6666)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** Whether `address` (an IPv4 or IPv6 literal) is private, loopback, link-local, or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return false;
  if (blocked.check(bare, 'ipv6')) return true;
  // An IPv4 address carried inside IPv6 (mapped, SIIT, NAT64, 6to4, Teredo) reaches that IPv4
  // address: it is checked as the IPv4 it is.
  const v4 = embeddedIpv4(ipv6Groups(bare));
  return v4 !== undefined && blocked.check(v4, 'ipv4');
}

/** The IPv4 address an IPv6 address stands for (translated: ip-address.ts) or tunnels to (6to4, Teredo), if any. */
function embeddedIpv4(g: number[]): string | undefined {
  const translated = translatedIpv4(g);
  if (translated !== undefined) return translated;
  const [g0, g1, g2, , , , g6 = 0, g7 = 0] = g;
  // 2002:aabb:ccdd::/48: 6to4 (RFC 3056), the IPv4 address in bits 16-47.
  if (g0 === 0x2002) return dottedIpv4(g1 ?? 0, g2 ?? 0);
  // 2001:0::/32: Teredo (RFC 4380), the client's IPv4 address inverted in the last 32 bits.
  if (g0 === 0x2001 && g1 === 0) return dottedIpv4(g6 ^ 0xffff, g7 ^ 0xffff);
  return undefined;
}

/** Why `url` may not be a webhook under `policy`; undefined when it may. */
export function webhookUrlProblem(url: string, policy: WebhookPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Its URL is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'Its URL must be http or https';
  if (parsed.username || parsed.password) return 'Its URL must not carry credentials';
  if (policy.allowPrivate) return undefined;
  if (parsed.protocol !== 'https:') return 'Its URL must be https';
  // WHATWG URL has already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `Its URL names a local host (${host})`;
  if (isPrivateAddress(host)) return `Its URL names a private or loopback address (${host})`;
  return undefined;
}
