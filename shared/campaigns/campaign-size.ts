/**
 * How large a campaign record may grow. The record is one DynamoDB item (400 KB at most) that
 * later writes add to without a person sending anything: a status change's follow-up marker
 * (archive, resume), its schedule slot and index attributes, a promotion (by a person or the
 * engine's `promote` rule), an AI copy approval. A record saved up to the item limit could then
 * be neither archived, resumed nor promoted. So:
 *
 * - a save (create, PATCH) refuses a draft (name, description, journey, rules) past
 *   {@link MAX_CAMPAIGN_DRAFT_BYTES} (413 `PAYLOAD_TOO_LARGE`, naming the limit);
 * - every write that adds to the record (a save, a promotion, an approval) keeps it within
 *   {@link MAX_CAMPAIGN_RECORD_BYTES}: past it, the approvals of nodes the draft no longer has,
 *   then the promotions of nodes neither the draft nor the version written for has (oldest first)
 *   are dropped; still past it, the write is refused (413 `PAYLOAD_TOO_LARGE`);
 * - what is left above it, {@link CAMPAIGN_RECORD_HEADROOM_BYTES}, is kept for the writes that only
 *   change the status (a few hundred bytes), so an archive or a resume always fits.
 */
import { PayloadTooLargeError } from '../errors';
import type { Campaign } from './campaign';

/** DynamoDB's item limit. */
const ITEM_BYTES = 400 * 1024;
/** Kept free above every write that adds to the record: the follow-up marker, slot and index attributes, the keys. */
export const CAMPAIGN_RECORD_HEADROOM_BYTES = 16 * 1024;
/** The most a campaign record may hold, promotions and approvals included. */
export const MAX_CAMPAIGN_RECORD_BYTES = ITEM_BYTES - CAMPAIGN_RECORD_HEADROOM_BYTES;
/** The most a draft may hold (name, description, journey, rules, as JSON): the rest is for promotions and approvals. */
export const MAX_CAMPAIGN_DRAFT_BYTES = 320 * 1024;

const encoder = new TextEncoder();
/** UTF-8 bytes of a value as JSON: above the stored form's size (DynamoDB counts names and values, no quotes). */
const bytesOf = (value: unknown): number => encoder.encode(JSON.stringify(value) ?? '').length;

/** The draft's size, as {@link MAX_CAMPAIGN_DRAFT_BYTES} counts it. */
export function draftBytes(c: Pick<Campaign, 'name' | 'description' | 'journey' | 'rules'>): number {
  return bytesOf({ name: c.name, description: c.description, journey: c.journey, rules: c.rules });
}

/** The record's size, as {@link MAX_CAMPAIGN_RECORD_BYTES} counts it. */
export const recordBytes = (c: Campaign): number => bytesOf(c);

const tooLarge = (what: string, bytes: number, max: number) =>
  new PayloadTooLargeError(
    `${what} would take ${bytes} bytes; a campaign may take at most ${max} (the rest of DynamoDB's 400 KB item is kept for its promotions, approvals and status changes). Send less: shorter or fewer nodes or subject lines.`,
    { details: { bytes, maxBytes: max } },
  );

/** @throws PayloadTooLargeError 413 `PAYLOAD_TOO_LARGE` for a draft past {@link MAX_CAMPAIGN_DRAFT_BYTES}. */
export function assertDraftFits(c: Pick<Campaign, 'name' | 'description' | 'journey' | 'rules'>): void {
  const bytes = draftBytes(c);
  if (bytes > MAX_CAMPAIGN_DRAFT_BYTES) throw tooLarge('The campaign draft', bytes, MAX_CAMPAIGN_DRAFT_BYTES);
}

/**
 * `next` within {@link MAX_CAMPAIGN_RECORD_BYTES}: as it is when it fits; else without the
 * approvals of nodes its draft lacks, then without the promotions of nodes neither its draft nor
 * `keep` (the nodes of the version the write is for) has, oldest first, until it fits.
 * @throws PayloadTooLargeError 413 `PAYLOAD_TOO_LARGE` when it cannot fit even so.
 */
export function fittedRecord(next: Campaign, keep: Iterable<string> = []): Campaign {
  if (recordBytes(next) <= MAX_CAMPAIGN_RECORD_BYTES) return next;
  const kept = new Set([...next.journey.nodes.map((n) => n.id), ...keep]);
  const drafted = new Set(next.journey.nodes.map((n) => n.id));
  const approvals = Object.fromEntries(Object.entries(next.aiCopyApprovals ?? {}).filter(([id]) => drafted.has(id)));
  let fitted: Campaign = { ...next, aiCopyApprovals: approvals };
  const stale = Object.entries(next.promotions ?? {})
    .filter(([id]) => !kept.has(id))
    .sort(([, a], [, b]) => a.at.localeCompare(b.at));
  const promotions: Record<string, unknown> = { ...next.promotions };
  // Each dropped entry takes its JSON (`"id":{...},`) off: one measure of the whole, not one a drop.
  let bytes = recordBytes(fitted);
  for (const [id, promotion] of stale) {
    if (bytes <= MAX_CAMPAIGN_RECORD_BYTES) break;
    delete promotions[id];
    bytes -= bytesOf(id) + bytesOf(promotion) + 2;
  }
  fitted = { ...fitted, promotions: promotions as Campaign['promotions'] };
  bytes = recordBytes(fitted);
  if (bytes > MAX_CAMPAIGN_RECORD_BYTES) throw tooLarge('The campaign', bytes, MAX_CAMPAIGN_RECORD_BYTES);
  return fitted;
}
