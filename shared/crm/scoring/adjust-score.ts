/**
 * A score adjustment that no interaction caused: a campaign's `adjust-score` action. It adds its
 * points to the engagement group (as an interaction rule's points are added, so they decay the
 * same way), writes a ledger entry that names where it came from, and is applied once per
 * adjustment id: the id is claimed in the same write as the score (the claim interactions use),
 * so a replay finds it taken and changes nothing. A tier change publishes the crossing event.
 */
import { ContactNotFoundError } from '../contacts/errors';
import type { Contact } from '../model';
import type { ScoreUpdate } from '../ports';
import { aiSignalsOf } from './composite';
import type { InteractionRule } from './rules';
import { changeScore, type ScoringDeps, unchanged } from './score-interaction';
import { applyInteractionToState, ENGAGEMENT, type ScoreState } from './score-state';

export interface ScoreAdjustment {
  /** Claimed once: a second adjustment with this id changes nothing. Never a client interaction id (those have no `#`). */
  readonly adjustmentId: string;
  readonly points: number;
  /** The ledger's `rule`: why, in words. */
  readonly reason: string;
  /** Where it came from, kept on the ledger entry. */
  readonly campaignId?: string;
  readonly nodeId?: string;
}

/** Rule ids of the scoring rules cannot hold `:`, so this one never meets a workspace's own. */
const ADJUSTMENT_RULE_ID = 'campaign:adjust-score';

/**
 * Adds `adjustment.points` to `contact`'s engagement, once per `adjustmentId`; a concurrent
 * update is retried from a fresh read. Only a live contact is adjusted: one deleted since the
 * caller read it (the write fails on it, the retry reads it deleted) is refused.
 * @throws ConflictError after `maxAttempts` conflicting writes; ContactNotFoundError (a
 *   NotFoundError, `CONTACT_NOT_FOUND`) when the contact is deleted.
 */
export async function adjustScore(
  contact: Contact,
  adjustment: ScoreAdjustment,
  deps: ScoringDeps,
): Promise<ScoreUpdate> {
  const { workspaceId, contactId } = contact;
  const target = { workspaceId, contactId, scoredId: adjustment.adjustmentId };
  const done = await changeScore(deps, target, contact, ({ contact: current, previous, rules, rulesVersion, now }) => {
    if (current.deletedAt) throw new ContactNotFoundError();
    // The adjustment goes through the same fold as an interaction (decay to now, fit re-evaluated,
    // composite), as the one rule of a one-off rule set, so its entry explains it like any other.
    const rule: InteractionRule = {
      id: ADJUSTMENT_RULE_ID,
      type: 'note',
      points: Math.trunc(adjustment.points),
      repeatable: true,
      group: ENGAGEMENT,
      description: adjustment.reason,
    };
    const applied = applyInteractionToState(
      previous,
      current,
      { interactionId: adjustment.adjustmentId, type: 'note', occurredAt: now.toISOString() },
      { ...rules, interactionRules: [rule] },
      now,
      aiSignalsOf(current),
    );
    const source = {
      ...(adjustment.campaignId ? { campaignId: adjustment.campaignId } : {}),
      ...(adjustment.nodeId ? { nodeId: adjustment.nodeId } : {}),
    };
    const entries = applied.entries.map(({ interactionId: _id, interactionType: _type, ...entry }) => ({
      ...entry,
      ...(entry.ruleId === ADJUSTMENT_RULE_ID ? source : {}),
    }));
    // Not an interaction: no rule counter moves and the last interaction stays what it was. The
    // counters are the applied ones all the same: their decayed sums were folded with the engagement's.
    const { lastInteractionAt: _last, ...rest } = applied.state;
    const { [ADJUSTMENT_RULE_ID]: _own, ...counters } = applied.state.counters;
    const next: ScoreState = {
      ...rest,
      counters,
      ...(previous.lastInteractionAt ? { lastInteractionAt: previous.lastInteractionAt } : {}),
      version: previous.version + 1,
      rulesVersion,
    };
    return { next, entries };
  });
  return done?.update ?? unchanged(contact);
}
