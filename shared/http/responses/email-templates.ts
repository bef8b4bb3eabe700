/** Success answers of the stored-template routes (functions/email-templates.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, EXAMPLE_USER, EXAMPLE_WORKSPACE, id, instant, page } from './common';

const category = z.enum(['transactional', 'marketing']);
/** What the template lint found (an `error` blocks a marketing send). */
const findings = z.array(
  z.looseObject({ item: z.string(), severity: z.enum(['error', 'warning']), message: z.string() }),
);

const summary = {
  workspaceId: id,
  templateId: id,
  name: z.string(),
  category,
  topic: z.optional(z.string()),
  latestVersion: z.number().check(z.int()),
  createdAt: instant,
  updatedAt: instant,
};
/** A template version: the content as saved, with its version number. */
const template = z.looseObject({
  ...summary,
  version: z.number().check(z.int()),
  subject: z.string(),
  html: z.string(),
  text: z.optional(z.string()),
  createdBy: z.string(),
});

const TEMPLATE_ID = '3cafb0bb-5c78-4e55-ad48-a801fb5d76b9';
const exampleSummary = {
  workspaceId: EXAMPLE_WORKSPACE,
  templateId: TEMPLATE_ID,
  name: 'Spring newsletter',
  category: 'marketing',
  topic: 'news',
  latestVersion: 1,
  createdAt: EXAMPLE_TIME,
  updatedAt: EXAMPLE_TIME,
};
const HTML = '<p>Hi {{ contact.firstName }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>';
const exampleTemplate = {
  ...exampleSummary,
  version: 1,
  subject: 'News for {{ contact.firstName | default: "you" }}',
  html: `${HTML}<p>{{ workspace.postalAddress }}</p>`,
  createdBy: EXAMPLE_USER,
};
const exampleFindings = [
  {
    item: 'postal_address_setting',
    severity: 'error',
    message: 'The workspace has no postal address: set the setting email.postal_address',
  },
];

const saved = z.object({ template, findings });

export const templateCreated = {
  status: 201,
  description: 'Version 1 of the new template, and what the lint found',
  schema: saved,
  example: { template: exampleTemplate, findings: exampleFindings },
} satisfies SuccessResponse;

export const templateSaved = {
  status: 200,
  description: 'The new version (its number also in `ETag`), and what the lint found',
  schema: saved,
  example: { template: { ...exampleTemplate, version: 2, latestVersion: 2 }, findings: [] },
} satisfies SuccessResponse;

export const templateAnswer = {
  status: 200,
  description: 'The template’s latest version (or the one asked for); its number also in `ETag`',
  schema: z.object({ template }),
  example: { template: exampleTemplate },
} satisfies SuccessResponse;

export const templatesPage = {
  status: 200,
  description: 'A page of templates (without their content)',
  schema: page('templates', z.looseObject(summary)),
  example: { templates: [exampleSummary] },
} satisfies SuccessResponse;

export const templateDeleted = { status: 204, description: 'Deleted' } satisfies SuccessResponse;

export const templatePreview = {
  status: 200,
  description: 'The template rendered for a contact (stored, or given), and what the lint found',
  schema: z.looseObject({
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    version: z.number().check(z.int()),
    findings,
  }),
  example: {
    subject: 'News for Ada',
    html: '<p>Hi Ada</p><a href="http://127.0.0.1:3008/u/preview">Unsubscribe</a>',
    text: 'Hi Ada\n\nUnsubscribe (http://127.0.0.1:3008/u/preview)',
    version: 1,
    findings: [],
  },
} satisfies SuccessResponse;

const broadcastStatus = z.enum(['queued', 'enqueuing', 'done']);
const BROADCAST_ID = '7b6fad78-67c9-4255-87bb-d5a80fa0c038';

export const broadcastQueued = {
  status: 202,
  description: 'The broadcast is queued; follow it with `GET /api/email-broadcasts/{id}`',
  schema: z.looseObject({ broadcastId: id, status: broadcastStatus }),
  example: { broadcastId: BROADCAST_ID, status: 'queued' },
} satisfies SuccessResponse;

export const broadcastAnswer = {
  status: 200,
  description: 'How far the broadcast is: pages read, emails queued and skipped',
  schema: z.object({
    broadcast: z.looseObject({
      broadcastId: id,
      templateId: id,
      version: z.number().check(z.int()),
      audience: z.record(z.string(), z.unknown()),
      status: broadcastStatus,
      enqueued: z.number().check(z.int()),
      skipped: z.number().check(z.int()),
      pages: z.number().check(z.int()),
      createdAt: instant,
      updatedAt: instant,
    }),
  }),
  example: {
    broadcast: {
      broadcastId: BROADCAST_ID,
      templateId: TEMPLATE_ID,
      version: 1,
      audience: { tag: 'vip' },
      status: 'done',
      enqueued: 120,
      skipped: 3,
      pages: 2,
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  },
} satisfies SuccessResponse;
