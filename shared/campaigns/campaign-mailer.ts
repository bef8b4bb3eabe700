/**
 * Campaign email nodes through the email pipeline: the node's template version is read, the
 * contact's fields (merged as every send merges them: `mergeFieldsOf`) and the workspace profile
 * become the merge context, and one self-contained send message goes on the email-sends queue
 * with the node's effect key as its ledger key (the sender mails a key once). Tags carry the
 * campaign and node so provider events and tracking can count per node, and the campaign's send
 * window rides along, in the contact's zone, so the sender holds a mail it kept past the window's
 * end until the next opening. Marketing sends are logged per contact for frequency caps (before
 * they are queued), by key, at the instant they are queued, which the sender moves to the opening
 * it holds a mail to (`MarketingSendMoves`); a step can also ask whether a key's mail was queued
 * (`queued`).
 */
import { createHash } from 'node:crypto';
import type { EmailSendQueue } from '../email/send-request';
import { sendMessageOf } from '../email/send-request';
import { assertPostalAddress, type SenderProfile } from '../email/sender-profile';
import { contentOf, getTemplate, type TemplateStore } from '../email/stored-templates';
import { MERGE_PROFILE_FIELDS, type MergeSource, mergeFieldsOf } from '../email/template-send';
import { own } from '../security/own';
import type { CampaignMailer, ContactSnapshot } from './ports';

/**
 * Marketing mail queued per contact, by its key: for frequency caps across campaigns, and so a step
 * can learn that an earlier try of it queued a node's mail (`has`). Each entry holds the instant its
 * mail is sent or will be (campaign time): the queueing's, moved by the sender if it holds the mail
 * (`MarketingSendMoves`).
 */
export interface MarketingSendLog {
  record(workspaceId: string, contactId: string, atMs: number, key: string): Promise<void>;
  /**
   * The instants of the sends logged at `sinceMs` or later (future ones too: a held mail's next
   * opening), but that of `exceptKey` and those closed unsent.
   */
  since(workspaceId: string, contactId: string, sinceMs: number, exceptKey?: string): Promise<readonly number[]>;
  /**
   * Whether a send was logged under `key` (entries are kept 8 days), by a consistent read. Absent
   * (a test double): none is found.
   */
  has?(workspaceId: string, contactId: string, key: string): Promise<boolean>;
  /** The contact's cap lock (see `CampaignMailer.capLock`). */
  lock(workspaceId: string, contactId: string): Promise<(() => Promise<void>) | undefined>;
}

/**
 * What the email sender tells the log of a campaign's marketing mail (send-email.ts
 * `SendDeps.marketingSends`), so the cap counts what the contact receives, when.
 */
export interface MarketingSendMoves {
  /**
   * The mail of `key` goes no sooner than `atMs` (campaign time): its send window's next opening,
   * the retry of a mail given back to the queue, or the instant it went after such a hold
   * (send-email.ts `countsAt`). Its entry moves there, if logged and counted earlier; never earlier,
   * so the same hold found again writes nothing.
   */
  heldUntil(workspaceId: string, contactId: string, key: string, atMs: number): Promise<void>;
  /** The mail of `key` is closed unsent for good: its entry counts no more (`has` still finds it). */
  unsent(workspaceId: string, contactId: string, key: string): Promise<void>;
}

export interface CampaignMailerDeps {
  readonly from: string;
  /** The unsubscribe link and RFC 8058 headers of a marketing send (shared/email/unsubscribe.ts). */
  readonly unsubscribe: (who: {
    workspaceId: string;
    sendId: string;
    email: string;
    contactId?: string;
    topic?: string;
  }) => { url: string; headers: Record<string, string> };
  readonly templates: Pick<TemplateStore, 'get' | 'version'>;
  readonly profile: (workspaceId: string) => Promise<SenderProfile>;
  readonly queue: EmailSendQueue;
  readonly sendLog: MarketingSendLog;
  readonly now: () => Date;
}

/**
 * The step's snapshot as what every send's merge context is made from (template-send.ts
 * `mergeFieldsOf`): the built-in fields from `fields` (where they win over custom fields of the
 * same name), the custom fields from `customFields`, never from `fields`.
 */
function mergeSourceOf(contact: ContactSnapshot): MergeSource {
  const profile: Record<string, unknown> = {};
  for (const key of MERGE_PROFILE_FIELDS) profile[key] = own(contact.fields, key);
  return {
    ...profile,
    contactId: contact.contactId,
    email: contact.email,
    tags: contact.tags,
    customFields: contact.customFields ?? {},
  };
}

/** The send id of a campaign send: derived from its key, so a replay answers the same id. */
export const campaignSendId = (idempotencyKey: string): string =>
  createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);

export function campaignMailer(deps: CampaignMailerDeps): CampaignMailer {
  return {
    async send(input) {
      const template = await getTemplate(input.workspaceId, input.templateId, input.templateVersion, deps);
      const workspace = await deps.profile(input.workspaceId);
      assertPostalAddress(workspace, template.category);
      const sendId = campaignSendId(input.idempotencyKey);
      const { contact } = input;
      const content = contentOf(template);
      const message = sendMessageOf(
        input.workspaceId,
        {
          sendId,
          idempotencyKey: input.idempotencyKey,
          tags: { campaign: input.campaignId, node: input.nodeId },
          campaign: {
            campaignId: input.campaignId,
            nodeId: input.nodeId,
            ...(input.ab ? { ab: input.ab } : {}),
            ...(input.window ? { window: input.window } : {}),
          },
        },
        {
          to: contact.email,
          category: template.category,
          ...content,
          ...(input.subject ? { subject: input.subject } : {}),
          contact: mergeFieldsOf(mergeSourceOf(contact)),
          contactId: contact.contactId,
          workspace,
          template: { templateId: template.templateId, version: template.version },
          ...(template.topic ? { topic: template.topic } : {}),
        },
        {
          from: deps.from,
          unsubscribe: (id, email, contactId, topic) =>
            deps.unsubscribe({
              workspaceId: input.workspaceId,
              sendId: id,
              email,
              ...(contactId ? { contactId } : {}),
              ...(topic ? { topic } : {}),
            }),
        },
      );
      // Logged before it is queued: a step of another campaign checking the contact's cap meanwhile
      // sees it. A logged send that is never queued (the step failed in between and its retry
      // finds the entry under the same key) can only defer later sends, never let one through.
      // Stamped now (a step with a send window runs inside it): the sender moves the entry to the
      // next opening if it keeps the mail past the window's end, and marks it if it closes it unsent.
      if (template.category === 'marketing') {
        await deps.sendLog.record(input.workspaceId, contact.contactId, deps.now().getTime(), input.idempotencyKey);
      }
      await deps.queue.send(message);
      return { sendId };
    },
    recentMarketingSends: (workspaceId, contactId, sinceMs, exceptKey) =>
      deps.sendLog.since(workspaceId, contactId, sinceMs, exceptKey),
    capLock: (workspaceId, contactId) => deps.sendLog.lock(workspaceId, contactId),
    // The log `send` writes before it queues a marketing mail: an entry whose queueing then failed
    // (the queue refused it) answers too, rarely. Transactional mail is not logged: not found.
    queued: async (workspaceId, contactId, idempotencyKey) =>
      (await deps.sendLog.has?.(workspaceId, contactId, idempotencyKey))
        ? { sendId: campaignSendId(idempotencyKey) }
        : undefined,
    // The same read as the send's (a deleted template fails here as it would there).
    templateOf: async (workspaceId, templateId, templateVersion) => {
      const { category, topic } = await getTemplate(workspaceId, templateId, templateVersion, deps);
      return { category, ...(topic ? { topic } : {}) };
    },
  };
}
