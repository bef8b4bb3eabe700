/**
 * Resolving a send before it is queued: a stored template's version read (the latest unless
 * one is named) and copied into the message, a contact's address and fields made the merge
 * context, the workspace's name and postal address added. Resolved at enqueue time, so a
 * later edit of the template or the contact never changes a queued mail. Also the preview of
 * a template, rendered exactly as a send would render it.
 */
import { ContactNotFoundError } from '../crm/contacts/errors';
import type { ContactStore } from '../crm/contacts/ports';
import type { Contact } from '../crm/model';
import { safeJson } from '../http/to-api-result';
import type { OneOffSendBody, ResolvedSend } from './send-request';
import { assertPostalAddress, POSTAL_ADDRESS_SETTING, type SenderProfile } from './sender-profile';
import { contentOf, getTemplate, type TemplateStore, type TemplateView } from './stored-templates';
import {
  type MergeContext,
  type MissingPart,
  missingFromRendered,
  missingMarketingParts,
  type RenderedEmail,
  renderTemplate,
  type TemplateContent,
  tooLargeRendered,
} from './templates';

export interface SendResolveDeps {
  readonly templates: Pick<TemplateStore, 'get' | 'version'>;
  readonly contacts: Pick<ContactStore, 'get'>;
  readonly profile: (workspaceId: string) => Promise<SenderProfile>;
}

/** The contact's own fields a template merges as `contact.<name>`, when the contact has them. */
export const MERGE_PROFILE_FIELDS = ['firstName', 'lastName', 'company', 'jobTitle', 'phone', 'status'] as const;

/**
 * What a merge context is made from: a contact (a one-off send, a broadcast, a preview) or a
 * campaign step's snapshot of one (shared/campaigns/campaign-mailer.ts), the same fields either way.
 */
export type MergeSource = Pick<Contact, 'contactId' | 'email'> & {
  readonly tags: readonly string[];
  readonly customFields: Readonly<Record<string, unknown>>;
} & { readonly [K in (typeof MERGE_PROFILE_FIELDS)[number]]?: unknown };

/**
 * The `contact.*` merge fields of a contact (what the template docs list, plus tags and id): the
 * one builder of them for every kind of send, so a template renders alike in a preview, a one-off
 * send, a broadcast and a campaign. Custom fields stay under `customFields`, whatever they are
 * called: none replaces a built-in key (`contactId`, `email`, `tags`, ...).
 */
export function mergeFieldsOf(contact: MergeSource): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    contactId: contact.contactId,
    email: contact.email,
    tags: [...contact.tags],
    customFields: { ...contact.customFields },
  };
  for (const key of MERGE_PROFILE_FIELDS) {
    if (contact[key] !== undefined) fields[key] = contact[key];
  }
  return fields;
}

/** A live contact. @throws ContactNotFoundError (404) when unknown or deleted. */
export async function liveContact(
  workspaceId: string,
  contactId: string,
  deps: Pick<SendResolveDeps, 'contacts'>,
): Promise<Contact> {
  const contact = await deps.contacts.get(workspaceId, contactId);
  if (!contact || contact.deletedAt) throw new ContactNotFoundError();
  return contact;
}

/**
 * The body of `POST /api/emails/send` made into a send: the template's version (404 when
 * unknown or deleted), the contact (404 when unknown or deleted), the workspace profile.
 * @throws ValidationError `POSTAL_ADDRESS_MISSING` for a marketing template send without one.
 */
export async function resolveOneOffSend(
  workspaceId: string,
  body: OneOffSendBody,
  deps: SendResolveDeps,
): Promise<ResolvedSend> {
  const template =
    'templateId' in body ? await getTemplate(workspaceId, body.templateId, body.version, deps) : undefined;
  const [contact, workspace] = await Promise.all([
    body.contactId ? liveContact(workspaceId, body.contactId, deps) : undefined,
    deps.profile(workspaceId),
  ]);
  const to = contact?.email ?? body.to ?? '';
  const recipient = {
    to,
    contact: contact ? mergeFieldsOf(contact) : { email: to },
    ...(contact ? { contactId: contact.contactId } : {}),
    workspace,
  };
  if (template) {
    assertPostalAddress(workspace, template.category);
    return {
      ...recipient,
      category: template.category,
      ...contentOf(template),
      template: { templateId: template.templateId, version: template.version },
      ...(template.topic ? { topic: template.topic } : {}),
    };
  }
  if ('templateId' in body) throw new Error('unreachable');
  return {
    ...recipient,
    category: body.category,
    subject: body.subject,
    html: body.html,
    ...(body.text ? { text: body.text } : {}),
  };
}

/** A finding of the preview: `error` blocks a save or a send, `warning` is advice. */
export interface LintFinding {
  readonly item: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * What a template's content and the workspace's profile lack for sending; with `rendered`, also
 * what that render (the preview's, for its contact) lacks of what the source writes, as the sender
 * judges it (`missingFromRendered`): what a preview says is what its send does.
 */
export function lintFindings(
  content: TemplateContent,
  category: 'transactional' | 'marketing',
  profile: SenderProfile,
  rendered?: { readonly email: RenderedEmail; readonly context: MergeContext },
): LintFinding[] {
  const missing: MissingPart[] = missingMarketingParts(content, category);
  const seen = new Set(missing.map((m) => m.item));
  for (const m of rendered ? missingFromRendered(content, category, rendered.email, rendered.context) : []) {
    if (!seen.has(m.item)) missing.push(m);
    seen.add(m.item);
  }
  const findings: LintFinding[] = missing.map((m) => ({
    item: m.item,
    severity: 'error',
    message: `Missing ${m.message}`,
  }));
  if (category === 'marketing' && !profile.postalAddress) {
    findings.push({
      item: 'postal_address_setting',
      severity: 'error',
      message: `The workspace has no postal address: set the setting ${POSTAL_ADDRESS_SETTING} (marketing sends are refused until then)`,
    });
  }
  if (category === 'marketing' && content.text !== undefined && !/unsubscribe_url/.test(content.text)) {
    findings.push({
      item: 'text_unsubscribe_link',
      severity: 'warning',
      message: 'The text part has no {{ unsubscribe_url }}: plain-text readers cannot unsubscribe from it',
    });
  }
  return findings;
}

/**
 * The most a preview's answer may weigh: what a Lambda function may answer synchronously (6 MB, the
 * API Gateway result whose `body` is the answer's JSON, itself a JSON string there), less room for
 * the status and headers. The answer is measured so: `safeJson` (which writes `<` and `>` as
 * `\u003c`, six characters each) then escaped once more, UTF-8.
 */
export const PREVIEW_MAX_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/**
 * A template rendered for a contact (by id, or made-up fields), with a placeholder
 * unsubscribe link, and its lint findings (for what it writes, and for what this render shows).
 * @throws TemplateError when it does not render, a part passes its bound, or the answer would
 * pass {@link PREVIEW_MAX_BYTES} (400, `reason: 'TEMPLATE_TOO_LARGE_RENDERED'`, `path: 'preview'`).
 */
export async function previewTemplate(
  template: TemplateView,
  who: { contactId?: string | undefined; contact?: Record<string, unknown> | undefined },
  deps: SendResolveDeps & { readonly unsubscribePreviewUrl: string },
): Promise<RenderedEmail & { version: number; findings: LintFinding[] }> {
  const workspaceId = template.workspaceId;
  const [contact, profile] = await Promise.all([
    who.contactId ? liveContact(workspaceId, who.contactId, deps) : undefined,
    deps.profile(workspaceId),
  ]);
  const content = contentOf(template);
  const context: MergeContext = {
    contact: contact ? mergeFieldsOf(contact) : (who.contact ?? {}),
    workspace: profile,
    ...(template.category === 'marketing' ? { unsubscribe_url: deps.unsubscribePreviewUrl } : {}),
  };
  const rendered = await renderTemplate(content, context);
  const findings = lintFindings(content, template.category, profile, { email: rendered, context });
  const answer = { ...rendered, version: template.version, findings };
  // Each part is bounded; their answer is measured (a few MB at most) as the function would send it.
  if (Buffer.byteLength(JSON.stringify(safeJson(answer))) > PREVIEW_MAX_BYTES) {
    throw tooLargeRendered('preview', { maxBytes: PREVIEW_MAX_BYTES });
  }
  return answer;
}
