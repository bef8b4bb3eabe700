/**
 * Promoting the winner of an A/B node: from the promotion on, every contact *arriving* at the
 * node takes the winning arm (or subject variant); contacts already past it keep what they got,
 * and a split's holdout stays a holdout (it is the measurement group, not an arm). A promotion is
 * kept on the campaign record, not in a new version: it applies to every published version
 * running, through the rules the step runner loads with the version (dynamo-campaigns.ts).
 *
 * A promotion is judged against the versions it applies to: a person may promote a node of any
 * published version (any may still have contacts running on it), and undo any promotion recorded,
 * whatever the versions published since have made of its node ({@link promoteNode},
 * {@link undoPromotion}).
 *
 * Manual: a person promotes or undoes one (the campaign routes). Automatic: a node with
 * `promote` is promoted by the engine once its stated test (ab-test.ts) names a winner at 95%
 * with enough contacts per arm: the drip-step worker, running a step of a campaign whose running
 * version has such a node still undecided, judges it from the campaign's counters (one Query,
 * at most once a minute per campaign and container, never a scan) and writes it
 * ({@link autoPromoter}). Reading the stats writes nothing. An undone promotion is kept as undone,
 * so the automatic rule does not bring it back.
 */
import * as z from 'zod/mini';
import { type AppError, ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../errors';
import { newAuditRecord } from '../identity/audit';
import type { AuditEntry } from '../identity/ports';
import { own } from '../security/own';
import { type Campaign, type CampaignDeps, type CampaignStore, runningJourney, writableCampaign } from './campaign';
import { fittedRecord } from './campaign-size';
import type { Journey } from './journey';
import { nodeId } from './journey';
import { type CampaignVersions, MAX_AUDIT_PER_CHANGE } from './ports';
import { type AbNode, abNodeTest, type CampaignStats, campaignStats, isAbNode } from './stats';

export interface Promotion {
  /** The split arm every new arrival takes. */
  readonly arm?: string;
  /** The subject variant (index into `subjectVariants`) every new arrival gets. */
  readonly variant?: number;
  /** That variant's subject line: what a later version's node is matched by (split.ts `promotedVariant`). */
  readonly subject?: string;
  /** `user:<id>` for a person, `auto` for the node's `promote` rule. */
  readonly by: string;
  readonly at: string;
  /** The test that decided an automatic promotion. */
  readonly test?: { readonly metric: string; readonly z: number; readonly p: number; readonly text: string };
  /** Set once undone: new arrivals are split again. */
  readonly undone?: { readonly by: string; readonly at: string };
}
export type Promotions = Readonly<Record<string, Promotion>>;

export const promoteBody = z.union([
  z.strictObject({ arm: nodeId }),
  z.strictObject({ variant: z.number().check(z.int(), z.gte(0), z.lte(4)) }),
]);
export type PromoteBody = z.infer<typeof promoteBody>;

/**
 * The journeys a promotion of the campaign applies to, newest first: every published version (a
 * promotion is kept on the campaign record and applies to whichever version an enrolment runs on,
 * and any of them may still have contacts running: which ones is not tracked), or the draft before
 * a first publish. One read per version, made only as the caller goes on.
 */
async function* promotedJourneys(campaign: Campaign, deps: Pick<CampaignDeps, 'campaigns'>): AsyncGenerator<Journey> {
  if (!campaign.publishedVersion) {
    yield campaign.journey;
    return;
  }
  for (let v = campaign.publishedVersion; v >= 1; v -= 1) {
    const version = await deps.campaigns.version(campaign.workspaceId, campaign.campaignId, v);
    if (version) yield version.journey;
  }
}

/**
 * `accept`'s answer for the first A/B node called `id`, in the versions a promotion applies to
 * ({@link promotedJourneys}, newest first), that it accepts (it throws a ValidationError for a
 * node it refuses). None accepted: the newest version's refusal (`NOT_AN_AB_NODE` for a node of
 * that id that is no A/B node), else 404 `NODE_NOT_FOUND` (no version has the node).
 */
async function judgedAcrossVersions<T>(
  campaign: Campaign,
  id: string,
  deps: Pick<CampaignDeps, 'campaigns'>,
  accept: (node: AbNode) => T,
): Promise<T> {
  let refusal: ValidationError | undefined;
  for await (const journey of promotedJourneys(campaign, deps)) {
    const node = journey.nodes.find((n) => n.id === id);
    if (!node) continue;
    try {
      if (!isAbNode(node)) {
        throw new ValidationError(
          `Node "${id}" is neither a split nor an email node with subject variants`,
          'NOT_AN_AB_NODE',
        );
      }
      return accept(node);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      refusal ??= error;
    }
  }
  throw (
    refusal ??
    new NotFoundError(
      campaign.publishedVersion
        ? `No published version of the journey has a node "${id}"`
        : `The journey has no node "${id}"`,
      'NODE_NOT_FOUND',
    )
  );
}

function promotionOf(node: AbNode, body: PromoteBody, by: string, at: string): Promotion {
  if (node.kind === 'split') {
    if (!('arm' in body))
      throw new ValidationError(`Node "${node.id}" is a split: promote an arm`, 'INVALID_PROMOTION');
    if (!node.arms.some((a) => a.id === body.arm)) {
      throw new ValidationError(`Split "${node.id}" has no arm "${body.arm}"`, 'UNKNOWN_ARM', {
        details: { arms: node.arms.map((a) => a.id) },
      });
    }
    return { arm: body.arm, by, at };
  }
  if (!('variant' in body)) {
    throw new ValidationError(`Node "${node.id}" is an email node: promote a subject variant`, 'INVALID_PROMOTION');
  }
  const count = node.subjectVariants?.length ?? 0;
  if (body.variant >= count) {
    throw new ValidationError(`Email node "${node.id}" has variants 0 to ${count - 1}`, 'UNKNOWN_ARM');
  }
  return { variant: body.variant, subject: node.subjectVariants?.[body.variant] as string, by, at };
}

async function save(current: Campaign, promotions: Promotions, deps: CampaignDeps, node?: string): Promise<Campaign> {
  // Within the record's bound (campaign-size.ts): promotions of nodes no longer in use go first.
  const next = fittedRecord(
    { ...current, promotions, revision: current.revision + 1, updatedAt: deps.now().toISOString() },
    node ? [node] : [],
  );
  if (!(await deps.campaigns.replace(next))) {
    throw new ConflictError('The campaign changed meanwhile; read it again and retry', 'CAMPAIGN_CHANGED');
  }
  return next;
}

/**
 * A person promotes an arm (split) or a subject variant (email node) of a node of any published
 * version (the draft's before a first publish): judged against the newest version whose node of
 * that id takes it, so a split only an older version still running has can be promoted. Refused
 * (the newest version's reason) when no version's node takes it; 404 when none has the node.
 */
export async function promoteNode(
  workspaceId: string,
  campaignId: string,
  node: string,
  body: PromoteBody,
  userId: string,
  deps: CampaignDeps,
): Promise<Campaign> {
  const campaign = await writableCampaign(workspaceId, campaignId, deps);
  const at = deps.now().toISOString();
  const promotion = await judgedAcrossVersions(campaign, node, deps, (n) => promotionOf(n, body, `user:${userId}`, at));
  return save(campaign, { ...campaign.promotions, [node]: promotion }, deps, node);
}

/**
 * Undoes a node's promotion: arrivals from now on are split as before, on every version it
 * applied to. Any promotion recorded can be undone, whatever the versions published since have
 * made of its node (dropped it, or reused its id for another kind of node). Nothing in force:
 * unchanged (a node no version has as an A/B node, with nothing recorded: 404 / 400 as a promotion).
 */
export async function undoPromotion(
  workspaceId: string,
  campaignId: string,
  node: string,
  userId: string,
  deps: CampaignDeps,
): Promise<Campaign> {
  const campaign = await writableCampaign(workspaceId, campaignId, deps);
  const current = own(campaign.promotions, node);
  if (!current) {
    await judgedAcrossVersions(campaign, node, deps, () => undefined);
    return campaign;
  }
  if (current.undone) return campaign;
  const undone: Promotion = { ...current, undone: { by: `user:${userId}`, at: deps.now().toISOString() } };
  return save(campaign, { ...campaign.promotions, [node]: undone }, deps);
}

/**
 * The promotions a journey's `promote` rules call for, given the counters: a node with the rule,
 * no promotion yet (in force or undone), and a stated test that names a winner.
 */
export function duePromotions(
  journey: Journey,
  counters: Readonly<Record<string, number>>,
  promotions: Promotions,
  now: Date,
): Record<string, Promotion> {
  const due: Record<string, Promotion> = {};
  for (const node of undecidedNodes(journey, promotions)) {
    const test = abNodeTest(node, counters);
    const verdict = test.verdict;
    if (verdict.status !== 'winner') continue;
    const decided = test.comparisons.find((c) => c.z === verdict.z) ?? test.comparisons[0];
    due[node.id] = {
      ...(node.kind === 'split'
        ? { arm: verdict.winner }
        : { variant: Number(verdict.winner), subject: node.subjectVariants?.[Number(verdict.winner)] as string }),
      by: 'auto',
      at: now.toISOString(),
      test: { metric: test.metric, z: verdict.z, p: decided?.p ?? 0, text: verdict.text },
    };
  }
  return due;
}

/**
 * The A/B nodes the `promote` rule has still to decide: a node with the rule and no promotion
 * recorded, in force or undone (an undone one is a person's decision: never promoted again).
 */
export function undecidedNodes(journey: Journey, promotions: Promotions | undefined): AbNode[] {
  return journey.nodes.filter((n): n is AbNode => isAbNode(n) && n.promote !== undefined && !own(promotions, n.id));
}

/** Where a node's `promote` rule stands, as the stats show it (nodes without the rule: none). */
export type AutoPromotionState =
  /** A promotion by the rule is in force. */
  | { readonly status: 'promoted'; readonly text: string }
  /** The test names a winner: the engine promotes it at the node's next arrival. */
  | { readonly status: 'due'; readonly winner: string; readonly text: string }
  /** No winner yet: arrivals are split. */
  | { readonly status: 'waiting'; readonly text: string }
  /** A person promoted the node, or undid a promotion: the rule decides nothing more. */
  | { readonly status: 'overridden'; readonly text: string }
  /**
   * The test names a winner, but the campaign record could not hold its promotion even after
   * pruning (campaign-size.ts, 413 `PAYLOAD_TOO_LARGE`): not tried again until the campaign changes
   * (any write: a smaller draft, a publish, a status change). `refused` says why and when.
   */
  | {
      readonly status: 'refused';
      readonly winner: string;
      readonly text: string;
      readonly refused: {
        readonly code: string;
        readonly reason: string;
        readonly at: string;
        readonly revision: number;
      };
    };

function autoPromotionState(
  node: AbNode,
  counters: Readonly<Record<string, number>>,
  promotion: Promotion | undefined,
  refusal: PromotionRefusal | undefined,
): AutoPromotionState | undefined {
  if (!node.promote) return undefined;
  if (promotion?.undone) {
    return { status: 'overridden', text: 'Promotion undone: not promoted again automatically' } as const;
  }
  if (promotion) {
    return promotion.by === 'auto'
      ? ({ status: 'promoted', text: `Promoted automatically: ${promotion.test?.text ?? 'winner'}` } as const)
      : ({ status: 'overridden', text: 'Promoted by hand' } as const);
  }
  const verdict = abNodeTest(node, counters).verdict;
  if (verdict.status === 'winner' && refusal?.nodes.includes(node.id)) {
    const { code, reason, at, revision } = refusal;
    return {
      status: 'refused',
      winner: verdict.winner,
      text: `${verdict.text}: not promoted, the campaign record cannot hold it (${code}); tried again once the campaign changes`,
      refused: { code, reason, at, revision },
    };
  }
  return verdict.status === 'winner'
    ? ({
        status: 'due',
        winner: verdict.winner,
        text: `${verdict.text}: promoted automatically at the next arrival`,
      } as const)
    : ({ status: 'waiting', text: verdict.text } as const);
}

type WithAuto<T> = Record<string, T & { autoPromotion?: AutoPromotionState }>;
export type RunningStats = Omit<CampaignStats, 'splits' | 'variants'> & {
  readonly splits: WithAuto<CampaignStats['splits'][string]>;
  readonly variants: WithAuto<CampaignStats['variants'][string]>;
};

/**
 * What `GET /api/campaigns/{id}/stats` answers: the counters described over the journey contacts
 * run on (the published version, whatever a PATCH has since made of the draft), with the
 * promotions in force and, for a node with a `promote` rule, where the rule stands
 * (`autoPromotion`: promoted, due at the next arrival, waiting, overridden by a person, refused
 * for the record's size at the campaign's current revision). A read: it writes nothing (the
 * engine applies the rule: {@link autoPromoter}).
 */
export async function runningStats(
  campaign: Campaign,
  counters: Readonly<Record<string, number>>,
  deps: Pick<CampaignDeps, 'campaigns'> & { readonly refusals?: Pick<PromotionRefusals, 'of'> },
): Promise<{ stats: RunningStats }> {
  const journey = await runningJourney(campaign, deps);
  const promotions = campaign.promotions ?? {};
  // Only a refusal at the revision read stands: any change since (a write of the record) has it tried again.
  const recorded = await deps.refusals?.of(campaign.workspaceId, campaign.campaignId);
  const refusal = recorded?.revision === campaign.revision ? recorded : undefined;
  const stats = campaignStats(counters, journey, promotions);
  const splits: RunningStats['splits'] = { ...stats.splits };
  const variants: RunningStats['variants'] = { ...stats.variants };
  for (const node of journey.nodes) {
    if (!isAbNode(node)) continue;
    const state = autoPromotionState(node, counters, own(promotions, node.id), refusal);
    if (!state) continue;
    const into = node.kind === 'split' ? splits : variants;
    const entry = into[node.id];
    if (entry) into[node.id] = { ...entry, autoPromotion: state };
  }
  return { stats: { ...stats, splits, variants } };
}

/** An automatic promotion the engine wrote, for its record (audited in its write; the worker logs it too). */
export interface AutoPromoted {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly node: string;
  readonly promotion: Promotion;
  /** The campaign's revision the promotion was written at. */
  readonly revision: number;
}

/**
 * The audit entry of an automatic promotion: `campaigns.promote` / `AUTO` by the system (the
 * campaign engine), written in the same transaction as the promotion (`CampaignStore.replace`).
 */
export function autoPromotionAudit(event: AutoPromoted): AuditEntry {
  return {
    workspaceId: event.workspaceId,
    eventType: 'campaigns.promote',
    eventAction: 'AUTO',
    actorType: 'system',
    actorId: 'campaign-engine',
    resourceType: 'campaigns',
    resourceId: event.campaignId,
    metadata: { node: event.node, revision: event.revision, promotion: { ...event.promotion } },
  };
}

/**
 * An automatic promotion the campaign record could not hold, even after pruning what it may drop
 * (campaign-size.ts `fittedRecord`: 413 `PAYLOAD_TOO_LARGE`). A permanent refusal while the record
 * stays as it is: the rule does not try again until the campaign changes (its revision moves: a
 * smaller draft saved, a version published, a status change), and the stats say so
 * (`autoPromotion.status: 'refused'`).
 */
export interface PromotionRefusal {
  readonly workspaceId: string;
  readonly campaignId: string;
  /** The campaign's revision it was refused at. */
  readonly revision: number;
  /**
   * The published versions it was judged on at that revision (each keeps its own nodes from the
   * pruning, so a step of another version is judged once more, and added here if refused too).
   */
  readonly versions: readonly number[];
  /** The nodes whose promotion was refused (those of the write refused and of every write after it). */
  readonly nodes: readonly string[];
  /** The refusal's code (`PAYLOAD_TOO_LARGE`) and message (naming the record's size and its limit). */
  readonly code: string;
  readonly reason: string;
  /** Campaign time. */
  readonly at: string;
}

/** Where a campaign's last {@link PromotionRefusal} is kept (one small item per campaign). */
export interface PromotionRefusals {
  /** The campaign's last refusal (strongly consistent), if any. */
  of(workspaceId: string, campaignId: string): Promise<PromotionRefusal | undefined>;
  /** Records `refusal`, replacing the campaign's last one (a repeat writes the same). */
  record(refusal: PromotionRefusal): Promise<void>;
}

/** Refusals kept in this container only (the default of {@link autoPromoter} without a store). */
export function memoryPromotionRefusals(): PromotionRefusals {
  const kept = new Map<string, PromotionRefusal>();
  const key = (workspaceId: string, campaignId: string) => `${workspaceId}\u0000${campaignId}`;
  return {
    of: async (workspaceId, campaignId) => kept.get(key(workspaceId, campaignId)),
    record: async (refusal) => void kept.set(key(refusal.workspaceId, refusal.campaignId), refusal),
  };
}

export interface AutoPromotionDeps {
  readonly campaigns: CampaignStore;
  /**
   * Where a promotion refused for the record's size is kept, so that no container tries it again
   * until the campaign changes, and the stats can say so; absent: this container only.
   */
  readonly refusals?: PromotionRefusals;
  /** Told once of each refusal recorded (a log line); absent: nothing. */
  readonly refused?: (refusal: PromotionRefusal) => void;
  /** The campaign's counters: one Query of its stats items (dynamo-enrolments.ts `campaignCounters`). */
  readonly counters: (workspaceId: string, campaignId: string) => Promise<Readonly<Record<string, number>>>;
  /** Campaign time: what a promotion's `at` says. */
  readonly now: () => Date;
  /** Told of each promotion written (by the system: `by: 'auto'`), once, after its write (a log line). */
  readonly promoted: (event: AutoPromoted) => Promise<void> | void;
  /** Told when the check failed: the arrival goes on as if nothing were due (next check: a minute later). */
  readonly failed: (error: unknown, at: { workspaceId: string; campaignId: string }) => void;
  /** How long a campaign's counters, once read, answer this container (default 60 s, real time). */
  readonly checkEveryMs?: number;
  /** Campaigns remembered at most (the oldest goes first; default 1000). */
  readonly maxCampaigns?: number;
  /** The real clock the check interval runs on (default `Date.now`). */
  readonly realNowMs?: () => number;
}

/** How often a container reads a campaign's counters for its `promote` rules, at most. */
export const AUTO_PROMOTION_CHECK_MS = 60_000;

/**
 * The engine's side of the `promote` rule. Asked for a campaign whose version a step runs on (any
 * published version) has A/B nodes the rule has still to decide ({@link undecidedNodes}), it judges
 * them, on that version's nodes, from the campaign's counters
 * (one Query of the stats items, at most once a minute per campaign in this container; steps
 * that find nothing undecided read nothing) and, when a test names a winner, writes the promotion
 * with the campaign's revision condition and its audit entry in one transaction
 * ({@link autoPromotionAudit}: both or neither; many due at once, in writes of at most
 * `MAX_AUDIT_PER_CHANGE`, one after the other), tells `promoted`, and answers
 * the promotions now recorded for those nodes, so the very arrival that found it due takes the
 * winner. A concurrent change of the campaign wins: the nodes' promotions as re-read are answered
 * (a person's promotion or undo, another container's promotion), or none, and the rule is tried
 * again a minute later. A promotion the record cannot hold even after pruning (campaign-size.ts,
 * 413) is no such passing failure: it is recorded as refused at the campaign's revision
 * ({@link PromotionRefusal}, told once to `refused`) and not tried again, by any container sharing
 * `refusals`, until the campaign changes. At most one write is tried per campaign and minute in this container (judged
 * on the version of the step that found a winner first: a step of another version with a winner of
 * its own has it written in a later minute); the checks of one batch share the read and the write.
 */
export function autoPromoter(deps: AutoPromotionDeps) {
  const every = deps.checkEveryMs ?? AUTO_PROMOTION_CHECK_MS;
  const maxCampaigns = deps.maxCampaigns ?? 1000;
  const realNow = deps.realNowMs ?? Date.now;
  const refusals = deps.refusals ?? memoryPromotionRefusals();
  const checks = new Map<
    string,
    { until: number; counters: Promise<Readonly<Record<string, number>>>; write?: Promise<Promotions> }
  >();

  const write = async (
    workspaceId: string,
    campaignId: string,
    counters: Readonly<Record<string, number>>,
    version: number | undefined,
  ): Promise<Promotions> => {
    let campaign = await deps.campaigns.get(workspaceId, campaignId);
    if (campaign?.status !== 'active' || !campaign.publishedVersion) return {};
    const judgedOn = version ?? campaign.publishedVersion;
    // Refused for its size at this very revision (and version): the record cannot hold it until the
    // campaign changes, so it is not tried again (nor logged) every minute for ever.
    const refused = await refusals.of(workspaceId, campaignId);
    if (refused?.revision === campaign.revision && refused.versions.includes(judgedOn))
      return campaign.promotions ?? {};
    // Judged again on the stored nodes of the version the step runs on, whose rule it is (the
    // latest version may have dropped the node or the rule), against the promotions recorded now.
    const published = await deps.campaigns.version(workspaceId, campaignId, judgedOn);
    if (!published) return {};
    const journey = published.journey;
    const due = Object.entries(duePromotions(journey, counters, campaign.promotions ?? {}, deps.now()));
    // At most MAX_AUDIT_PER_CHANGE promotions a write (a journey may have up to 200 A/B nodes due at
    // once; one write of them all would pass DynamoDB's 100 items a transaction and fail every
    // minute for ever): the writes follow each other, each on the revision the one before wrote.
    for (let from = 0; from < due.length; from += MAX_AUDIT_PER_CHANGE) {
      const batch = due.slice(from, from + MAX_AUDIT_PER_CHANGE);
      // Within the record's bound (campaign-size.ts), the nodes of the version judged kept. Past it
      // even so, the record cannot take this write nor any after it while it stays as it is: the
      // refusal is recorded at this revision, and the promotions written before it stand.
      let next: Campaign;
      try {
        next = fittedRecord(
          {
            ...campaign,
            promotions: { ...campaign.promotions, ...Object.fromEntries(batch) },
            revision: campaign.revision + 1,
            updatedAt: deps.now().toISOString(),
          },
          journey.nodes.map((n) => n.id),
        );
      } catch (error) {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        // Refused at this revision for another version's step too: both are kept, neither tried again.
        const before = refused?.revision === campaign.revision ? refused : undefined;
        const refusal = refusalOf(
          error,
          campaign,
          [...new Set([...(before?.versions ?? []), judgedOn])],
          [...new Set([...(before?.nodes ?? []), ...due.slice(from).map(([node]) => node)])],
          deps.now(),
        );
        await refusals.record(refusal);
        deps.refused?.(refusal);
        return campaign.promotions ?? {};
      }
      const events = batch.map(
        ([node, promotion]): AutoPromoted => ({ workspaceId, campaignId, node, promotion, revision: next.revision }),
      );
      // Each promotion's audit entry in the promotion's own write: both land or neither (a failed
      // write throws: those not written yet are not promoted, tried again a minute later; those
      // written stand, recorded, so no retry writes them twice), never a promotion unaudited.
      const audit = events.map((event) => newAuditRecord(autoPromotionAudit(event), new Date(realNow())));
      if (!(await deps.campaigns.replace(next, { audit }))) {
        return (await deps.campaigns.get(workspaceId, campaignId))?.promotions ?? {};
      }
      for (const event of events) await deps.promoted(event);
      campaign = next;
    }
    return campaign.promotions ?? {};
  };

  return {
    /**
     * The promotions now recorded for `journey`'s undecided nodes (`journey`: that of published
     * version `version`, the one the step runs on, default the latest; `promotions`: those the
     * step loaded), after writing any the counters call for; empty when none.
     */
    async promotionsFor(
      workspaceId: string,
      campaignId: string,
      journey: Journey,
      promotions: Promotions | undefined,
      version?: number,
    ): Promise<Promotions> {
      const undecided = undecidedNodes(journey, promotions);
      if (undecided.length === 0) return {};
      try {
        const key = `${workspaceId}\u0000${campaignId}`;
        const nowMs = realNow();
        let check = checks.get(key);
        if (!check || check.until <= nowMs) {
          // A failed read stays for the minute too: an outage costs one try a minute, not one per step.
          check = { until: nowMs + every, counters: deps.counters(workspaceId, campaignId) };
          checks.delete(key);
          checks.set(key, check);
          while (checks.size > maxCampaigns) {
            const oldest = checks.keys().next().value;
            if (oldest === undefined) break;
            checks.delete(oldest);
          }
        }
        const counters = await check.counters;
        if (Object.keys(duePromotions(journey, counters, promotions ?? {}, deps.now())).length === 0) return {};
        check.write ??= write(workspaceId, campaignId, counters, version);
        const recorded = await check.write;
        return Object.fromEntries(
          undecided.flatMap((n) => {
            const promotion = own(recorded, n.id);
            return promotion ? [[n.id, promotion]] : [];
          }),
        );
      } catch (error) {
        deps.failed(error, { workspaceId, campaignId });
        return {};
      }
    },
  };
}

export type AutoPromoter = ReturnType<typeof autoPromoter>;

function refusalOf(
  error: AppError,
  campaign: Campaign,
  versions: number[],
  nodes: string[],
  now: Date,
): PromotionRefusal {
  const { workspaceId, campaignId, revision } = campaign;
  return {
    workspaceId,
    campaignId,
    revision,
    versions,
    nodes,
    code: error.code,
    reason: error.message,
    at: now.toISOString(),
  };
}

/**
 * The step runner's view of a campaign with the `promote` rule applied: an active campaign's
 * running version, with the promotions the rule has just written added to its rules (split.ts
 * `promotedArm`/`promotedVariant` pick the winner from them: execute-node.ts's split branch and
 * email branch, and `unrecordedChoice`, which records a subject line before its mail is queued).
 * A paused, archived or unpublished campaign is passed through as loaded.
 */
export function autoPromotingVersions(versions: CampaignVersions, promoter: AutoPromoter): CampaignVersions {
  return {
    async load(workspaceId, campaignId, version) {
      const loaded = await versions.load(workspaceId, campaignId, version);
      if (!loaded?.published || loaded.status !== 'active') return loaded;
      const { journey, rules } = loaded.published;
      const added = await promoter.promotionsFor(
        workspaceId,
        campaignId,
        journey,
        rules.promotions,
        loaded.published.version,
      );
      if (Object.keys(added).length === 0) return loaded;
      return {
        ...loaded,
        published: { ...loaded.published, rules: { ...rules, promotions: { ...rules.promotions, ...added } } },
      };
    },
  };
}
