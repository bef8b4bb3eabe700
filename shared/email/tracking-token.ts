/**
 * Tokens in tracking, click and unsubscribe links. They must name no internal id in clear
 * and must not be forgeable (a click link is never an open redirect): the payload is sealed
 * with AES-256-GCM under a key only the service holds, so a token is both encrypted and
 * authenticated. A tampered, truncated or foreign token opens to `undefined`.
 *
 * Sealing is deterministic (a synthetic IV, as AES-GCM-SIV does it): the IV is the first 12 bytes
 * of an HMAC-SHA256 of the plaintext under a key derived from the tracking key (HKDF-SHA256, fixed
 * label), so the same payload under the same key always gives the same token, and two different
 * payloads get different IVs (an IV is never reused for another plaintext, barring a 96-bit
 * collision). A retried send therefore carries byte-identical links, which Resend's idempotency key
 * needs (docs/EMAIL.md, "Exactly once"). Equal tokens reveal only that their payloads are equal.
 * The format is unchanged (version byte, IV, tag, body): tokens sealed with a random IV before
 * still open.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

export type TrackingKind = 'open' | 'click' | 'unsubscribe';

/** A campaign send's A/B attribution, sealed into its links so an open or a click counts per arm. */
export interface AbAttribution {
  /** The enrolment's run: a split arm's opens count once per contact and run. */
  readonly run: number;
  /** The subject variant (its index in the sending version) this email went out with. */
  readonly variant?: number;
  /**
   * That variant's line id (split.ts `subjectLineId`): what its opens and clicks are counted by,
   * as its sends are. Links sealed before lines had ids carry the index only.
   */
  readonly line?: string;
  /** The arm taken at each split the enrolment went through before this email, by split node id. */
  readonly arms?: Readonly<Record<string, string>>;
}

export interface TrackingPayload {
  readonly kind: TrackingKind;
  readonly workspaceId: string;
  readonly sendId: string;
  readonly contactId?: string;
  /** The email address (unsubscribe links must work for an address without a contact). */
  readonly email?: string;
  /** Click target (http or https only). */
  readonly url?: string;
  /** The campaign, when the send belongs to one. */
  readonly campaignId?: string;
  /** The campaign's email node. */
  readonly nodeId?: string;
  /** The send's A/B attribution (campaign sends through a split or with subject variants). */
  readonly ab?: AbAttribution;
  /** The send's topic (unsubscribe links: the preferences page offers it). */
  readonly topic?: string;
  /** When the link was sealed (open and click links): a click within seconds of it is a scanner's. */
  readonly issuedAtMs?: number;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KINDS: readonly TrackingKind[] = ['open', 'click', 'unsubscribe'];

/** The HKDF label of the synthetic-IV key: never used for anything else. */
const SIV_LABEL = 'crm tracking-token synthetic IV v1';
/**
 * The keys made from a tracking key, by tracking key (one or two per process; made once each): the
 * synthetic-IV key derived from it, and both as `KeyObject`s (node:crypto checks a raw key again on
 * every `createHmac`/`createCipheriv`, which a `KeyObject` skips; shared/aws/keyed-sha256.ts).
 */
const keysByTrackingKey = new WeakMap<Buffer, { readonly iv: KeyObject; readonly seal: KeyObject }>();

function keysOf(key: Buffer): { readonly iv: KeyObject; readonly seal: KeyObject } {
  let keys = keysByTrackingKey.get(key);
  if (!keys) {
    const iv = createSecretKey(Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), SIV_LABEL, 32)));
    keys = { iv, seal: createSecretKey(key) };
    keysByTrackingKey.set(key, keys);
  }
  return keys;
}

/** The synthetic IV of `plaintext`: a function of the key and the whole plaintext (and version). */
const syntheticIv = (key: Buffer, plaintext: Buffer): Buffer =>
  createHmac('sha256', keysOf(key).iv)
    .update(Buffer.from([VERSION]))
    .update(plaintext)
    .digest()
    .subarray(0, IV_BYTES);

/**
 * Seals `payload` under `key` (32 bytes). Deterministic: the same payload and key give the same
 * token (see the module's comment).
 */
export function sealTrackingToken(payload: TrackingPayload, key: Buffer): string {
  assertKey(key);
  const plaintext = Buffer.from(JSON.stringify(payload), 'utf8');
  const iv = syntheticIv(key, plaintext);
  const cipher = createCipheriv('aes-256-gcm', keysOf(key).seal, iv);
  cipher.setAAD(Buffer.from([VERSION]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The payload of a token sealed under `key`, or `undefined` for anything else. */
export function openTrackingToken(token: string, key: Buffer): TrackingPayload | undefined {
  assertKey(key);
  if (token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 1 + IV_BYTES + TAG_BYTES + 2 || raw[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keysOf(key).seal, raw.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from([VERSION]));
    decipher.setAuthTag(raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
    const value = JSON.parse(text) as TrackingPayload;
    if (!KINDS.includes(value.kind) || typeof value.workspaceId !== 'string' || typeof value.sendId !== 'string') {
      return undefined;
    }
    if (value.url !== undefined && !isSafeTarget(value.url)) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/**
 * A click target as a redirect can send it: the URL's serialisation (percent-encoded, control
 * characters dropped, so it is a valid `location` header), if it is a safe target; else undefined.
 * An href with `€`, an em dash or an encoded CR/LF would otherwise be sealed as written and break
 * the redirect's header.
 */
export function redirectTarget(url: string): string | undefined {
  if (!isSafeTarget(url)) return undefined;
  const href = new URL(url).href;
  // Serialised URLs are ASCII; anything else (never expected) is refused rather than sent.
  return /^[\x21-\x7e]+$/.test(href) ? href : undefined;
}

/** Click targets: absolute http(s) URLs only (no `javascript:`, `data:`, protocol-relative...). */
export function isSafeTarget(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new RangeError('The tracking key must be 32 bytes');
}
