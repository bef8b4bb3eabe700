/**
 * HTTP function `email-templates`: stored templates with immutable versions (create, list,
 * get a version, save a new one with If-Match, soft delete, preview with lint findings), and
 * broadcasts of a template to the workspace's contacts: the request records the broadcast and
 * queues its first audience page; the email-sender fans the pages out (docs/EMAIL.md,
 * "Templates" and "Broadcasts").
 */

import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { emailRoutes } from '../lib/definition/email-routes';
import { dynamoBroadcasts } from '../shared/adapters/dynamo-broadcasts';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoEmailTemplates } from '../shared/adapters/dynamo-email-templates';
import { dynamoIdempotency } from '../shared/adapters/dynamo-idempotency';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { dynamoWorkspaces } from '../shared/adapters/dynamo-workspaces';
import { sqsEmailSends } from '../shared/adapters/sqs-email-sends';
import { documents } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import { publicBaseUrl, queueUrl, tableName } from '../shared/config';
import { tagField } from '../shared/crm/contacts/tag-field';
import { broadcastProgress, sendBroadcast } from '../shared/email/broadcast';
import { senderProfile } from '../shared/email/sender-profile';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  type TemplateView,
  templateInputSchema,
  updateTemplate,
  versionFromIfMatch,
} from '../shared/email/stored-templates';
import { lintFindings, previewTemplate } from '../shared/email/template-send';
import { unsubscribeUrl } from '../shared/email/unsubscribe';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { pageQuery, queryInteger } from '../shared/http/query-numbers';
import {
  broadcastAnswer,
  broadcastQueued,
  templateAnswer,
  templateCreated,
  templateDeleted,
  templatePreview,
  templateSaved,
  templatesPage,
} from '../shared/http/responses/email-templates';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '../shared/idempotency/run-once';

const core = tableName('core');
const now = () => new Date();
const templates = dynamoEmailTemplates(documents, core);
const workspaces = dynamoWorkspaces(documents, core);
const profileDeps = {
  settings: dynamoSettings(documents, core),
  workspaceName: async (workspaceId: string) => (await workspaces.workspace(workspaceId))?.name,
};
const profile = (workspaceId: string) => senderProfile(workspaceId, profileDeps);
const deps = { templates, newId: randomUUID, now };
const resolveDeps = { templates, contacts: dynamoContacts(documents, core), profile };
const broadcasts = dynamoBroadcasts(documents, core);
const queue = sqsEmailSends(sqs, queueUrl('email-sends'));
const idempotency = dynamoIdempotency(documents, tableName('ephemeral'));
const previewUnsubscribeUrl = unsubscribeUrl(publicBaseUrl(), 'preview');

const id = z.string().check(z.regex(/^[0-9a-zA-Z-]{1,64}$/));
const idParam = z.object({ id });
/** A template version in a JSON body: a number (a string there is a client's mistake, not a version). */
const version = z.number().check(z.int(), z.gte(1), z.lte(1_000_000));
const page = z.object(pageQuery(100, 25));
const updateBody = z.extend(templateInputSchema, { expectedVersion: z.optional(version) });
const previewBody = z
  .strictObject({
    contactId: z.optional(id),
    contact: z.optional(z.record(z.string().check(z.maxLength(100)), z.unknown())),
    version: z.optional(version),
  })
  .check(z.refine((b) => !(b.contactId && b.contact), { message: 'Give `contactId` or `contact`, not both' }));
const broadcastBody = z.strictObject({
  audience: z._default(
    // A tag as contacts hold it (trimmed, NFC, lower-cased): one tag typed composed or not is one
    // audience, and one request when a retry spells it the other way (broadcast.ts sameRequest).
    z.strictObject({ tag: z.optional(tagField) }),
    {},
  ),
  version: z.optional(version),
});

const workspaceOf = (request: Parameters<typeof callerOf>[0]) => callerOf(request).workspaceId;
/** The version as an entity tag: what If-Match sends back. */
const etag = (t: TemplateView) => ({ etag: `"${t.version}"` });
const audited = (templateId: string, metadata?: Record<string, unknown>) => ({
  resourceType: 'email-template',
  resourceId: templateId,
  ...(metadata ? { metadata } : {}),
});

export const handler = httpFunction('email-templates', emailRoutes, {
  'email-templates.create': defineOperation(
    { body: templateInputSchema, response: templateCreated },
    async ({ body }, request) => {
      const caller = callerOf(request);
      const template = await createTemplate(caller.workspaceId, body, caller.userId, deps);
      const findings = lintFindings(template, template.category, await profile(caller.workspaceId));
      return {
        status: 201,
        headers: etag(template),
        body: { template, findings },
        audit: audited(template.templateId, { version: 1, category: template.category }),
      };
    },
  ),

  'email-templates.list': defineOperation({ query: page, response: templatesPage }, async ({ query }, request) => ({
    status: 200,
    body: await listTemplates(workspaceOf(request), query, deps),
  })),

  'email-templates.get': defineOperation(
    { params: idParam, query: z.object({ version: z.optional(queryInteger(1, 1_000_000)) }), response: templateAnswer },
    async ({ params, query }, request) => {
      const template = await getTemplate(workspaceOf(request), params.id, query.version, deps);
      return { status: 200, headers: etag(template), body: { template } };
    },
  ),

  'email-templates.update': defineOperation(
    { params: idParam, body: updateBody, response: templateSaved },
    async ({ params, body }, request) => {
      const caller = callerOf(request);
      const { expectedVersion: inBody, ...input } = body;
      const expectedVersion = versionFromIfMatch(request.headers['if-match']) ?? inBody;
      const template = await updateTemplate(
        caller.workspaceId,
        params.id,
        input,
        { expectedVersion, updatedBy: caller.userId },
        deps,
      );
      const findings = lintFindings(template, template.category, await profile(caller.workspaceId));
      return {
        status: 200,
        headers: etag(template),
        body: { template, findings },
        audit: audited(params.id, { version: template.version }),
      };
    },
  ),

  'email-templates.delete': defineOperation(
    { params: idParam, response: templateDeleted },
    async ({ params }, request) => {
      await deleteTemplate(workspaceOf(request), params.id, deps);
      return { status: 204, audit: audited(params.id) };
    },
  ),

  'email-templates.preview': defineOperation(
    { params: idParam, body: z.optional(previewBody), response: templatePreview },
    async ({ params, body }, request) => {
      const template = await getTemplate(workspaceOf(request), params.id, body?.version, deps);
      const preview = await previewTemplate(
        template,
        { contactId: body?.contactId, contact: body?.contact },
        { ...resolveDeps, unsubscribePreviewUrl: previewUnsubscribeUrl },
      );
      return { status: 200, body: preview };
    },
  ),

  // A retry with the same Idempotency-Key answers the first 202 again and starts nothing; the
  // key with another template, body or caller is 422 (shared/email/broadcast.ts `sendBroadcast`).
  'email-templates.send': defineOperation(
    { params: idParam, body: broadcastBody, response: broadcastQueued },
    async ({ params, body }, request) => {
      const caller = callerOf(request);
      const { replayed, ...progress } = await sendBroadcast(
        caller,
        params.id,
        { audience: body.audience, version: body.version },
        idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]),
        { templates, broadcasts, queue, profile, idempotency, newId: randomUUID, now },
      );
      return {
        status: 202,
        ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
        body: { broadcastId: progress.broadcastId, status: progress.status },
        audit: {
          resourceType: 'email-broadcast',
          resourceId: progress.broadcastId,
          metadata: {
            templateId: progress.templateId,
            version: progress.version,
            ...(progress.audience.tag ? { tag: progress.audience.tag } : {}),
            ...(replayed ? { replayed } : {}),
          },
        },
      };
    },
  ),

  'email-broadcasts.get': defineOperation(
    { params: idParam, response: broadcastAnswer },
    async ({ params }, request) => ({
      status: 200,
      body: { broadcast: await broadcastProgress(workspaceOf(request), params.id, { broadcasts }) },
    }),
  ),
});
