/**
 * A tracked send's body is the same on every attempt that may follow one that reached a provider
 * (deterministic tokens, `issuedAtMs` = the ledger's `sealedAtMs`), and only a release that knows
 * nothing was sent lets the next attempt seal afresh. Resend's idempotency 409s never close a send
 * as rejected and never fail over.
 */
import { describe, expect, it } from 'vitest';
import { resendError } from '../../../shared/adapters/resend-email';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { CLICK_PATH } from '../../../shared/email/tracking';
import { openTrackingToken } from '../../../shared/email/tracking-token';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const key = Buffer.alloc(32, 3);
const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'broadcast#b1#c1',
  sendId: 'send-1',
  contactId: 'c1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'News', html: '<p>Read <a href="https://acme.test/post">the post</a></p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
};

/** The `issuedAtMs` sealed in the click link of a sent body. */
function issuedAt(email: OutgoingEmail): number | undefined {
  const token = new RegExp(`${CLICK_PATH}([A-Za-z0-9_-]+)`).exec(email.html)?.[1];
  return token ? openTrackingToken(token, key)?.issuedAtMs : undefined;
}

type Answer = () => Error | undefined;

function setup(answers: { ses?: Answer[]; resend?: Answer[] }) {
  const sent: Array<{ provider: string; email: OutgoingEmail }> = [];
  const tried: Array<{ provider: string; email: OutgoingEmail }> = [];
  const provider = (name: 'ses' | 'resend', queue: Answer[] = []): EmailProvider => ({
    name,
    async send(email) {
      tried.push({ provider: name, email });
      const fault = queue.shift()?.();
      if (fault) throw fault;
      sent.push({ provider: name, email });
      return { providerMessageId: `${name}-${sent.length}` };
    },
  });
  const ledger = new MemorySendLedger();
  let now = 1_000_000;
  let granted = true;
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted, waitMs: 500 }) },
    chain: [
      ...(answers.ses ? [{ provider: provider('ses', answers.ses), breaker: providerBreaker('ses') }] : []),
      { provider: provider('resend', answers.resend), breaker: providerBreaker('resend') },
    ],
    now: () => now,
    leaseMs: 300_000,
    claimGraceMs: 60_000,
    tracking: { baseUrl: 'https://app.example', key },
  };
  return {
    deps,
    ledger,
    sent,
    tried,
    advance: (ms: number) => (now += ms),
    pace: (on: boolean) => (granted = on),
    record: () => ledger.record('ws-1', request.idempotencyKey),
  };
}

const network = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const throttled = () => resendError({ name: 'rate_limit_exceeded', statusCode: 429, message: 'slow down' });

describe('the sealed time of a tracked send', () => {
  it('is kept when no provider could be reached (ambiguous): the retry sends the very same body', async () => {
    const t = setup({ resend: [network] });
    const first = await sendEmail(request, t.deps);
    expect(first).toMatchObject({ status: 'retry', reason: expect.stringMatching(/^resend did not answer/) });
    expect(t.record()).toMatchObject({ state: 'released', sealedAtMs: 1_000_000 });
    t.advance(60_000);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent' });
    const [failed, succeeded] = t.tried;
    expect(succeeded?.email.html).toBe(failed?.email.html);
    expect(succeeded && issuedAt(succeeded.email)).toBe(1_000_000);
  });

  it('is forgotten when the attempt knows nothing was sent (paced): the next attempt seals its own time', async () => {
    const t = setup({});
    t.pace(false);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry', reason: 'paced' });
    expect(t.record()?.sealedAtMs).toBeUndefined();
    t.pace(true);
    t.advance(5_000);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent' });
    expect(issuedAt(t.sent[0]?.email as OutgoingEmail)).toBe(1_005_000);
  });

  it('is kept by a paced attempt after an ambiguous one: the first body is what goes out', async () => {
    const t = setup({ resend: [network] });
    expect(await sendEmail(request, t.deps)).toMatchObject({
      status: 'retry',
      reason: expect.stringMatching(/^resend did not answer/),
    });
    t.advance(60_000);
    t.pace(false);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'retry', reason: 'paced' });
    expect(t.record()).toMatchObject({ state: 'released', sealedAtMs: 1_000_000 });
    t.pace(true);
    t.advance(1_000);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent' });
    expect(t.tried[1]?.email.html).toBe(t.tried[0]?.email.html);
  });

  it('is forgotten when the providers asked throttled or answered they were down, kept when one did not answer', async () => {
    const direct = setup({ resend: [throttled] });
    expect(await sendEmail(request, direct.deps)).toMatchObject({ status: 'retry' });
    expect(direct.record()?.state).toBe('released');
    expect(direct.record()?.sealedAtMs).toBeUndefined();

    // SES answered 503: it did not take the message; Resend throttled: nothing was sent.
    const down = () =>
      Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    const afterFailover = setup({ ses: [down], resend: [throttled] });
    expect(await sendEmail(request, afterFailover.deps)).toMatchObject({ status: 'retry' });
    expect(afterFailover.record()?.state).toBe('released');
    expect(afterFailover.record()?.sealedAtMs).toBeUndefined();

    // SES did not answer: it may have the message; the chain stops there (no failover, Resend
    // not asked) and the sealed time stays (review round 11, ambiguous-provider-outcome.test.ts).
    const unanswered = setup({ ses: [network], resend: [throttled] });
    expect(await sendEmail(request, unanswered.deps)).toMatchObject({ status: 'retry' });
    expect(unanswered.tried.map((t) => t.provider)).toEqual(['ses']);
    expect(unanswered.record()).toMatchObject({ sealedAtMs: 1_000_000 });
  });

  it('is forgotten when a step before the provider call fails', async () => {
    const t = setup({});
    await expect(
      sendEmail(request, {
        ...t.deps,
        gate: {
          pausedReason: async () => {
            throw new Error('socket hang up');
          },
        },
      }),
    ).rejects.toThrow(/hang up/);
    expect(t.record()?.state).toBe('released');
    expect(t.record()?.sealedAtMs).toBeUndefined();
  });
});

describe("Resend's idempotency answers", () => {
  it('invalid_idempotent_request: closed as possibly delivered, not rejected, no failover, never sent again', async () => {
    const conflict = () =>
      resendError({ name: 'invalid_idempotent_request', statusCode: 409, message: 'Same key, different payload.' });
    // Resend first in the chain, SES after it: a failover would send a second copy.
    const t = setup({ resend: [conflict] });
    const ses: EmailProvider = {
      name: 'ses',
      send: async (email) => {
        t.sent.push({ provider: 'ses', email });
        return { providerMessageId: 'ses-x' };
      },
    };
    const deps = { ...t.deps, chain: [...t.deps.chain, { provider: ses, breaker: providerBreaker('ses') }] };
    const outcome = await sendEmail(request, deps);
    expect(outcome.status).toBe('not-sent');
    const reason = outcome.status === 'not-sent' ? outcome.reason : '';
    expect(reason).toMatch(/possibly delivered/);
    expect(reason).not.toMatch(/rejected/);
    expect(t.sent).toEqual([]);
    expect(t.record()?.state).toBe('closed');
    expect(await sendEmail(request, deps)).toMatchObject({ status: 'not-sent' });
    expect(t.tried).toHaveLength(1);
  });

  it('concurrent_idempotent_requests: a retry later, the sealed time kept', async () => {
    const busy = () =>
      resendError({ name: 'concurrent_idempotent_requests', statusCode: 409, message: 'In progress.' });
    const t = setup({ resend: [busy] });
    const outcome = await sendEmail(request, t.deps);
    expect(outcome).toMatchObject({ status: 'retry' });
    expect(t.record()).toMatchObject({ state: 'released', sealedAtMs: 1_000_000 });
    t.advance(5_000);
    expect(await sendEmail(request, t.deps)).toMatchObject({ status: 'sent' });
    expect(t.tried[1]?.email.html).toBe(t.tried[0]?.email.html);
  });
});
