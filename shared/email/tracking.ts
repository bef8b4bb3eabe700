/**
 * Open and click tracking of a rendered email, as pure functions: the sender instruments the
 * HTML part (a 1x1 open pixel, every http(s) link wrapped in a sealed click link), and the
 * public `/t/...` routes tell a person's open or click from a machine's (bot signals).
 *
 * Decisions (docs/EMAIL.md, "Tracking"):
 * - Only `<a href="http(s)://...">` is wrapped; `mailto:`, `tel:`, `#anchors`, relative links,
 *   the unsubscribe link (RFC 8058 must reach `/u/` directly) and our own links stay as they are.
 * - The plain-text part is left untouched: a text reader sees where a link goes.
 * - A link whose sealed token would pass the edge's 1,024-character limit for `{token}` (a very
 *   long target URL) is left unwrapped rather than turned into a link that cannot work.
 */
import { trackingPlaces } from './html-scan';
import { trimEnd } from './linear-scan';
import {
  type AbAttribution,
  isSafeTarget,
  redirectTarget,
  sealTrackingToken,
  type TrackingPayload,
} from './tracking-token';

export const OPEN_PATH = '/t/o/';
export const CLICK_PATH = '/t/c/';
/** The edge's limit for a `{token}` path parameter (MAX_TOKEN_PARAM_LENGTH, shared/http/edge-ids.ts). */
export const MAX_TOKEN_LENGTH = 1024;
/** Clicks this soon after the email was rendered are a scanner's, not a reader's. */
export const TOO_FAST_MS = 2000;

/** Who a tracked send is for: sealed into each of its links, never in clear. */
export interface TrackedSend {
  readonly workspaceId: string;
  readonly sendId: string;
  readonly contactId?: string;
  readonly campaignId?: string;
  readonly nodeId?: string;
  readonly ab?: AbAttribution;
}

export interface TrackingOptions {
  /** PUBLIC_BASE_URL. */
  readonly baseUrl: string;
  /** 32-byte sealing key (trackingKey()). */
  readonly key: Buffer;
  /**
   * When the email was first sealed (epoch ms; the sender passes the ledger's `sealedAtMs`, the
   * same on every attempt that must send the same body): sealed into each token for the too-fast
   * signal. With deterministic tokens (tracking-token.ts), the same HTML, send and time give the
   * same instrumented HTML.
   */
  readonly issuedAtMs: number;
  /** Links never wrapped (the unsubscribe URL). */
  readonly untouched?: readonly string[];
}

export interface InstrumentedHtml {
  readonly html: string;
  /** Links wrapped in a click link. */
  readonly wrapped: number;
  /** http(s) links left as they were because their token would be too long. */
  readonly tooLong: number;
}

const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A double-quoted attribute value that reads as `value`. */
const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** An attribute value as the browser reads it (`&amp;` -> `&`). */
export function decodeAttribute(value: string): string {
  return value.replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name.toLowerCase()] ?? m;
    const code = dec ? Number(dec) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const trimBase = (baseUrl: string) => trimEnd(baseUrl, '/');

/** The link of a tracking token. */
export const openUrl = (baseUrl: string, token: string) => `${trimBase(baseUrl)}${OPEN_PATH}${token}`;
export const clickUrl = (baseUrl: string, token: string) => `${trimBase(baseUrl)}${CLICK_PATH}${token}`;

/** Adds the open pixel and wraps the links of `html` (see the module's decisions). */
export function instrumentHtml(html: string, send: TrackedSend, options: TrackingOptions): InstrumentedHtml {
  const base = trimBase(options.baseUrl);
  const ours = [`${base}/u/`, `${base}/t/`];
  const untouched = new Set(options.untouched ?? []);
  const common: Omit<TrackingPayload, 'kind'> = {
    workspaceId: send.workspaceId,
    sendId: send.sendId,
    ...(send.contactId ? { contactId: send.contactId } : {}),
    ...(send.campaignId ? { campaignId: send.campaignId } : {}),
    ...(send.nodeId ? { nodeId: send.nodeId } : {}),
    ...(send.ab ? { ab: send.ab } : {}),
    issuedAtMs: options.issuedAtMs,
  };
  // A token too long for the edge with the A/B attribution is sealed without it: the open or click
  // still lands on the timeline and the node's stats, only not in the A/B counts.
  const seal = (payload: TrackingPayload): string => {
    const token = sealTrackingToken(payload, options.key);
    if (token.length <= MAX_TOKEN_LENGTH || !payload.ab) return token;
    const { ab: _ab, ...withoutAb } = payload;
    return sealTrackingToken(withoutAb, options.key);
  };
  let wrapped = 0;
  let tooLong = 0;
  // The links and the pixel's place as a browser reads the markup (html-scan.ts): an `href=`
  // written inside another attribute's value (a title, or a merge field a contact filled in) is
  // that attribute's text, never a link to seal. One pass, linear in the document.
  const places = trackingPlaces(html);
  const clickHref = (value: string): string | undefined => {
    const target = decodeAttribute(value).trim();
    if (!/^https?:\/\//i.test(target) || !isSafeTarget(target)) return undefined;
    if (untouched.has(target) || ours.some((o) => target.startsWith(o))) return undefined;
    // Sealed as the redirect will send it (a valid header value), not as written.
    const url = redirectTarget(target);
    if (!url) return undefined;
    const token = seal({ kind: 'click', ...common, url });
    if (token.length > MAX_TOKEN_LENGTH) {
      tooLong += 1;
      return undefined;
    }
    wrapped += 1;
    return clickUrl(base, token);
  };
  const pixel = `<img src="${openUrl(base, seal({ kind: 'open', ...common }))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  let withPixel = '';
  let kept = 0;
  let pixelPlaced = false;
  for (const href of places.hrefs) {
    const link = clickHref(href.value);
    if (link === undefined) continue;
    if (!pixelPlaced && places.lastClosingBody >= 0 && places.lastClosingBody < href.valueStart) {
      withPixel += html.slice(kept, places.lastClosingBody) + pixel;
      kept = places.lastClosingBody;
      pixelPlaced = true;
    }
    withPixel += `${html.slice(kept, href.valueStart)}"${escapeAttribute(link)}"`;
    kept = href.end;
  }
  if (!pixelPlaced && places.lastClosingBody >= kept) {
    withPixel += html.slice(kept, places.lastClosingBody) + pixel;
    kept = places.lastClosingBody;
    pixelPlaced = true;
  }
  withPixel += html.slice(kept);
  if (!pixelPlaced) withPixel += pixel;
  return { html: withPixel, wrapped, tooLong };
}

/** Why an open or click looks like a machine's; kept on the event, which then scores nothing. */
export type BotSignal = 'apple-mpp' | 'security-scanner' | 'automated-client' | 'head-request' | 'too-fast';

/** Mail security gateways and link checkers that fetch every link of a message before the reader does. */
const SCANNERS =
  /barracuda|mimecast|proofpoint|ppops|safelinks|microsoft defender|\bdefender\b|msexchange|forcepoint|messagelabs|symantec|sophos|trend ?micro|fortiguard|fortinet|ironport|cisco|zscaler|paloalto|checkpoint|urldefense|virustotal|urlscan|google-safety|appengine-google/i;
/** Generic crawlers and HTTP libraries: no mail client identifies itself this way. */
const AUTOMATED =
  /bot\b|crawler|spider|headlesschrome|phantomjs|python-requests|python-urllib|go-http-client|\bcurl\/|\bwget\/|libwww|okhttp|java\/|axios\/|httpclient|scrapy/i;

export interface TrackingHit {
  readonly kind: 'open' | 'click';
  readonly method: string;
  readonly userAgent: string;
  readonly ip?: string;
  /** When the link's email was rendered (from the token). */
  readonly issuedAtMs?: number;
  readonly nowMs: number;
}

/**
 * The bot signals of one hit (empty: a person, as far as we can tell). Heuristics:
 * - `apple-mpp` (opens): Apple Mail Privacy Protection fetches every image through Apple's
 *   proxy as soon as the message arrives, with the bare user agent `Mozilla/5.0` and from
 *   Apple's 17.0.0.0/8 network; either is taken as the proxy.
 * - `security-scanner`: a known mail security gateway or link rewriter in the user agent.
 * - `automated-client`: a crawler or HTTP library user agent, or none at all.
 * - `head-request`: link checkers ask with HEAD; a reader's mail client never does.
 * - `too-fast` (clicks): within {@link TOO_FAST_MS} of the email's rendering.
 */
export function botSignals(hit: TrackingHit): BotSignal[] {
  const ua = hit.userAgent.trim();
  const signals: BotSignal[] = [];
  if (hit.kind === 'open' && (/^mozilla\/5\.0$/i.test(ua) || (hit.ip !== undefined && isAppleNetwork(hit.ip)))) {
    signals.push('apple-mpp');
  }
  if (SCANNERS.test(ua)) signals.push('security-scanner');
  if (ua === '' || AUTOMATED.test(ua)) signals.push('automated-client');
  if (hit.method.toUpperCase() === 'HEAD') signals.push('head-request');
  if (hit.kind === 'click' && hit.issuedAtMs !== undefined && hit.nowMs - hit.issuedAtMs < TOO_FAST_MS) {
    signals.push('too-fast');
  }
  return signals;
}

/** Apple's own /8 (its Mail Privacy Protection proxies answer from it), IPv4 or IPv4-mapped IPv6. */
function isAppleNetwork(ip: string): boolean {
  return /^(?:::ffff:)?17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(ip.trim());
}
