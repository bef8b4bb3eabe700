/**
 * The webhook trigger: `POST /api/campaigns/{id}/webhook-token` makes a random token (shown
 * once; only its SHA-256 is stored, and a new one invalidates the old), and
 * `POST /api/hooks/campaigns/{id}/{token}` enrols the existing contact its body names. A token
 * that is wrong, belongs to another campaign, or is no longer its campaign's current one (the
 * tokens port answers only the current token, even after concurrent rotations) is a 404 like a
 * missing campaign: the public route tells a stranger nothing. The edge has parsed the body as
 * JSON before this runs (malformed JSON is its 400, whatever the token); its shape is checked only
 * once the token is known good. Contacts are never created here.
 */
import * as z from 'zod/mini';
import type { ContactStore } from '../crm/contacts/ports';
import { recipientAddress } from '../email/send-request';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { IdempotencyInProgressError } from '../idempotency/errors';
import { fingerprintOf, type RunOnceDeps, runOnce } from '../idempotency/run-once';
import { newToken, RECORD_ID_PATTERN, sha256 } from '../identity/tokens';
import { assertEnrols, type CampaignStore, writableCampaign } from './campaign';
import type { StepQueue } from './ports';
import { triggerOf } from './trigger';
import type { CampaignWebhookTokens } from './trigger-ports';

export const webhookEnrolBody = z.union([
  // The contacts' own address rule (IDN, RFC 5322 characters): any address a contact can hold finds it.
  z.strictObject({ email: recipientAddress }),
  z.strictObject({ contactId: z.string().check(z.regex(RECORD_ID_PATTERN)) }),
]);

/**
 * A new token for the campaign, minted by `minter` (the caller); the previous one stops working
 * (concurrent rotations: all but the last). Like an API key, the token is bound to the member who
 * minted it and to the password their session was opened with (`minter.passwordVersion`): it is
 * written only while that password is current, and stops working when they are removed from the
 * workspace or their password changes (whether or not the reset's sweep ran), and the campaign
 * then needs a new one; it is refused while their role (as defined at each call) does not grant
 * `campaigns:launch`. It is written only while the minter is still a member with the role the edge
 * read (`minter.role`), as every grant. `deps.now` is real time (a reset is compared with it for
 * tokens minted before versions were recorded).
 * @throws UnauthorizedError `SESSION_INVALID` when the minter's password changed since their
 * session was read (a reset overtook the request).
 * @throws ConflictError `CONCURRENT_CHANGE` when the minter was removed or their role changed meanwhile.
 */
export async function rotateWebhookToken(
  workspaceId: string,
  campaignId: string,
  minter: { readonly userId: string; readonly passwordVersion?: number; readonly role: string },
  deps: { campaigns: CampaignStore; tokens: CampaignWebhookTokens; now: () => Date },
): Promise<{ token: string; path: string }> {
  await writableCampaign(workspaceId, campaignId, deps);
  const token = newToken();
  const at = deps.now().toISOString();
  await deps.tokens.rotate(
    workspaceId,
    campaignId,
    sha256(token),
    at,
    minter.userId,
    minter.passwordVersion,
    minter.role,
  );
  return { token, path: `/api/hooks/campaigns/${campaignId}/${token}` };
}

const notFound = () => new NotFoundError('Not found', 'WEBHOOK_NOT_FOUND');

/** What the webhook trigger needs. */
export interface WebhookEnrolDeps {
  readonly tokens: CampaignWebhookTokens;
  readonly campaigns: CampaignStore;
  readonly contacts: Pick<ContactStore, 'get' | 'findByEmails'>;
  readonly queue: StepQueue;
  readonly newId: () => string;
}

/** The caller's `Idempotency-Key`, with where {@link runOnce} claims it (on the real clock). */
export interface WebhookIdempotency extends Pick<RunOnceDeps, 'idempotency' | 'now'> {
  readonly key: string;
}

/**
 * Idempotency keys of the webhook trigger belong to one campaign's hook: each hook URL is its own
 * endpoint (its own token), so a sender may use one key (an order id) on two campaigns' hooks.
 */
const hookOperation = (campaignId: string) => `hooks.campaign:${campaignId}`;

/**
 * Enrols the contact `body` names into the campaign the token belongs to. With an
 * `Idempotency-Key` the request goes through {@link runOnce} once the token has named the
 * workspace, as every route taking a key does: a retry of the same body answers the first
 * answer again (`replayed`) and queues nothing; the key with another body is refused (422); a
 * retry while the first still runs queues the same message itself (its launch id, derived from
 * the key, makes the enrolment once) and answers as the first will.
 * @throws NotFoundError `WEBHOOK_NOT_FOUND` (bad token), `CONTACT_NOT_FOUND`; ValidationError (body);
 * ConflictError `CAMPAIGN_NOT_ACTIVE` (draft, paused, archived), `NOT_A_WEBHOOK_TRIGGER`;
 * IdempotencyKeyReusedError (422).
 */
export async function enrolByWebhook(
  campaignId: string,
  token: string,
  body: unknown,
  deps: WebhookEnrolDeps,
  /**
   * The caller's `Idempotency-Key`, if any: the enrolment's launch id is derived from it (the
   * run's plan), so a sender retrying after a lost 202, or after the key's record expired (a
   * day), enrols the contact once (the enrolment keeps every launch id that started one of its
   * runs: run-step.ts `enrolContact`), even under re-entry `always`.
   */
  keyed?: WebhookIdempotency,
): Promise<{ contactId: string; replayed: boolean }> {
  if (token.length < 20 || token.length > 200) throw notFound();
  const owner = await deps.tokens.find(sha256(token));
  if (!owner || owner.campaignId !== campaignId) throw notFound();
  const parsed = webhookEnrolBody.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError('Send {"email": ...} or {"contactId": ...}', 'VALIDATION_FAILED', {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const { workspaceId } = owner;
  const request = parsed.data;
  const enrol = async ({ launchId }: { launchId: string }): Promise<{ contactId: string }> => {
    const campaign = await deps.campaigns.get(workspaceId, campaignId);
    if (!campaign) throw notFound();
    assertEnrols(campaign);
    const published =
      campaign.publishedVersion === undefined
        ? undefined
        : await deps.campaigns.version(workspaceId, campaignId, campaign.publishedVersion);
    if (!published || triggerOf(published.journey).type !== 'webhook') {
      throw new ConflictError('The published journey is not started by a webhook', 'NOT_A_WEBHOOK_TRIGGER');
    }
    const contact =
      'contactId' in request
        ? await deps.contacts.get(workspaceId, request.contactId)
        : (await deps.contacts.findByEmails(workspaceId, [request.email.toLowerCase()])).get(
            request.email.toLowerCase(),
          );
    if (!contact || contact.deletedAt) throw new NotFoundError('No such contact', 'CONTACT_NOT_FOUND');
    await deps.queue.sendAll([{ kind: 'enrol', workspaceId, campaignId, contactId: contact.contactId, launchId }]);
    return { contactId: contact.contactId };
  };
  if (keyed === undefined) return { ...(await enrol({ launchId: `hook-${deps.newId()}` })), replayed: false };
  const { key } = keyed;
  const plan = { launchId: `hook-${sha256(`${workspaceId}\u0000${campaignId}\u0000${key}`).slice(0, 32)}` };
  try {
    const { result, replayed } = await runOnce(
      { idempotency: keyed.idempotency, now: keyed.now, newId: deps.newId },
      { workspaceId, operation: hookOperation(campaignId), key },
      // The email as the contact is found by it: `A@x.com` and `a@x.com` are the same request.
      {
        fingerprint: fingerprintOf(
          'contactId' in request ? { contactId: request.contactId } : { email: request.email.toLowerCase() },
        ),
        plan,
      },
      enrol,
    );
    return { ...result, replayed };
  } catch (error) {
    // The same body while its first attempt still runs (another body under the key is 422
    // first): the launch id derived from the key makes the enrolment once, so queue it here too
    // rather than answer a webhook sender 409.
    if (!(error instanceof IdempotencyInProgressError)) throw error;
    return { ...(await enrol(plan)), replayed: false };
  }
}
