/**
 * AI copy of campaign email nodes (docs/CAMPAIGNS.md, "AI copy"): a node with `aiCopy` gets
 * drafts from the content-personalisation agent (through the preview path: budget checked
 * before, usage recorded after, a short deadline); a person approves one, optionally edited,
 * after the compliance lint (copy-lint.ts); the approval writes the copy into a template version
 * the node then names, so the next publish freezes it. Publishing refuses a node whose request
 * has no approval (ai-copy-rules.ts).
 *
 * Drafts are written for the node's audience, not for one contact: one approved copy is sent to
 * every contact reaching the node, so no contact's data goes to the model.
 */
import * as z from 'zod/mini';
import type { AgentRequest } from '../ai/agents';
import { contentPersonalisationOutput } from '../ai/agents/content-personalisation';
import type { AiCallOutcome } from '../ai/ai-call';
import { createTemplate, getTemplate, type TemplateDeps, updateTemplate } from '../email/stored-templates';
import { assertSubjectVariantsParse, templateEngineReady } from '../email/templates';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../errors';
import type { SettingStore } from '../governance/ports';
import type { Permission } from '../identity/permissions';
import { cutTextWithEllipsis } from '../security/cut-text';
import {
  type AiCopyApproval,
  type AiCopyState,
  aiCopyState,
  assertBringsInNoProblem,
  draftHtml,
  literalSubject,
  sameAiCopyRequest,
} from './ai-copy-rules';
import { type Campaign, type CampaignDeps, getCampaign, writableCampaign } from './campaign';
import { fittedRecord } from './campaign-size';
import { type CopyLintResult, FORBIDDEN_CLAIMS_SETTING, forbiddenClaimsValue, lintCopy } from './copy-lint';
import type { AiCopyRequest, Journey, JourneyNode } from './journey';

export interface AiCopyDraft {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly nodeId: string;
  readonly draftId: string;
  /** The node's `aiCopy` when the draft was written. */
  readonly request: AiCopyRequest;
  readonly subjectLines: readonly string[];
  readonly body: string;
  readonly callToAction: string;
  /** The proposed HTML: the body, the call to action and the required footer. */
  readonly html: string;
  readonly provider: string;
  readonly model: string;
  /** Always false: an offline answer never becomes a draft. */
  readonly offline: false;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly lint: CopyLintResult;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly approved?: AiCopyApproval;
}

/** Drafts by (workspace, campaign, node); adapter shared/adapters/dynamo-campaign-ai-drafts.ts. */
export interface AiCopyDraftStore {
  put(draft: AiCopyDraft): Promise<void>;
  get(workspaceId: string, campaignId: string, nodeId: string, draftId: string): Promise<AiCopyDraft | undefined>;
  /** The node's newest drafts first, at most `limit`. */
  list(workspaceId: string, campaignId: string, nodeId: string, limit: number): Promise<AiCopyDraft[]>;
  setApproved(draft: AiCopyDraft, approval: AiCopyApproval): Promise<void>;
}

interface Caller {
  readonly workspaceId: string;
  readonly userId: string;
  /**
   * The caller's permissions in the workspace (the HTTP edge's `callerOf` always has them): an
   * approval writes an email template, so it needs `templates:write` besides the route's
   * `campaigns:write`. Absent: a caller inside the product (tests), not checked.
   */
  readonly permissions?: ReadonlySet<Permission>;
}

type EmailNode = Extract<JourneyNode, { kind: 'email' }>;
type AiCopyNode = EmailNode & { aiCopy: AiCopyRequest };

/** The workspace's forbidden claims: its own setting, else the global one; a bad value counts as none. */
export async function forbiddenClaims(workspaceId: string, settings: Pick<SettingStore, 'get'>): Promise<string[]> {
  const stored =
    (await settings.get(workspaceId, FORBIDDEN_CLAIMS_SETTING)) ??
    (await settings.get(undefined, FORBIDDEN_CLAIMS_SETTING));
  if (!stored || stored.isSecret) return [];
  try {
    const parsed = forbiddenClaimsValue.safeParse(JSON.parse(stored.valueJson));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The draft journey's node asking for AI copy. @throws NotFoundError `NODE_NOT_FOUND`, ValidationError `NO_AI_COPY`. */
export function aiCopyNode(campaign: Campaign, nodeId: string): AiCopyNode {
  const node = campaign.journey.nodes.find((n) => n.id === nodeId);
  if (!node) throw new NotFoundError(`The journey has no node "${nodeId}"`, 'NODE_NOT_FOUND');
  if (node.kind !== 'email' || !node.aiCopy) {
    throw new ValidationError(`Node "${nodeId}" is not an email node with aiCopy`, 'NO_AI_COPY');
  }
  return node as AiCopyNode;
}

export interface GenerateDraftDeps extends Pick<CampaignDeps, 'campaigns' | 'now' | 'newId'> {
  readonly drafts: Pick<AiCopyDraftStore, 'put'>;
  readonly settings: Pick<SettingStore, 'get'>;
  /** Runs the agent as a preview (shared/ai/ai-preview.ts): budget, deadline, usage, offline fallback. */
  readonly preview: (workspaceId: string, request: AgentRequest) => Promise<AiCallOutcome>;
}

/**
 * Writes a draft for the node's `aiCopy` and stores it with its lint result.
 * @throws 404 (campaign, node), 400 `NO_AI_COPY`, 409 `CAMPAIGN_ARCHIVED`, 429 `AI_BUDGET_EXCEEDED`,
 * 409 `AI_OFFLINE` (no model answered: no copy is made up) or `AI_DRAFT_FAILED` (nothing stored).
 */
export async function generateAiDraft(
  caller: Caller,
  campaignId: string,
  nodeId: string,
  deps: GenerateDraftDeps,
): Promise<AiCopyDraft> {
  const campaign = await writableCampaign(caller.workspaceId, campaignId, deps);
  const { aiCopy } = aiCopyNode(campaign, nodeId);
  const outcome = await deps.preview(caller.workspaceId, {
    agent: 'content-personalisation',
    input: {
      contact: {},
      goal: aiCopy.goal,
      tone: aiCopy.tone ?? 'friendly',
      ...(aiCopy.product ? { product: aiCopy.product } : {}),
    },
  });
  if (outcome.status === 'offline' || outcome.run?.offline) {
    throw new ConflictError('No AI model answered (offline): no draft was written; try again later', 'AI_OFFLINE');
  }
  const parsed = outcome.status === 'completed' ? contentPersonalisationOutput.safeParse(outcome.output) : undefined;
  if (!parsed?.success || !outcome.run) {
    const failure = outcome.failure ?? { kind: 'invalid-output', reason: 'The answer did not match the schema' };
    // The kind only: a stored reason may carry a provider's or an internal error's text (logged).
    throw new ConflictError(`The AI could not write a draft (${failure.kind}); try again later`, 'AI_DRAFT_FAILED', {
      details: { kind: failure.kind },
    });
  }
  const copy = parsed.data;
  const html = draftHtml(copy);
  const claims = await forbiddenClaims(caller.workspaceId, deps.settings);
  // The lint checks the rendered copy when the engine is loaded: load it first.
  await templateEngineReady();
  const draft: AiCopyDraft = {
    workspaceId: caller.workspaceId,
    campaignId,
    nodeId,
    draftId: `${deps.now().getTime().toString(36)}-${deps.newId()}`,
    request: aiCopy,
    subjectLines: copy.subjectLines.map(literalSubject),
    body: copy.body,
    callToAction: copy.callToAction,
    html,
    provider: outcome.run.provider,
    model: outcome.run.model,
    offline: false,
    tokensIn: outcome.run.inputTokens,
    tokensOut: outcome.run.outputTokens,
    costUsd: outcome.run.costUsd,
    lint: lintCopy({ subjects: copy.subjectLines.map(literalSubject), html }, claims),
    createdAt: deps.now().toISOString(),
    createdBy: caller.userId,
  };
  await deps.drafts.put(draft);
  return draft;
}

/** The node's drafts (newest first), its approval and where it stands. */
export async function listAiDrafts(
  workspaceId: string,
  campaignId: string,
  nodeId: string,
  deps: Pick<CampaignDeps, 'campaigns'> & { readonly drafts: Pick<AiCopyDraftStore, 'list'> },
): Promise<{ drafts: AiCopyDraft[]; approval: AiCopyApproval | null; state: AiCopyState }> {
  const campaign = await getCampaign(workspaceId, campaignId, deps);
  const node = aiCopyNode(campaign, nodeId);
  const approval = campaign.aiCopyApprovals?.[nodeId];
  const drafts = await deps.drafts.list(workspaceId, campaignId, nodeId, 50);
  return { drafts, approval: approval ?? null, state: aiCopyState(node, approval) };
}

export const approveBody = z
  .strictObject({
    /** One subject line (no A/B test). */
    subject: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(998))),
    /** The subject lines to send: one, or 2-5 tried against each other. Default: the draft's three. */
    subjectVariants: z.optional(
      z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(998))).check(z.minLength(1), z.maxLength(5)),
    ),
    /** The HTML as edited by the person; default the draft's. */
    html: z.optional(z.string().check(z.minLength(1), z.maxLength(100_000))),
  })
  .check(
    z.refine((b) => b.subject === undefined || b.subjectVariants === undefined, {
      message: 'Give subject or subjectVariants, not both',
      path: ['subject'],
    }),
  );
export type ApproveBody = z.infer<typeof approveBody>;

export interface ApproveDraftDeps extends CampaignDeps {
  readonly drafts: Pick<AiCopyDraftStore, 'get' | 'setApproved'>;
  readonly settings: Pick<SettingStore, 'get'>;
  readonly templates: TemplateDeps['templates'];
}

/**
 * A person approves a draft, optionally edited. The lint runs on what is approved; then the copy
 * becomes a template version (the node's own AI-copy template, made at its first approval: a
 * template other campaigns use is never changed; made again when that one was deleted, with its
 * topic) that the node names, pinned, with its subject variants; the approval is recorded on the
 * campaign and the draft, in the campaign's revision.
 * Every check that can refuse runs before the first write: the journey is judged as it will be
 * saved, by the problems the approval brings in (ai-copy-rules.ts `problemsBroughtIn`), so a stored
 * draft that breaks a rule added since, on a node the approval does not touch, does not block it
 * (publish still refuses that). A template this approval made is marked deleted again when the
 * campaign's write fails (a lost race, a storage error); a new version of the node's own template
 * stays unused (versions are immutable; the campaign names the version it sends).
 * Idempotent: the same approval again (the same draft, subjects and HTML, the node still naming
 * what it wrote: a retry after the draft's mark failed, a double click) writes nothing new, marks
 * the draft, and answers the approval as it stands.
 * @throws 403 `FORBIDDEN` (no `templates:write`), 404 `AI_DRAFT_NOT_FOUND`, 409 `AI_DRAFT_OUTDATED`
 * (the node's request changed since), 422 `COPY_LINT_FAILED` (`details.issues` by field), 400
 * `INVALID_JOURNEY` (a problem the approval would bring in), 409 `CAMPAIGN_CHANGED`.
 */
export async function approveAiDraft(
  caller: Caller,
  campaignId: string,
  nodeId: string,
  draftId: string,
  body: ApproveBody,
  deps: ApproveDraftDeps,
): Promise<{ campaign: Campaign; approval: AiCopyApproval }> {
  if (caller.permissions && !caller.permissions.has('templates:write')) {
    throw new ForbiddenError('Approving AI copy writes an email template: it needs the templates:write permission');
  }
  const campaign = await writableCampaign(caller.workspaceId, campaignId, deps);
  const node = aiCopyNode(campaign, nodeId);
  const draft = await deps.drafts.get(caller.workspaceId, campaignId, nodeId, draftId);
  if (!draft) throw new NotFoundError('No such draft for this node', 'AI_DRAFT_NOT_FOUND');
  if (!sameAiCopyRequest(draft.request, node.aiCopy)) {
    throw new ConflictError(
      `The node's aiCopy changed since this draft was written: write a new draft`,
      'AI_DRAFT_OUTDATED',
    );
  }
  const subjects = body.subject !== undefined ? [body.subject] : (body.subjectVariants ?? draft.subjectLines);
  const html = body.html ?? draft.html;
  // The lint checks the rendered copy when the engine is loaded: load it first.
  await templateEngineReady();
  const lint = lintCopy({ subjects, html }, await forbiddenClaims(caller.workspaceId, deps.settings));
  if (!lint.ok) {
    const found = lint.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw new UnprocessableError(`The copy fails the compliance lint (${found})`, 'COPY_LINT_FAILED', {
      details: { issues: lint.issues },
    });
  }
  await assertSubjectVariantsParse([{ id: nodeId, subjectVariants: subjects }]);
  const [subject = ''] = subjects;
  const previous = campaign.aiCopyApprovals?.[nodeId];
  const templateDeps = { templates: deps.templates, newId: deps.newId, now: deps.now };
  const base = await getTemplate(caller.workspaceId, node.templateId, node.version, templateDeps).catch((e) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });
  const variants = subjects.length > 1 ? subjects : undefined;
  if (previous && base && isApplied(previous, node, base, { draftId, subjects, variants, html })) {
    // This very approval is already applied (a retry after a failure past the campaign's write, a
    // double click): answer as it did, with no new template version; mark the draft, again.
    await deps.drafts.setApproved(draft, previous);
    return { campaign, approval: previous };
  }
  // The journey as it will be saved, checked before any write (the template's id and version, not
  // known yet, are no rule's concern: the node's current ones stand in for them).
  const journeyWith = (ref: { readonly templateId: string; readonly version?: number | undefined }): Journey => ({
    nodes: campaign.journey.nodes.map((n) => (n.id === nodeId ? approvedNode(node, ref, variants) : n)),
  });
  assertBringsInNoProblem(campaign.journey, journeyWith(node), deps.journeyPolicy);
  const topic = base ? base.topic : await deletedTopic(caller.workspaceId, node, deps.templates);
  const input = {
    name: cutTextWithEllipsis(`AI copy: ${campaign.name} / ${nodeId}`, 200),
    category: 'marketing' as const,
    subject,
    html,
    ...(topic ? { topic } : {}),
  };
  // Only the template an earlier approval of this node made gets a new version, while it is live:
  // deleted (before this read, or before the new version), a new one is made as at a first approval.
  const own = previous !== undefined && previous.templateId === node.templateId && base !== undefined;
  const versioned = own
    ? await updateTemplate(
        caller.workspaceId,
        node.templateId,
        input,
        { updatedBy: caller.userId },
        templateDeps,
      ).catch((e) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      })
    : undefined;
  const saved = versioned ?? (await createTemplate(caller.workspaceId, input, caller.userId, templateDeps));
  const approval: AiCopyApproval = {
    draftId,
    by: `user:${caller.userId}`,
    at: deps.now().toISOString(),
    request: node.aiCopy,
    templateId: saved.templateId,
    version: saved.version,
    ...(variants ? { subjectVariants: [...variants] } : {}),
    edited: html !== draft.html || subjects.join('\n') !== draft.subjectLines.join('\n'),
  };
  // Refused or failed: the template this approval made goes with it (a retry makes its own). A new
  // version of the node's own template stays unused: the campaign names the version it sends.
  const undo = async () => {
    if (!versioned) await deps.templates.markDeleted(caller.workspaceId, saved.templateId, approval.at);
  };
  // Within the record's bound (campaign-size.ts): approvals of nodes the draft lost go first.
  let next: Campaign;
  try {
    next = fittedRecord({
      ...campaign,
      journey: journeyWith(saved),
      aiCopyApprovals: { ...campaign.aiCopyApprovals, [nodeId]: approval },
      revision: campaign.revision + 1,
      updatedAt: approval.at,
    });
  } catch (e) {
    await undo();
    throw e;
  }
  const replaced = await deps.campaigns.replace(next).catch(async (e: unknown) => {
    // A write that threw may have landed all the same (its answer lost after the commit): the
    // template goes only when the campaign, read again, does not name it (unreadable: it stays).
    const stored = await deps.campaigns.get(caller.workspaceId, campaignId).catch(() => next);
    const named = stored?.aiCopyApprovals?.[nodeId];
    if (named?.templateId === saved.templateId && named.version === saved.version) throw e;
    await undo().catch((undoError: unknown) => {
      throw new AggregateError([e, undoError], 'The campaign write failed and the template it made was not removed');
    });
    throw e;
  });
  if (!replaced) {
    await undo();
    throw new ConflictError('The campaign changed meanwhile; read it again and retry', 'CAMPAIGN_CHANGED');
  }
  await deps.drafts.setApproved(draft, approval);
  return { campaign: next, approval };
}

/**
 * The node as an approval leaves it: naming `ref` (pinned), with the chosen subject lines when there
 * are several (its `promote` rule kept with them only), its other fields as they were.
 */
function approvedNode(
  node: AiCopyNode,
  ref: { readonly templateId: string; readonly version?: number | undefined },
  variants: readonly string[] | undefined,
): EmailNode {
  const { subjectVariants: _v, promote, ...rest } = node;
  return {
    ...rest,
    templateId: ref.templateId,
    ...(ref.version === undefined ? {} : { version: ref.version }),
    ...(variants ? { subjectVariants: [...variants] } : {}),
    ...(variants && promote ? { promote } : {}),
  };
}

/**
 * The topic of the node's template when it is deleted (its versions stay): a template made in its
 * place keeps it, so a topic opt-out still stops the mail.
 */
async function deletedTopic(
  workspaceId: string,
  node: AiCopyNode,
  templates: Pick<TemplateDeps['templates'], 'get' | 'version'>,
): Promise<string | undefined> {
  const record = await templates.get(workspaceId, node.templateId);
  if (!record) return undefined;
  const version = await templates.version(workspaceId, node.templateId, node.version ?? record.latestVersion);
  return version?.topic ?? record.topic;
}

/**
 * Whether `previous` is this approval already applied: the same draft, the node still naming what
 * it wrote (`base`, the node's template version), with the same subjects and HTML.
 */
function isApplied(
  previous: AiCopyApproval,
  node: AiCopyNode,
  base: { readonly subject: string; readonly html: string },
  wanted: {
    readonly draftId: string;
    readonly subjects: readonly string[];
    readonly variants: readonly string[] | undefined;
    readonly html: string;
  },
): boolean {
  const sameVariants = (wanted.variants ?? []).join('\n') === (previous.subjectVariants ?? []).join('\n');
  return (
    previous.draftId === wanted.draftId &&
    aiCopyState(node, previous) === 'approved' &&
    sameVariants &&
    base.subject === wanted.subjects[0] &&
    base.html === wanted.html
  );
}

/** A draft as the API shows it. */
export const aiDraftView = (d: AiCopyDraft) => {
  const { workspaceId: _ws, ...rest } = d;
  return rest;
};
