/**
 * A completed contact-intelligence call, recorded in the contact's score: the result's AI signals
 * go onto the contact, the composite is recomputed with them (the AI composite), and one ledger
 * entry names the provider, the model and the call (agents/contact-intelligence-score.ts). One
 * versioned write, as every score change (changeScore), applied once per call: the call id is
 * claimed in that write, so a redelivered or re-run call finds it taken and changes nothing.
 *
 * Only a result at least as new as the contact's is applied: the signals keep `basedOn`, when the
 * call read the contact and its timeline, and a result based on older data (a slow call overtaken
 * by a later one, a score step retried days later) is superseded and changes nothing. The check
 * is made on the state read and holds in the write: every write of `aiSignals` is a score change,
 * conditional on the version read (and, in DynamoDB, on the stored `basedOn` too).
 */
import type { ScoreUpdate } from '../crm/ports';
import { type AiSignals, aiSignalsOf } from '../crm/scoring/composite';
import { changeScore, type ScoringDeps } from '../crm/scoring/score-interaction';
import type { ContactIntelligence } from './agents/contact-intelligence';
import { type AiScoreSource, aiScoreChange } from './agents/contact-intelligence-score';
import type { AiCallSuperseded } from './ai-call';

export type RecordIntelligenceDeps = ScoringDeps;

/** The score claim of a call: never a client interaction id (those have no `#`). */
export const aiScoredId = (callId: string) => `ai#${callId}`;

/** A result not applied: the contact's assessment is based on newer data. */
export interface IntelligenceSuperseded {
  readonly superseded: AiCallSuperseded;
}

export const isSuperseded = (
  recorded: ScoreUpdate | IntelligenceSuperseded | undefined,
): recorded is IntelligenceSuperseded => recorded !== undefined && 'superseded' in recorded;

/**
 * Applies `result` to the contact's score once per call, unless the contact carries an assessment
 * based on data newer than `basedOn` (when the call read it, ISO; equal: applied; absent, as on a
 * call stored before it was kept: older than any assessment that has one, applied only over those
 * without); a concurrent score change is retried from a fresh read.
 * @returns the score before and after; `{superseded}` when a newer assessment stays; undefined
 * when the contact was deleted meanwhile (nothing to score).
 * @throws ConflictError after `maxAttempts` conflicting writes.
 */
export async function recordContactIntelligence(
  workspaceId: string,
  contactId: string,
  result: ContactIntelligence,
  source: AiScoreSource,
  deps: RecordIntelligenceDeps,
  basedOn?: string,
): Promise<ScoreUpdate | IntelligenceSuperseded | undefined> {
  const target = { workspaceId, contactId, scoredId: aiScoredId(source.callId) };
  let superseded: AiCallSuperseded | undefined;
  // The contact is read with the state (one call): the signals build on its stored ones.
  const done = await changeScore(deps, target, undefined, ({ contact, previous, rules, rulesVersion, now }) => {
    superseded = undefined;
    if (contact.deletedAt) return null;
    const stored = aiSignalsOf(contact);
    const newer = stored?.basedOn;
    if (newer !== undefined && (basedOn === undefined || newer > basedOn)) {
      superseded = { by: newer };
      return null;
    }
    const change = aiScoreChange(previous, stored, result, rules, source, now);
    const aiSignals: AiSignals = { ...change.aiSignals, ...(basedOn ? { basedOn } : {}) };
    return { next: { ...change.state, rulesVersion }, entries: change.entries, with: { aiSignals } };
  });
  if (superseded) return { superseded };
  return done?.update;
}
