/**
 * The rules of AI copy in campaigns, pure: when an email node's copy counts as approved, the
 * publish check, the journey check of an approval, and the HTML a draft proposes.
 *
 * An approval is kept on the campaign record (`aiCopyApprovals.<node>`), written only by the
 * approve route, never by a draft edit (the PATCH body has no such field), so it cannot be forged.
 * It records the request it answered (goal, tone, product) and the copy it wrote into the node
 * (template, version, subject variants). A node with `aiCopy` is:
 * - `unapproved`: no approval, or one for another request (the goal, tone or product changed:
 *   the person asked for other copy, so the old approval no longer answers it);
 * - `approved`: the node still names exactly the template version and subject lines approved;
 * - `edited-by-hand`: it names other ones. Only a person with `campaigns:write` edits a draft
 *   (audited), and AI text reaches a node only through an approval, so what differs was written
 *   by a person: publishing is allowed.
 */
import { ConflictError } from '../errors';
import type { AiCopyRequest, Journey, JourneyNode } from './journey';
import { assertNoProblems, type JourneyPolicy, type JourneyProblem, journeyProblems } from './journey-rules';

export interface AiCopyApproval {
  readonly draftId: string;
  /** `user:<id>`. */
  readonly by: string;
  readonly at: string;
  /** The node's `aiCopy` the approved draft was written for. */
  readonly request: AiCopyRequest;
  /** What the approval wrote into the node. */
  readonly templateId: string;
  readonly version: number;
  readonly subjectVariants?: readonly string[];
  /** True when the person changed the draft's subject lines or HTML before approving. */
  readonly edited: boolean;
}
export type AiCopyApprovals = Readonly<Record<string, AiCopyApproval>>;

export type AiCopyState = 'unapproved' | 'approved' | 'edited-by-hand';

type EmailNode = Extract<JourneyNode, { kind: 'email' }>;

const DEFAULT_TONE = 'friendly';

/** The same request: goal, tone (default friendly) and product. */
export function sameAiCopyRequest(a: AiCopyRequest, b: AiCopyRequest): boolean {
  return a.goal === b.goal && (a.tone ?? DEFAULT_TONE) === (b.tone ?? DEFAULT_TONE) && a.product === b.product;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((s, i) => s === b?.[i]);

/** Where a node asking for AI copy stands (see the module comment). */
export function aiCopyState(node: EmailNode & { aiCopy: AiCopyRequest }, approval?: AiCopyApproval): AiCopyState {
  if (!approval || !sameAiCopyRequest(approval.request, node.aiCopy)) return 'unapproved';
  const same =
    node.templateId === approval.templateId &&
    node.version === approval.version &&
    sameList(node.subjectVariants, approval.subjectVariants);
  return same ? 'approved' : 'edited-by-hand';
}

/** Ids of the journey's email nodes whose AI copy has no approval. */
export function unapprovedAiCopyNodes(journey: Journey, approvals: AiCopyApprovals = {}): string[] {
  return journey.nodes
    .filter((n): n is EmailNode & { aiCopy: AiCopyRequest } => n.kind === 'email' && n.aiCopy !== undefined)
    .filter((n) => aiCopyState(n, approvals[n.id]) === 'unapproved')
    .map((n) => n.id);
}

/** @throws ConflictError 409 `AI_COPY_NOT_APPROVED` naming the nodes (`details.nodes`). */
export function assertAiCopyApproved(journey: Journey, approvals?: AiCopyApprovals): void {
  const nodes = unapprovedAiCopyNodes(journey, approvals);
  if (nodes.length === 0) return;
  throw new ConflictError(
    `AI copy of ${nodes.map((n) => `node "${n}"`).join(', ')} needs a person's approval before publishing ` +
      '(POST /api/campaigns/{id}/nodes/{nodeId}/ai-drafts/{draftId}/approve)',
    'AI_COPY_NOT_APPROVED',
    { details: { nodes } },
  );
}

/**
 * The journey problems a change brings in: those of `after` that `before` (the journey as stored)
 * did not have. An approval changes one email node (its template, version, subject variants): it is
 * judged by what it changes, so a problem the stored draft already has (a rule added after it was
 * saved, on a node the approval does not touch) does not block it; publish still refuses it.
 */
export function problemsBroughtIn(before: Journey, after: Journey, policy?: JourneyPolicy): JourneyProblem[] {
  const keyOf = (p: JourneyProblem) => JSON.stringify([p.node ?? null, p.field ?? null, p.message]);
  const had = new Map<string, number>();
  for (const p of journeyProblems(before, policy)) had.set(keyOf(p), (had.get(keyOf(p)) ?? 0) + 1);
  return journeyProblems(after, policy).filter((p) => {
    const left = had.get(keyOf(p)) ?? 0;
    had.set(keyOf(p), left - 1);
    return left <= 0;
  });
}

/** Throws a 400 `INVALID_JOURNEY` naming each problem {@link problemsBroughtIn} finds. */
export function assertBringsInNoProblem(before: Journey, after: Journey, policy?: JourneyPolicy): void {
  assertNoProblems(problemsBroughtIn(before, after, policy));
}

/**
 * A model's subject line as literal text in a Liquid template (a subject is plain text, so no
 * entities): a `{` opening `{{` or `{%` gets a space after it, so no Liquid tag or output can come
 * from a model (review round 12). A person's own subject at approval keeps its merge fields.
 */
export const literalSubject = (subject: string): string => subject.replace(/\{(?=[{%])/g, '{ ');

/** Model text as HTML: escaped, and `{`/`}` as entities so no Liquid tag can come from a model. */
const escapeText = (text: string) =>
  text.replace(
    /[&<>"'{}]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '{': '&#123;', '}': '&#125;' })[c] ?? c,
  );

/**
 * The HTML a draft proposes: the body's paragraphs, the call to action, and the footer every
 * marketing template needs (unsubscribe link, postal address: copy-lint.ts), since no footer is
 * added at send time.
 */
export function draftHtml(copy: { readonly body: string; readonly callToAction: string }): string {
  const paragraphs = copy.body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeText(p).replace(/\n/g, '<br>')}</p>`);
  return [
    ...paragraphs,
    `<p><strong>${escapeText(copy.callToAction)}</strong></p>`,
    '<p style="font-size:12px;color:#666"><a href="{{ unsubscribe_url }}">Unsubscribe</a> · {{ workspace.postalAddress }}</p>',
  ].join('\n');
}
