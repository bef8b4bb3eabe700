/**
 * Who is calling, and through what. In the cloud every request must come through our
 * CloudFront distribution, which adds a secret header; only then are the headers it sets
 * (the viewer's address, the public host) believed. A request that reaches the API
 * directly could forge them to dodge per-client limits, so it is refused outright.
 *
 * The header may carry any of the accepted values: the secret's current value and, while a
 * rotation is under way, its previous one (shared/adapters/origin-secrets.ts,
 * docs/runbooks/origin-secret-rotation.md). Each is compared in constant time.
 */
import { isIP } from 'node:net';
import { ForbiddenError } from '../errors';
import { constantTimeEqual } from './constant-time';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * The values `x-origin-verify` may carry (current first, then the previous one during a
 * rotation). The cloud source never resolves to undefined or an empty list: with no value it
 * throws (503 `ORIGIN_CHECK_UNAVAILABLE`), so a failed read can never open the check. Only the
 * local runtime's source resolves to undefined, meaning "no check" (its variable is unset).
 */
export type AcceptedOriginSecrets = () => Promise<readonly string[] | undefined>;

export interface EdgeSettings {
  /** When set, the values CloudFront may send; absent in the local runtime (no check). */
  readonly originSecrets?: AcceptedOriginSecrets;
  /** Header carrying the viewer address (`ip:port`), believed only behind the verified edge. */
  readonly clientAddressHeader?: string;
  /**
   * Local load mode only: header whose IP literal is taken as the client address, so a load
   * generator on one machine can simulate many clients (TRUST_LOAD_CLIENT_HEADER, set by
   * `npm run load:start`); ignored whenever `originSecrets` is set (the cloud), so it can
   * never open a bypass there.
   */
  readonly loadClientHeader?: string;
}

export interface CallerOrigin {
  /** The address rate limits and audit entries use. */
  readonly clientAddress: string;
  /** The host the caller addressed, for Origin checks. */
  readonly publicHost: string;
}

/** What {@link resolveCaller} decides with: the settings, with the accepted values already read. */
export interface CallerSettings extends Omit<EdgeSettings, 'originSecrets'> {
  /** The values `x-origin-verify` may carry; undefined: no check (local). Empty refuses every request. */
  readonly accepted?: readonly string[];
}

/** Throws 403 `ORIGIN_NOT_VERIFIED` when origin values are configured and the request carries none of them. */
export function resolveCaller(
  headers: Readonly<Record<string, string>>,
  sourceIp: string,
  settings: CallerSettings,
): CallerOrigin {
  const host = headers.host ?? '';
  if (settings.accepted === undefined) {
    const loadHeader = settings.loadClientHeader;
    const simulated = loadHeader ? headers[loadHeader.toLowerCase()] : undefined;
    return { clientAddress: (simulated && parseIpLiteral(simulated)) || sourceIp, publicHost: host };
  }
  const presented = headers[ORIGIN_VERIFY_HEADER];
  if (presented === undefined || !matchesAny(presented, settings.accepted)) {
    throw new ForbiddenError('Requests must come through the public endpoint', 'ORIGIN_NOT_VERIFIED');
  }
  const viewer = settings.clientAddressHeader ? headers[settings.clientAddressHeader] : undefined;
  return {
    clientAddress: (viewer && parseViewerAddress(viewer)) || sourceIp,
    publicHost: headers['x-forwarded-host'] ?? host,
  };
}

/** Compares with every accepted value (no early exit), so the time says nothing about which one matched. */
function matchesAny(presented: string, accepted: readonly string[]): boolean {
  let matched = false;
  for (const value of accepted) matched = constantTimeEqual(presented, value) || matched;
  return matched;
}

/** `203.0.113.7:4711` -> `203.0.113.7`; `[2001:db8::1]:443` or `2001:db8::1:443` -> the IPv6 address. */
export function parseViewerAddress(value: string): string | undefined {
  const v = value.trim();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(v);
  if (bracketed) return bracketed[1]?.toLowerCase();
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(v);
  if (v4) return v4[1];
  // CloudFront writes IPv6 without brackets: the last colon separates the port.
  const v6 = /^([0-9a-f:]+):(\d+)$/i.exec(v);
  if (v6 && (v6[1]?.includes('::') || (v6[1]?.split(':').length ?? 0) >= 8)) return v6[1]?.toLowerCase();
  return undefined;
}

/** A bare IPv4 or IPv6 literal (no port, no zone), normalised; anything else is undefined. */
export function parseIpLiteral(value: string): string | undefined {
  const v = value.trim();
  if (v.length > 45 || v.includes('%')) return undefined;
  return isIP(v) === 0 ? undefined : v.toLowerCase();
}
