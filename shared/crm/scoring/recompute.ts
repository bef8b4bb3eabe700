/**
 * Rule changes: saving a new version starts a recompute job on the queue, and the worker
 * recomputes one page of contacts per message, then queues the next page. A message of
 * an older rules version stops its job; a page already finished is skipped.
 */
import * as z from 'zod/mini';
import { own } from '../../security/own';
import type { DomainEventPublisher } from '../ports';
import { aiSignalsOf } from './composite';
import { noteRulesVersion } from './current-rules';
import type { RecomputeMessage, RecomputeQueue, RecomputeStore, RulesStore, ScoredContact, ScoreStore } from './ports';
import { AlreadyScoredError, ScoreConflictError } from './ports';
import type { ScoringRules, VersionedRules } from './rules';
import { crossingOf, publishCrossing, withoutCrossing } from './score-interaction';
import {
  compositeOf,
  ENGAGEMENT,
  emptyScoreState,
  engagementPartsOf,
  groupsAt,
  type LedgerEntry,
  replayInteractions,
  type ScoreState,
} from './score-state';

export const RECOMPUTE_PAGE_SIZE = 100;
/** Contacts with more interactions keep their decayed engagement; only fit and composite change. */
export const REPLAY_MAX_INTERACTIONS = 2000;

const id = z.string().check(z.minLength(1), z.maxLength(128));
export const recomputeMessage = z.object({
  workspaceId: id,
  jobId: id,
  version: z.number().check(z.int(), z.gte(1)),
  page: z._default(z.number().check(z.int(), z.gte(0)), 0),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export interface RulesView extends VersionedRules {
  readonly recompute?: { jobId: string; status: string; pages: number; contacts: number; updatedAt: string };
}

/** The rules with the state of the last recompute job. */
export async function getScoringRules(
  workspaceId: string,
  deps: { store: ScoreStore; rules: RulesStore },
): Promise<RulesView> {
  const current = await deps.store.readRules(workspaceId, { fresh: true });
  const job = current.recomputeJobId ? await deps.rules.readJob(workspaceId, current.recomputeJobId) : undefined;
  if (!job) return current;
  const { jobId, status, pages, contacts, updatedAt } = job;
  return { ...current, recompute: { jobId, status, pages, contacts, updatedAt } };
}

/**
 * Saves the rules as the next version and queues the first page of the recompute job.
 * @throws ConflictError when `expectedVersion` is given and stale.
 */
export async function putScoringRules(
  workspaceId: string,
  input: { rules: ScoringRules; expectedVersion?: number; updatedBy: string },
  deps: { rules: RulesStore; queue: RecomputeQueue; newId: () => string; now: () => Date },
): Promise<{ version: number; recompute: { jobId: string } }> {
  const jobId = deps.newId();
  const version = await deps.rules.saveRules(workspaceId, input.rules, {
    ...(input.expectedVersion === undefined ? {} : { expectedVersion: input.expectedVersion }),
    updatedBy: input.updatedBy,
    jobId,
    now: deps.now(),
  });
  // This instance's cached rules are now older than the saved ones: its next read goes to the store.
  noteRulesVersion(workspaceId, version);
  await deps.queue.send({ workspaceId, jobId, version, page: 0 });
  return { version, recompute: { jobId } };
}

export interface RecomputeDeps {
  readonly store: ScoreStore;
  readonly recompute: RecomputeStore;
  readonly queue: RecomputeQueue;
  readonly events: DomainEventPublisher;
  readonly now: () => Date;
  readonly pageSize?: number;
}

/** One page of a recompute job. Returns what happened, for the log. */
export async function recomputePage(
  message: RecomputeMessage,
  deps: RecomputeDeps,
): Promise<'stale' | 'duplicate' | 'page' | 'completed'> {
  const { workspaceId, jobId, page } = message;
  const current = await deps.store.readRules(workspaceId, { fresh: true });
  noteRulesVersion(workspaceId, current.version);
  if (current.version !== message.version) {
    await deps.recompute.markSuperseded(workspaceId, jobId, deps.now());
    return 'stale';
  }
  if (await deps.recompute.pageDone(workspaceId, jobId, page)) return 'duplicate';
  const contacts = await deps.recompute.contacts(workspaceId, deps.pageSize ?? RECOMPUTE_PAGE_SIZE, message.cursor);
  for (const contact of contacts.items) await recomputeContact(contact, current, deps);
  // Queue the next page before marking this one: a crash in between redoes a page, never skips one.
  if (contacts.cursor) await deps.queue.send({ ...message, page: page + 1, cursor: contacts.cursor });
  await deps.recompute.finishPage(workspaceId, jobId, page, contacts.items.length, !contacts.cursor, deps.now());
  return contacts.cursor ? 'page' : 'completed';
}

/**
 * The claim a recompute under rules version `n` writes with each state it writes (`SCORED#recompute#v<n>`;
 * `#` is in no interaction id, as `ai#` and `campaign#` keys). It marks the contact done for that
 * job and keeps the tier crossing the write made, whatever changes the state afterwards.
 */
export const recomputeClaimId = (rulesVersion: number): string => `recompute#v${rulesVersion}`;

/**
 * Re-derives one contact's groups under `current` rules and writes them with a ledger entry per
 * change, once per rules version: the write claims {@link recomputeClaimId} with its tier crossing,
 * so a redelivered page that finds the claim publishes that crossing again (a publish that failed
 * after the commit) and changes nothing, even when live changes rewrote the state meanwhile. A state
 * written under newer rules is left alone (read, and again by the write's condition): a page of
 * superseded rules never takes a contact back to them. The page only names the contact: the contact
 * and its state are read together, then its history, all strongly consistent, and the write is
 * conditional on the state's version and the contact's interaction counter as read (every stored
 * interaction moves it, backdated or unscored ones too), so no interaction committed before or
 * during the replay is left out of what it writes.
 */
export async function recomputeContact(
  listed: ScoredContact,
  current: VersionedRules,
  deps: RecomputeDeps,
): Promise<void> {
  const { workspaceId, contactId } = listed;
  const { rules, version: rulesVersion } = current;
  const claimId = recomputeClaimId(rulesVersion);
  let resent = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = deps.now();
    // The contact as it is now, with the state (one strongly consistent read), not as the page
    // listed it: an AI assessment or profile change committed since is what the replay blends.
    const read = await deps.store.readForChange(workspaceId, contactId, claimId, { contact: true });
    const contact = read.contact;
    if (!contact) return; // removed since the page was read
    const ai = aiSignalsOf(contact);
    // This recompute wrote this contact already (an earlier delivery of the page, whose publish may
    // have failed after the commit): publish its crossing again, with its own id, and stop.
    if (read.scored) {
      if (read.crossing) await publishCrossing(deps.events, contact, read.crossing);
      return;
    }
    const stored = read.state;
    // Written under newer rules (their recompute, or a live change that read them): theirs to keep.
    if (stored && stored.rulesVersion > rulesVersion) return;
    // A state written before crossings were claimed keeps this recompute's on `lastCrossing`.
    if (!resent && stored?.lastCrossing?.by === `recompute-v${rulesVersion}`) {
      const { by: _by, ...crossing } = stored.lastCrossing;
      await publishCrossing(deps.events, contact, crossing);
      resent = true;
    }
    const previous = stored ?? { ...emptyScoreState(now, rules), score: contact.score, tier: contact.tier };
    // Read after the state and the contact, strongly consistent: every interaction they count is in it.
    const history = await deps.recompute.interactions(workspaceId, contactId, REPLAY_MAX_INTERACTIONS);
    const replayed = replayInteractions(previous, contact, history.items, rules, now, ai);
    // Too long a history to replay: keep the engagement (its sums with the counters folded with
    // them) and re-blend the composite from the groups kept.
    const next = history.complete ? replayed : keptEngagement(previous, replayed, rules, now, ai);
    const before = groupsAt(previous, rules, now);
    const after = groupsAt(next, rules, now);
    const entries: LedgerEntry[] = [];
    for (const group of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const b = own(before, group) ?? 0;
      const a = own(after, group) ?? 0;
      if (Math.abs(a - b) < 0.005) continue;
      entries.push({
        ledgerId: `recompute-v${rulesVersion}.${group}`,
        at: now.toISOString(),
        ruleId: 'recompute',
        rule: `recomputed under rules version ${rulesVersion}`,
        group,
        points: Math.round((a - b) * 100) / 100,
        before: b,
        after: a,
        scoreBefore: previous.score,
        scoreAfter: next.score,
      });
    }
    // Unchanged, and stamped with these rules already. A state of older rules is written all the
    // same: its `rulesVersion` tells every instance still caching older rules to read them afresh.
    const unchanged = stored && stored.score === next.score && stored.tier === next.tier;
    if (entries.length === 0 && unchanged && stored.rulesVersion >= rulesVersion) return;
    if (entries.length === 0 && !stored && contact.score === next.score && contact.tier === next.tier) return;
    const crossing = crossingOf(contact, previous, next, now);
    try {
      await deps.store.commit({
        workspaceId,
        contactId,
        expectedVersion: previous.version,
        maxRulesVersion: rulesVersion,
        state: { ...withoutCrossing(next), version: previous.version + 1, rulesVersion },
        interactionId: claimId,
        ...(crossing ? { crossing } : {}),
        entries,
        // An interaction recorded since the contact was read (unscored by its writer's rules, so
        // the state's version did not move; backdated, so its last interaction time did not
        // either) moved the counter and fails the write: the next attempt replays it.
        expectedInteractionSeq: read.interactionSeq ?? 0,
        // Deleted as read: scored off the tier index, only while still deleted (a restore since
        // fails the write, and the next attempt indexes it at the new tier); live, only while live.
        ...(contact.deletedAt ? { contactDeleted: true } : {}),
      });
    } catch (error) {
      // A conflict (the contact removed, deleted or restored since the read among them), or a
      // concurrent delivery of this page claimed the contact: the next read tells.
      if (error instanceof ScoreConflictError || error instanceof AlreadyScoredError) continue;
      throw error;
    }
    if (crossing) await publishCrossing(deps.events, contact, crossing);
    return;
  }
  throw new ScoreConflictError();
}

/**
 * `replayed` with `previous`'s engagement (sums, counters and the snapshot at `now`) for a history
 * too long to replay, and the composite blended from the groups so kept.
 */
function keptEngagement(
  previous: ScoreState,
  replayed: ScoreState,
  rules: ScoringRules,
  now: Date,
  ai: ReturnType<typeof aiSignalsOf>,
): ScoreState {
  const kept: ScoreState = {
    ...replayed,
    engagementRaw: groupsAt(previous, rules, now)[ENGAGEMENT] ?? 0,
    engagementParts: engagementPartsOf(previous, rules),
    counters: previous.counters,
  };
  return { ...kept, ...compositeOf(groupsAt(kept, rules, now), rules, ai) };
}
