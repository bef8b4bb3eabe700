/**
 * Contact intelligence as the score ledger records it: the result becomes the contact's AI
 * signals (the AI inputs of the composite, shared/crm/scoring/composite.ts), the composite is
 * recomputed with them, and one ledger entry says what moved, from what to what, and which
 * provider and model produced it. Pure: the caller stores the signals on the contact and commits
 * the state and entries in one write (ScoreStore.commit), as every score change is committed.
 */
import { type AiSignals, aiSignalsSchema } from '../../crm/scoring/composite';
import { round2 } from '../../crm/scoring/decay';
import type { ScoringRules } from '../../crm/scoring/rules';
import { compositeOf, ENGAGEMENT, groupsAt, type LedgerEntry, type ScoreState } from '../../crm/scoring/score-state';
import type { AiProviderName } from '../ports';
import type { ContactIntelligence } from './contact-intelligence';

/** Rule ids of the scoring rules cannot hold `:`, so this one never meets a workspace's own. */
export const AI_SCORE_RULE_ID = 'ai:contact-intelligence';
/** The ledger group of AI entries: the AI composite replaces the rules blend while signals exist. */
export const AI_GROUP = 'ai';

/** Who produced the result: kept on the ledger entry. */
export interface AiScoreSource {
  readonly callId: string;
  readonly provider: AiProviderName;
  readonly model: string;
}

/** A ledger entry of an AI assessment: the provider and model that produced it, and the call. */
export type AiLedgerEntry = LedgerEntry & {
  readonly provider: AiProviderName;
  readonly model: string;
  readonly callId: string;
};

/** The composite's AI inputs from a result (a role the model could not tell is left out). */
export function aiSignalsFrom(result: ContactIntelligence): AiSignals {
  return aiSignalsSchema.parse({
    aiScore: result.aiIntent,
    engagementVelocity: result.engagementVelocity,
    ...(result.roleType === 'unknown' ? {} : { roleType: result.roleType }),
    buyingIntent: result.buyingIntent,
    decisionStage: result.decisionStage,
  });
}

export interface AiScoreChange {
  /** To store on the contact as `aiSignals`. */
  readonly aiSignals: AiSignals;
  /** The next state (version + 1: commit it with `expectedVersion` = the previous version). */
  readonly state: ScoreState;
  readonly entries: readonly AiLedgerEntry[];
}

/**
 * The score change a contact-intelligence result makes to `previous` (with the contact's
 * current signals `previousSignals`, if any), at `now`.
 */
export function aiScoreChange(
  previous: ScoreState,
  previousSignals: AiSignals | undefined,
  result: ContactIntelligence,
  rules: ScoringRules,
  source: AiScoreSource,
  now: Date,
): AiScoreChange {
  const aiSignals = aiSignalsFrom(result);
  const groups = groupsAt(previous, rules, now);
  const composite = compositeOf(groups, rules, aiSignals);
  const before = previousSignals?.aiScore ?? 0;
  const entry: AiLedgerEntry = {
    ledgerId: `${source.callId}.ai`,
    at: now.toISOString(),
    ruleId: AI_SCORE_RULE_ID,
    rule: `AI contact intelligence (${source.provider} ${source.model}): ${result.buyingIntent} intent, ${result.decisionStage} stage`,
    group: AI_GROUP,
    points: round2(aiSignals.aiScore - before),
    before,
    after: aiSignals.aiScore,
    scoreBefore: previous.score,
    scoreAfter: composite.score,
    provider: source.provider,
    model: source.model,
    callId: source.callId,
  };
  const state: ScoreState = {
    ...previous,
    version: previous.version + 1,
    engagementRaw: groups[ENGAGEMENT] ?? 0,
    asOf: now.toISOString(),
    ...composite,
  };
  return { aiSignals, state, entries: [entry] };
}
