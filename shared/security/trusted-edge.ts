/**
 * Who is calling, and through what. In the cloud every request must come through our
 * CloudFront distribution, which adds a secret header; only then are the headers it sets
 * (the viewer's address, the public host) believed. A request that reaches the API
 * directly could forge them to dodge per-client limits, so it is refused outright.
 */
import { isIP } from 'node:net';
import { ForbiddenError } from '../errors';
import { constantTimeEqual } from './constant-time';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export interface EdgeSettings {
  /** When set, the secret CloudFront sends; absent in the local runtime. */
  readonly originSecret?: string;
  /** Header carrying the viewer address (`ip:port`), believed only behind the verified edge. */
  readonly clientAddressHeader?: string;
  /**
   * Local load mode only: header whose IP literal is taken as the client address, so a load
   * generator on one machine can simulate many clients (TRUST_LOAD_CLIENT_HEADER, set by
   * `npm run load:start`); ignored whenever `originSecret` is set (the cloud), so it can
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

/** Throws 403 `ORIGIN_NOT_VERIFIED` when an edge secret is configured and the request lacks it. */
export function resolveCaller(
  headers: Readonly<Record<string, string>>,
  sourceIp: string,
  settings: EdgeSettings,
): CallerOrigin {
  const host = headers.host ?? '';
  if (!settings.originSecret) {
    const loadHeader = settings.loadClientHeader;
    const simulated = loadHeader ? headers[loadHeader.toLowerCase()] : undefined;
    return { clientAddress: (simulated && parseIpLiteral(simulated)) || sourceIp, publicHost: host };
  }
  const presented = headers[ORIGIN_VERIFY_HEADER];
  if (presented === undefined || !constantTimeEqual(presented, settings.originSecret)) {
    throw new ForbiddenError('Requests must come through the public endpoint', 'ORIGIN_NOT_VERIFIED');
  }
  const viewer = settings.clientAddressHeader ? headers[settings.clientAddressHeader] : undefined;
  return {
    clientAddress: (viewer && parseViewerAddress(viewer)) || sourceIp,
    publicHost: headers['x-forwarded-host'] ?? host,
  };
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
