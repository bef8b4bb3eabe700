/**
 * Who may be mailed. A suppression is kept per workspace (and globally for addresses every
 * workspace must stop mailing); these rules decide when a delivery event suppresses an
 * address and which categories of mail a suppression blocks.
 *
 * - A hard (permanent) bounce or a complaint suppresses at once.
 * - Soft (transient) bounces suppress once the address's log holds 3 within any 7 days, whatever
 *   order their events arrive in (`softBounceSuppressedAt`).
 * - An unsubscribe suppresses marketing mail only: a password reset or a receipt still goes
 *   out, while a hard bounce or a complaint stops transactional mail as well.
 * - A contact whose CRM status is `unsubscribed` is treated as unsubscribed (`mailBlockFor`).
 */

export type EmailCategory = 'transactional' | 'marketing';

export type SuppressionReason =
  | 'hard-bounce'
  | 'complaint'
  | 'soft-bounces'
  | 'unsubscribe'
  | 'manual'
  /** Opted out of one topic's marketing mail only (the preferences page). */
  | TopicOptOut;

export type TopicOptOut = `unsubscribe:topic:${string}`;

/** Every reason that is not a topic opt-out (a closed list: the writes that replace reasons name them). */
export const NON_TOPIC_REASONS = ['hard-bounce', 'complaint', 'soft-bounces', 'unsubscribe', 'manual'] as const;

/**
 * At most this many reasons on one suppression item (an address's, a contact's own) once topic
 * opt-outs are added: a topic opt-out past it is honoured as an unsubscribe from all marketing
 * (which replaces the item's topic opt-outs), so an item never grows toward DynamoDB's 400 KB
 * (100 reasons of at most 58 bytes: under 6 KB). A workspace lists at most 50 topics (topics.ts).
 */
export const MAX_REASONS_PER_ITEM = 100;

/** A topic id: lower-case letters, digits, `-` and `_` (at most 40). */
export const TOPIC_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The suppression reason of an opt-out of `topic`. */
export const topicOptOut = (topic: string): TopicOptOut => `unsubscribe:topic:${topic}`;

/** The topic a reason opts out of, if it is a topic opt-out. */
export const optedOutTopic = (reason: string): string | undefined =>
  reason.startsWith('unsubscribe:topic:') ? reason.slice('unsubscribe:topic:'.length) : undefined;

export type DeliveryEventType = 'hard-bounce' | 'soft-bounce' | 'complaint' | 'unsubscribe';

export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * When an address's soft bounces (epoch ms, one per bounce, any order: the whole log, as events
 * arrive out of order) first held {@link SOFT_BOUNCE_LIMIT} within less than
 * {@link SOFT_BOUNCE_WINDOW_MS}: the time of the last bounce of the earliest such span, or
 * `undefined` if no span ever did. Judged over the sorted times, so a bounce arriving late counts
 * where it happened: it completes a span it belongs to, and bridges none it is outside of.
 */
export function softBounceSuppressedAt(softBouncesMs: readonly number[]): number | undefined {
  const times = softBouncesMs.filter(Number.isFinite).sort((a, b) => a - b);
  for (const [i, last] of times.entries()) {
    const first = times[i - SOFT_BOUNCE_LIMIT + 1];
    if (first !== undefined && last - first < SOFT_BOUNCE_WINDOW_MS) return last;
  }
  return undefined;
}

/**
 * The suppression an event causes, given (for a soft bounce at `atMs`) the address's other soft
 * bounces (epoch ms, any order, before or after it: see {@link softBounceSuppressedAt}).
 * `undefined` when the address stays mailable.
 */
export function suppressionCausedBy(
  event: DeliveryEventType,
  atMs: number,
  otherSoftBouncesMs: readonly number[] = [],
): SuppressionReason | undefined {
  switch (event) {
    case 'hard-bounce':
      return 'hard-bounce';
    case 'complaint':
      return 'complaint';
    case 'unsubscribe':
      return 'unsubscribe';
    case 'soft-bounce':
      return softBounceSuppressedAt([atMs, ...otherSoftBouncesMs]) === undefined ? undefined : 'soft-bounces';
  }
}

/**
 * Whether an address suppressed for `reason` may not receive mail of `category` (about
 * `topic`). A topic opt-out blocks only marketing mail of that topic; an `unsubscribe` all
 * marketing mail; bounces, complaints and manual suppressions every mail.
 */
export function suppressionBlocks(reason: SuppressionReason, category: EmailCategory, topic?: string): boolean {
  const optedOut = optedOutTopic(reason);
  if (optedOut !== undefined) return category === 'marketing' && topic === optedOut;
  if (category === 'marketing') return true;
  return reason !== 'unsubscribe';
}

/** The first suppression of `reasons` that blocks `category` (about `topic`), if any. */
export function blockingSuppression(
  reasons: readonly SuppressionReason[],
  category: EmailCategory,
  topic?: string,
): SuppressionReason | undefined {
  return reasons.find((r) => suppressionBlocks(r, category, topic));
}

/**
 * The CRM status of a contact recorded as opted out of marketing mail (set through the API or by
 * hand, or imported from another CRM: how opt-outs made elsewhere arrive). It stops marketing mail
 * as an `unsubscribe` suppression does; transactional mail still goes.
 */
export const OPTED_OUT_STATUS = 'unsubscribed';

/**
 * Why mail of `category` (about `topic`) may not go to a contact, if it may not: the first of its
 * suppressions (`reasons`: its address's and its own opt-outs) that blocks it, else `unsubscribe`
 * when its CRM status is {@link OPTED_OUT_STATUS} and an unsubscribe blocks this mail. The one rule
 * of who may get marketing mail: campaign audiences (by ids, by filter, schedules), the campaign
 * step before each node, broadcast pages, and the sender's last check before the provider
 * (send-email.ts, with the contact's status read at send time) ask it.
 */
export function mailBlockFor(
  contact: { readonly status?: unknown },
  reasons: readonly SuppressionReason[],
  category: EmailCategory,
  topic?: string,
): SuppressionReason | undefined {
  const suppressed = blockingSuppression(reasons, category, topic);
  if (suppressed) return suppressed;
  return contact.status === OPTED_OUT_STATUS && suppressionBlocks('unsubscribe', category, topic)
    ? 'unsubscribe'
    : undefined;
}
