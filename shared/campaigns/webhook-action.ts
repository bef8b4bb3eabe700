/**
 * The `webhook` action: POSTs the enrolment as JSON, signed with HMAC-SHA256 under the campaign's
 * signing secret (signing-secret.ts), with the step's key as `Idempotency-Key`. Delivery is at
 * least once: a step retried after a lost answer posts again with the same key, and the receiver
 * dedupes on it. A 2xx is done; 408, 429, 5xx or no answer is retried (the step's message comes
 * back later), and on the last attempt fails the enrolment; any other answer fails it at once.
 * Attempts are counted per effect key, durably ({@link WebhookAttempts}): at most
 * {@link WEBHOOK_ATTEMPTS} POSTs, whichever copy of the step makes them (its redeliveries, a
 * sweep's re-send, the message a checkpoint's timer sets: each has its own receive count). A
 * person's retry of the failed enrolment starts a new round.
 */
import { createHmac } from 'node:crypto';
import type { Contact } from '../crm/model';
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

/** The attempts of webhook effects, counted where every copy of a step sees them (dynamo-webhook-attempts.ts). */
export interface WebhookAttempts {
  /** Counts one more POST under `key` and answers how many were counted, this one included. */
  count(workspaceId: string, key: string): Promise<number>;
}

/** A failure the next attempt may not have: the step's queue message is delivered again. */
export class WebhookRetryError extends Error {
  override name = 'WebhookRetryError';
}

export const TIMESTAMP_HEADER = 'X-UniteHub-Timestamp';

/** The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signWebhook(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
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
 * Posts the webhook of `target` for `contact`, counted first in `attempts`: the
 * {@link WEBHOOK_ATTEMPTS}th POST is the last (so is any on the step message's last delivery).
 * Past it, nothing is posted: another copy of the step holds the last attempt (and fails the
 * enrolment if it fails), so this one is retried, and on its own last delivery fails it.
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
  const attempt = await deps.attempts?.count(target.workspaceId, `${target.idempotencyKey}#${target.retry ?? 0}`);
  if (attempt !== undefined && attempt > WEBHOOK_ATTEMPTS) {
    const spent = `its ${WEBHOOK_ATTEMPTS} attempts were made`;
    if (deps.finalAttempt) throw new ActionFailedError(`The webhook failed: ${spent} without success`);
    throw new WebhookRetryError(`The webhook was not sent again (${spent}); the step will be retried`);
  }
  const now = deps.now();
  const body = JSON.stringify(webhookPayload(target, contact, now));
  const t = Math.floor((deps.signedAt ?? deps.now)().getTime() / 1000);
  const answer = await deps.poster.post(url, body, {
    'Content-Type': 'application/json',
    'User-Agent': 'UniteHub-Webhooks/1',
    'Idempotency-Key': target.idempotencyKey,
    [TIMESTAMP_HEADER]: String(t),
    [SIGNATURE_HEADER]: signWebhook(deps.secret, t, body),
  });
  if (answer.kind === 'refused') throw new ActionFailedError(`The webhook was not sent: ${answer.reason}`);
  if (answer.kind === 'answered' && answer.status >= 200 && answer.status < 300) return;
  if (answer.kind === 'answered' && !retryable(answer.status)) {
    throw new ActionFailedError(`The webhook answered ${answer.status}`);
  }
  const why = answer.kind === 'answered' ? `answered ${answer.status}` : `unreachable: ${answer.reason}`;
  if (deps.finalAttempt || (attempt ?? 0) >= WEBHOOK_ATTEMPTS) {
    throw new ActionFailedError(`The webhook failed on its last attempt (${why})`);
  }
  throw new WebhookRetryError(`The webhook ${why}; the step will be retried`);
}
