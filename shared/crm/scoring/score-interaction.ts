/**
 * The use case behind `InteractionScorer`: one interaction through the workspace's rules,
 * written with optimistic concurrency, idempotent per interaction id, and a domain event
 * when the tier changes.
 */
import { ConflictError } from '../../errors';
import type { AuditInWrite } from '../../identity/ports';
import { ContactNotFoundError } from '../contacts/errors';
import type { Contact, Interaction } from '../model';
import type { DomainEventPublisher, InteractionScorer, ScoreUpdate } from '../ports';
import { aiSignalsOf } from './composite';
import { readCurrentRules } from './current-rules';
import {
  AlreadyScoredError,
  InteractionStoredError,
  ScoreConflictError,
  type ScoredContact,
  type ScoreStore,
  type ScoreWrite,
} from './ports';
import type { ScoringRules } from './rules';
import { applyInteractionToState, emptyScoreState, type ScoreCrossing, type ScoreState } from './score-state';

export const THRESHOLD_EVENT = 'contact.score_threshold_crossed';

export interface ScoringDeps {
  readonly store: ScoreStore;
  readonly events: DomainEventPublisher;
  readonly now: () => Date;
  /** Attempts on a version conflict before giving up (default 5). */
  readonly maxAttempts?: number;
}

export const unchanged = (s: Pick<ScoreState, 'score' | 'tier'>): ScoreUpdate => ({
  score: s.score,
  tier: s.tier,
  previousScore: s.score,
  previousTier: s.tier,
});

/** What one attempt of a score change found (see {@link changeScore}). */
export interface ScoreAttempt {
  readonly contact: ScoredContact;
  /** The stored state, or a fresh one seeded with the contact's score. */
  readonly previous: ScoreState;
  readonly rules: ScoringRules;
  readonly rulesVersion: number;
  readonly now: Date;
}

/** What one attempt writes: a new state and its ledger entries (none: the score stays), and what goes with them. */
export interface ScorePlan {
  readonly next?: ScoreState;
  readonly entries?: ScoreWrite['entries'];
  readonly with?: Pick<ScoreWrite, 'aiSignals' | 'interaction' | 'lastInteractionAt' | 'audit'>;
  /** Claim `scoredId` even when the score does not change (an interaction whose id may come again with another time). */
  readonly claim?: boolean;
}

/**
 * The loop every score change goes through (interactions, adjustments, AI assessments): the rules
 * (cached per instance, never older than the state's: current-rules.ts), then the state, the claim
 * of `scoredId` and, unless the caller has it, the contact in one store read; `plan` decides (null:
 * nothing to do); one write, conditional on the version read and on the contact still deleted, or
 * live, as read, claims `scoredId` with the new state, so a replay changes nothing. A concurrent
 * change (a delete or restore too) is retried from a fresh read, the contact's included; a tier change
 * publishes the crossing. The crossing is kept on the claim, so a redelivery that finds `scoredId`
 * claimed publishes it again (with the same event id: consumers dedupe): a publish that failed after
 * the commit is retried with the message, never lost.
 * @returns the score before and after with the contact it was read with, or undefined when the
 *   contact does not exist or `plan` declined.
 * @throws ConflictError `SCORE_CONFLICT` after `maxAttempts` conflicting writes.
 */
export async function changeScore(
  deps: ScoringDeps,
  target: { readonly workspaceId: string; readonly contactId: string; readonly scoredId: string },
  given: ScoredContact | undefined,
  plan: (attempt: ScoreAttempt) => ScorePlan | null,
): Promise<{ update: ScoreUpdate; contact: ScoredContact } | undefined> {
  const { workspaceId, contactId, scoredId } = target;
  const attempts = deps.maxAttempts ?? 5;
  /** An earlier attempt stored the interaction (first write wins): the next ones leave it out. */
  let stored = false;
  /**
   * After a conflict, the contact is read again with the state even when the caller gave it: the
   * write holds only while the contact is deleted, or live, as read (a delete or restore since
   * fails it), so a retry on the caller's copy would fail the same way.
   */
  let stale = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let { version: rulesVersion, rules } = await readCurrentRules(deps.store, workspaceId);
    const readContact = given === undefined || stale;
    const read = await deps.store.readForChange(workspaceId, contactId, scoredId, { contact: readContact });
    // The state was written under newer rules than this instance cached (a recompute, or another
    // instance): read them afresh, so no change applies older rules than its state's.
    if (read.state && read.state.rulesVersion > rulesVersion) {
      ({ version: rulesVersion, rules } = await readCurrentRules(deps.store, workspaceId, read.state.rulesVersion));
    }
    // None on a re-read (the contact gone, or a store that keeps no contacts): the caller's copy
    // stays; a gone contact fails the write's condition again, and the attempts end in a 409.
    const contact = given === undefined ? read.contact : stale ? (read.contact ?? given) : given;
    if (!contact) return undefined;
    const now = deps.now();
    const previous = read.state ?? { ...emptyScoreState(now, rules), score: contact.score, tier: contact.tier };
    if (read.scored) {
      if (read.crossing) await publishCrossing(deps.events, contact, read.crossing);
      return { update: unchanged(previous), contact };
    }
    const planned = plan({ contact, previous, rules, rulesVersion, now });
    if (planned === null) return undefined;
    const { interaction, ...along } = planned.with ?? {};
    const write = { ...along, ...(interaction && !stored ? { interaction } : {}) };
    const next = planned.next && withoutCrossing(planned.next);
    if (!next && write.interaction === undefined && write.lastInteractionAt === undefined) {
      return { update: unchanged(previous), contact };
    }
    const crossing = next && crossingOf(contact, previous, next, now);
    try {
      await deps.store.commit({
        workspaceId,
        contactId,
        expectedVersion: previous.version,
        ...(next ? { state: next } : {}),
        ...(next || planned.claim ? { interactionId: scoredId } : {}),
        ...(crossing ? { crossing } : {}),
        entries: planned.entries ?? [],
        ...(contact.deletedAt ? { contactDeleted: true } : {}),
        ...write,
      });
    } catch (error) {
      if (error instanceof InteractionStoredError) {
        stored = true;
        continue;
      }
      if (error instanceof AlreadyScoredError) {
        // Claimed by a concurrent delivery of the same change: that one publishes its crossing
        // (and its own redelivery would, from the claim).
        return { update: unchanged((await deps.store.readState(workspaceId, contactId)) ?? previous), contact };
      }
      if (error instanceof ScoreConflictError) {
        stale = true;
        continue;
      }
      throw error;
    }
    if (!next) return { update: unchanged(previous), contact };
    if (crossing) await publishCrossing(deps.events, contact, crossing);
    return {
      update: { score: next.score, tier: next.tier, previousScore: previous.score, previousTier: previous.tier },
      contact,
    };
  }
  throw new ConflictError(`The score of contact ${contactId} kept changing; try again`, 'SCORE_CONFLICT');
}

/**
 * The crossing from `before` to `after` at `now`, or undefined when the tier stays, or when
 * `contact` is soft-deleted: its score and tier move (a recompute keeps them current) in silence,
 * as nothing of a deleted contact is published; none is kept on the change's claim either.
 */
export function crossingOf(
  contact: Pick<Contact, 'deletedAt'>,
  before: Pick<ScoreState, 'tier'>,
  after: Pick<ScoreState, 'tier' | 'score'>,
  now: Date,
): ScoreCrossing | undefined {
  if (contact.deletedAt || before.tier === after.tier) return undefined;
  return { fromTier: before.tier, toTier: after.tier, score: after.score, at: now.toISOString() };
}

/** A state as a change writes it: an older recompute's crossing (`lastCrossing`) is not carried on. */
export const withoutCrossing = ({ lastCrossing: _c, ...state }: ScoreState): ScoreState => state;

/**
 * Publishes `contact.score_threshold_crossed` for `crossing` of `contact`, unless the contact (as
 * last read) is soft-deleted: a crossing kept on a claim (or state) written before it was deleted
 * is not published while it is. Its id derives from the crossing only (contact, tier, moment), so
 * publishing it again (a redelivery) yields the same event.
 */
export async function publishCrossing(
  events: DomainEventPublisher,
  contact: Pick<Contact, 'workspaceId' | 'contactId' | 'deletedAt'>,
  crossing: ScoreCrossing,
): Promise<void> {
  if (contact.deletedAt) return;
  const { workspaceId, contactId } = contact;
  const { fromTier, toTier, score, at } = crossing;
  await events.publish([
    {
      type: THRESHOLD_EVENT,
      workspaceId,
      occurredAt: at,
      detail: {
        // One crossing per (contact, moment, tier): a re-put of this event keeps its id.
        eventId: `tier-${contactId}-${toTier}-${new Date(at).getTime()}`,
        contactId,
        fromTier,
        toTier,
        score,
      },
    },
  ]);
}

/**
 * Scores one stored interaction of `contact`. A redelivered interaction returns the current
 * score unchanged; a concurrent update is retried from a fresh read.
 * @throws ConflictError after `maxAttempts` conflicting writes.
 */
export async function scoreInteraction(
  contact: Contact,
  interaction: Interaction,
  deps: ScoringDeps,
): Promise<ScoreUpdate> {
  const { workspaceId, contactId } = contact;
  const target = { workspaceId, contactId, scoredId: interaction.interactionId };
  const done = await changeScore(deps, target, contact, (a) => interactionPlan(a, interaction));
  return done?.update ?? unchanged(contact);
}

/** The state after `interaction` under the workspace's rules; types no rule scores (email_sent, note...) leave it alone. */
function interactionPlan(a: ScoreAttempt, interaction: Interaction): ScorePlan {
  const { state, entries } = applyInteractionToState(
    a.previous,
    a.contact,
    interaction,
    a.rules,
    a.now,
    aiSignalsOf(a.contact),
  );
  if (entries.length === 0) return {};
  return { next: { ...state, version: a.previous.version + 1, rulesVersion: a.rulesVersion }, entries };
}

/**
 * Stores and scores an interaction in one read and one write (the `recordAndScore` of the
 * InteractionScorer port): the interaction, the contact's last-interaction time when it is the
 * latest, the score and its ledger, all or nothing, once per interaction id.
 * `audit`, when given, is written in the same transaction (not on a replay: nothing is written then).
 * @throws ContactNotFoundError when the contact is missing or deleted.
 */
export async function recordAndScoreInteraction(
  interaction: Interaction,
  deps: ScoringDeps,
  audit?: AuditInWrite<Interaction>,
  options?: { readonly claimId?: boolean },
): Promise<ScoreUpdate> {
  const auditWrite = audit && { record: audit.recordFor(interaction), markWritten: audit.markWritten };
  const { workspaceId, contactId, interactionId } = interaction;
  const done = await changeScore(deps, { workspaceId, contactId, scoredId: interactionId }, undefined, (a) => {
    if (a.contact.deletedAt) throw new ContactNotFoundError();
    const later = !a.contact.lastInteractionAt || interaction.occurredAt > a.contact.lastInteractionAt;
    const current = later ? { ...a.contact, lastInteractionAt: interaction.occurredAt } : a.contact;
    return {
      ...interactionPlan({ ...a, contact: current }, interaction),
      ...(options?.claimId ? { claim: true } : {}),
      with: {
        interaction,
        ...(later ? { lastInteractionAt: interaction.occurredAt } : {}),
        ...(auditWrite ? { audit: auditWrite } : {}),
      },
    };
  });
  if (!done) throw new ContactNotFoundError();
  return done.update;
}

/**
 * The `InteractionScorer` port over {@link scoreInteraction} and {@link recordAndScoreInteraction},
 * as the contacts function wires it: a score store (rules cached per instance; one read and one
 * versioned transaction a change) and a domain event publisher.
 */
export const interactionScorer = (deps: ScoringDeps): InteractionScorer => ({
  applyInteraction: (contact, interaction) => scoreInteraction(contact, interaction, deps),
  recordAndScore: (interaction, audit, options) => recordAndScoreInteraction(interaction, deps, audit, options),
});
