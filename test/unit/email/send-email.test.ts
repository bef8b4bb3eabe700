/** The send use case with in-memory ports: exactly once, suppression, pause, pacing, failover. */
import { describe, expect, it } from 'vitest';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import { MemorySendLedger } from '../../support/memory-send-ledger';

function setup(over: Partial<SendDeps> = {}, suppressed: SuppressionReason[] = []) {
  const outbox: Array<{ provider: string; email: OutgoingEmail }> = [];
  const provider = (name: EmailProvider['name'], fail?: () => Error): EmailProvider => ({
    name,
    send: async (email) => {
      if (fail) throw fail();
      outbox.push({ provider: name, email });
      return { providerMessageId: `${name}-${outbox.length}` };
    },
  });
  const ledger = new MemorySendLedger();
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => suppressed },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [
      { provider: provider('ses'), breaker: providerBreaker('ses') },
      { provider: provider('resend'), breaker: providerBreaker('resend') },
    ],
    now: () => 1_000_000,
    ...over,
  };
  return { deps, outbox, ledger, provider };
}

const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'campaign#e1#n1#v1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Hi {{ contact.firstName }}', html: '<p>Hello {{ contact.firstName }}</p>' },
  context: { contact: { firstName: 'Ada' }, workspace: { name: 'Acme' } },
  headers: { 'List-Unsubscribe': '<https://app.example/u/t>' },
};

describe('sendEmail', () => {
  it('sends once however often the same request arrives', async () => {
    const { deps, outbox } = setup();
    const outcomes = [await sendEmail(request, deps), await sendEmail(request, deps), await sendEmail(request, deps)];
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'duplicate', 'duplicate']);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.email).toMatchObject({ subject: 'Hi Ada', text: 'Hello Ada', headers: request.headers });
  });
  it('never sends marketing to an unsubscribed address, and closes the send for good', async () => {
    const { deps, outbox } = setup({}, ['unsubscribe']);
    expect(await sendEmail(request, deps)).toEqual({ status: 'not-sent', reason: 'suppressed: unsubscribe' });
    expect(await sendEmail(request, deps)).toMatchObject({ status: 'not-sent' });
    expect(outbox).toHaveLength(0);
    // Transactional mail is not blocked by an unsubscribe.
    const t = await sendEmail({ ...request, idempotencyKey: 'reset#1', category: 'transactional' }, deps);
    expect(t.status).toBe('sent');
  });
  it('holds marketing while the workspace is paused, and sends it once resumed', async () => {
    let paused: string | undefined = 'Marketing sends paused: complaint rate 0.20%';
    const { deps, outbox } = setup({ gate: { pausedReason: async () => paused } });
    expect(await sendEmail(request, deps)).toMatchObject({ status: 'retry', reason: paused });
    paused = undefined;
    expect((await sendEmail(request, deps)).status).toBe('sent');
    expect(outbox).toHaveLength(1);
  });
  it('gives the claim back when paced, so the retry sends', async () => {
    let granted = false;
    const { deps, outbox } = setup({ pacer: { take: async () => ({ granted, waitMs: 250 }) } });
    expect(await sendEmail(request, deps)).toEqual({ status: 'retry', reason: 'paced', retryAfterMs: 250 });
    granted = true;
    expect((await sendEmail(request, deps)).status).toBe('sent');
    expect(outbox).toHaveLength(1);
  });
  it('fails over to the next provider and records which one took it', async () => {
    const base = setup();
    const down = Object.assign(new Error('down'), { $metadata: { httpStatusCode: 503 } });
    const { deps, outbox } = setup({
      chain: [
        { provider: base.provider('ses', () => down), breaker: providerBreaker('ses') },
        base.deps.chain[1] as SendDeps['chain'][number],
      ],
    });
    const out = await sendEmail(request, deps);
    expect(out).toMatchObject({ status: 'sent', provider: 'resend', fallbackUsed: true });
    expect(base.outbox).toHaveLength(1);
    expect(outbox).toHaveLength(0);
  });
  it('closes a send the provider rejected, and a template that cannot render', async () => {
    const base = setup();
    const rejected = Object.assign(new Error('MessageRejected'), { name: 'MessageRejected' });
    const { deps } = setup({
      chain: [{ provider: base.provider('ses', () => rejected), breaker: providerBreaker('ses') }],
    });
    expect(await sendEmail(request, deps)).toEqual({ status: 'not-sent', reason: 'rejected by ses' });
    const broken = await sendEmail(
      { ...request, idempotencyKey: 'k2', content: { subject: 's', html: '{% if %}' } },
      deps,
    );
    expect(broken.status).toBe('not-sent');
  });
  it('asks for a retry while another attempt holds the claim', async () => {
    const { deps, ledger } = setup();
    await ledger.claim('ws-1', request.idempotencyKey, 1_000_000, 60_000);
    expect(await sendEmail(request, deps)).toMatchObject({ status: 'retry', retryAfterMs: 60_000 });
  });
});
