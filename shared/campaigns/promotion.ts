/**
 * Promoting the winner of an A/B node: from the promotion on, every contact *arriving* at the
 * node takes the winning arm (or subject variant); contacts already past it keep what they got,
 * and a split's holdout stays a holdout (it is the measurement group, not an arm). A promotion is
 * kept on the campaign record, not in a new version: it applies to every published version
 * running, through the rules the step runner loads with the version (dynamo-campaigns.ts).
 *
 * Manual: a person promotes or undoes one (the campaign routes). Automatic: a node with
 * `promote` is promoted once its stated test (ab-test.ts) names a winner at 95% with enough
 * contacts per arm; that is judged from the counters when they are read, never by a scan.
 * An undone promotion is kept as undone, so the automatic rule does not bring it back.
 */
import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type Campaign, type CampaignDeps, getCampaign, runningJourney } from './campaign';
import type { Journey } from './journey';
import { nodeId } from './journey';
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

async function writableCampaign(workspaceId: string, campaignId: string, deps: Pick<CampaignDeps, 'campaigns'>) {
  const campaign = await getCampaign(workspaceId, campaignId, deps);
  if (campaign.status === 'archived') {
    throw new ConflictError('An archived campaign cannot change', 'CAMPAIGN_ARCHIVED');
  }
  return campaign;
}

async function abNodeOf(campaign: Campaign, id: string, deps: Pick<CampaignDeps, 'campaigns'>): Promise<AbNode> {
  const node = (await runningJourney(campaign, deps)).nodes.find((n) => n.id === id);
  if (!node) throw new NotFoundError(`The journey has no node "${id}"`, 'NODE_NOT_FOUND');
  if (!isAbNode(node)) {
    throw new ValidationError(
      `Node "${id}" is neither a split nor an email node with subject variants`,
      'NOT_AN_AB_NODE',
    );
  }
  return node;
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

async function save(current: Campaign, promotions: Promotions, deps: CampaignDeps): Promise<Campaign> {
  const next: Campaign = {
    ...current,
    promotions,
    revision: current.revision + 1,
    updatedAt: deps.now().toISOString(),
  };
  if (!(await deps.campaigns.replace(next))) {
    throw new ConflictError('The campaign changed meanwhile; read it again and retry', 'CAMPAIGN_CHANGED');
  }
  return next;
}

/** A person promotes an arm (split) or a subject variant (email node). */
export async function promoteNode(
  workspaceId: string,
  campaignId: string,
  node: string,
  body: PromoteBody,
  userId: string,
  deps: CampaignDeps,
): Promise<Campaign> {
  const campaign = await writableCampaign(workspaceId, campaignId, deps);
  const promotion = promotionOf(await abNodeOf(campaign, node, deps), body, `user:${userId}`, deps.now().toISOString());
  return save(campaign, { ...campaign.promotions, [node]: promotion }, deps);
}

/** Undoes a node's promotion: arrivals from now on are split as before. Nothing in force: unchanged. */
export async function undoPromotion(
  workspaceId: string,
  campaignId: string,
  node: string,
  userId: string,
  deps: CampaignDeps,
): Promise<Campaign> {
  const campaign = await writableCampaign(workspaceId, campaignId, deps);
  await abNodeOf(campaign, node, deps);
  const current = campaign.promotions?.[node];
  if (!current || current.undone) return campaign;
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
  for (const node of journey.nodes) {
    if (!isAbNode(node) || !node.promote || promotions[node.id]) continue;
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
 * Applies the automatic promotions the counters call for (when stats are read). A concurrent
 * change of the campaign wins: the next read tries again. Returns the campaign as it stands.
 */
export async function autoPromote(
  campaign: Campaign,
  counters: Readonly<Record<string, number>>,
  deps: CampaignDeps,
): Promise<Campaign> {
  if (campaign.status === 'archived' || !campaign.publishedVersion) return campaign;
  return promoteDue(campaign, await runningJourney(campaign, deps), counters, deps);
}

/**
 * What `GET /api/campaigns/{id}/stats` answers: the counters described over the journey contacts
 * run on (the published version, whatever a PATCH has since made of the draft), after the
 * automatic promotions they call for on that same journey. One version read for both.
 */
export async function runningStats(
  campaign: Campaign,
  counters: Readonly<Record<string, number>>,
  deps: CampaignDeps,
): Promise<{ campaign: Campaign; stats: CampaignStats }> {
  const journey = await runningJourney(campaign, deps);
  const promoted =
    campaign.status === 'archived' || !campaign.publishedVersion
      ? campaign
      : await promoteDue(campaign, journey, counters, deps);
  return { campaign: promoted, stats: campaignStats(counters, journey, promoted.promotions) };
}

async function promoteDue(
  campaign: Campaign,
  journey: Journey,
  counters: Readonly<Record<string, number>>,
  deps: CampaignDeps,
): Promise<Campaign> {
  const due = duePromotions(journey, counters, campaign.promotions ?? {}, deps.now());
  if (Object.keys(due).length === 0) return campaign;
  const next: Campaign = {
    ...campaign,
    promotions: { ...campaign.promotions, ...due },
    revision: campaign.revision + 1,
    updatedAt: deps.now().toISOString(),
  };
  return (await deps.campaigns.replace(next)) ? next : campaign;
}
