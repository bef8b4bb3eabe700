import { describe, expect, it } from 'vitest';
import {
  type EmailSendMessage,
  emailSendMessage,
  MAX_DELAY_SECONDS,
  nextAttempt,
  oneOffSendBody,
  queueOneOffSend,
  retryDelaySeconds,
  sendRequestOf,
} from '../../../shared/email/send-request';

const body = { to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>', category: 'transactional' as const };

function recordingQueue() {
  const sent: EmailSendMessage[] = [];
  return { sent, queue: { send: async (m: EmailSendMessage) => void sent.push(m) } };
}

describe('queueOneOffSend', () => {
  it('derives one send id and one ledger key from (workspace, client key)', async () => {
    // Prepare
    const { sent, queue } = recordingQueue();
    const deps = { queue, newId: () => 'fresh', from: 'no-reply@x.test' };
    // Act
    const a = await queueOneOffSend('ws-1', body, 'key-1', deps);
    const b = await queueOneOffSend('ws-1', body, 'key-1', deps);
    const other = await queueOneOffSend('ws-2', body, 'key-1', deps);
    // Assess
    expect(a).toEqual(b);
    expect(other.sendId).not.toBe(a.sendId);
    expect(sent.map((m) => m.idempotencyKey)).toEqual(['api#client#key-1', 'api#client#key-1', 'api#client#key-1']);
    expect(emailSendMessage.safeParse(sent[0]).success).toBe(true);
  });

  it('makes every request without a key a new send', async () => {
    const { sent, queue } = recordingQueue();
    let n = 0;
    const deps = { queue, newId: () => `id-${++n}`, from: 'no-reply@x.test' };
    await queueOneOffSend('ws-1', body, undefined, deps);
    await queueOneOffSend('ws-1', body, undefined, deps);
    expect(sent.map((m) => m.idempotencyKey)).toEqual(['api#generated#id-1', 'api#generated#id-2']);
  });

  it('refuses unknown fields and categories at the edge', () => {
    expect(oneOffSendBody.safeParse({ ...body, bcc: 'x@y.test' }).success).toBe(false);
    expect(oneOffSendBody.safeParse({ ...body, category: 'bulk' }).success).toBe(false);
  });
});

describe('sendRequestOf', () => {
  const queued = (extra: Record<string, unknown>) =>
    emailSendMessage.parse({
      workspaceId: 'ws-1',
      sendId: 's-1',
      idempotencyKey: 'k',
      category: 'marketing',
      to: 'ada@example.com',
      content: { subject: 's', html: 'h' },
      ...extra,
    });

  it('tags every send with its workspace and send id, and falls back to the default sender', () => {
    const message = queued({ tags: { campaign: 'c-1', workspace: 'spoofed' } });
    const request = sendRequestOf(message, 'default@x.test');
    expect(request.from).toBe('default@x.test');
    expect(request.tags).toEqual({ campaign: 'c-1', workspace: 'ws-1', send: 's-1' });
    expect(message.attempt).toBe(0);
  });

  it('parses any attempt count (review round 13): a send paused for months still comes back, never dead-lettered', () => {
    // Re-queued every 15 minutes while marketing is paused: 96 a day, 10,000 after ~104 days.
    for (const attempt of [10_000, 10_001, 96 * 365 * 10]) {
      expect(emailSendMessage.safeParse({ ...queued({}), attempt }).success).toBe(true);
    }
    expect(emailSendMessage.safeParse({ ...queued({}), attempt: -1 }).success).toBe(false);
    expect(emailSendMessage.safeParse({ ...queued({}), attempt: 1.5 }).success).toBe(false);
  });

  it('tags a send to a known contact with the contact, so its provider events need no lookup', () => {
    const message = queued({ contactId: 'ct-1', tags: { contact: 'spoofed' } });
    expect(sendRequestOf(message, 'default@x.test').tags).toEqual({ contact: 'ct-1', workspace: 'ws-1', send: 's-1' });
    const { contactId: _none, ...unnamed } = message;
    expect(sendRequestOf(unnamed, 'default@x.test').tags).toEqual({ workspace: 'ws-1', send: 's-1' });
  });
});

describe('retryDelaySeconds', () => {
  const retry = (reason: string, retryAfterMs: number) => ({ status: 'retry' as const, reason, retryAfterMs });

  it('waits at least what the outcome asked, at least 1 s, at most SQS’s 15 minutes', () => {
    expect(retryDelaySeconds(retry('paced', 10), 0)).toBe(1);
    expect(retryDelaySeconds(retry('paced', 4_200), 0)).toBe(5);
    expect(retryDelaySeconds(retry('marketing paused', 15 * 60 * 1000), 0)).toBe(MAX_DELAY_SECONDS);
    expect(retryDelaySeconds(retry('paced', 10 * 60 * 60 * 1000), 0)).toBe(MAX_DELAY_SECONDS);
  });

  it('backs a throttled message off exponentially with jitter', () => {
    const low = () => 0;
    const high = () => 1;
    expect(retryDelaySeconds(retry('throttled by the provider', 1000), 0, low)).toBe(1);
    expect(retryDelaySeconds(retry('throttled by the provider', 1000), 4, high)).toBe(32);
    expect(retryDelaySeconds(retry('throttled by the provider', 1000), 20, high)).toBe(900);
  });

  // Review round 16: this test failed at db24e6c. Every retry raised `attempt`, so a campaign mail
  // held all night outside its send window (~40 holds of 15 minutes) met a throttle at the opening
  // with the backoff of 40 throttles: 450-900 s where a fresh message waits 1-2 s.
  it('counts only throttles in a row: any other hold starts the backoff again', () => {
    const high = () => 1;
    let attempt = 0;
    for (let i = 0; i < 40; i++)
      attempt = nextAttempt(retry('outside the send window: held until …', 900_000), attempt);
    expect(attempt).toBe(0);
    const throttle = retry('throttled by the provider', 1000);
    expect(retryDelaySeconds(throttle, attempt, high)).toBe(2);
    attempt = nextAttempt(throttle, attempt);
    attempt = nextAttempt(throttle, attempt);
    expect(attempt).toBe(2);
    expect(nextAttempt(retry('marketing paused', 900_000), attempt)).toBe(0);
    expect(nextAttempt(retry('paced', 10), attempt)).toBe(0);
  });
});
