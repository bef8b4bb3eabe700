/**
 * A/B/n splits and subject-line variants by a stable hash of (campaign, contact, node): a
 * contact lands in the same arm on every redelivery and every re-run, with no state to keep,
 * and arms fill in their stated proportions.
 */
import { createHash } from 'node:crypto';
import { own } from '../security/own';

/** The counter name of a split's control group (`arm:<split>:holdout`): no arm may take it (journey-rules.ts). */
export const HOLDOUT_ARM = 'holdout';

/** A number in [0, 10000) that depends only on its inputs. */
export function stableBucket(...parts: readonly string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) % 10_000;
}

/**
 * The arm `contactId` falls into at `split`, or `undefined` for the holdout. Arms take the
 * bucket range in order (percent x 100 buckets each); the holdout takes what is left at the end.
 */
export function armFor<Arm extends { readonly id: string; readonly percent: number }>(
  split: { readonly id: string; readonly arms: readonly Arm[] },
  campaignId: string,
  contactId: string,
): Arm | undefined {
  const bucket = stableBucket(campaignId, split.id, contactId);
  let upper = 0;
  for (const arm of split.arms) {
    upper += arm.percent * 100;
    if (bucket < upper) return arm;
  }
  return undefined;
}

/** Which of `count` equally likely variants (subject lines) a contact gets at a node. */
export function variantFor(count: number, campaignId: string, nodeId: string, contactId: string): number {
  return stableBucket(campaignId, nodeId, 'variant', contactId) % count;
}

/**
 * The stable id of a subject line: what its counters are keyed by (`variant:<node>:<id>`,
 * `armopen:`, `armclick:`, `armconv:`) and what an enrolment records as its "arm" at the node.
 * It depends on the text only, so a line keeps its numbers across published versions whatever
 * its position, and a new line starts at zero. Never a bare number: counters from before lines
 * had ids are keyed by their index (`variant:<node>:<n>`).
 */
export function subjectLineId(subject: string): string {
  return `s${createHash('sha256').update(subject).digest('hex').slice(0, 10)}`;
}

/** The arm a promotion sends every new arrival to, when one is in force for this split. */
export function promotedArm<Arm extends { readonly id: string }>(
  split: { readonly id: string; readonly arms: readonly Arm[] },
  promotions: Readonly<Record<string, { readonly arm?: string; readonly undone?: unknown }>> | undefined,
): Arm | undefined {
  const promotion = own(promotions, split.id);
  if (!promotion || promotion.undone || promotion.arm === undefined) return undefined;
  // A version without that arm (an older one) splits as it always did.
  return split.arms.find((a) => a.id === promotion.arm);
}

/**
 * The subject variant a promotion gives every new arrival at an email node, when one is in force:
 * the variant with the promoted subject line. Promotions hold across published versions, whose
 * subject lines may differ: a version without the winning line tries its own lines as before,
 * rather than forcing whatever line has the winner's index. (A promotion stored before the line
 * was recorded goes by its index.)
 */
export function promotedVariant(
  node: { readonly id: string; readonly subjectVariants?: readonly string[] | undefined },
  promotions:
    | Readonly<Record<string, { readonly variant?: number; readonly subject?: string; readonly undone?: unknown }>>
    | undefined,
): number | undefined {
  const promotion = own(promotions, node.id);
  if (!promotion || promotion.undone || promotion.variant === undefined || !node.subjectVariants) return undefined;
  if (promotion.subject !== undefined) {
    const index = node.subjectVariants.indexOf(promotion.subject);
    return index >= 0 ? index : undefined;
  }
  return promotion.variant < node.subjectVariants.length ? promotion.variant : undefined;
}
