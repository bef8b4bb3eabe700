/**
 * Campaigns as a user manages them: a draft (journey + rules) edited freely, published as
 * frozen versions, and a status with the transitions a person may make. Illegal transitions
 * are 409s; a journey that breaks a graph rule is a 400 naming the node.
 *
 * What is checked on save and publish (all problems in one 400 `INVALID_JOURNEY`): the journey's
 * graph rules and its rules together (`campaignProblems`: the campaign goal as a node condition,
 * a trigger the journey's own mail would fire without end), and a schedule trigger that could
 * never launch, whenever the trigger is new or changed (see {@link scheduleProblems}). What a
 * journey names outside the campaign record (the members its notify-user nodes notify) is checked
 * by the caller on save and again by publish's `prepare`, before anything is frozen: it may have
 * changed in between (a member removed), as templates may.
 *
 * `journey` is the draft. What contacts run on is the published version ({@link runningJourney}).
 *
 * The time zone: a campaign saved without one (created without `rules.timeZone`, or a PATCH that
 * removes it) takes the workspace's (the setting `workspace.time_zone`, settings.ts
 * `workspaceTimeZone`) at that moment, else UTC, stored in its rules: GET shows it, publish freezes
 * it, and a later change of the setting moves no existing campaign.
 */
import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { SettingStore } from '../governance/ports';
import { workspaceTimeZone } from '../governance/settings';
import type { AuditInWrite, AuditRecord } from '../identity/ports';
import { singleLineText } from '../security/single-line-text';
import { type AiCopyApprovals, assertAiCopyApproved } from './ai-copy-rules';
import { assertDraftFits, fittedRecord } from './campaign-size';
import { triggerWiring } from './campaign-triggers';
import { condition } from './conditions';
import type { CampaignRules, PublishedVersion } from './enrolment';
import { frequencyCap } from './frequency-cap';
import { type Journey, journey } from './journey';
import { assertNoProblems, campaignProblems, type JourneyPolicy, type JourneyProblem } from './journey-rules';
import type { Promotions } from './promotion';
import { sendWindow, timeZone } from './send-window';
import { scheduleNeverFires, type TriggerKey, type TriggerOn, triggerOf } from './trigger';

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const reentry = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('never') }),
  z.strictObject({ mode: z.literal('always') }),
  z.strictObject({ mode: z.literal('after'), days: z.number().check(z.int(), z.gte(1), z.lte(365)) }),
]);
const campaignGoal = z.strictObject({ if: condition, withinDays: z.number().check(z.int(), z.gte(1), z.lte(90)) });

/** The zone of a campaign whose workspace has none (the setting `workspace.time_zone` unset). */
export const DEFAULT_TIME_ZONE = 'UTC';

const ruleShape = {
  sendWindow: z.optional(sendWindow),
  frequencyCap: z.optional(frequencyCap),
  reentry: z._default(reentry, { mode: 'never' }),
  goal: z.optional(campaignGoal),
};

/**
 * The rules as given: without `timeZone`, the save fills in the workspace's ({@link zonedRules}).
 * Re-entry defaults to `never`.
 */
export const campaignRules = z.strictObject({ timeZone: z.optional(timeZone), ...ruleShape });
type RulesInput = z.infer<typeof campaignRules>;

/**
 * The rules of a PATCH, merged key by key into the draft's (JSON Merge Patch, RFC 7396): a rule
 * given replaces that rule, `null` removes it (back to the default: the workspace's time zone as
 * it is now, else UTC; re-entry `never`), a rule left out stays. Before, `rules` replaced them all:
 * `{"rules": {"timeZone": "Europe/Paris"}}` silently dropped the send window, the frequency cap and
 * the goal.
 */
const rulesPatch = z.strictObject({
  timeZone: z.optional(z.nullable(timeZone)),
  sendWindow: z.optional(z.nullable(sendWindow)),
  frequencyCap: z.optional(z.nullable(frequencyCap)),
  reentry: z.optional(z.nullable(reentry)),
  goal: z.optional(z.nullable(campaignGoal)),
});

function mergeRules(current: CampaignRules, patch: z.infer<typeof rulesPatch>): RulesInput {
  const next: Record<string, unknown> = { ...current };
  for (const [rule, value] of Object.entries(patch)) {
    if (value === null) delete next[rule];
    else if (value !== undefined) next[rule] = value;
  }
  // Each part was checked on its own; the whole gets its defaults back (a removed re-entry: never;
  // a removed time zone: the workspace's, filled in by the save). A rule kept from the draft that
  // today's checks refuse (a UTC offset saved as its zone before offsets were refused) is a 400.
  const merged = campaignRules.safeParse(next);
  if (merged.success) return merged.data;
  const issue = merged.error.issues[0];
  const at = ['rules', ...(issue?.path ?? []).map(String)].join('.');
  throw new ValidationError(`${at}: ${issue?.message ?? 'not valid'} (set it in this PATCH)`);
}

/**
 * The rules with a time zone: their own, else the workspace's now (one settings read, only then),
 * else {@link DEFAULT_TIME_ZONE}. Stored on the campaign, so nothing reads the setting again.
 */
async function zonedRules(
  workspaceId: string,
  rules: RulesInput,
  deps: Pick<CampaignDeps, 'settings'>,
): Promise<CampaignRules> {
  if (rules.timeZone !== undefined) return rules as CampaignRules;
  const zone = deps.settings ? await workspaceTimeZone(workspaceId, { settings: deps.settings }) : undefined;
  return { ...rules, timeZone: zone ?? DEFAULT_TIME_ZONE } as CampaignRules;
}

/**
 * One line of human text (shared/security/single-line-text.ts), like every name that may reach a
 * mail header: it is the Subject of every notify-user mail (notify-member.ts).
 */
const name = singleLineText(200);

export const createCampaignBody = z.strictObject({
  name,
  description: z.optional(z.string().check(z.maxLength(2000))),
  journey,
  rules: z._default(campaignRules, { reentry: { mode: 'never' } }),
});
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

export const updateCampaignBody = z
  .strictObject({
    name: z.optional(name),
    description: z.optional(z.string().check(z.maxLength(2000))),
    journey: z.optional(journey),
    rules: z.optional(rulesPatch),
  })
  .check(z.refine((b) => Object.keys(b).length > 0, 'Nothing to change'));
export type UpdateCampaignBody = z.infer<typeof updateCampaignBody>;

export interface Campaign {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly name: string;
  readonly description?: string;
  readonly status: CampaignStatus;
  /** The draft: what the next publish freezes. */
  readonly journey: Journey;
  readonly rules: CampaignRules;
  /** The latest published version (new enrolments run on it). */
  readonly publishedVersion?: number;
  /** Winners of A/B nodes promoted by node id (promotion.ts): they apply to every running version. */
  readonly promotions?: Promotions;
  /** Approved AI copy by node id (ai-copy-rules.ts); written only by the approve route. */
  readonly aiCopyApprovals?: AiCopyApprovals;
  /** Bumped on every change: writes are conditional on it. */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

/**
 * A campaign's trigger wiring (campaign-triggers.ts `triggerWiring`), written with the record in
 * one write: its entry in the workspace's trigger index (undefined: none), and its schedule slot,
 * computed from the slot the record holds when written (undefined: none).
 */
export interface TriggerWiring {
  readonly entry: TriggerKey | undefined;
  readonly slot: (pending: string | undefined) => string | undefined;
  /**
   * True for a paused campaign: the slot the record holds (due or not) is kept on the record, out
   * of the due index, so no trigger run launches it while paused and the resume finds it
   * (`pending`, given to the resume's `slot`).
   */
  readonly holds?: boolean;
}

/**
 * What a status change leaves to be done after its write: `resume-page`, the pass that brings the
 * campaign's held enrolments back (to run on after a resume, to exit after an archive). An outbox:
 * the marker is written in the status change's own write, so a change never lands without it;
 * the route sends the message at once, the sweeper sends any marker still pending after its grace
 * period, and the marker goes once the message is queued (resume-and-sweep.ts `sendFollowUp`).
 */
export type CampaignFollowUp = 'resume-page';

export interface CampaignStore {
  get(workspaceId: string, campaignId: string): Promise<Campaign | undefined>;
  list(
    workspaceId: string,
    page: { limit: number; cursor?: string; status?: CampaignStatus },
  ): Promise<{ campaigns: Campaign[]; nextCursor?: string }>;
  create(campaign: Campaign): Promise<void>;
  /**
   * Writes `next` if the stored revision is still `next.revision - 1`; false otherwise. `audit`
   * entries (at most `MAX_AUDIT_PER_CHANGE`, ports.ts; more is refused with an error, nothing written)
   * are written in the same transaction: with the change, or not at all. So is `wiring`:
   * the slot and index entry are those of the record as written (the slot it held then, which a
   * trigger run may move meanwhile). Without it, the record's slot and entry stay as they are.
   */
  replace(
    next: Campaign,
    options?: {
      readonly audit?: readonly AuditRecord[];
      readonly wiring?: TriggerWiring;
      /**
       * The pending follow-up ({@link CampaignFollowUp}) written with the change, stamped with its
       * revision: a kind sets it, null removes it, absent leaves it as it is.
       */
      readonly followUp?: CampaignFollowUp | null;
    },
  ): Promise<boolean>;
  /** Writes `next` and freezes `version` with it, in one transaction (same rules, `wiring` too). */
  publish(next: Campaign, version: PublishedVersion, options?: { readonly wiring?: TriggerWiring }): Promise<boolean>;
  version(workspaceId: string, campaignId: string, version: number): Promise<PublishedVersion | undefined>;
}

export interface CampaignDeps {
  readonly campaigns: CampaignStore;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Where webhooks may point (journey-rules.ts); absent: the strict policy. */
  readonly journeyPolicy?: JourneyPolicy;
  /**
   * The real clock, which schedule slots are computed on (the trigger sync's and the scheduled
   * function's), as against `now`, campaign time (TIME_SCALE locally); absent: the system clock.
   */
  readonly realNow?: () => Date;
  /**
   * True: each publish, status change and edit of a published campaign writes its trigger wiring
   * (index entry, schedule slot) in the same write as the record, so no failure leaves one without
   * the other. Absent: the record alone, and the caller syncs the wiring after it
   * (campaign-triggers.ts `syncCampaignTriggers`).
   */
  readonly wiresTriggers?: boolean;
  /**
   * The workspace's settings, read for its time zone (settings.ts `workspaceTimeZone`) when a save
   * leaves the campaign without one; absent: such a campaign gets {@link DEFAULT_TIME_ZONE}.
   */
  readonly settings?: Pick<SettingStore, 'get'>;
}

/** Who may move a campaign from which status to which. */
const TRANSITIONS: Readonly<Record<string, Readonly<Partial<Record<CampaignStatus, CampaignStatus>>>>> = {
  pause: { active: 'paused' },
  resume: { paused: 'active' },
  archive: { draft: 'archived', active: 'archived', paused: 'archived' },
};
export type CampaignTransition = keyof typeof TRANSITIONS;

/**
 * The follow-up each transition leaves pending, written with its status (the outbox): resume and
 * archive page the held enrolments back (to run on, to exit). A pause removes one still pending:
 * its pass would find the campaign paused and do nothing; the next resume writes its own.
 */
const FOLLOW_UPS: Readonly<Record<string, CampaignFollowUp | null>> = {
  pause: null,
  resume: 'resume-page',
  archive: 'resume-page',
};

export async function createCampaign(
  workspaceId: string,
  userId: string,
  body: CreateCampaignBody,
  deps: CampaignDeps,
): Promise<Campaign> {
  const at = deps.now().toISOString();
  const campaign: Campaign = {
    workspaceId,
    campaignId: deps.newId(),
    name: body.name,
    ...(body.description ? { description: body.description } : {}),
    status: 'draft',
    journey: body.journey,
    rules: await zonedRules(workspaceId, body.rules, deps),
    revision: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: userId,
  };
  assertValidCampaign(campaign, deps, { scheduleFrom: undefined });
  assertDraftFits(campaign);
  await deps.campaigns.create(campaign);
  return campaign;
}

export async function getCampaign(workspaceId: string, campaignId: string, deps: Pick<CampaignDeps, 'campaigns'>) {
  const found = await deps.campaigns.get(workspaceId, campaignId);
  if (!found) throw new NotFoundError('Campaign not found', 'CAMPAIGN_NOT_FOUND');
  return found;
}

/**
 * The campaign, to be changed: 404 `CAMPAIGN_NOT_FOUND` when there is none, 409
 * `CAMPAIGN_ARCHIVED` when it is archived (read-only: its draft, promotions, tokens, secrets and
 * enrolments stay as they are; its held enrolments exit through the archive's own pass).
 */
export async function writableCampaign(
  workspaceId: string,
  campaignId: string,
  deps: Pick<CampaignDeps, 'campaigns'>,
): Promise<Campaign> {
  const campaign = await getCampaign(workspaceId, campaignId, deps);
  if (campaign.status === 'archived') {
    throw new ConflictError('An archived campaign cannot change', 'CAMPAIGN_ARCHIVED');
  }
  return campaign;
}

/**
 * The journey contacts run on now: the latest published version's (the draft before a first
 * publish). Everything that describes or acts on running enrolments (stats, promotion) reads
 * this, never `campaign.journey`, which is only the draft the next publish freezes.
 */
export async function runningJourney(campaign: Campaign, deps: Pick<CampaignDeps, 'campaigns'>): Promise<Journey> {
  if (!campaign.publishedVersion) return campaign.journey;
  const published = await deps.campaigns.version(campaign.workspaceId, campaign.campaignId, campaign.publishedVersion);
  return published?.journey ?? campaign.journey;
}

/** Refuses to enrol into a campaign that is not active (409 `CAMPAIGN_NOT_ACTIVE`): every way in says the same. */
export function assertEnrols(campaign: Pick<Campaign, 'status'>): void {
  if (campaign.status === 'active') return;
  throw new ConflictError(
    `Only an active campaign enrols contacts; this one is ${campaign.status}${campaign.status === 'draft' ? ' (publish it first)' : ''}`,
    'CAMPAIGN_NOT_ACTIVE',
  );
}

/** Edits the draft; running enrolments stay on their published version. Archived campaigns are read-only. */
export async function updateCampaign(
  workspaceId: string,
  campaignId: string,
  body: UpdateCampaignBody,
  deps: CampaignDeps,
): Promise<Campaign> {
  const current = await writableCampaign(workspaceId, campaignId, deps);
  const edited: Campaign = {
    ...current,
    ...(body.name ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.journey ? { journey: body.journey } : {}),
    ...(body.rules ? { rules: await zonedRules(workspaceId, mergeRules(current.rules, body.rules), deps) } : {}),
    revision: current.revision + 1,
    updatedAt: deps.now().toISOString(),
  };
  // The journey and the rules are checked together whenever either changes (a rules edit can make
  // the journey's trigger loop, or bring a goal about a node the journey lacks); a rename is not.
  if (body.journey || body.rules) assertValidCampaign(edited, deps, { scheduleFrom: triggerOf(current.journey) });
  // Room kept for what later writes add (campaign-size.ts): a 413 naming the limit, never a record
  // saved so close to DynamoDB's 400 KB that it can no longer be archived, resumed or promoted.
  assertDraftFits(edited);
  const next = fittedRecord(edited);
  // The published version's wiring, unchanged by an edit: written again, it mends one that is missing.
  return saveOrConflict(next, deps, await wiringOf(next, deps));
}

/**
 * Freezes the draft as the next version; a draft campaign becomes active.
 * @throws 409 `AI_COPY_NOT_APPROVED` naming the email nodes whose AI copy nobody approved.
 */
export async function publishCampaign(
  workspaceId: string,
  campaignId: string,
  deps: CampaignDeps,
  /**
   * Checks the draft against the state outside the campaign record that a save checks (the
   * members its notify-user nodes name), since that may have changed after the save, and each
   * email node's template; returns the journey to freeze, each template's version pinned (the
   * latest when the node names none). Throws 400 `INVALID_JOURNEY` naming the node.
   */
  prepare: (journey: Journey) => Promise<Journey>,
): Promise<Campaign> {
  const current = await getCampaign(workspaceId, campaignId, deps);
  if (current.status === 'archived')
    throw new ConflictError('An archived campaign cannot be published', 'CAMPAIGN_ARCHIVED');
  const live = current.publishedVersion
    ? await deps.campaigns.version(workspaceId, campaignId, current.publishedVersion)
    : undefined;
  assertValidCampaign(current, deps, { scheduleFrom: live ? triggerOf(live.journey) : undefined });
  assertAiCopyApproved(current.journey, current.aiCopyApprovals);
  const pinned = await prepare(current.journey);
  const version = (current.publishedVersion ?? 0) + 1;
  const next: Campaign = {
    ...current,
    status: current.status === 'draft' ? 'active' : current.status,
    publishedVersion: version,
    revision: current.revision + 1,
    updatedAt: deps.now().toISOString(),
  };
  const frozen: PublishedVersion = { workspaceId, campaignId, version, journey: pinned, rules: current.rules };
  const wiring = await wiringOf(next, deps, frozen);
  const saved = wiring ? deps.campaigns.publish(next, frozen, { wiring }) : deps.campaigns.publish(next, frozen);
  if (!(await saved)) throw concurrentChange();
  return next;
}

/**
 * Moves the campaign to the transition's status, in one write with its trigger wiring (a pause
 * holds the schedule slot, a resume puts it back), its pending follow-up ({@link FOLLOW_UPS}) and,
 * given `audit`, its audit entry (marked written): the change, its follow-up and its record land
 * together or not at all.
 */
export async function transitionCampaign(
  workspaceId: string,
  campaignId: string,
  transition: CampaignTransition,
  deps: CampaignDeps,
  options: { readonly audit?: AuditInWrite<Campaign> } = {},
): Promise<Campaign> {
  const current = await getCampaign(workspaceId, campaignId, deps);
  // Already there (a retry of a request whose answer was lost): the same answer, nothing written
  // (no audit entry either: the first request's stands).
  // A follow-up of the first request still pending stays pending (the caller may send it now).
  if (Object.values(TRANSITIONS[transition] ?? {}).includes(current.status)) return current;
  const to = TRANSITIONS[transition]?.[current.status];
  if (!to) {
    throw new ConflictError(`A ${current.status} campaign cannot ${transition}`, 'ILLEGAL_CAMPAIGN_TRANSITION', {
      details: { status: current.status, transition },
    });
  }
  const next: Campaign = {
    ...current,
    status: to,
    revision: current.revision + 1,
    updatedAt: deps.now().toISOString(),
  };
  const wiring = await wiringOf(next, deps);
  const audit = options.audit ? [options.audit.recordFor(next)] : [];
  const saved = await deps.campaigns.replace(next, {
    ...(wiring ? { wiring } : {}),
    ...(audit.length > 0 ? { audit } : {}),
    followUp: FOLLOW_UPS[transition] ?? null,
  });
  if (!saved) throw concurrentChange();
  options.audit?.markWritten();
  return next;
}

/**
 * The trigger wiring to write with `next` (when `deps.wiresTriggers`): that of its published
 * version (`published`, or read) while active, none otherwise, on the real clock, as slots are.
 * Undefined for a campaign never published (it has none) or a store left to syncs.
 */
async function wiringOf(
  next: Campaign,
  deps: Pick<CampaignDeps, 'campaigns' | 'realNow' | 'wiresTriggers'>,
  published?: PublishedVersion,
): Promise<TriggerWiring | undefined> {
  if (!deps.wiresTriggers || next.publishedVersion === undefined) return undefined;
  const running =
    next.status !== 'active'
      ? undefined
      : (published ?? (await deps.campaigns.version(next.workspaceId, next.campaignId, next.publishedVersion)));
  return triggerWiring(next.status, running, deps.realNow?.() ?? new Date());
}

/**
 * Refuses (400 `INVALID_JOURNEY`, every problem listed) a draft whose journey breaks a graph rule
 * or does not fit its rules, or whose schedule trigger could never launch. The schedule is judged
 * only when the trigger is new or changed from `scheduleFrom` (the draft's trigger before a PATCH,
 * the published version's trigger on publish): a one-off `at` that already fired stays valid, so
 * the campaign's other edits and later publishes go on as before.
 */
function assertValidCampaign(
  draft: Pick<Campaign, 'journey' | 'rules'>,
  deps: Pick<CampaignDeps, 'journeyPolicy' | 'realNow'>,
  opts: { scheduleFrom: TriggerOn | undefined },
): void {
  assertNoProblems([
    ...campaignProblems(draft.journey, draft.rules, deps.journeyPolicy),
    ...scheduleProblems(draft, opts.scheduleFrom, deps.realNow?.() ?? new Date()),
  ]);
}

/**
 * A schedule trigger with no slot after `now` (an `at` in the past, a cron for 31 February or for
 * years that are over), when it differs from `before`: it would never launch anyone. `now` is real
 * time, as the slots are: under TIME_SCALE campaign time runs ahead of it.
 */
export function scheduleProblems(
  draft: Pick<Campaign, 'journey' | 'rules'>,
  before: TriggerOn | undefined,
  now: Date,
): JourneyProblem[] {
  const on = triggerOf(draft.journey);
  if (before && sameJson(on, before)) return [];
  const why = scheduleNeverFires(on, draft.rules.timeZone, now);
  const node = draft.journey.nodes.find((n) => n.kind === 'trigger')?.id;
  return why ? [{ ...(node ? { node } : {}), message: why }] : [];
}

/** Structural equality of two JSON values, whatever their keys' order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  return (
    keys.length === Object.keys(rb).filter((k) => rb[k] !== undefined).length &&
    keys.every((k) => sameJson(ra[k], rb[k]))
  );
}

async function saveOrConflict(
  next: Campaign,
  deps: Pick<CampaignDeps, 'campaigns'>,
  wiring: TriggerWiring | undefined,
): Promise<Campaign> {
  const saved = wiring ? deps.campaigns.replace(next, { wiring }) : deps.campaigns.replace(next);
  if (!(await saved)) throw concurrentChange();
  return next;
}

const concurrentChange = () =>
  new ConflictError('The campaign changed meanwhile; read it again and retry', 'CAMPAIGN_CHANGED');

/** The public view of a campaign. */
export const campaignView = (c: Campaign) => ({
  campaignId: c.campaignId,
  name: c.name,
  ...(c.description ? { description: c.description } : {}),
  status: c.status,
  journey: c.journey,
  rules: c.rules,
  ...(c.publishedVersion ? { publishedVersion: c.publishedVersion } : {}),
  ...(c.promotions && Object.keys(c.promotions).length > 0 ? { promotions: c.promotions } : {}),
  ...(c.aiCopyApprovals && Object.keys(c.aiCopyApprovals).length > 0 ? { aiCopyApprovals: c.aiCopyApprovals } : {}),
  revision: c.revision,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
