/**
 * A send request as it travels on the `email-sends` queue, and the one-off send that queues
 * one (`POST /api/emails/send`). The queue message carries everything the sender needs, so a
 * redelivery sends exactly what was asked (the ledger key makes it once).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { QUEUE_MAX_MESSAGE_BYTES } from '../../lib/definition/queues';
import { sqsBodyBytes } from '../aws/sqs-message-text';
import { zonedSendWindow } from '../campaigns/send-window';
import { ValidationError } from '../errors';
import { IdempotencyInProgressError } from '../idempotency/errors';
import {
  DEFAULT_RUN_ONCE,
  fingerprintOf,
  type RunOnceDeps,
  type RunOnceOptions,
  runOnce,
} from '../idempotency/run-once';
import { emailAddress } from '../security/email-address';
import { throttleBackoffSeconds } from './pacing';
import type { SendOutcome, SendRequest } from './send-email';
import type { SenderProfile } from './sender-profile';

/** A recipient address: the CRM's one address rule (shared/security/email-address.ts). */
export const recipientAddress = emailAddress;

const line = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const headerMap = z.record(z.string().check(z.minLength(1), z.maxLength(100)), z.string().check(z.maxLength(2000)));

export const emailSendMessage = z.object({
  workspaceId: line(64),
  /** What the API answered; the ledger key below is the real identity. */
  sendId: line(128),
  idempotencyKey: line(300),
  category: z.enum(['transactional', 'marketing']),
  /** The configured sender (SES_FROM_ADDRESS, itself a `z.email()` in shared/config.ts). */
  from: z.optional(z.email()),
  to: recipientAddress,
  content: z.object({
    subject: line(998),
    html: z.string().check(z.minLength(1), z.maxLength(500_000)),
    text: z.optional(z.string().check(z.maxLength(500_000))),
  }),
  context: z._default(
    z.object({
      contact: z.record(z.string(), z.unknown()),
      workspace: z.object({
        name: z.string().check(z.maxLength(200)),
        postalAddress: z.optional(z.string().check(z.maxLength(500))),
      }),
      unsubscribe_url: z.optional(z.string().check(z.maxLength(2000))),
    }),
    { contact: {}, workspace: { name: '' } },
  ),
  headers: z.optional(headerMap),
  tags: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(64)), z.string().check(z.maxLength(256)))),
  /** Tracking and topic opt-outs (docs/EMAIL.md, "Tracking", "Unsubscribe"). */
  contactId: z.optional(line(64)),
  campaignId: z.optional(line(64)),
  /** The campaign's email node (per-node stats of opens and clicks). */
  nodeId: z.optional(line(64)),
  /** A campaign send's A/B attribution (tracking-token.ts `AbAttribution`). */
  ab: z.optional(
    z.strictObject({
      run: z.number().check(z.int(), z.gte(0), z.lte(1_000_000_000)),
      variant: z.optional(z.number().check(z.int(), z.gte(0), z.lte(4))),
      /** The variant's line id (campaigns/split.ts `subjectLineId`). */
      line: z.optional(line(64)),
      /** One entry per split of the journey at most (the journey bounds it, as it bounds the enrolment). */
      arms: z.optional(z.record(line(64), line(64))),
    }),
  ),
  topic: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/))),
  track: z.optional(z.boolean()),
  /**
   * A campaign send's window in the contact's zone (the campaign's `sendWindow`, ~80 bytes): the
   * sender holds a mail it finds outside it (kept past the window's end by a pause, the pace or
   * providers down) until the next opening, as the step would have. Absent: any hour (every other
   * send, and campaign mail queued before the field existed).
   */
  window: z.optional(zonedSendWindow),
  /**
   * How many times this request came back as `retry` (paced, throttled, paused): drives the backoff
   * (which stops growing at 2^10 s, pacing.ts). No upper bound but the safe integers (`z.int()`): a
   * marketing send held by a pause comes back every 15 minutes, ~96 times a day, and a cap (it was
   * 10,000: ~104 days) would make such a message unparseable, so dead-lettered instead of sent
   * once the pause is lifted.
   */
  attempt: z._default(z.number().check(z.int(), z.gte(0)), 0),
});
export type EmailSendMessage = z.infer<typeof emailSendMessage>;

const recordId = z.string().check(z.regex(/^[0-9a-zA-Z-]{1,64}$/));

/**
 * The second kind of message on the queue: one page of a broadcast's audience to fan out
 * (shared/email/broadcast.ts). `page` numbers it (0, 1, ...), so a redelivered page counts
 * nothing twice; `cursor` is where the audience listing resumes.
 */
export const audiencePageMessage = z.object({
  kind: z.literal('audience-page'),
  workspaceId: line(64),
  broadcastId: recordId,
  templateId: recordId,
  version: z.number().check(z.int(), z.gte(1)),
  audience: z.object({ tag: z.optional(z.string().check(z.minLength(1), z.maxLength(50))) }),
  /** The sender's name and postal address when the broadcast started: every page mails the same. */
  workspace: z.object({
    name: z.string().check(z.maxLength(200)),
    postalAddress: z.optional(z.string().check(z.maxLength(500))),
  }),
  page: z.number().check(z.int(), z.gte(0), z.lte(1_000_000)),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  /** Contacts per page; the API's pages carry none (100). */
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
});
export type AudiencePageMessage = z.infer<typeof audiencePageMessage>;

/**
 * Any message of the `email-sends` queue: an audience page (`kind: 'audience-page'`), else one
 * email (`kind` absent, as every message before pages existed, or `'send'`).
 */
export const emailQueueMessage = z.union([
  audiencePageMessage,
  z.extend(emailSendMessage, { kind: z.optional(z.literal('send')) }),
]);
export type EmailQueueMessage = z.infer<typeof emailQueueMessage>;
export const isAudiencePage = (m: EmailQueueMessage): m is AudiencePageMessage => m.kind === 'audience-page';

/**
 * The body of `POST /api/emails/send`: inline content (`subject`, `html`, `text?`, `category`)
 * or a stored template (`templateId`, `version?`: the latest when absent), to an address
 * (`to`) or a contact (`contactId`: its email and fields become the merge context).
 */
const recipient = { to: z.optional(recipientAddress), contactId: z.optional(recordId) };
export const inlineSendBody = z.strictObject({
  ...recipient,
  subject: line(998),
  html: z.string().check(z.minLength(1), z.maxLength(500_000)),
  text: z.optional(z.string().check(z.minLength(1), z.maxLength(500_000))),
  category: z.enum(['transactional', 'marketing']),
});
export const templateSendBody = z.strictObject({
  ...recipient,
  templateId: recordId,
  version: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_000_000))),
});
export const oneOffSendBody = z.union([inlineSendBody, templateSendBody]).check(
  z.refine((b) => (b.to === undefined) !== (b.contactId === undefined), {
    message: 'Name exactly one recipient: `to` (an address) or `contactId`',
    path: ['to'],
  }),
);
export type OneOffSendBody = z.infer<typeof oneOffSendBody>;

/**
 * A send with its recipient, content and merge context resolved (a template's version read, a
 * contact's fields looked up). An inline body with a `to` is one already.
 */
export interface ResolvedSend {
  readonly to: string;
  readonly category: 'transactional' | 'marketing';
  readonly subject: string;
  readonly html: string;
  readonly text?: string | undefined;
  /** The `contact.*` merge fields; `{email: to}` when absent. */
  readonly contact?: Readonly<Record<string, unknown>>;
  readonly contactId?: string | undefined;
  /** The `workspace.*` merge fields. */
  readonly workspace?: SenderProfile;
  readonly template?: { readonly templateId: string; readonly version: number };
  /** The template's topic: an address that opted out of it gets no marketing mail of it. */
  readonly topic?: string | undefined;
}

/** What a campaign send adds to its message: its campaign, node, A/B attribution and send window. */
export type CampaignSendFields = Pick<EmailSendMessage, 'campaignId' | 'nodeId' | 'ab' | 'window'>;

/** The queue the sender consumes. `delaySeconds` (0-900) holds a message back. */
export interface EmailSendQueue {
  send(message: EmailSendMessage | AudiencePageMessage, delaySeconds?: number): Promise<void>;
}

/** How a message gets its sender and, for marketing, its unsubscribe link and headers. */
export interface SendMessageDeps {
  readonly from: string;
  /** The unsubscribe link and headers of a marketing send (required for marketing). */
  readonly unsubscribe?: (
    sendId: string,
    email: string,
    contactId?: string,
    topic?: string,
  ) => { url: string; headers: Record<string, string> };
}

/**
 * A send message the sender could not read (its own queue schema refuses it), or one the queue
 * refuses for its characters (shared/adapters/sqs-email-sends.ts; the SQS client escapes every
 * character JSON can hold, shared/aws/sqs-message-text.ts, so this is a backstop): it is never
 * queued, as it could only be retried and dead-lettered. `reason` names the fields, never values.
 */
export class UnqueueableSendError extends ValidationError {
  override name = 'UnqueueableSendError';
  constructor(readonly reason: string) {
    super(`The email cannot be sent: ${reason}`, 'UNSENDABLE_EMAIL');
  }
}

/**
 * The queue message of one send: self-contained (content, merge context, headers, tags), so
 * any delivery of it sends the same mail, whatever changes meanwhile. It is checked against the
 * queue's schema here, where it is built, so nothing is queued that the sender would refuse.
 * @throws UnqueueableSendError when the message is not one the sender can parse (an address
 * outside the CRM's rule, a subject too long, ...).
 */
export function sendMessageOf(
  workspaceId: string,
  ids: { sendId: string; idempotencyKey: string; tags?: Record<string, string>; campaign?: CampaignSendFields },
  send: ResolvedSend,
  deps: SendMessageDeps,
): EmailSendMessage {
  if (send.category === 'marketing' && !deps.unsubscribe) {
    throw new Error('A marketing send needs its unsubscribe link (RFC 8058)');
  }
  const unsubscribe =
    send.category === 'marketing' ? deps.unsubscribe?.(ids.sendId, send.to, send.contactId, send.topic) : undefined;
  const workspace = send.workspace ?? { name: '' };
  const message: z.input<typeof emailSendMessage> = {
    workspaceId,
    sendId: ids.sendId,
    idempotencyKey: ids.idempotencyKey,
    category: send.category,
    from: deps.from,
    to: send.to,
    content: { subject: send.subject, html: send.html, ...(send.text ? { text: send.text } : {}) },
    context: {
      contact: send.contact ?? { email: send.to },
      workspace: {
        name: workspace.name,
        ...(workspace.postalAddress ? { postalAddress: workspace.postalAddress } : {}),
      },
      ...(unsubscribe ? { unsubscribe_url: unsubscribe.url } : {}),
    },
    ...(unsubscribe ? { headers: unsubscribe.headers } : {}),
    ...(send.contactId ? { contactId: send.contactId } : {}),
    ...(send.topic ? { topic: send.topic } : {}),
    tags: {
      workspace: workspaceId,
      send: ids.sendId,
      ...(send.template ? { template: send.template.templateId } : {}),
      ...ids.tags,
    },
    // In the message before it is measured below: the queue carries all of it.
    ...ids.campaign,
    attempt: 0,
  };
  const parsed = emailSendMessage.safeParse(message);
  if (!parsed.success) throw new UnqueueableSendError(issuesOf(parsed.error));
  // Each part fits its schema, the whole may not fit the queue (JSON escaping, multi-byte text,
  // html and text together): SQS would refuse it, after the caller was told it was queued. Measured
  // as SQS receives the body (sqsBodyBytes: U+FFFE/U+FFFF escaped, six bytes each), the body
  // sqs-email-sends.ts sends.
  const bytes = sqsBodyBytes(JSON.stringify(parsed.data));
  if (bytes > SEND_MESSAGE_MAX_BYTES) {
    throw new UnqueueableSendError(
      `message: ${Math.ceil(bytes / 1024)} KiB with its html and text, more than the ${SEND_MESSAGE_MAX_BYTES / 1024} KiB a send can carry (make the content smaller)`,
    );
  }
  return parsed.data;
}

/**
 * The most a send message's JSON may weigh, as SQS receives it (`sqsBodyBytes`): the queue's limit
 * less room for what the sender adds when it queues the message again (a held or throttled retry:
 * another `attempt`).
 */
export const SEND_MESSAGE_MAX_BYTES = QUEUE_MAX_MESSAGE_BYTES - 4096;

/** The failing fields of a refused message, e.g. `to: Not a valid email address` (no values). */
const issuesOf = (error: z.core.$ZodError): string =>
  [...new Set(error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`))].slice(0, 5).join('; ');

/**
 * Queues a one-off send. With a client key the send id is derived from (workspace, key), so a
 * repeated request answers the same id and the ledger sends it once; without one, each
 * request is a new send. It does not check that a repeat is the same request: the route goes
 * through {@link sendOneOff}, which does.
 */
export async function queueOneOffSend(
  workspaceId: string,
  send: ResolvedSend,
  clientKey: string | undefined,
  deps: SendMessageDeps & { queue: EmailSendQueue; newId: () => string },
): Promise<{ sendId: string }> {
  const sendId = clientKey ? oneOffSendId(workspaceId, clientKey) : deps.newId();
  const idempotencyKey = clientKey ? `api#client#${clientKey}` : `api#generated#${sendId}`;
  await deps.queue.send(sendMessageOf(workspaceId, { sendId, idempotencyKey }, send, deps));
  return { sendId };
}

/** The send id a client key names in a workspace (stable: every request under the key answers it). */
export const oneOffSendId = (workspaceId: string, clientKey: string): string =>
  createHash('sha256').update(`${workspaceId}\u0000${clientKey}`).digest('hex').slice(0, 32);

/** The operation one-off send keys belong to (shared/idempotency): a key used here means nothing to another route. */
export const ONE_OFF_SEND_OPERATION = 'emails.send';

/**
 * How long the request a client key was first used with is remembered. The send ledger keeps
 * `api#client#<key>` for good, so a key names its mail for good: were the request forgotten
 * after the usual day, another mail under the key would be answered 202 and then found a
 * duplicate by the ledger, never sent. So it is kept as long as makes no difference (ten
 * years; one small item per keyed send, in the `ephemeral` table).
 */
export const ONE_OFF_SEND_ONCE: RunOnceOptions = {
  leaseMs: DEFAULT_RUN_ONCE.leaseMs,
  ttlMs: 10 * 365 * 24 * 3600_000,
};

/** What a one-off send answers (and, with a key, what a retry is answered again). */
export interface QueuedOneOffSend {
  readonly sendId: string;
  readonly category: 'transactional' | 'marketing';
  readonly template?: { readonly templateId: string; readonly version: number };
}

export interface SendOneOffDeps extends SendMessageDeps, RunOnceDeps {
  readonly queue: EmailSendQueue;
  /** Reads the template's version and the contact's fields (template-send.ts `resolveOneOffSend`). */
  readonly resolve: (workspaceId: string, body: OneOffSendBody) => Promise<ResolvedSend>;
}

/**
 * `POST /api/emails/send`: resolves the body and queues the mail. Without a key, each request
 * is a new send. With one, the key is bound to the request (body and caller): a retry of it
 * answers the first answer again (`replayed`) and queues nothing, or, when the first attempt
 * failed, re-runs with the same send id and ledger key (the ledger mails once either way), or,
 * while the first attempt still runs, queues the same message (same send id and ledger key)
 * itself; another request under the key is refused, so no mail is ever answered 202 and then
 * dropped by the ledger as the key's earlier mail.
 * @throws IdempotencyKeyReusedError (422), and what resolving throws (404 template or contact,
 * 400 `POSTAL_ADDRESS_MISSING`).
 */
export async function sendOneOff(
  caller: { readonly workspaceId: string; readonly userId: string },
  body: OneOffSendBody,
  clientKey: string | undefined,
  deps: SendOneOffDeps,
): Promise<QueuedOneOffSend & { readonly replayed: boolean }> {
  const { workspaceId } = caller;
  const queue = async (key: string | undefined): Promise<QueuedOneOffSend> => {
    const send = await deps.resolve(workspaceId, body);
    const { sendId } = await queueOneOffSend(workspaceId, send, key, deps);
    return { sendId, category: send.category, ...(send.template ? { template: send.template } : {}) };
  };
  if (clientKey === undefined) return { ...(await queue(undefined)), replayed: false };
  try {
    const { result, replayed } = await runOnce(
      deps,
      { workspaceId, operation: ONE_OFF_SEND_OPERATION, key: clientKey },
      // The ids follow from the key: the plan only records which key the run is for.
      { fingerprint: fingerprintOf({ body, by: caller.userId }), plan: { clientKey } },
      (plan) => queue(plan.clientKey),
      ONE_OFF_SEND_ONCE,
    );
    return { ...result, replayed };
  } catch (error) {
    // The same request while its first attempt still runs (another request under the key is
    // 422 first): it queues the same message itself, whose ledger key makes the mail once, and
    // answers the same 202, as concurrent retries always were.
    if (!(error instanceof IdempotencyInProgressError)) throw error;
    return { ...(await queue(clientKey)), replayed: false };
  }
}

/** The use case's request from a queue message. */
export function sendRequestOf(message: EmailSendMessage, defaultFrom: string): SendRequest {
  const { contact: _named, ...tags } = message.tags ?? {};
  return {
    workspaceId: message.workspaceId,
    idempotencyKey: message.idempotencyKey,
    category: message.category,
    from: message.from ?? defaultFrom,
    to: message.to,
    content: message.content,
    context: message.context,
    ...(message.headers ? { headers: message.headers } : {}),
    // The provider's events come back with these: `contact` names the recipient's contact, so its
    // delivery lands on that timeline without a lookup by address (provider-events.ts).
    tags: {
      ...tags,
      ...(message.contactId ? { contact: message.contactId } : {}),
      workspace: message.workspaceId,
      send: message.sendId,
    },
    sendId: message.sendId,
    ...(message.contactId ? { contactId: message.contactId } : {}),
    ...(message.campaignId ? { campaignId: message.campaignId } : {}),
    ...(message.nodeId ? { nodeId: message.nodeId } : {}),
    ...(message.ab ? { ab: message.ab } : {}),
    ...(message.topic ? { topic: message.topic } : {}),
    ...(message.track !== undefined ? { track: message.track } : {}),
    ...(message.window ? { window: message.window } : {}),
  };
}

/** SQS holds a message back at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * How long a `retry` outcome waits before it comes back: at least what the outcome asked,
 * and for a provider's throttling the exponential backoff with jitter of pacing.ts.
 */
export function retryDelaySeconds(
  outcome: Extract<SendOutcome, { status: 'retry' }>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const asked = Math.ceil(Math.max(0, outcome.retryAfterMs) / 1000);
  const backoff = throttled(outcome) ? throttleBackoffSeconds(attempt + 1, random) : 0;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, asked, backoff));
}

const throttled = (outcome: Extract<SendOutcome, { status: 'retry' }>) => outcome.reason.startsWith('throttled');

/**
 * The `attempt` a message queued again after `outcome` carries: the throttles in a row, which the
 * backoff grows with. Any other hold (paced, paused, outside the send window, providers down)
 * starts the count again, so a mail held all night is not met at the window's opening by the
 * backoff of forty throttles it never had.
 */
export const nextAttempt = (outcome: Extract<SendOutcome, { status: 'retry' }>, attempt: number): number =>
  throttled(outcome) ? attempt + 1 : 0;
