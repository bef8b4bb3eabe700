/**
 * Provider events, normalised. Two sources reach the `email-events` queue:
 *
 * - SES configuration-set events, as EventBridge delivers them (source `aws.ses`, detail-type
 *   "Email Bounced"..., `detail` = the SES event record `{eventType, mail, bounce|complaint|...}`,
 *   the message tags in `mail.tags` as `{name: [values]}`);
 * - Resend webhooks (`{type: 'email.bounced', created_at, data: {email_id, to, tags, bounce?}}`),
 *   wrapped by the webhook route in the same envelope shape with source `resend`.
 *
 * Both become {@link EmailEvent}s. Workspace and send come from the tags the sender puts on every
 * email (`workspace`, `send`: sendRequestOf); an event without them is not ours (another sender
 * of the account, a test message) and is ignored with its reason, never an error. The `ledger`
 * tag (ledger-tag.ts) names the send-ledger record, for the Send event's acknowledgement.
 *
 * Every stage of an account shares the default bus SES publishes to, so an SES event of another
 * configuration set than the stage's own (`SES_CONFIGURATION_SET`) is another stage's send: the
 * `ses-events` rule already keeps them out (lib/cdk/event-rules.ts), and one that still arrives is
 * ignored as `foreign`, before anything of it is read, so prod's recipients never reach dev's table.
 */
import * as z from 'zod/mini';
import { own } from '../security/own';
import { LEDGER_TAG, ledgerKeyOfTag } from './ledger-tag';

export type EmailEventType =
  | 'sent'
  | 'delivered'
  | 'bounced'
  | 'complained'
  | 'rejected'
  | 'delivery_delayed'
  | 'opened'
  | 'clicked'
  | 'rendering_failed'
  | 'subscription'
  /** The provider accepted the send, then did not send it (Resend `email.failed`: quota, domain, ...). */
  | 'failed';

/** `permanent` = hard bounce, `transient` = soft, `undetermined` = SES could not tell (counted as soft). */
export type BounceType = 'permanent' | 'transient' | 'undetermined';

export interface EmailEvent {
  readonly provider: 'ses' | 'resend';
  readonly type: EmailEventType;
  readonly providerMessageId: string;
  readonly workspaceId: string;
  readonly sendId: string;
  /** The send-ledger key the message was sent under (its `ledger` tag, ledger-tag.ts), when it carries one. */
  readonly ledgerKey?: string;
  /** The campaign and node of a campaign send (its `campaign` / `node` tags). */
  readonly campaign?: { readonly campaignId: string; readonly nodeId?: string };
  /** The contact the send was addressed to (its `contact` tag), for a send to one recipient. */
  readonly contactId?: string;
  /** The recipient concerned, lower-cased. */
  readonly email: string;
  readonly bounceType?: BounceType;
  /** The provider's finer reason (SES `bounceSubType`, e.g. `Suppressed`; Resend `bounce.subType`, or `suppressed.type` of `email.suppressed`). */
  readonly bounceSubType?: string;
  /**
   * The provider never attempted delivery: the address is on a suppression list of the whole
   * provider account, which every workspace of the account shares ({@link isAccountSuppression}).
   * Nothing of this workspace bounced or complained, so its reputation window does not count it
   * (SES does not count such sends toward the account's rates either); the address is still
   * suppressed in the workspace.
   */
  readonly accountSuppressed?: true;
  /** A `failed` event's reason, as the provider gave it (Resend `failed.reason`, e.g. `reached_daily_quota`). */
  readonly failedReason?: string;
  /** A complaint whose feedback report says the mail is *not* spam (`complaintFeedbackType: not-spam`). */
  readonly notSpam?: true;
  /** When it happened (ISO 8601). */
  readonly at: string;
}

export type ParsedEvents =
  | { readonly status: 'events'; readonly events: readonly EmailEvent[] }
  | {
      readonly status: 'ignored';
      readonly reason: string;
      /** Another stage's event (another SES configuration set): counted as well as logged. */
      readonly foreign?: true;
    };

/** What the consumer knows of its own stage's sends. */
export interface OwnSends {
  /** The stage's SES configuration set; unset (the local runtime), any set's events are read. */
  readonly sesConfigurationSet?: string;
}

/** SES `eventType` -> ours. */
const SES_TYPES: Readonly<Record<string, EmailEventType>> = {
  Send: 'sent',
  Delivery: 'delivered',
  Bounce: 'bounced',
  Complaint: 'complained',
  Reject: 'rejected',
  DeliveryDelay: 'delivery_delayed',
  Open: 'opened',
  Click: 'clicked',
  'Rendering Failure': 'rendering_failed',
  RenderingFailure: 'rendering_failed',
  Subscription: 'subscription',
};

/**
 * Resend webhook `type` -> ours (`email.scheduled` and non-email types are not delivery events).
 * `email.suppressed`: Resend did not attempt the send, the address being on its account's
 * suppression list (reported so since Resend made suppressions a status of their own, no longer an
 * `email.bounced`): a permanent bounce of the account's list (`accountSuppressed`), as SES reports one.
 */
const RESEND_TYPES: Readonly<Record<string, EmailEventType>> = {
  'email.sent': 'sent',
  'email.failed': 'failed',
  'email.delivered': 'delivered',
  'email.bounced': 'bounced',
  'email.suppressed': 'bounced',
  'email.complained': 'complained',
  'email.delivery_delayed': 'delivery_delayed',
  'email.opened': 'opened',
  'email.clicked': 'clicked',
};

const recipient = z.looseObject({ emailAddress: z.string().check(z.minLength(3), z.maxLength(320)) });

/** The part of an SES event record we read (everything else passes through untouched). */
const sesRecord = z.looseObject({
  eventType: z.optional(z.string()),
  /** SNS-style records call it notificationType. */
  notificationType: z.optional(z.string()),
  mail: z.looseObject({
    messageId: z.string().check(z.minLength(1), z.maxLength(300)),
    timestamp: z.optional(z.string()),
    destination: z._default(z.array(z.string()), []),
    tags: z._default(z.record(z.string(), z.array(z.string())), {}),
  }),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z._default(z.array(recipient), []),
      timestamp: z.optional(z.string()),
    }),
  ),
  complaint: z.optional(
    z.looseObject({
      complainedRecipients: z._default(z.array(recipient), []),
      timestamp: z.optional(z.string()),
      /** `OnAccountSuppressionList` when SES did not send (the address is on the account's list); else null. */
      complaintSubType: z.optional(z.nullable(z.string())),
      /** The feedback report's type (RFC 5965): `abuse`, `fraud`, `not-spam`, ... */
      complaintFeedbackType: z.optional(z.nullable(z.string())),
    }),
  ),
  delivery: z.optional(
    z.looseObject({ recipients: z._default(z.array(z.string()), []), timestamp: z.optional(z.string()) }),
  ),
  deliveryDelay: z.optional(
    z.looseObject({ delayedRecipients: z._default(z.array(recipient), []), timestamp: z.optional(z.string()) }),
  ),
});

/** An EventBridge event envelope (what a rule's SQS target receives as the message body). */
export const eventEnvelope = z.looseObject({
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  'detail-type': z.string().check(z.maxLength(200)),
  source: z.string().check(z.minLength(1), z.maxLength(200)),
  time: z.optional(z.string().check(z.maxLength(64))),
  detail: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof eventEnvelope>;

/** The source of the envelope the webhook route wraps a verified Resend webhook in. */
export const RESEND_EVENT_SOURCE = 'resend';

const resendTags = z.union([
  z.array(z.looseObject({ name: z.string(), value: z.string() })),
  z.record(z.string(), z.string()),
]);

const resendWebhook = z.looseObject({
  type: z.string().check(z.minLength(1), z.maxLength(100)),
  created_at: z.optional(z.string().check(z.maxLength(64))),
  data: z.looseObject({
    email_id: z.string().check(z.minLength(1), z.maxLength(300)),
    to: z._default(z.union([z.array(z.string()), z.string()]), []),
    created_at: z.optional(z.string().check(z.maxLength(64))),
    tags: z.optional(resendTags),
    bounce: z.optional(
      z.looseObject({ type: z.optional(z.string()), subType: z.optional(z.string()), message: z.optional(z.string()) }),
    ),
    /** `email.failed`: why Resend did not send what it had accepted. */
    failed: z.optional(z.looseObject({ reason: z.optional(z.string()) })),
    /** `email.suppressed`: which list kept Resend from sending (`type`, e.g. `OnAccountSuppressionList`). */
    suppressed: z.optional(z.looseObject({ type: z.optional(z.string()), message: z.optional(z.string()) })),
  }),
});

/** Wraps a verified Resend webhook for the queue: the svix id becomes the envelope id. */
export function resendEnvelope(webhookId: string, body: Record<string, unknown>, receivedAt: Date): EventEnvelope {
  return {
    version: '0',
    id: webhookId,
    'detail-type': typeof body.type === 'string' ? body.type : 'unknown',
    source: RESEND_EVENT_SOURCE,
    time: typeof body.created_at === 'string' ? body.created_at : receivedAt.toISOString(),
    detail: body,
  };
}

/** Parses one queue message (an envelope) into our events, or says why it is ignored. */
export function parseProviderEvent(envelope: EventEnvelope, ours: OwnSends = {}): ParsedEvents {
  if (envelope.source === 'aws.ses') return parseSesEvent(envelope, ours);
  if (envelope.source === RESEND_EVENT_SOURCE) return parseResendWebhook(envelope.detail, envelope.time);
  return { status: 'ignored', reason: `unknown source ${envelope.source}` };
}

const first = (tags: Readonly<Record<string, readonly string[]>>, name: string) => tags[name]?.[0];
const lower = (email: string) => email.trim().toLowerCase();
/** `Name <a@b>` -> `a@b`. */
const bare = (address: string) => lower(/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address);
const isoOr = (value: string | undefined, fallback: string | undefined): string => {
  for (const v of [value, fallback]) if (v && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return new Date(0).toISOString();
};

/**
 * The bounce (or complaint) subtypes by which each provider reports a send it never attempted
 * because the address is on a suppression list of the whole provider account: every workspace
 * sends through the one account, so any workspace's bounces and complaints fill that list, and
 * such an event is no fact about this workspace's mail.
 *
 * - SES: `OnAccountSuppressionList` (the account-level list; SES does not count these toward the
 *   account's rates). Its `Suppressed` is the SES-wide global list, which SES *does* count toward
 *   the account's bounce rate: counted here too.
 * - Resend: `OnAccountSuppressionList` ("Resend has suppressed sending to this address because it
 *   has previously hard bounced") and `Suppressed` ("on the suppression list because it has a
 *   history of producing hard bounces"): Resend's suppression list is the Resend account's (one
 *   per region, filled by a hard bounce or complaint of any of its sends), and it attempts
 *   neither. Resend now reports such a send as `email.suppressed` (its `suppressed.type` kept as
 *   the subtype), which is always the account's list whatever the type says; an `email.bounced`
 *   with these subtypes (how it reported them before) is read so still.
 */
const ACCOUNT_SUPPRESSION_SUBTYPES: Readonly<Record<EmailEvent['provider'], readonly string[]>> = {
  ses: ['OnAccountSuppressionList'],
  resend: ['OnAccountSuppressionList', 'Suppressed'],
};

/** Whether `subType` says the provider did not attempt the send: the address is on its account's suppression list. */
export const isAccountSuppression = (provider: EmailEvent['provider'], subType: string | null | undefined): boolean =>
  typeof subType === 'string' && ACCOUNT_SUPPRESSION_SUBTYPES[provider].includes(subType);
const accountSuppressed = (provider: EmailEvent['provider'], subType: string | null | undefined) =>
  isAccountSuppression(provider, subType) ? { accountSuppressed: true as const } : {};

/** An SES event (EventBridge envelope with the SES record as `detail`); `ours`: see {@link OwnSends}. */
export function parseSesEvent(envelope: EventEnvelope, ours: OwnSends = {}): ParsedEvents {
  const parsed = sesRecord.safeParse(envelope.detail);
  if (!parsed.success) return { status: 'ignored', reason: 'not an SES event record' };
  const record = parsed.data;
  const configurationSet = first(record.mail.tags, 'ses:configuration-set');
  if (ours.sesConfigurationSet !== undefined && configurationSet !== ours.sesConfigurationSet) {
    const named = configurationSet === undefined ? 'no configuration set' : `configuration set ${configurationSet}`;
    return {
      status: 'ignored',
      reason: `${named}, not this stage's ${ours.sesConfigurationSet}: another stage's send`,
      foreign: true,
    };
  }
  const kind = record.eventType ?? record.notificationType ?? '';
  // The payload names the kind: only the table's own entries count (never `constructor`, `toString`...).
  const type = own(SES_TYPES, kind);
  if (!type) return { status: 'ignored', reason: `SES event type ${kind || '(none)'} is not handled` };
  const workspaceId = first(record.mail.tags, 'workspace');
  const sendId = first(record.mail.tags, 'send');
  if (!workspaceId || !sendId) return { status: 'ignored', reason: 'no workspace/send tags: not one of our sends' };

  const campaign = campaignOf(first(record.mail.tags, 'campaign'), first(record.mail.tags, 'node'));
  const ledgerKey = ledgerKeyOfTag(first(record.mail.tags, LEDGER_TAG));
  const contactId = contactOf(first(record.mail.tags, 'contact'));
  const base = {
    provider: 'ses' as const,
    type,
    providerMessageId: record.mail.messageId,
    workspaceId,
    sendId,
    ...(ledgerKey ? { ledgerKey } : {}),
    ...(campaign ? { campaign } : {}),
  };
  const at = (own: string | undefined) => isoOr(own, envelope.time ?? record.mail.timestamp);
  let recipients: string[];
  let extra: Partial<EmailEvent> = {};
  let when = at(undefined);
  if (type === 'bounced' && record.bounce) {
    recipients = record.bounce.bouncedRecipients.map((r) => r.emailAddress);
    extra = {
      bounceType: record.bounce.bounceType.toLowerCase() as BounceType,
      ...(record.bounce.bounceSubType ? { bounceSubType: record.bounce.bounceSubType } : {}),
      ...accountSuppressed('ses', record.bounce.bounceSubType),
    };
    when = at(record.bounce.timestamp);
  } else if (type === 'complained' && record.complaint) {
    recipients = record.complaint.complainedRecipients.map((r) => r.emailAddress);
    extra = {
      ...accountSuppressed('ses', record.complaint.complaintSubType),
      ...(record.complaint.complaintFeedbackType?.toLowerCase() === 'not-spam' ? { notSpam: true as const } : {}),
    };
    when = at(record.complaint.timestamp);
  } else if (type === 'delivered' && record.delivery) {
    recipients = record.delivery.recipients;
    when = at(record.delivery.timestamp);
  } else if (type === 'delivery_delayed' && record.deliveryDelay) {
    recipients = record.deliveryDelay.delayedRecipients.map((r) => r.emailAddress);
    when = at(record.deliveryDelay.timestamp);
  } else {
    recipients = record.mail.destination;
  }
  if (type === 'bounced' && !extra.bounceType)
    return { status: 'ignored', reason: 'SES bounce without its bounce object' };
  const emails = [...new Set((recipients.length ? recipients : record.mail.destination).map(bare))];
  if (emails.length === 0) return { status: 'ignored', reason: 'SES event names no recipient' };
  const contact = contactId && emails.length === 1 ? { contactId } : {};
  return { status: 'events', events: emails.map((email) => ({ ...base, ...extra, ...contact, email, at: when })) };
}

/** A Resend webhook body (`time` is the envelope's, used when the body has no `created_at`). */
export function parseResendWebhook(body: unknown, time?: string): ParsedEvents {
  const parsed = resendWebhook.safeParse(body);
  if (!parsed.success) return { status: 'ignored', reason: 'not a Resend email webhook' };
  const hook = parsed.data;
  const type = own(RESEND_TYPES, hook.type);
  if (!type) return { status: 'ignored', reason: `Resend event type ${hook.type} is not handled` };
  const tags = Array.isArray(hook.data.tags)
    ? Object.fromEntries(hook.data.tags.map((t) => [t.name, t.value]))
    : (hook.data.tags ?? {});
  const workspaceId = tags.workspace;
  const sendId = tags.send;
  if (!workspaceId || !sendId) return { status: 'ignored', reason: 'no workspace/send tags: not one of our sends' };
  const to = Array.isArray(hook.data.to) ? hook.data.to : [hook.data.to];
  const emails = [...new Set(to.map(bare))].filter((e) => e.includes('@'));
  if (emails.length === 0) return { status: 'ignored', reason: 'Resend event names no recipient' };
  // Resend's own suppression status: always its account's list, a permanent refusal.
  const suppressedHook = hook.type === 'email.suppressed';
  const bounceType = suppressedHook
    ? 'permanent'
    : type === 'bounced'
      ? resendBounceType(hook.data.bounce?.type)
      : undefined;
  const subType = suppressedHook ? hook.data.suppressed?.type || 'Suppressed' : hook.data.bounce?.subType;
  const at = isoOr(hook.created_at, time ?? hook.data.created_at);
  const ledgerKey = ledgerKeyOfTag(tags[LEDGER_TAG]);
  const contactId = contactOf(tags.contact);
  const contact = contactId && emails.length === 1 ? { contactId } : {};
  return {
    status: 'events',
    events: emails.map((email) => ({
      provider: 'resend' as const,
      type,
      ...(campaignOf(tags.campaign, tags.node) ? { campaign: campaignOf(tags.campaign, tags.node) } : {}),
      providerMessageId: hook.data.email_id,
      workspaceId,
      sendId,
      ...(ledgerKey ? { ledgerKey } : {}),
      ...contact,
      email,
      ...(bounceType ? { bounceType } : {}),
      ...(type === 'bounced' && subType ? { bounceSubType: subType, ...accountSuppressed('resend', subType) } : {}),
      ...(suppressedHook ? { accountSuppressed: true as const } : {}),
      ...(type === 'failed' ? { failedReason: (hook.data.failed?.reason || 'unknown').slice(0, 200) } : {}),
      at,
    })),
  };
}

/** Resend says "Permanent" / "Transient" (it relays SES's words); `email.bounced` is documented as permanent. */
function resendBounceType(type: string | undefined): BounceType {
  const t = (type ?? '').toLowerCase();
  if (t === 'transient' || t === 'temporary') return 'transient';
  if (t === 'undetermined') return 'undetermined';
  return 'permanent';
}

/** A `contact` tag, when it is a plausible contact id. */
const contactOf = (tag: string | undefined): string | undefined =>
  tag && /^[0-9a-zA-Z_-]{1,64}$/.test(tag) ? tag : undefined;

/** A campaign send's tags, when both are plausible ids. */
function campaignOf(
  campaignId: string | undefined,
  nodeId: string | undefined,
): { campaignId: string; nodeId?: string } | undefined {
  if (!campaignId || !/^[0-9a-zA-Z-]{1,64}$/.test(campaignId)) return undefined;
  return nodeId && /^[A-Za-z0-9_-]{1,40}$/.test(nodeId) ? { campaignId, nodeId } : { campaignId };
}
