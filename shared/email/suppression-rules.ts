/**
 * Who may be mailed. A suppression is kept per workspace (and globally for addresses every
 * workspace must stop mailing); these rules decide when a delivery event suppresses an
 * address and which categories of mail a suppression blocks.
 *
 * - A hard (permanent) bounce or a complaint suppresses at once.
 * - Soft (transient) bounces suppress on the 3rd within 7 days.
 * - An unsubscribe suppresses marketing mail only: a password reset or a receipt still goes
 *   out, while a hard bounce or a complaint stops transactional mail as well.
 */

export type EmailCategory = 'transactional' | 'marketing';

export type SuppressionReason = 'hard-bounce' | 'complaint' | 'soft-bounces' | 'unsubscribe' | 'manual';

export type DeliveryEventType = 'hard-bounce' | 'soft-bounce' | 'complaint' | 'unsubscribe';

export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The suppression an event causes, given the address's earlier soft bounces (epoch ms,
 * any order; the event's own time is `atMs`). `undefined` when the address stays mailable.
 */
export function suppressionCausedBy(
  event: DeliveryEventType,
  atMs: number,
  earlierSoftBouncesMs: readonly number[] = [],
): SuppressionReason | undefined {
  switch (event) {
    case 'hard-bounce':
      return 'hard-bounce';
    case 'complaint':
      return 'complaint';
    case 'unsubscribe':
      return 'unsubscribe';
    case 'soft-bounce': {
      const recent = earlierSoftBouncesMs.filter((t) => t <= atMs && atMs - t < SOFT_BOUNCE_WINDOW_MS).length;
      return recent + 1 >= SOFT_BOUNCE_LIMIT ? 'soft-bounces' : undefined;
    }
  }
}

/** Whether an address suppressed for `reason` may still receive mail of `category`. */
export function suppressionBlocks(reason: SuppressionReason, category: EmailCategory): boolean {
  if (category === 'marketing') return true;
  return reason !== 'unsubscribe';
}

/** The first suppression of `reasons` that blocks `category`, if any. */
export function blockingSuppression(
  reasons: readonly SuppressionReason[],
  category: EmailCategory,
): SuppressionReason | undefined {
  return reasons.find((r) => suppressionBlocks(r, category));
}
