/**
 * A broadcast: one stored template version to every live contact of the workspace (or those
 * with a tag). The request only records the broadcast and queues its first audience page on
 * the `email-sends` queue; the email-sender fans each page out (one send message per contact,
 * ledger key `broadcast#<broadcastId>#<contactId>`), records the page, and queues the next.
 *
 * Redeliveries: the ledger key makes each contact's mail once, whatever is repeated; a page's
 * progress is recorded once (a page marker written in the same transaction as the counts); a
 * page found recorded is skipped whole. The next page is queued before the page is recorded,
 * so a crash between the two repeats work (absorbed as above) but never stalls the broadcast.
 */
import { createHash } from 'node:crypto';
import type { ContactStore } from '../crm/contacts/ports';
import { NotFoundError, ValidationError } from '../errors';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from '../idempotency/errors';
import { fingerprintOf, type RunOnceDeps, runOnce } from '../idempotency/run-once';
import { mapLimit } from '../resilience/map-limit';
import {
  type AudiencePageMessage,
  type EmailSendQueue,
  type SendMessageDeps,
  sendMessageOf,
  UnqueueableSendError,
} from './send-request';
import { assertPostalAddress, type SenderProfile } from './sender-profile';
import { contentOf, getTemplate, type TemplateStore } from './stored-templates';
import { mailBlockFor } from './suppression-rules';
import { mergeFieldsOf } from './template-send';

export const AUDIENCE_PAGE_SIZE = 100;
/** Send messages in flight at once while a page fans out. */
const ENQUEUE_CONCURRENCY = 10;

export interface BroadcastAudience {
  readonly tag?: string | undefined;
}

export interface BroadcastRecord {
  readonly workspaceId: string;
  readonly broadcastId: string;
  readonly templateId: string;
  readonly version: number;
  readonly category: 'transactional' | 'marketing';
  readonly audience: BroadcastAudience;
  /** Send messages queued so far (one per contact reached). */
  readonly enqueued: number;
  /** Contacts passed over (marketing to a contact whose status is `unsubscribed`). */
  readonly skipped: number;
  readonly pagesDone: number;
  /** Set by the page that found no further contact. */
  readonly lastPage?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

export type BroadcastStatus = 'queued' | 'enqueuing' | 'done';

export interface BroadcastProgress {
  readonly broadcastId: string;
  readonly templateId: string;
  readonly version: number;
  readonly audience: BroadcastAudience;
  readonly status: BroadcastStatus;
  readonly enqueued: number;
  readonly skipped: number;
  readonly pages: number;
  /** Known once every page is done. */
  readonly total?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Storage of broadcasts and their page markers (shared/adapters/dynamo-broadcasts.ts). */
export interface BroadcastStore {
  /** Creates the record (zero counts); false when one with this id exists already. */
  create(record: BroadcastRecord): Promise<boolean>;
  get(workspaceId: string, broadcastId: string): Promise<BroadcastRecord | undefined>;
  /** Whether page `page` was recorded. */
  pageRecorded(workspaceId: string, broadcastId: string, page: number): Promise<boolean>;
  /**
   * Adds a page's counts and writes its marker together, once: false (nothing written) when
   * the page was recorded already. `last` stores the page as the last one.
   */
  recordPage(
    workspaceId: string,
    broadcastId: string,
    page: { page: number; enqueued: number; skipped: number; last: boolean; at: string },
  ): Promise<boolean>;
}

/** The status, derived from the counts so pages recorded in any order agree. */
export function progressOf(record: BroadcastRecord): BroadcastProgress {
  const done = record.lastPage !== undefined && record.pagesDone >= record.lastPage + 1;
  const status: BroadcastStatus = done ? 'done' : record.pagesDone === 0 ? 'queued' : 'enqueuing';
  return {
    broadcastId: record.broadcastId,
    templateId: record.templateId,
    version: record.version,
    audience: record.audience,
    status,
    enqueued: record.enqueued,
    skipped: record.skipped,
    pages: record.pagesDone,
    ...(done ? { total: record.enqueued } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface StartBroadcastDeps {
  readonly templates: Pick<TemplateStore, 'get' | 'version'>;
  readonly broadcasts: BroadcastStore;
  readonly queue: EmailSendQueue;
  readonly profile: (workspaceId: string) => Promise<SenderProfile>;
  readonly newId: () => string;
  readonly now: () => Date;
}

/**
 * Records a broadcast and queues its first page. With a client key (`Idempotency-Key`) the
 * broadcast id is derived from (workspace, key): a repeat of the request answers the same
 * broadcast and starts nothing new (it re-queues page 0, from the stored record, while no page
 * is recorded: the first attempt may have died before queueing it). Another request under the
 * key (another template, audience, version or caller) is refused: the key names its broadcast
 * for good, so it must never be answered with that broadcast or fold into it.
 * A broadcast is bulk mail: only a marketing template may be broadcast (its opt-outs, unsubscribe
 * link, postal address and the reputation pause all apply); a transactional one is for mail to one
 * person (`POST /api/emails/send`).
 * @throws NotFoundError for an unknown or deleted template; ValidationError
 * `BROADCAST_NOT_MARKETING` for a template that is not marketing, `POSTAL_ADDRESS_MISSING` for a
 * marketing template without the workspace's postal address;
 * IdempotencyKeyReusedError (422) when the key's broadcast is of another request.
 */
export async function startBroadcast(
  workspaceId: string,
  templateId: string,
  input: { audience: BroadcastAudience; version?: number | undefined },
  meta: { clientKey?: string | undefined; createdBy: string },
  deps: StartBroadcastDeps,
): Promise<BroadcastProgress> {
  const template = await getTemplate(workspaceId, templateId, input.version, deps);
  if (template.category !== 'marketing') {
    throw new ValidationError(
      `Only a marketing template can be broadcast (this one is ${template.category}): a broadcast is bulk mail, with the opt-outs, unsubscribe link and postal address of marketing; send transactional mail to one recipient with POST /api/emails/send`,
      'BROADCAST_NOT_MARKETING',
    );
  }
  const workspace = await deps.profile(workspaceId);
  assertPostalAddress(workspace, template.category);
  const broadcastId = meta.clientKey ? broadcastIdOf(workspaceId, meta.clientKey) : deps.newId();
  const at = deps.now().toISOString();
  const audience = input.audience.tag ? { tag: input.audience.tag } : {};
  const record: BroadcastRecord = {
    workspaceId,
    broadcastId,
    templateId,
    version: template.version,
    category: template.category,
    audience,
    enqueued: 0,
    skipped: 0,
    pagesDone: 0,
    createdAt: at,
    updatedAt: at,
    createdBy: meta.createdBy,
  };
  const created = await deps.broadcasts.create(record);
  const current = created ? record : ((await deps.broadcasts.get(workspaceId, broadcastId)) ?? record);
  if (!created && !sameRequest(current, { templateId, audience, version: input.version, createdBy: meta.createdBy })) {
    throw new IdempotencyKeyReusedError();
  }
  // A repeat of a request whose first page may never have been queued queues it (again): harmless.
  // Always the stored broadcast's template, version and audience: the page must mail what was recorded.
  if (created || current.pagesDone === 0) {
    await deps.queue.send({
      kind: 'audience-page',
      workspaceId,
      broadcastId,
      templateId: current.templateId,
      version: current.version,
      audience: current.audience,
      workspace: {
        name: workspace.name,
        ...(workspace.postalAddress ? { postalAddress: workspace.postalAddress } : {}),
      },
      page: 0,
    });
  }
  return progressOf(current);
}

/** The broadcast a client key names in a workspace. */
const broadcastIdOf = (workspaceId: string, clientKey: string): string =>
  createHash('sha256').update(`${workspaceId}\u0000broadcast\u0000${clientKey}`).digest('hex').slice(0, 32);

/**
 * Whether a stored broadcast is the one a request asks for. A request without a version asks
 * for the latest, which may have moved on since the broadcast was recorded: any version matches.
 */
function sameRequest(
  stored: BroadcastRecord,
  request: { templateId: string; audience: BroadcastAudience; version?: number | undefined; createdBy: string },
): boolean {
  return (
    stored.templateId === request.templateId &&
    (stored.audience.tag ?? undefined) === (request.audience.tag ?? undefined) &&
    (request.version === undefined || stored.version === request.version) &&
    stored.createdBy === request.createdBy
  );
}

/** The operation broadcast keys belong to (shared/idempotency): a key used here means nothing to another route. */
export const BROADCAST_OPERATION = 'email-templates.send';

/**
 * `POST /api/email-templates/{id}/send`: {@link startBroadcast}, with the client's key bound to
 * the request (template, body, caller) for a day: a retry is answered the first answer again
 * (`replayed`) and starts nothing; another request under the key is 422; a retry while the
 * first still runs starts the same broadcast itself (its record is created once) and answers
 * it. After the day the stored broadcast itself tells a retry (the same broadcast answered)
 * from another request (422), as {@link startBroadcast} does.
 * @throws IdempotencyKeyReusedError (422), and what {@link startBroadcast} throws.
 */
export async function sendBroadcast(
  caller: { readonly workspaceId: string; readonly userId: string },
  templateId: string,
  input: { audience: BroadcastAudience; version?: number | undefined },
  clientKey: string | undefined,
  deps: StartBroadcastDeps & Pick<RunOnceDeps, 'idempotency'>,
): Promise<BroadcastProgress & { readonly replayed: boolean }> {
  const { workspaceId, userId } = caller;
  const start = () => startBroadcast(workspaceId, templateId, input, { clientKey, createdBy: userId }, deps);
  if (clientKey === undefined) return { ...(await start()), replayed: false };
  // The key's broadcast, once recorded, is kept for good: another request is refused before it
  // claims the key, or the refused request would hold the key against the retries of its owner.
  const stored = await deps.broadcasts.get(workspaceId, broadcastIdOf(workspaceId, clientKey));
  if (
    stored &&
    !sameRequest(stored, { templateId, audience: input.audience, version: input.version, createdBy: userId })
  ) {
    throw new IdempotencyKeyReusedError();
  }
  try {
    const { result, replayed } = await runOnce(
      deps,
      { workspaceId, operation: BROADCAST_OPERATION, key: clientKey },
      {
        fingerprint: fingerprintOf({
          templateId,
          audience: input.audience.tag ? { tag: input.audience.tag } : {},
          version: input.version,
          by: userId,
        }),
        // The broadcast id follows from the key: nothing else to fix for a re-run.
        plan: {},
      },
      start,
    );
    return { ...result, replayed };
  } catch (error) {
    // The same request while its first attempt still runs (another request under the key is
    // 422 first): it starts the same broadcast itself, whose record is created once, and
    // answers it, as concurrent retries always were.
    if (!(error instanceof IdempotencyInProgressError)) throw error;
    return { ...(await start()), replayed: false };
  }
}

/** @throws NotFoundError `BROADCAST_NOT_FOUND`. */
export async function broadcastProgress(
  workspaceId: string,
  broadcastId: string,
  deps: { broadcasts: Pick<BroadcastStore, 'get'> },
): Promise<BroadcastProgress> {
  const record = await deps.broadcasts.get(workspaceId, broadcastId);
  if (!record) throw new NotFoundError('No such broadcast', 'BROADCAST_NOT_FOUND');
  return progressOf(record);
}

export interface AudiencePageDeps {
  readonly from: string;
  /** The unsubscribe link and headers of one marketing send (`unsubscribeFor` bound to its config). */
  readonly unsubscribe: (who: {
    workspaceId: string;
    sendId: string;
    email: string;
    contactId?: string;
    topic?: string;
  }) => {
    url: string;
    headers: Record<string, string>;
  };
  readonly templates: Pick<TemplateStore, 'version'>;
  readonly broadcasts: BroadcastStore;
  readonly contacts: Pick<ContactStore, 'list'>;
  readonly queue: EmailSendQueue;
  readonly now: () => Date;
}

export type AudiencePageOutcome =
  | { readonly status: 'already-done' }
  | {
      readonly status: 'done';
      readonly enqueued: number;
      /** Contacts not mailed: unsubscribed from marketing, or whose message the sender could not read or the queue refused. */
      readonly skipped: number;
      readonly last: boolean;
      /** Why each contact whose message could not be built, or the queue refused, was skipped (none when every message was queued). */
      readonly unqueueable?: ReadonlyArray<{ readonly contactId: string; readonly reason: string }>;
    };

/** The send id of one contact's mail of a broadcast (stable: the same on every redelivery). */
export const broadcastSendId = (broadcastId: string, contactId: string): string =>
  createHash('sha256').update(`${broadcastId}\u0000${contactId}`).digest('hex').slice(0, 32);

/** The ledger key of one contact's mail of a broadcast: a redelivered page never mails twice. */
export const broadcastLedgerKey = (broadcastId: string, contactId: string): string =>
  `broadcast#${broadcastId}#${contactId}`;

/** Fans one audience page out: one send message per contact, then the next page, then the record. */
export async function runAudiencePage(
  message: AudiencePageMessage,
  deps: AudiencePageDeps,
): Promise<AudiencePageOutcome> {
  const { workspaceId, broadcastId, page } = message;
  if (await deps.broadcasts.pageRecorded(workspaceId, broadcastId, page)) return { status: 'already-done' };
  const version = await deps.templates.version(workspaceId, message.templateId, message.version);
  // Versions are immutable and never removed: a missing one is a bug, left to the DLQ.
  if (!version) throw new Error(`Template ${message.templateId} v${message.version} is missing`);
  const listed = await deps.contacts.list(workspaceId, message.audience.tag ? { tag: message.audience.tag } : {}, {
    limit: message.limit ?? AUDIENCE_PAGE_SIZE,
    ...(message.cursor ? { cursor: message.cursor } : {}),
  });
  const content = contentOf(version);
  const messageDeps: SendMessageDeps = {
    from: deps.from,
    unsubscribe: (sendId, email, contactId, topic) =>
      deps.unsubscribe({
        workspaceId,
        sendId,
        email,
        ...(contactId ? { contactId } : {}),
        ...(topic ? { topic } : {}),
      }),
  };
  // Who may get this mail by the rule every audience asks (`mailBlockFor`): here for the status
  // (marketing to an `unsubscribed` contact); suppressions and topic opt-outs the sender applies.
  const reached = listed.contacts.filter((c) => !mailBlockFor(c, [], version.category, version.topic));
  const unqueueable: Array<{ contactId: string; reason: string }> = [];
  await mapLimit(reached, ENQUEUE_CONCURRENCY, async (contact) => {
    const sendId = broadcastSendId(broadcastId, contact.contactId);
    try {
      // Checked as it is built: a message the sender could not read is skipped, never queued to be
      // retried and dead-lettered; so is one the queue refuses for its content (the adapter's
      // UnqueueableSendError): retried, it would fail the page every time.
      const built = sendMessageOf(
        workspaceId,
        {
          sendId,
          idempotencyKey: broadcastLedgerKey(broadcastId, contact.contactId),
          tags: { broadcast: broadcastId },
        },
        {
          to: contact.email,
          category: version.category,
          ...content,
          contact: mergeFieldsOf(contact),
          contactId: contact.contactId,
          workspace: message.workspace,
          template: { templateId: version.templateId, version: version.version },
          ...(version.topic ? { topic: version.topic } : {}),
        },
        messageDeps,
      );
      await deps.queue.send(built);
    } catch (error) {
      if (!(error instanceof UnqueueableSendError)) throw error;
      unqueueable.push({ contactId: contact.contactId, reason: error.reason });
    }
  });
  const enqueued = reached.length - unqueueable.length;
  const skipped = listed.contacts.length - enqueued;
  const last = listed.nextCursor === undefined;
  if (!last) await deps.queue.send({ ...message, page: page + 1, cursor: listed.nextCursor });
  await deps.broadcasts.recordPage(workspaceId, broadcastId, {
    page,
    enqueued,
    skipped,
    last,
    at: deps.now().toISOString(),
  });
  return { status: 'done', enqueued, skipped, last, ...(unqueueable.length > 0 ? { unqueueable } : {}) };
}
