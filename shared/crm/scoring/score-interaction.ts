/**
 * The use case behind `InteractionScorer`: one interaction through the workspace's rules,
 * written with optimistic concurrency, idempotent per interaction id, and a domain event
 * when the tier changes.
 */
import { ConflictError } from '../../errors';
import type { Contact, Interaction } from '../model';
import type { DomainEventPublisher, InteractionScorer, ScoreUpdate } from '../ports';
import { aiSignalsOf } from './composite';
import { AlreadyScoredError, ScoreConflictError, type ScoreStore, type ScoreWrite } from './ports';
import { applyInteractionToState, emptyScoreState, type ScoreState } from './score-state';

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

/**
 * Writes `next` (conditional on `previous.version`, once per `scoredId`; `extra.aiSignals` onto the
 * contact in the same write) and publishes a tier crossing. Undefined when a concurrent update won: the caller reads again and retries.
 */
export async function commitScore(
  deps: Pick<ScoringDeps, 'store' | 'events'>,
  contact: Pick<Contact, 'workspaceId' | 'contactId' | 'deletedAt'>,
  previous: ScoreState,
  next: ScoreState,
  entries: ScoreWrite['entries'],
  scoredId: string,
  now: Date,
  extra: Pick<ScoreWrite, 'aiSignals'> = {},
): Promise<ScoreUpdate | undefined> {
  const { workspaceId, contactId } = contact;
  try {
    await deps.store.commit({
      workspaceId,
      contactId,
      expectedVersion: previous.version,
      state: next,
      entries,
      interactionId: scoredId,
      ...(contact.deletedAt ? { contactDeleted: true } : {}),
      ...extra,
    });
  } catch (error) {
    if (error instanceof AlreadyScoredError)
      return unchanged((await deps.store.readState(workspaceId, contactId)) ?? previous);
    if (error instanceof ScoreConflictError) return undefined;
    throw error;
  }
  await publishCrossing(deps.events, workspaceId, contactId, previous, next, now);
  return { score: next.score, tier: next.tier, previousScore: previous.score, previousTier: previous.tier };
}

/** Publishes `contact.score_threshold_crossed` when the tier moved (up or down). */
export async function publishCrossing(
  events: DomainEventPublisher,
  workspaceId: string,
  contactId: string,
  before: Pick<ScoreState, 'tier'>,
  after: Pick<ScoreState, 'tier' | 'score'>,
  now: Date,
): Promise<void> {
  if (before.tier === after.tier) return;
  await events.publish([
    {
      type: THRESHOLD_EVENT,
      workspaceId,
      occurredAt: now.toISOString(),
      detail: {
        // One crossing per (contact, moment, tier): a re-put of this event keeps its id.
        eventId: `tier-${contactId}-${after.tier}-${now.getTime()}`,
        contactId,
        fromTier: before.tier,
        toTier: after.tier,
        score: after.score,
      },
    },
  ]);
}

/**
 * Scores one interaction of `contact`. A redelivered interaction returns the current score
 * unchanged; a concurrent update is retried from a fresh read.
 * @throws ConflictError after `maxAttempts` conflicting writes.
 */
export async function scoreInteraction(
  contact: Contact,
  interaction: Interaction,
  deps: ScoringDeps,
): Promise<ScoreUpdate> {
  const { workspaceId, contactId } = contact;
  const attempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const { version: rulesVersion, rules } = await deps.store.readRules(workspaceId);
    const now = deps.now();
    const previous = (await deps.store.readState(workspaceId, contactId)) ?? {
      ...emptyScoreState(now, rules),
      score: contact.score,
      tier: contact.tier,
    };
    if (await deps.store.wasScored(workspaceId, contactId, interaction.interactionId)) return unchanged(previous);
    const { state, entries } = applyInteractionToState(
      previous,
      contact,
      interaction,
      rules,
      now,
      aiSignalsOf(contact),
    );
    // Types no rule scores (email_sent, note...) leave the score and its ledger alone.
    if (entries.length === 0) return unchanged(previous);
    const next = { ...state, version: previous.version + 1, rulesVersion };
    const done = await commitScore(deps, contact, previous, next, entries, interaction.interactionId, now);
    if (done) return done;
  }
  throw new ConflictError(`The score of contact ${contactId} kept changing; try again`, 'SCORE_CONFLICT');
}

/**
 * The `InteractionScorer` port over {@link scoreInteraction}, as the contacts function wires
 * it: a score store (rules cached per instance, ledger + state + the contact's score in one
 * versioned transaction) and a domain event publisher.
 */
export const interactionScorer = (deps: ScoringDeps): InteractionScorer => ({
  applyInteraction: (contact, interaction) => scoreInteraction(contact, interaction, deps),
});
