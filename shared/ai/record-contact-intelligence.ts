/**
 * A completed contact-intelligence call, recorded in the contact's score: the result's AI signals
 * go onto the contact, the composite is recomputed with them (the AI composite), and one ledger
 * entry names the provider, the model and the call (agents/contact-intelligence-score.ts). One
 * versioned write, as every score change (changeScore), applied once per call: the call id is
 * claimed in that write, so a redelivered or re-run call finds it taken and changes nothing.
 */
import type { ScoreUpdate } from '../crm/ports';
import { aiSignalsOf } from '../crm/scoring/composite';
import { changeScore, type ScoringDeps } from '../crm/scoring/score-interaction';
import type { ContactIntelligence } from './agents/contact-intelligence';
import { type AiScoreSource, aiScoreChange } from './agents/contact-intelligence-score';

export type RecordIntelligenceDeps = ScoringDeps;

/** The score claim of a call: never a client interaction id (those have no `#`). */
export const aiScoredId = (callId: string) => `ai#${callId}`;

/**
 * Applies `result` to the contact's score once per call; a concurrent score change is retried from
 * a fresh read.
 * @returns the score before and after, or undefined when the contact was deleted meanwhile (nothing
 * to score).
 * @throws ConflictError after `maxAttempts` conflicting writes.
 */
export async function recordContactIntelligence(
  workspaceId: string,
  contactId: string,
  result: ContactIntelligence,
  source: AiScoreSource,
  deps: RecordIntelligenceDeps,
): Promise<ScoreUpdate | undefined> {
  const target = { workspaceId, contactId, scoredId: aiScoredId(source.callId) };
  // The contact is read with the state (one call): the signals build on its stored ones.
  const done = await changeScore(deps, target, undefined, ({ contact, previous, rules, rulesVersion, now }) => {
    if (contact.deletedAt) return null;
    const change = aiScoreChange(previous, aiSignalsOf(contact), result, rules, source, now);
    return { next: { ...change.state, rulesVersion }, entries: change.entries, with: { aiSignals: change.aiSignals } };
  });
  return done?.update;
}
