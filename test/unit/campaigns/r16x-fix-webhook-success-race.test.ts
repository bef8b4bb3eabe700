// Review round 16: this test failed at 1ef047a (there, B's count of 6 on its last delivery failed
// the run whose 5th POST, made by A, then succeeded; a failed 5th POST failed it while the 4th was
// still in flight). Copies of one step racing on a webhook (a sweep's re-send and a redelivery):
// the POSTs stay bounded by 5, and a success by one is never turned into a failure by another.
import { describe, expect, it } from 'vitest';
import { ActionFailedError, type ActionTarget } from '../../../shared/campaigns/ports';
import {
  sendWebhook,
  WEBHOOK_ATTEMPTS,
  type WebhookAnswer,
  WebhookRetryError,
} from '../../../shared/campaigns/webhook-action';
import type { Contact } from '../../../shared/crm/model';
import { memoryWebhookAttempts } from './r16x-fix-memory-webhook-attempts';

const target: ActionTarget = {
  workspaceId: 'ws-1',
  campaignId: 'camp-1',
  contactId: 'c-1',
  nodeId: 'hook',
  version: 1,
  run: 1,
  step: 3,
  idempotencyKey: 'campaign#camp-1#c-1#1#hook#3',
};
const KEY = `${target.idempotencyKey}#0`;

const contact: Contact = {
  contactId: 'c-1',
  workspaceId: 'ws-1',
  email: 'c1@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

/** A receiver whose answers the test releases one by one, in any order. */
function receiver() {
  const pending: ((answer: WebhookAnswer) => void)[] = [];
  const poster = {
    posts: 0,
    post: () => {
      poster.posts += 1;
      return new Promise<WebhookAnswer>((answer) => pending.push(answer));
    },
  };
  const answer = (i: number, status: number) => pending[i]?.({ kind: 'answered', status });
  return { poster, answer };
}

const settle = () => new Promise((done) => setTimeout(done, 0));
const outcome = (p: Promise<void>) => p.then(() => 'done' as const).catch((e: Error) => e);

describe('copies of a step racing on its webhook', () => {
  it('a copy finding the 5th POST in flight is retried, not failed, and the 5th one succeeds', async () => {
    const { attempts, records } = memoryWebhookAttempts();
    records.set(KEY, { attempts: 4, failed: 4, done: false });
    const { poster, answer } = receiver();
    const send = (finalAttempt: boolean) =>
      outcome(
        sendWebhook('https://h.example.com', target, contact, {
          secret: 's',
          poster,
          now: () => new Date(),
          attempts,
          finalAttempt,
        }),
      );

    const a = send(false);
    await settle();
    // B, on its message's last delivery: the 5 attempts are counted, one still in flight.
    const b = await send(true);
    expect(b).toBeInstanceOf(WebhookRetryError);
    expect(b).not.toBeInstanceOf(ActionFailedError);
    answer(0, 200);
    expect(await a).toBe('done');
    // Any later copy finds it done: nothing posted, nothing counted.
    expect(await send(true)).toBe('done');
    expect(poster.posts).toBe(1);
    expect(records.get(KEY)).toEqual({ attempts: 5, failed: 4, done: true });
  });

  it('a failed POST while another is in flight is retried (even on the last delivery, even a 409)', async () => {
    const { attempts, records } = memoryWebhookAttempts();
    records.set(KEY, { attempts: 3, failed: 3, done: false });
    const { poster, answer } = receiver();
    const send = (finalAttempt: boolean) =>
      outcome(
        sendWebhook('https://h.example.com', target, contact, {
          secret: 's',
          poster,
          now: () => new Date(),
          attempts,
          finalAttempt,
        }),
      );

    const a = send(false); // the 4th POST
    const b = send(true); // the 5th, on its last delivery
    await settle();
    answer(1, 503);
    expect(await b).toBeInstanceOf(WebhookRetryError);
    answer(0, 200);
    expect(await a).toBe('done');

    // A receiver refusing a duplicate of a request in progress: no failure while the other may succeed.
    const again = memoryWebhookAttempts();
    const r = receiver();
    const hold = outcome(
      sendWebhook('https://h.example.com', target, contact, {
        secret: 's',
        poster: r.poster,
        now: () => new Date(),
        attempts: again.attempts,
      }),
    );
    const dup = outcome(
      sendWebhook('https://h.example.com', target, contact, {
        secret: 's',
        poster: r.poster,
        now: () => new Date(),
        attempts: again.attempts,
      }),
    );
    await settle();
    r.answer(1, 409);
    expect(await dup).toBeInstanceOf(WebhookRetryError);
    r.answer(0, 200);
    expect(await hold).toBe('done');
  });

  it('a failure recorded after another copy succeeded is the effect done', async () => {
    const { attempts, records } = memoryWebhookAttempts();
    const { poster, answer } = receiver();
    const send = () =>
      outcome(
        sendWebhook('https://h.example.com', target, contact, {
          secret: 's',
          poster,
          now: () => new Date(),
          attempts,
          finalAttempt: true,
        }),
      );
    const a = send();
    const b = send();
    await settle();
    answer(0, 200);
    expect(await a).toBe('done');
    answer(1, 503);
    expect(await b).toBe('done');
    expect(records.get(KEY)).toEqual({ attempts: 2, failed: 0, done: true });
  });

  it('racing copies POST 5 times at most; the one recording the 5th failure fails the run', async () => {
    const { attempts, records } = memoryWebhookAttempts();
    const { poster, answer } = receiver();
    const copies = Array.from({ length: 8 }, () =>
      outcome(
        sendWebhook('https://h.example.com', target, contact, { secret: 's', poster, now: () => new Date(), attempts }),
      ),
    );
    await settle();
    expect(poster.posts).toBe(WEBHOOK_ATTEMPTS);
    for (let i = 0; i < WEBHOOK_ATTEMPTS; i++) answer(i, 503);
    const results = await Promise.all(copies);
    const failed = results.filter((r) => r instanceof ActionFailedError);
    expect(failed.map((e) => (e as Error).message)).toEqual(['The webhook failed on its last attempt (answered 503)']);
    expect(results.filter((r) => r instanceof WebhookRetryError)).toHaveLength(7);
    expect(records.get(KEY)).toEqual({ attempts: 5, failed: 5, done: false });
    // A copy after it: nothing posted, the run fails with its reason.
    const late = await outcome(
      sendWebhook('https://h.example.com', target, contact, { secret: 's', poster, now: () => new Date(), attempts }),
    );
    expect((late as Error).message).toBe('The webhook failed: its 5 attempts were made without success');
    expect(poster.posts).toBe(WEBHOOK_ATTEMPTS);
  });

  it('an attempt whose copy ended without its outcome: retried, and the last delivery fails the run', async () => {
    let settled = false;
    const { attempts, records } = memoryWebhookAttempts({ settled: () => settled });
    records.set(KEY, { attempts: 5, failed: 4, done: false });
    const { poster } = receiver();
    const send = (finalAttempt: boolean) =>
      outcome(
        sendWebhook('https://h.example.com', target, contact, {
          secret: 's',
          poster,
          now: () => new Date(),
          attempts,
          finalAttempt,
        }),
      );
    // Still maybe in flight: retried even on the last delivery.
    expect(await send(true)).toBeInstanceOf(WebhookRetryError);
    // Its copy has ended (past the worker's timeout) without recording anything.
    settled = true;
    expect(await send(false)).toBeInstanceOf(WebhookRetryError);
    const last = await send(true);
    expect(last).toBeInstanceOf(ActionFailedError);
    expect((last as Error).message).toBe('The webhook failed: its 5 attempts were made, none known to have succeeded');
    expect(poster.posts).toBe(0);
  });
});
