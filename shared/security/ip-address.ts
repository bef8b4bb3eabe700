/**
 * IP literal parsing shared by the webhook address check (shared/campaigns/webhook-url.ts) and the
 * address per-address limits count (client-address.ts): IPv6 as its eight 16-bit groups, and the
 * IPv4 address an IPv6 address is a translation of.
 */

/** A canonical IPv6 text: lower-case hex, `::` for the longest zero run, no dotted tail (WHATWG URL). */
export const canonicalIpv6 = (address: string): string => new URL(`http://[${address}]/`).hostname.slice(1, -1);

/** The eight 16-bit groups of an IPv6 literal (any notation: `::`, upper case, a dotted IPv4 tail). */
export function ipv6Groups(address: string): number[] {
  const [head = '', tail] = canonicalIpv6(address).split('::');
  const part = (text: string) => (text ? text.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** Two 16-bit groups as a dotted IPv4 address. */
export const dottedIpv4 = (high: number, low: number): string => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`), SIIT
 * (`::ffff:0:a.b.c.d`, RFC 2765) or the well-known NAT64 prefix (`64:ff9b::a.b.c.d`, RFC 6052).
 */
export function translatedIpv4(groups: readonly number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const zeros = (...xs: (number | undefined)[]) => xs.every((x) => x === 0);
  if (zeros(g0, g1, g2, g3) && ((g4 === 0 && g5 === 0xffff) || (g4 === 0xffff && g5 === 0))) return dottedIpv4(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && zeros(g2, g3, g4, g5)) return dottedIpv4(g6, g7);
  return undefined;
}
