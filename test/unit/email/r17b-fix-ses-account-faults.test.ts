// Review round 17: this test failed at 2d3df06.
// SES faults of the account or its sender configuration (an unverified MAIL FROM domain, an
// unverified identity, a paused configuration set) closed the mail as `rejected` instead of failing
// over; and SES's spent daily quota held every mail, though Resend or SMTP could send it.
import {
  AccountSuspendedException,
  BadRequestException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  type SESv2Client,
  SendingPausedException,
} from '@aws-sdk/client-sesv2';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoSendPacer, type PacePolicy } from '../../../shared/adapters/dynamo-send-pacer';
import { sesProvider } from '../../../shared/adapters/ses-provider';
import type { EmailProvider } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const request = (key = 'api#client#k-1'): SendRequest => ({
  workspaceId: 'ws-1',
  idempotencyKey: key,
  category: 'transactional',
  from: 'billing@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Your receipt', html: '<p>Thanks</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
});

const meta = { $metadata: { httpStatusCode: 400 } };

/** The real SES provider over a client whose SendEmail always throws `error`. */
const sesThrowing = (error: unknown): EmailProvider =>
  sesProvider({
    send: async () => {
      throw error;
    },
  } as unknown as SESv2Client);

/** A provider that takes every message into `outbox`. */
function accepting(name: 'ses' | 'resend' | 'smtp', outbox: string[]): EmailProvider {
  return {
    name,
    async send() {
      outbox.push(name);
      return { providerMessageId: `${name}-${outbox.length}` };
    },
  };
}

function deps(providers: readonly EmailProvider[], ledger = new MemorySendLedger()): SendDeps {
  return {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: providers.map((provider) => ({ provider, breaker: providerBreaker(provider.name) })),
    now: () => 1_000_000,
  };
}

/** Every SES error about the account or its sender configuration, never about the message. */
const accountFaults: Array<[string, unknown]> = [
  [
    'MailFromDomainNotVerifiedException',
    new MailFromDomainNotVerifiedException({ message: 'The sending domain is not verified', ...meta }),
  ],
  ['AccountSuspendedException', new AccountSuspendedException({ message: 'suspended', ...meta })],
  ['SendingPausedException', new SendingPausedException({ message: 'paused', ...meta })],
  ['LimitExceededException', new LimitExceededException({ message: 'Daily message quota exceeded', ...meta })],
  [
    'NotFoundException',
    new NotFoundException({
      message: 'Configuration set <events> does not exist.',
      $metadata: { httpStatusCode: 404 },
    }),
  ],
  [
    'MessageRejected: an unverified identity (sandbox, or a sender identity that lapsed)',
    new MessageRejected({
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1: billing@acme.test',
      ...meta,
    }),
  ],
  // The same faults under SES v1's names (an SES v1 client, a relay or stand-in speaking it).
  [
    'AccountSendingPausedException',
    Object.assign(new Error('paused'), { name: 'AccountSendingPausedException', ...meta }),
  ],
  [
    'ConfigurationSetSendingPausedException',
    Object.assign(new Error('paused'), { name: 'ConfigurationSetSendingPausedException', ...meta }),
  ],
  [
    'ConfigurationSetDoesNotExistException',
    Object.assign(new Error('missing'), { name: 'ConfigurationSetDoesNotExistException', ...meta }),
  ],
  ['MailFromDomainNotVerified', Object.assign(new Error('unverified'), { name: 'MailFromDomainNotVerified', ...meta })],
];

describe('SES faults of the account or its configuration', () => {
  it.each(accountFaults)('%s fails over to the next provider', async (_name, fault) => {
    const outbox: string[] = [];
    const ledger = new MemorySendLedger();
    const outcome = await sendEmail(request(), deps([sesThrowing(fault), accepting('resend', outbox)], ledger));
    expect(outcome).toMatchObject({ status: 'sent', provider: 'resend', skipped: ['ses'] });
    expect(outbox).toEqual(['resend']);
    expect(ledger.record('ws-1', 'api#client#k-1')?.state).toBe('sent');
  });

  it.each(accountFaults)('%s with no other provider is given back and retried, never closed', async (_name, fault) => {
    const ledger = new MemorySendLedger();
    const outcome = await sendEmail(request(), deps([sesThrowing(fault)], ledger));
    expect(outcome).toMatchObject({ status: 'retry', reason: 'no provider available' });
    expect(ledger.record('ws-1', 'api#client#k-1')?.state).toBe('released');
  });
});

describe("SES faults of the message stay the message's", () => {
  const messageFaults: Array<[string, unknown]> = [
    ['MessageRejected (content)', new MessageRejected({ message: 'Message rejected: illegal header', ...meta })],
    ['BadRequestException', new BadRequestException({ message: 'Missing final @domain', ...meta })],
  ];
  it.each(messageFaults)('%s closes the send without a failover', async (_name, fault) => {
    const outbox: string[] = [];
    const ledger = new MemorySendLedger();
    const outcome = await sendEmail(request(), deps([sesThrowing(fault), accepting('resend', outbox)], ledger));
    expect(outcome).toEqual({ status: 'not-sent', reason: 'rejected by ses' });
    expect(outbox).toEqual([]);
  });
});

/** A one-item table honouring the pacer's compare-and-set; `puts` counts its writes. */
function fakeTable() {
  let item: Record<string, unknown> | undefined;
  const table = {
    puts: 0,
    item: () => item,
    async send(command: unknown) {
      if (command instanceof GetCommand) return { Item: item ? { ...item } : undefined };
      if (command instanceof PutCommand) {
        const expected = command.input.ExpressionAttributeValues?.[':v'];
        if (item ? item.version !== expected : false) {
          throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
        }
        item = { ...(command.input.Item as Record<string, unknown>) };
        table.puts++;
        return {};
      }
      throw new Error('unexpected command');
    },
  };
  return table;
}

describe("SES's spent daily quota", () => {
  const pacerOver = (table: ReturnType<typeof fakeTable>, policy: PacePolicy) =>
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for the DocumentClient
    dynamoSendPacer(table as any, 'ephemeral', async () => policy);
  const spent = (bucket = { ratePerSecond: 10, burst: 10 }): PacePolicy => ({
    bucket,
    dailyRemaining: 0,
    quotaReadAtMs: 1,
  });

  it('skips SES (as an open breaker does) and the next provider sends, once', async () => {
    const outbox: string[] = [];
    const ledger = new MemorySendLedger();
    const table = fakeTable();
    const d = {
      ...deps([accepting('ses', outbox), accepting('resend', outbox)], ledger),
      pacer: pacerOver(table, spent()),
    };
    const outcome = await sendEmail(request(), d);
    expect(outcome).toMatchObject({ status: 'sent', provider: 'resend', fallbackUsed: true, skipped: ['ses'] });
    expect(outbox).toEqual(['resend']);
    // A second delivery of the same message is a duplicate: exactly once.
    expect(await sendEmail(request(), d)).toEqual({ status: 'duplicate' });
    expect(outbox).toEqual(['resend']);
    // The daily budget was not spent below zero.
    expect(table.item()?.dailyRemaining).toBe(0);
  });

  it('still paces the rest of the chain at the per-second rate', async () => {
    const outbox: string[] = [];
    const table = fakeTable();
    const d = {
      ...deps([accepting('ses', outbox), accepting('resend', outbox)]),
      pacer: pacerOver(table, spent({ ratePerSecond: 1, burst: 1 })),
    };
    expect(await sendEmail(request('k-1'), d)).toMatchObject({ status: 'sent', provider: 'resend' });
    const second = await sendEmail(request('k-2'), d);
    expect(second).toMatchObject({ status: 'retry', reason: 'paced' });
    expect(second.status === 'retry' && second.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(outbox).toEqual(['resend']);
  });

  it('sends through SES while budget is left, then through the next provider', async () => {
    const outbox: string[] = [];
    const table = fakeTable();
    const d = {
      ...deps([accepting('ses', outbox), accepting('resend', outbox)]),
      pacer: pacerOver(table, { bucket: { ratePerSecond: 10, burst: 10 }, dailyRemaining: 2, quotaReadAtMs: 1 }),
    };
    // Concurrently, as a batch's records run: one pacer round for all three.
    const outcomes = await Promise.all(['k-1', 'k-2', 'k-3'].map((k) => sendEmail(request(k), d)));
    expect(outcomes.map((o) => o.status === 'sent' && o.provider).sort()).toEqual(['resend', 'ses', 'ses']);
    expect(table.item()?.dailyRemaining).toBe(0);
  });

  it('holds the mail (never drops it) when SES is the only provider, touching nothing', async () => {
    const outbox: string[] = [];
    const ledger = new MemorySendLedger();
    const table = fakeTable();
    await pacerOver(table, spent()).take(0); // the item exists, spent
    const writes = table.puts;
    const d = { ...deps([accepting('ses', outbox)], ledger), pacer: pacerOver(table, spent()) };
    const outcome = await sendEmail(request(), d);
    expect(outcome).toEqual({ status: 'retry', reason: 'paced', retryAfterMs: 5 * 60 * 1000 });
    expect(outbox).toEqual([]);
    expect(ledger.record('ws-1', 'api#client#k-1')?.state).toBe('released');
    expect(table.puts).toBe(writes);
  });
});
