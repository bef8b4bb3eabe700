/**
 * A completed contact-intelligence call, recorded in the contact's score: the result's AI signals
 * go onto the contact, the composite is recomputed with them (the AI composite), and one ledger
 * entry names the provider, the model and the call (agents/contact-intelligence-score.ts). One
 * versioned write, as every score change (commitScore), applied once per call: the call id is
 * claimed in that write, so a redelivered or re-run call finds it taken and changes nothing.
 */
import type { ContactStore } from '../crm/contacts/ports';
import type { ScoreUpdate } from '../crm/ports';
import { aiSignalsOf } from '../crm/scoring/composite';
import { commitScore, type ScoringDeps, unchanged } from '../crm/scoring/score-interaction';
import { emptyScoreState } from '../crm/scoring/score-state';
import { ConflictError } from '../errors';
import type { ContactIntelligence } from './agents/contact-intelligence';
import { type AiScoreSource, aiScoreChange } from './agents/contact-intelligence-score';

export interface RecordIntelligenceDeps extends ScoringDeps {
  readonly contacts: Pick<ContactStore, 'get'>;
}

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
  const attempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const contact = await deps.contacts.get(workspaceId, contactId);
    if (!contact || contact.deletedAt) return undefined;
    const { version: rulesVersion, rules } = await deps.store.readRules(workspaceId);
    const now = deps.now();
    const previous = (await deps.store.readState(workspaceId, contactId)) ?? {
      ...emptyScoreState(now, rules),
      score: contact.score,
      tier: contact.tier,
    };
    const scoredId = aiScoredId(source.callId);
    if (await deps.store.wasScored(workspaceId, contactId, scoredId)) return unchanged(previous);
    const change = aiScoreChange(previous, aiSignalsOf(contact), result, rules, source, now);
    const next = { ...change.state, rulesVersion };
    const done = await commitScore(deps, contact, previous, next, change.entries, scoredId, now, {
      aiSignals: change.aiSignals,
    });
    if (done) return done;
  }
  throw new ConflictError(`The score of contact ${contactId} kept changing; try again`, 'SCORE_CONFLICT');
}
