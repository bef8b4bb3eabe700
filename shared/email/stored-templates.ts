/**
 * Stored email templates with versions. Every save writes a new immutable version (1, 2, ...)
 * and moves the template's pointer to it; older versions stay readable, because a send names
 * (template, version) and a queued send carries its version's content. A delete is soft: the
 * template leaves listings and takes no new sends, its versions stay for what is queued.
 *
 * A save is refused when a part does not parse (400 `TEMPLATE_INVALID`, naming the part and
 * line), when a marketing template lacks its unsubscribe link or postal address field, or shows
 * either to some recipients only (400 `TEMPLATE_LINT_FAILED`, naming each missing item), when the
 * marketing lint's render passes its bound (400 `TEMPLATE_INVALID`, `reason:
 * 'TEMPLATE_TOO_LARGE_RENDERED'`), or when its parts together are too big
 * for any send of it to fit the email-sends queue (400 `TEMPLATE_TOO_LARGE`, naming both sizes).
 */
import * as z from 'zod/mini';
import { sqsBodyBytes } from '../aws/sqs-message-text';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { singleLineText } from '../security/single-line-text';
import { SEND_MESSAGE_MAX_BYTES } from './send-request';
import { type EmailCategory, TOPIC_ID_PATTERN } from './suppression-rules';
import {
  assertTemplateParses,
  missingMarketingParts,
  TEMPLATE_PART_MAX_CHARS,
  type TemplateContent,
} from './templates';

/** The body of a create or a save (a full replacement: every save is a whole new version). */
export const templateInputSchema = z.strictObject({
  /** One line of human text, like every name (shared/security/single-line-text.ts). */
  name: singleLineText(200),
  category: z.enum(['transactional', 'marketing']),
  subject: z.string().check(z.minLength(1), z.maxLength(998)),
  html: z.string().check(z.minLength(1), z.maxLength(TEMPLATE_PART_MAX_CHARS)),
  text: z.optional(z.string().check(z.minLength(1), z.maxLength(TEMPLATE_PART_MAX_CHARS))),
  /** A topic id for topic preferences (subscribers may opt out of one topic). */
  topic: z.optional(z.string().check(z.regex(TOPIC_ID_PATTERN))),
});
export type TemplateInput = z.infer<typeof templateInputSchema>;

/** One immutable version. */
export interface TemplateVersion extends TemplateInput {
  readonly workspaceId: string;
  readonly templateId: string;
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** The template: what it is called now and which version is the latest. */
export interface TemplateRecord {
  readonly workspaceId: string;
  readonly templateId: string;
  readonly name: string;
  readonly category: EmailCategory;
  readonly topic?: string;
  readonly latestVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt?: string;
}

export interface TemplatePage {
  readonly templates: TemplateRecord[];
  readonly nextCursor?: string;
}

/** Storage of templates (shared/adapters/dynamo-email-templates.ts). */
export interface TemplateStore {
  /** Writes the record and version 1 together. */
  create(record: TemplateRecord, first: TemplateVersion): Promise<void>;
  /**
   * Writes `next` and moves the pointer to it, only while the pointer is still at
   * `next.version - 1` and the template is not deleted; false otherwise (nothing written).
   */
  addVersion(next: TemplateVersion, updatedAt: string): Promise<boolean>;
  /** The record, deleted ones included; undefined when absent. */
  get(workspaceId: string, templateId: string): Promise<TemplateRecord | undefined>;
  /** One version, whether or not the template was deleted since. */
  version(workspaceId: string, templateId: string, version: number): Promise<TemplateVersion | undefined>;
  /** Live templates; the cursor is opaque and bound to the workspace. */
  list(workspaceId: string, page: { limit: number; cursor?: string }): Promise<TemplatePage>;
  /** Sets `deletedAt` on a live template; false when absent or already deleted. */
  markDeleted(workspaceId: string, templateId: string, at: string): Promise<boolean>;
}

export interface TemplateDeps {
  readonly templates: TemplateStore;
  readonly newId: () => string;
  readonly now: () => Date;
}

/** A version as answered: its content, its number and the template's latest. */
export type TemplateView = TemplateVersion & { readonly latestVersion: number; readonly updatedAt: string };

/**
 * Room a send message needs besides its template's parts: addresses, ids, the merge context (the
 * contact's fields, the workspace, the unsubscribe URL), headers, tags, the A/B attribution.
 */
export const SEND_ENVELOPE_BYTES = 16 * 1024;

/**
 * The most a template's subject, html and text may weigh together, in UTF-8 bytes of their JSON
 * strings as SQS receives them in the send message (quotes, backslashes and control characters
 * escaped by JSON, U+FFFE and U+FFFF by the SQS client: `sqsBodyBytes`): a send of a larger template
 * can never fit the queue (send-request.ts `SEND_MESSAGE_MAX_BYTES`). The per-part character cap of
 * the schema does not bound it (two parts, multi-byte characters).
 */
export const TEMPLATE_MAX_BYTES = SEND_MESSAGE_MAX_BYTES - SEND_ENVELOPE_BYTES;

/** The size of a template's parts as a send message carries them to SQS (UTF-8 bytes of their JSON). */
export function templateBytes(content: TemplateContent): number {
  return jsonBytes(content.subject) + jsonBytes(content.html) + jsonBytes(content.text);
}

const jsonBytes = (part: string | undefined): number => (part === undefined ? 0 : sqsBodyBytes(JSON.stringify(part)));

/** @throws ValidationError `TEMPLATE_TOO_LARGE` when no send of `content` could be queued. */
export function assertTemplateFitsASend(content: TemplateContent): void {
  const bytes = templateBytes(content);
  if (bytes <= TEMPLATE_MAX_BYTES) return;
  const message = `${bytes} bytes (UTF-8, as sent) with the subject, html and text together, more than the ${TEMPLATE_MAX_BYTES} bytes a send can carry`;
  // The details name the larger part: the one to make smaller.
  const path = jsonBytes(content.text) > jsonBytes(content.html) ? 'text' : 'html';
  throw new ValidationError(
    `The template is too large to send: ${message}. Make it smaller (link to large content instead of inlining it).`,
    'TEMPLATE_TOO_LARGE',
    { details: [{ in: 'body', path, message, bytes, maxBytes: TEMPLATE_MAX_BYTES }] },
  );
}

/** Refuses a template that does not parse, (marketing) lacks its required parts, or can never be sent. */
export async function assertSavable(input: TemplateInput): Promise<void> {
  const content: TemplateContent = {
    subject: input.subject,
    html: input.html,
    ...(input.text === undefined ? {} : { text: input.text }),
  };
  // First: cheap, and no use parsing 1 MB that will be refused anyway.
  assertTemplateFitsASend(content);
  await assertTemplateParses(content);
  const missing = missingMarketingParts(content, input.category);
  if (missing.length > 0) {
    throw new ValidationError(
      `A marketing template needs ${missing.map((m) => m.message).join(' and ')}`,
      'TEMPLATE_LINT_FAILED',
      { details: missing },
    );
  }
}

const notFound = () => new NotFoundError('No such email template', 'TEMPLATE_NOT_FOUND');

const versionOf = (
  workspaceId: string,
  templateId: string,
  version: number,
  input: TemplateInput,
  at: string,
  by: string,
): TemplateVersion => ({ ...input, workspaceId, templateId, version, createdAt: at, createdBy: by });

/** Creates a template at version 1. */
export async function createTemplate(
  workspaceId: string,
  input: TemplateInput,
  createdBy: string,
  deps: TemplateDeps,
): Promise<TemplateView> {
  await assertSavable(input);
  const at = deps.now().toISOString();
  const templateId = deps.newId();
  const first = versionOf(workspaceId, templateId, 1, input, at, createdBy);
  await deps.templates.create(recordOf(first, at, at), first);
  return { ...first, latestVersion: 1, updatedAt: at };
}

/**
 * Saves a new version. With `expectedVersion` (If-Match, or the body's) the save only lands on
 * that version: 409 `TEMPLATE_VERSION_CONFLICT` when another save came first.
 */
export async function updateTemplate(
  workspaceId: string,
  templateId: string,
  input: TemplateInput,
  meta: { expectedVersion?: number | undefined; updatedBy: string },
  deps: TemplateDeps,
): Promise<TemplateView> {
  await assertSavable(input);
  const current = await live(workspaceId, templateId, deps);
  const base = meta.expectedVersion ?? current.latestVersion;
  if (base !== current.latestVersion) throw versionConflict(current.latestVersion);
  const at = deps.now().toISOString();
  const next = versionOf(workspaceId, templateId, base + 1, input, at, meta.updatedBy);
  if (!(await deps.templates.addVersion(next, at))) {
    const now = await deps.templates.get(workspaceId, templateId);
    if (!now || now.deletedAt) throw notFound();
    throw versionConflict(now.latestVersion);
  }
  return { ...next, latestVersion: next.version, updatedAt: at };
}

/** The latest version, or `version` when given (404 when either is unknown or the template deleted). */
export async function getTemplate(
  workspaceId: string,
  templateId: string,
  version: number | undefined,
  deps: { readonly templates: Pick<TemplateStore, 'get' | 'version'> },
): Promise<TemplateView> {
  const record = await live(workspaceId, templateId, deps);
  const wanted = version ?? record.latestVersion;
  const found =
    wanted <= record.latestVersion ? await deps.templates.version(workspaceId, templateId, wanted) : undefined;
  if (!found) throw new NotFoundError(`Template version ${wanted} does not exist`, 'TEMPLATE_VERSION_NOT_FOUND');
  return { ...found, latestVersion: record.latestVersion, updatedAt: record.updatedAt };
}

export async function listTemplates(
  workspaceId: string,
  page: { limit: number; cursor?: string },
  deps: Pick<TemplateDeps, 'templates'>,
): Promise<TemplatePage> {
  return deps.templates.list(workspaceId, page);
}

/** Soft delete: no new sends, no listing; queued sends still carry their version's content. */
export async function deleteTemplate(workspaceId: string, templateId: string, deps: TemplateDeps): Promise<void> {
  if (!(await deps.templates.markDeleted(workspaceId, templateId, deps.now().toISOString()))) throw notFound();
}

async function live(workspaceId: string, templateId: string, deps: { readonly templates: Pick<TemplateStore, 'get'> }) {
  const record = await deps.templates.get(workspaceId, templateId);
  if (!record || record.deletedAt) throw notFound();
  return record;
}

const versionConflict = (latest: number) =>
  new ConflictError(`The template changed since you read it (latest version ${latest})`, 'TEMPLATE_VERSION_CONFLICT', {
    details: { latestVersion: latest },
  });

function recordOf(v: TemplateVersion, createdAt: string, updatedAt: string): TemplateRecord {
  return {
    workspaceId: v.workspaceId,
    templateId: v.templateId,
    name: v.name,
    category: v.category,
    ...(v.topic ? { topic: v.topic } : {}),
    latestVersion: v.version,
    createdAt,
    updatedAt,
  };
}

/** A version's content, as a send carries it. */
export const contentOf = (v: TemplateVersion): TemplateContent => ({
  subject: v.subject,
  html: v.html,
  ...(v.text === undefined ? {} : { text: v.text }),
});

/**
 * An `If-Match` value (`"3"`, `W/"3"`, `3`) as the version it names; undefined without one, and
 * for `*` (RFC 9110: any current representation; the save itself answers 404 when there is none).
 * @throws ValidationError `INVALID_IF_MATCH` for anything else.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const found = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!found) throw new ValidationError('If-Match must name a template version, e.g. "3"', 'INVALID_IF_MATCH');
  return Number(found[1]);
}
