/**
 * The `webhook` action: POSTs the enrolment as JSON, signed the Standard Webhooks way
 * (https://www.standardwebhooks.com) under the campaign's signing secret (signing-secret.ts):
 * `webhook-id` is the step's effect key, `webhook-signature` the HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<body>`, so the id a receiver dedupes on is signed with the body
 * (a captured request replayed under another id fails the check). Delivery is at least once: a step
 * retried after a lost answer posts again with the same id, and the receiver dedupes on it. A 2xx
 * is done; 408, 429, 5xx or no answer is retried (the step's message comes back later), and on the
 * last attempt fails the enrolment; any other answer fails it at once.
 * Attempts are counted per effect key, durably ({@link WebhookAttempts}): at most
 * {@link WEBHOOK_ATTEMPTS} POSTs, whichever copy of the step makes them (its redeliveries, a
 * sweep's re-send, the message a checkpoint's timer sets: each has its own receive count). A 2xx
 * marks the effect done under its key: a later copy of the step (re-run because a later node
 * failed) sends nothing and counts nothing, so only POSTs that did not succeed use up the
 * attempts. A person's retry of the failed enrolment starts a new round.
 */
import type { Contact } from '../crm/model';
import { signWebhook } from '../email/webhook-signature';
import { ActionFailedError, type ActionTarget } from './ports';
import { SIGNATURE_HEADER } from './signing-secret';

/** What came of one POST. `refused`: not sent at all (the host resolves to a private address). */
export type WebhookAnswer =
  | { readonly kind: 'answered'; readonly status: number }
  | { readonly kind: 'unreachable'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** Sends one POST (shared/adapters/fetch-webhook-poster.ts): never follows a redirect, bounded in time. */
export interface WebhookPoster {
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<WebhookAnswer>;
}

/** POSTs of one webhook effect at most (a round: a person's retry of the enrolment starts another). */
export const WEBHOOK_ATTEMPTS = 5;

/**
 * How long a counted POST with no outcome recorded may still be in flight: past it, the copy that
 * counted it has ended (the step worker's timeout is 60 s) without recording what it got.
 */
export const WEBHOOK_SETTLE_MS = 2 * 60_000;

/** What {@link WebhookAttempts.begin} found. */
export type WebhookAttemptStart =
  /** Counted: this copy makes POST number `attempt` (1 to {@link WEBHOOK_ATTEMPTS}). */
  | { readonly kind: 'counted'; readonly attempt: number }
  /** A POST of this effect answered 2xx: nothing to send, nothing counted. */
  | { readonly kind: 'done' }
  /**
   * {@link WEBHOOK_ATTEMPTS} POSTs were counted and none recorded a 2xx; nothing counted.
   * `failed`: how many recorded a failure; `unsettled`: one of the others may still be in flight
   * (counted within {@link WEBHOOK_SETTLE_MS}, no outcome recorded).
   */
  | { readonly kind: 'spent'; readonly failed: number; readonly unsettled: boolean };

/** What {@link WebhookAttempts.failed} found. */
export type WebhookFailureRecord =
  /** Another copy's POST of this effect answered 2xx meanwhile: the effect is done. */
  | { readonly kind: 'done' }
  /**
   * Recorded: `failed` POSTs failed, this one included; `unsettled` others have no outcome yet and
   * may still be in flight (counted within {@link WEBHOOK_SETTLE_MS}: one whose copy ended without
   * recording its outcome is not waited for past it).
   */
  | { readonly kind: 'failed'; readonly failed: number; readonly unsettled: number };

/**
 * The attempts of webhook effects, kept where every copy of a step sees them, one record per
 * effect key and round (dynamo-webhook-attempts.ts): POSTs counted (at most
 * {@link WEBHOOK_ATTEMPTS}, whatever copies race), failures recorded, and whether one succeeded.
 */
export interface WebhookAttempts {
  /** Counts one more POST under `key`, unless the effect is done or its attempts are spent. */
  begin(workspaceId: string, key: string): Promise<WebhookAttemptStart>;
  /**
   * Records that a POST under `key` answered 2xx: every later copy finds the effect done. Should
   * it throw, the step is retried and POSTs again (counted; the receiver dedupes on `webhook-id`).
   */
  succeeded(workspaceId: string, key: string): Promise<void>;
  /** Records that a POST under `key` did not succeed, unless another one did. */
  failed(workspaceId: string, key: string): Promise<WebhookFailureRecord>;
}

/** A failure the next attempt may not have: the step's queue message is delivered again. */
export class WebhookRetryError extends Error {
  override name = 'WebhookRetryError';
}

/**
 * The headers that authenticate one POST, as Standard Webhooks has them, so a receiver can check
 * them with that project's libraries (`new Webhook(secret).verify(rawBody, headers)`):
 * - `webhook-id`: the effect's key, the same on every POST of the effect (retries, a person's retry
 *   of the enrolment): what the receiver dedupes on. It is signed, and holds no `.` (node ids
 *   cannot), as the scheme asks;
 * - `webhook-timestamp`: unix seconds of the wall clock (`signedAt`);
 * - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, the key being the
 *   bytes the secret spells after `whsec_` (base64; a secret made before round 22 spells them in
 *   base64url, which decodes to the same bytes: shared/email/webhook-signature.ts).
 * `Idempotency-Key` and `X-UniteHub-Signature` (SIGNATURE_HEADER, the name the rotate route answers)
 * carry the same id and signature under the names of earlier versions.
 */
export function webhookAuthHeaders(secret: string, id: string, unixSeconds: number, body: string) {
  const signature = signWebhook(secret, id, unixSeconds, body);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(unixSeconds),
    'webhook-signature': signature,
    'Idempotency-Key': id,
    [SIGNATURE_HEADER]: signature,
  };
}

/** The JSON a webhook action posts. */
export function webhookPayload(target: ActionTarget, contact: Contact, occurredAt: Date) {
  return {
    event: 'campaign.action',
    occurredAt: occurredAt.toISOString(),
    workspaceId: target.workspaceId,
    campaignId: target.campaignId,
    contactId: target.contactId,
    node: { id: target.nodeId },
    enrolment: { version: target.version, run: target.run, step: target.step },
    contact: {
      contactId: contact.contactId,
      email: contact.email,
      ...(contact.firstName ? { firstName: contact.firstName } : {}),
      ...(contact.lastName ? { lastName: contact.lastName } : {}),
      ...(contact.company ? { company: contact.company } : {}),
      ...(contact.jobTitle ? { jobTitle: contact.jobTitle } : {}),
      status: contact.status,
      tags: contact.tags,
      customFields: contact.customFields,
      score: contact.score,
      tier: contact.tier,
    },
  };
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Posts the webhook of `target` for `contact`, counted first in `attempts` (when given):
 * - the effect already done (a 2xx recorded under its key): nothing is posted, nothing counted;
 * - counted: posted. A 2xx is recorded (the effect is done) and ends it. A failure is recorded
 *   first: found done (another copy's POST succeeded meanwhile), it is done; another copy's POST
 *   still in flight, this copy is retried whatever it got (that outcome decides; on the message's
 *   last delivery the step stays waiting for the sweep). Otherwise a refusal for good fails the
 *   enrolment, and so does a failure that makes {@link WEBHOOK_ATTEMPTS} or one on the step
 *   message's last delivery (`finalAttempt`); any other is retried.
 * - spent ({@link WEBHOOK_ATTEMPTS} POSTs counted): nothing is posted. Every one failed: the
 *   enrolment fails. One may still be in flight: retried (its copy decides). One whose copy ended
 *   without recording its outcome (it crashed): retried, and on the last delivery the enrolment
 *   fails (nothing says that POST succeeded).
 * Racing copies never POST more than {@link WEBHOOK_ATTEMPTS} times, and a copy never fails the
 * enrolment while another copy's POST that may succeed is in flight.
 * @throws ActionFailedError when the receiver refuses for good (or, on the last attempt, at all);
 * WebhookRetryError when another attempt may succeed.
 */
export async function sendWebhook(
  url: string,
  target: ActionTarget,
  contact: Contact,
  deps: {
    secret: string;
    poster: WebhookPoster;
    /** The journey's clock: the payload's `occurredAt`. */
    now: () => Date;
    /** The wall clock the receiver checks the signed timestamp against (default: `now`). */
    signedAt?: () => Date;
    finalAttempt?: boolean;
    /** Where the attempts are counted; without it, only `finalAttempt` says which is the last. */
    attempts?: WebhookAttempts;
  },
): Promise<void> {
  const { workspaceId } = target;
  const key = `${target.idempotencyKey}#${target.retry ?? 0}`;
  const start = await deps.attempts?.begin(workspaceId, key);
  if (start?.kind === 'done') return;
  if (start?.kind === 'spent') {
    const spent = `its ${WEBHOOK_ATTEMPTS} attempts were made`;
    if (start.failed >= WEBHOOK_ATTEMPTS) throw new ActionFailedError(`The webhook failed: ${spent} without success`);
    if (start.unsettled) {
      throw new WebhookRetryError(
        `The webhook was not sent again (${spent}, one still in flight); the step will be retried`,
      );
    }
    if (deps.finalAttempt) throw new ActionFailedError(`The webhook failed: ${spent}, none known to have succeeded`);
    throw new WebhookRetryError(`The webhook was not sent again (${spent}); the step will be retried`);
  }
  const now = deps.now();
  const body = JSON.stringify(webhookPayload(target, contact, now));
  const t = Math.floor((deps.signedAt ?? deps.now)().getTime() / 1000);
  const answer = await deps.poster.post(url, body, {
    'Content-Type': 'application/json',
    'User-Agent': 'UniteHub-Webhooks/1',
    ...webhookAuthHeaders(deps.secret, target.idempotencyKey, t, body),
  });
  if (answer.kind === 'answered' && answer.status >= 200 && answer.status < 300) {
    await deps.attempts?.succeeded(workspaceId, key);
    return;
  }
  const why =
    answer.kind === 'answered'
      ? `answered ${answer.status}`
      : answer.kind === 'unreachable'
        ? `unreachable: ${answer.reason}`
        : `not sent: ${answer.reason}`;
  // Recorded first: a copy whose POST succeeded meanwhile made the effect done, whatever this one
  // got; one whose POST is still in flight decides (a receiver may refuse a duplicate in progress).
  const record = await deps.attempts?.failed(workspaceId, key);
  if (record?.kind === 'done') return;
  if (record && record.unsettled > 0) {
    throw new WebhookRetryError(`The webhook ${why}, another attempt still in flight; the step will be retried`);
  }
  if (answer.kind === 'refused') throw new ActionFailedError(`The webhook was not sent: ${answer.reason}`);
  if (answer.kind === 'answered' && !retryable(answer.status)) {
    throw new ActionFailedError(`The webhook answered ${answer.status}`);
  }
  if (deps.finalAttempt || (record?.failed ?? 0) >= WEBHOOK_ATTEMPTS) {
    throw new ActionFailedError(`The webhook failed on its last attempt (${why})`);
  }
  throw new WebhookRetryError(`The webhook ${why}; the step will be retried`);
}
