/**
 * Review round 25 (i). A webhook POST counted by a copy of the step that never recorded its outcome
 * (the copy died, or its `failed` write threw, after `begin`) is judged "still in flight" by every
 * later failure for ever: `failed` answers `unsettled: attempts - failed` with no regard to
 * WEBHOOK_SETTLE_MS (dynamo-webhook-attempts.ts `failed`), where `begin` does honour it. So after
 * such a copy, long past the 2 minutes a copy may run, a receiver answering 410 is not "failed at
 * once" (docs/CAMPAIGNS.md "Answers": any other 4xx fails it at once) but POSTed again on every
 * redelivery until the 5 attempts are spent, and a failure on the step message's last receive is
 * retried instead of failing the enrolment.
 * Severity: LOW (needs one copy that lost its outcome; then up to 4 extra POSTs and a step that
 * waits for the sweep instead of failing). Fails at 679faf6 (and 46da1a7).
 * How a user reaches it: a journey `webhook` node whose receiver refuses (410) or keeps failing,
 * after one step delivery ended between counting its POST and recording what it got.
 */
import { describe, expect, it } from 'vitest';
import { dynamoWebhookAttempts } from '../../shared/adapters/dynamo-webhook-attempts';
import { ActionFailedError } from '../../shared/campaigns/ports';
import { sendWebhook, WEBHOOK_SETTLE_MS, type WebhookAnswer } from '../../shared/campaigns/webhook-action';
import type { Contact } from '../../shared/crm/model';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r25iwh-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});

const contact = {
  contactId: 'c-1',
  workspaceId: 'ws',
  email: 'c1@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
} as unknown as Contact;

function setup(name: string, status: number) {
  const ws = `ws-${Date.now()}-${name}`;
  let now = new Date('2026-03-02T10:00:00Z');
  const attempts = dynamoWebhookAttempts(dynamo.db, dynamo.table('core'), () => now);
  let posts = 0;
  const poster = {
    post: async (): Promise<WebhookAnswer> => {
      posts += 1;
      return { kind: 'answered', status };
    },
  };
  const target = {
    workspaceId: ws,
    campaignId: 'camp-1',
    contactId: 'c-1',
    nodeId: 'hook',
    version: 1,
    run: 1,
    step: 3,
    idempotencyKey: 'campaign#camp-1#c-1#1#hook#3',
  };
  const send = (finalAttempt = false) =>
    sendWebhook('https://h.example.com/hook', target, contact, {
      secret: 'whsec_c2VjcmV0',
      poster,
      now: () => now,
      attempts,
      ...(finalAttempt ? { finalAttempt: true } : {}),
    });
  return {
    attempts,
    ws,
    key: `${target.idempotencyKey}#0`,
    send,
    posts: () => posts,
    later: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

describe('a webhook after a copy of its step died between counting its POST and recording it', () => {
  it('a 410 long after that copy fails the enrolment at once (one POST, not one per redelivery)', async () => {
    const s = setup('gone', 410);
    // Copy A counts its POST, then ends without recording an outcome.
    expect(await s.attempts.begin(s.ws, s.key)).toMatchObject({ kind: 'counted', attempt: 1 });
    // Ten minutes on: that copy cannot still be running (WEBHOOK_SETTLE_MS).
    s.later(5 * WEBHOOK_SETTLE_MS);
    const outcome = await s.send().catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(ActionFailedError);
    expect((outcome as Error).message).toBe('The webhook answered 410');
    expect(s.posts()).toBe(1);
  });

  it("a 503 on the step message's last receive fails the enrolment", async () => {
    const s = setup('last', 503);
    expect(await s.attempts.begin(s.ws, s.key)).toMatchObject({ kind: 'counted', attempt: 1 });
    s.later(5 * WEBHOOK_SETTLE_MS);
    const outcome = await s.send(true).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(ActionFailedError);
    expect((outcome as Error).message).toMatch(/^The webhook failed on its last attempt \(answered 503\)/);
  });
});
