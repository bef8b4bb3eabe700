/** Composite scores and tiers: the rules blend, and the v1 AI composite when AI signals exist. */
import * as z from 'zod/mini';
import { own } from '../../security/own';
import type { Contact } from '../model';
import type { TierThresholds } from './rules';

export type Tier = Contact['tier'];

export const clamp = (n: number, low = 0, high = 100): number => Math.min(high, Math.max(low, n));

/** hot >= t.hot, warm >= t.warm, lukewarm >= t.lukewarm, else cold. */
export function tierOf(score: number, t: TierThresholds): Tier {
  if (score >= t.hot) return 'hot';
  if (score >= t.warm) return 'warm';
  if (score >= t.lukewarm) return 'lukewarm';
  return 'cold';
}

/**
 * Weighted blend of the groups, each clamped to 0..100, normalised by the sum of the
 * weights; groups without a weight count 0, a weighted group without points (of its own) counts 0.
 */
export function blendComposite(
  groups: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
): number {
  let total = 0;
  let sum = 0;
  for (const [group, weight] of Object.entries(weights)) {
    total += weight;
    sum += weight * clamp(own(groups, group) ?? 0);
  }
  return total > 0 ? clamp(sum / total) : 0;
}

/** What the AI contact intelligence (the AI issue) puts on a contact as `aiSignals`. */
export const aiSignalsSchema = z.object({
  aiScore: z.number().check(z.gte(0), z.lte(100)),
  engagementVelocity: z._default(z.number().check(z.gte(-2), z.lte(2)), 0),
  roleType: z.optional(z.string().check(z.maxLength(64))),
  buyingIntent: z.optional(z.enum(['high', 'medium', 'low'])),
  decisionStage: z.optional(z.enum(['awareness', 'consideration', 'decision'])),
  /** When the assessment's call read the contact and its timeline (ISO): an older one never replaces it. */
  basedOn: z.optional(z.string().check(z.maxLength(40))),
});
export type AiSignals = z.infer<typeof aiSignalsSchema>;

const ROLE_BONUS: Readonly<Record<string, number>> = { decision_maker: 15, influencer: 10 };
const INTENT_BONUS = { high: 20, medium: 10, low: 0 } as const;
const STAGE_BONUS = { decision: 25, consideration: 15, awareness: 0 } as const;

/**
 * v1's composite: ai_score + 5*velocity, plus decision_maker +15 / influencer +10,
 * intent high +20 / medium +10, stage decision +25 / consideration +15; capped at 100
 * (and, here, floored at 0).
 */
export function aiComposite(s: AiSignals): number {
  const bonus =
    (s.roleType ? (own(ROLE_BONUS, s.roleType) ?? 0) : 0) +
    (s.buyingIntent ? INTENT_BONUS[s.buyingIntent] : 0) +
    (s.decisionStage ? STAGE_BONUS[s.decisionStage] : 0);
  return clamp(s.aiScore + 5 * s.engagementVelocity + bonus);
}

/** The contact's AI signals when present and well-formed; absent (never faked) otherwise. */
export function aiSignalsOf(contact: unknown): AiSignals | undefined {
  const raw = (contact as { aiSignals?: unknown } | undefined)?.aiSignals;
  if (raw === undefined || raw === null) return undefined;
  const parsed = aiSignalsSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
