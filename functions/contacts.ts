/**
 * HTTP function `contacts`: contacts, CSV import and export, interactions and the
 * timeline. The edge has authenticated the caller, resolved the workspace and checked the
 * route's permission; every use case is scoped by that workspace id, never by one from
 * the path or body, so another workspace's contact id is simply not found.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { crmRoutes } from '../lib/definition/crm-routes';
import { dynamoAudit } from '../shared/adapters/dynamo-audit';
import { dynamoConsent } from '../shared/adapters/dynamo-consent';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoIdempotency } from '../shared/adapters/dynamo-idempotency';
import { dynamoInteractions } from '../shared/adapters/dynamo-interactions';
import { dynamoMemberships } from '../shared/adapters/dynamo-memberships';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { requestEventsPublisher } from '../shared/adapters/request-events';
import { documents } from '../shared/aws/dynamodb';
import { campaignClock, tableName } from '../shared/config';
import {
  consentGiven,
  consentInputSchema,
  consentTime,
  importConsent,
  listConsent,
} from '../shared/crm/contacts/consent';
import { contactCreateSchema, contactPatchSchema } from '../shared/crm/contacts/contact-fields';
import { contactFilterSchema } from '../shared/crm/contacts/contact-filter';
import { ContactEmailTakenError } from '../shared/crm/contacts/errors';
import { exportContacts } from '../shared/crm/contacts/export-contacts';
import { importContacts } from '../shared/crm/contacts/import-contacts';
import { keepOnTheirContacts } from '../shared/crm/contacts/pending-events';
import { timeline } from '../shared/crm/contacts/record-interaction';
import { interactionRequestSchema, recordInteractionOnce } from '../shared/crm/contacts/record-interaction-once';
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  restoreContact,
  updateContact,
} from '../shared/crm/contacts/use-cases';
import type { Contact, Interaction } from '../shared/crm/model';
import { interactionScorer } from '../shared/crm/scoring/score-interaction';
import { ConflictError } from '../shared/errors';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { auditWithChange, requestAuditEntry } from '../shared/http/middlewares/audit';
import { defineOperation } from '../shared/http/operation';
import { pageQuery } from '../shared/http/query-numbers';
import {
  consentList,
  contactAnswer,
  contactCreated,
  contactDeleted,
  contactsCsv,
  contactsPage,
  importReport,
  interactionRecorded,
  timelinePage,
} from '../shared/http/responses/contacts';
import { IDEMPOTENCY_KEY_HEADER } from '../shared/idempotency/run-once';
import { recordAudit } from '../shared/identity/audit';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
// Campaign time (TIME_SCALE locally): interactions are what campaign conditions compare.
const clock = campaignClock();
const now = () => clock.now();
// A create's audit entry goes in its transaction (with the contact and its pending events).
const contacts = dynamoContacts(documents, core, { auditTable: tableName('audit') });
// Domain events (contact.created, contact.tag_added, contact.interaction_recorded, the scorer's tier
// crossings): campaign triggers and wake-ups, published after the write landed. What the bus does
// not take goes straight to the queues of the bus's rules (drip-steps), as the rules would deliver
// it (shared/adapters/fallback-events.ts), so a PutEvents failure does not turn a write that landed
// into a 5xx. Only when the queue fails too does the publish throw (`whenLost: 'throw'`, answered 503
// EVENTS_UNAVAILABLE): a contact's events stay pending on its item and the retry of the request
// (a create, a PATCH, a restore: each safe to repeat) publishes them, the same event ids; a request
// never retried leaves them to the campaign sweeper (shared/crm/contacts/sweep-pending-events.ts).
const events = await requestEventsPublisher('throw');
// An ownerUserId must name a member of the workspace: read only when a write sets one.
const members = dynamoMemberships(documents, core);
const deps = { contacts, now, newId: randomUUID, events, members };
const consent = dynamoConsent(documents, core);
/** An import that fails after writing is audited here (the edge audits what succeeds). */
const auditLog = dynamoAudit(documents, tableName('audit'));
/** Consent given with a create (body `consent`) or an import (query `consentSource`, `consentAt`): from the caller's address. */
const recordConsent = (
  request: Parameters<typeof callerOf>[0],
  contactIds: string[],
  input: z.infer<typeof consentInputSchema>,
) =>
  consent.append(
    consentGiven(workspaceOf(request), contactIds, input, { ip: request.clientAddress, now: now(), newId: randomUUID }),
  );
const importQuery = z.object({
  consentSource: z.optional(consentInputSchema.shape.source),
  consentAt: consentInputSchema.shape.at,
});
// An interaction's events (its contact.interaction_recorded, a tier crossing) that neither the bus
// nor the queue took are kept on its contact (pending-events.ts `event:<eventId>` slots, bounded),
// published by the contact's next write that publishes its pending events (or, failing one, by the
// campaign sweeper within 10 minutes); the request answers its 201. A retry is not the remedy
// here: without a key it would record a second interaction.
const interactionEvents = await requestEventsPublisher({ keep: keepOnTheirContacts(contacts) });
const interactionDeps = {
  ...deps,
  events: interactionEvents,
  interactions: dynamoInteractions(documents, core),
  scorer: interactionScorer({
    // The interaction's audit entry goes in its transaction: one write fewer, and all or nothing.
    store: dynamoScoreStore(documents, core, { auditTable: tableName('audit') }),
    events: interactionEvents,
    now,
  }),
  idempotency: dynamoIdempotency(documents, tableName('ephemeral')),
};

const idParam = z.object({ id: z.string().check(z.regex(/^[0-9a-zA-Z-]{1,64}$/)) });
const filterQuery = contactFilterSchema;
const page = pageQuery(100, 25);
const workspaceOf = (request: Parameters<typeof callerOf>[0]) => callerOf(request).workspaceId;
const audited = (contactId: string, metadata?: Record<string, unknown>) => ({
  resourceType: 'contact',
  resourceId: contactId,
  ...(metadata ? { metadata } : {}),
});

const restoreRoute = crmRoutes.find((r) => r.id === 'contacts.restore');

/** A taken email of a deleted contact answers with the request that restores it. */
async function withRestoreHint<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ContactEmailTakenError) || !error.details.deleted || !error.details.contactId) throw error;
    const restore = `${restoreRoute?.method} ${restoreRoute?.path.replace('{id}', error.details.contactId)}`;
    throw new ConflictError(error.message, error.code, { cause: error, details: { ...error.details, restore } });
  }
}

export const handler = httpFunction('contacts', crmRoutes, {
  'contacts.create': defineOperation(
    { body: z.extend(contactCreateSchema, { consent: z.optional(consentInputSchema) }), response: contactCreated },
    async ({ body: { consent: given, ...body } }, request) => {
      // Checked before the contact exists: a bad `consent.at` creates nothing.
      if (given) consentTime(given, now());
      const details = (c: Contact) => audited(c.contactId, given ? { consent: given.source } : undefined);
      const withChange = auditWithChange<Contact>(request, details);
      const contact = await withRestoreHint(() => createContact(workspaceOf(request), body, deps, withChange));
      if (given) await recordConsent(request, [contact.contactId], given);
      return {
        status: 201,
        body: { contact },
        audit: { ...details(contact), inWrite: withChange?.written === true },
      };
    },
  ),

  'contacts.list': defineOperation(
    { query: z.extend(filterQuery, page), response: contactsPage },
    async ({ query }, request) => {
      const { limit, cursor, ...filter } = query;
      return { status: 200, body: await listContacts(workspaceOf(request), filter, { limit, cursor }, deps) };
    },
  ),

  'contacts.export': defineOperation({ query: filterQuery, response: contactsCsv }, async ({ query }, request) => {
    const { csv, count } = await exportContacts(workspaceOf(request), query, deps);
    const date = now().toISOString().slice(0, 10);
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="contacts-${date}.csv"`,
        'cache-control': 'no-store',
        'x-total-count': String(count),
      },
      body: csv,
    };
  }),

  // The edge hands text/csv (and text/plain) bodies over as the raw string, read in the charset the
  // Content-Type names (400 INVALID_BODY_ENCODING for bytes not valid in it); JSON fails here with a 400.
  'contacts.import': defineOperation(
    { body: z.string({ error: 'Send the file as text/csv' }), query: importQuery, response: importReport },
    async ({ body, query }, request) => {
      const workspaceId = workspaceOf(request);
      // One time for every record of the request (`consentAt`, else now), checked before anything is written.
      const given = query.consentSource
        ? {
            source: query.consentSource,
            at: consentTime({ source: query.consentSource, at: query.consentAt }, now()).toISOString(),
          }
        : undefined;
      // Consent goes with each slice of writes as it lands, where it adds to a contact's record (not
      // given already); rows found unchanged get it where they have no record at all (what a failed
      // attempt of this import wrote: its retry finishes it; a plain re-import records nothing again).
      const consentHooks = given
        ? importConsent(consent, workspaceId, given, () => ({
            ip: request.clientAddress,
            now: now(),
            newId: randomUUID,
          }))
        : undefined;
      let written = 0;
      try {
        const report = await importContacts(workspaceId, body, {
          ...deps,
          onProgress: ({ stage, done, total }) =>
            logger.info('Contacts import progress', { workspaceId, importStage: stage, done, total }),
          onWritten: async (ids: string[], created: ReadonlySet<string>) => {
            written += ids.length;
            await consentHooks?.onWritten(ids, created);
          },
          ...(consentHooks ? { onUnchanged: consentHooks.onUnchanged } : {}),
        });
        const { errors: _errors, ...counts } = report;
        logger.info('Contacts import finished', { workspaceId, ...counts });
        return { status: 200, body: report, audit: { resourceType: 'contact', metadata: counts } };
      } catch (error) {
        // What the attempt wrote before it failed stays written, and its retry finds it unchanged:
        // the audit log records the attempt (the edge audits only answers below 400).
        const entry =
          written > 0
            ? requestAuditEntry(request, {
                resourceType: 'contact',
                metadata: {
                  incomplete: true,
                  written,
                  failure: (error as { code?: string }).code ?? (error as Error).name,
                },
              })
            : undefined;
        if (entry) await recordAudit(auditLog, entry);
        throw error;
      }
    },
  ),

  'contacts.get': defineOperation({ params: idParam, response: contactAnswer }, async ({ params }, request) => ({
    status: 200,
    body: { contact: await getContact(workspaceOf(request), params.id, deps) },
  })),

  'contacts.update': defineOperation(
    { params: idParam, body: contactPatchSchema, response: contactAnswer },
    async ({ params, body }, request) => {
      const contact = await withRestoreHint(() => updateContact(workspaceOf(request), params.id, body, deps));
      return { status: 200, body: { contact }, audit: audited(params.id, { fields: Object.keys(body) }) };
    },
  ),

  'contacts.delete': defineOperation({ params: idParam, response: contactDeleted }, async ({ params }, request) => {
    await deleteContact(workspaceOf(request), params.id, deps);
    return { status: 204, audit: audited(params.id) };
  }),

  'contacts.restore': defineOperation({ params: idParam, response: contactAnswer }, async ({ params }, request) => {
    const contact = await restoreContact(workspaceOf(request), params.id, deps);
    return { status: 200, body: { contact }, audit: audited(params.id) };
  }),

  // A retry with the same Idempotency-Key (or interactionId) answers the first attempt's 201 again.
  'interactions.create': defineOperation(
    { params: idParam, body: interactionRequestSchema, response: interactionRecorded },
    async ({ params, body }, request) => {
      const caller = callerOf(request);
      const details = (i: Pick<Interaction, 'interactionId' | 'type'>, replayed?: boolean) =>
        audited(params.id, { interactionId: i.interactionId, type: i.type, ...(replayed ? { replayed } : {}) });
      const withChange = auditWithChange<Interaction>(request, (i) => details(i));
      const { replayed, ...result } = await recordInteractionOnce(
        interactionDeps,
        caller.workspaceId,
        params.id,
        { ...body, source: caller.userId },
        request.headers[IDEMPOTENCY_KEY_HEADER],
        withChange,
      );
      return {
        status: 201,
        ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
        body: result,
        audit: { ...details(result.interaction, replayed), inWrite: withChange?.written === true },
      };
    },
  ),

  // Paged like every listing: a contact's history has no bound (each withdrawal, and each consent
  // given again after one, appends a record), and its whole would pass what a function may answer.
  'contacts.consent': defineOperation(
    { params: idParam, query: z.object(page), response: consentList },
    async ({ params, query }, request) => ({
      status: 200,
      body: await listConsent({ contacts, consent }, workspaceOf(request), params.id, query),
    }),
  ),

  'contacts.timeline': defineOperation(
    { params: idParam, query: z.object(page), response: timelinePage },
    async ({ params, query }, request) => ({
      status: 200,
      body: await timeline(interactionDeps, workspaceOf(request), params.id, query),
    }),
  ),
});
