/**
 * Where a campaign webhook may point. A journey is refused at save when its URL names a private,
 * loopback or link-local address (or `localhost`), or is plain http, unless private webhooks are
 * allowed (ALLOW_PRIVATE_WEBHOOKS; on in the local stage): the worker must not become a way into
 * the network it runs in. The sender checks resolved addresses again (a name can point inward).
 */
import { BlockList, isIP } from 'node:net';

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
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
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
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is checked as the IPv4 it is.
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(bare);
  if (mapped) {
    const v4 = mapped[1] ?? hexPairToIpv4(mapped[2] as string, mapped[3] as string);
    return blocked.check(v4, 'ipv4');
  }
  return blocked.check(bare, 'ipv6');
}

function hexPairToIpv4(high: string, low: string): string {
  const h = Number.parseInt(high, 16);
  const l = Number.parseInt(low, 16);
  return [h >> 8, h & 255, l >> 8, l & 255].join('.');
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
