/**
 * Email delivery's stores against the embedded emulators: the send ledger under concurrent
 * claims (exactly one wins), its lease and terminal states, suppressions (workspace and
 * global), the sending gate, the shared token-bucket pacer under many concurrent takers (no
 * window of a second above what the bucket allows), and the SES provider's message as the
 * local SES outbox stores it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { cachedQuotaPolicy, dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { sesProvider } from '../../shared/adapters/ses-provider';
import type { EmailProvider, SendLedger } from '../../shared/email/ports';
import { classifyProviderError, providerBreaker } from '../../shared/email/provider-failover';
import { sendEmail } from '../../shared/email/send-email';

const PREFIX = 'mail-';
const CORE = `${PREFIX}core`;
const EPHEMERAL = `${PREFIX}ephemeral`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let ledger: SendLedger;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'email-delivery-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
  ledger = dynamoSendLedger(db, CORE);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const sent = { provider: 'ses' as const, providerMessageId: 'm-1', fallbackUsed: false, atMs: 1 };

describe('send ledger', () => {
  it('lets exactly one of 25 concurrent claims win; the others see it in flight', async () => {
    // Prepare
    const workspaceId = ws();
    const now = Date.now();
    // Act
    const results = await Promise.all(
      Array.from({ length: 25 }, () => ledger.claim(workspaceId, 'campaign#e1#n1#v1', now, 60_000)),
    );
    // Assess
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'in-flight')).toHaveLength(24);
  });

  it('answers sent after markSent, and never claims a sent key again (even after its lease)', async () => {
    const workspaceId = ws();
    expect((await ledger.claim(workspaceId, 'k', 1_000, 10)).status).toBe('claimed');
    await ledger.markSent(workspaceId, 'k', sent);
    expect(await ledger.claim(workspaceId, 'k', 1_000_000, 10)).toEqual({
      status: 'sent',
      provider: 'ses',
      providerMessageId: 'm-1',
    });
    // A late release or close cannot undo a sent record.
    await ledger.release(workspaceId, 'k');
    await ledger.close(workspaceId, 'k', 'late', 2);
    expect((await ledger.claim(workspaceId, 'k', 2_000_000, 10)).status).toBe('sent');
  });

  it('hands an expired lease to the next claim, and a released key to the next attempt', async () => {
    const workspaceId = ws();
    expect((await ledger.claim(workspaceId, 'k', 1_000, 500)).status).toBe('claimed');
    expect(await ledger.claim(workspaceId, 'k', 1_200, 500)).toEqual({ status: 'in-flight', untilMs: 1_500 });
    expect((await ledger.claim(workspaceId, 'k', 1_500, 500)).status).toBe('claimed');
    await ledger.release(workspaceId, 'k');
    expect((await ledger.claim(workspaceId, 'k', 1_600, 500)).status).toBe('claimed');
  });

  it('lets a slow attempt whose lease was taken over release or close nothing but its own claim', async () => {
    const workspaceId = ws();
    const slow = await ledger.claim(workspaceId, 'k', 1_000, 500);
    // Its provider call outlives the lease: another attempt takes the send over.
    const taker = await ledger.claim(workspaceId, 'k', 1_600, 500);
    expect(taker.status).toBe('claimed');
    const slowId = slow.status === 'claimed' ? slow.claimId : undefined;
    expect(slowId).toEqual(expect.any(String));
    // The slow call fails: giving "its" claim back must not free the key while the taker sends.
    await ledger.release(workspaceId, 'k', slowId);
    expect(await ledger.claim(workspaceId, 'k', 1_700, 500)).toEqual({ status: 'in-flight', untilMs: 2_100 });
    // Nor may it close the taker's send as rejected.
    await ledger.close(workspaceId, 'k', 'rejected by ses', 1_700, slowId);
    expect((await ledger.claim(workspaceId, 'k', 1_800, 500)).status).toBe('in-flight');
    // The taker's own release and close still work.
    await ledger.release(workspaceId, 'k', taker.status === 'claimed' ? taker.claimId : undefined);
    const third = await ledger.claim(workspaceId, 'k', 1_900, 500);
    expect(third.status).toBe('claimed');
    await ledger.close(
      workspaceId,
      'k',
      'suppressed: unsubscribe',
      2_000,
      third.status === 'claimed' ? third.claimId : undefined,
    );
    expect(await ledger.claim(workspaceId, 'k', 9_000, 500)).toEqual({
      status: 'closed',
      reason: 'suppressed: unsubscribe',
    });
  });

  it('keeps a closed key closed, and keys of two workspaces apart', async () => {
    const [a, b] = [ws(), ws()];
    await ledger.claim(a, 'k', 1, 10);
    await ledger.close(a, 'k', 'suppressed: unsubscribe', 2);
    expect(await ledger.claim(a, 'k', 1_000_000, 10)).toEqual({ status: 'closed', reason: 'suppressed: unsubscribe' });
    expect((await ledger.claim(b, 'k', 1, 10)).status).toBe('claimed');
  });

  it('refuses markSent without a claim (a record is only marked sent by its claim holder)', async () => {
    await expect(ledger.markSent(ws(), 'never-claimed', sent)).rejects.toThrow();
  });
});

describe('suppressions and the sending gate', () => {
  it('reads the workspace and the global list, every reason kept, addresses case-insensitive', async () => {
    const store = dynamoSuppressions(db, CORE);
    const [a, b] = [ws(), ws()];
    await store.suppress(a, 'Ada@Example.com', 'unsubscribe', 1);
    await store.suppress(a, 'ada@example.com', 'hard-bounce', 2);
    await store.suppress('global', 'spamtrap@example.com', 'complaint', 3);
    expect([...(await store.reasonsFor(a, 'ADA@example.com'))].sort()).toEqual(['hard-bounce', 'unsubscribe']);
    expect(await store.reasonsFor(b, 'ada@example.com')).toEqual([]);
    expect(await store.reasonsFor(b, 'spamtrap@example.com')).toEqual(['complaint']);
  });

  it("reads a contact's own opt-outs with its address, whatever the address is now", async () => {
    const store = dynamoSuppressions(db, CORE);
    const [a, b] = [ws(), ws()];
    await store.suppressContact(a, 'contact-1', 'unsubscribe', 1);
    await store.suppress(a, 'old@example.com', 'hard-bounce', 2);
    expect(await store.reasonsFor(a, 'new@example.com', 'contact-1')).toEqual(['unsubscribe']);
    expect([...(await store.reasonsFor(a, 'old@example.com', 'contact-1'))].sort()).toEqual([
      'hard-bounce',
      'unsubscribe',
    ]);
    // A bare address, another contact, another workspace: not this contact's opt-out.
    expect(await store.reasonsFor(a, 'new@example.com')).toEqual([]);
    expect(await store.reasonsFor(a, 'new@example.com', 'contact-2')).toEqual([]);
    expect(await store.reasonsFor(b, 'new@example.com', 'contact-1')).toEqual([]);
  });

  it('says why a workspace is paused until a person resumes it', async () => {
    const gate = dynamoSendingGate(db, CORE);
    const id = ws();
    expect(await gate.pausedReason(id)).toBeUndefined();
    await gate.pause(id, 'complaint rate 0.12% over 0.1%', 1);
    expect(await gate.pausedReason(id)).toBe('complaint rate 0.12% over 0.1%');
    await gate.resume(id);
    expect(await gate.pausedReason(id)).toBeUndefined();
  });
});

describe('shared pacer', () => {
  it('never grants more in any second than the bucket allows, across 40 concurrent takers', async () => {
    // Prepare: 5/s, bursts of 5; two "instances" (pacers) over the same item.
    const rate = 5;
    const policy = () => Promise.resolve({ bucket: { ratePerSecond: rate, burst: rate }, dailyRemaining: Infinity });
    const provider = `test-${randomUUID().slice(0, 6)}`;
    const pacers = [dynamoSendPacer(db, EPHEMERAL, policy, provider), dynamoSendPacer(db, EPHEMERAL, policy, provider)];
    const grants: number[] = [];
    const start = Date.now();
    const runFor = 3_000;
    // Act
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const pacer = pacers[i % 2] as (typeof pacers)[number];
        while (Date.now() - start < runFor) {
          const now = Date.now();
          const r = await pacer.take(now);
          if (r.granted) grants.push(now);
          else await new Promise((res) => setTimeout(res, Math.min(r.waitMs, 200)));
        }
      }),
    );
    // Assess: any 1 s window holds at most the burst plus one second of refill; the total
    // follows the rate; and the bucket was used (not starved by contention).
    grants.sort((x, y) => x - y);
    for (let i = 0; i < grants.length; i++) {
      const inWindow = grants.filter((t) => t >= (grants[i] as number) && t < (grants[i] as number) + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(rate + rate);
    }
    const elapsed = (Date.now() - start) / 1000;
    expect(grants.length).toBeLessThanOrEqual(rate + Math.ceil(rate * elapsed));
    expect(grants.length).toBeGreaterThanOrEqual(rate * 2);
  });

  it('stops granting when the daily budget is spent', async () => {
    const pacer = dynamoSendPacer(db, EPHEMERAL, () =>
      Promise.resolve({ bucket: { ratePerSecond: 10, burst: 10 }, dailyRemaining: 0 }),
    );
    expect(await pacer.take(Date.now())).toEqual({ granted: false, waitMs: 300_000 });
  });

  it('spends one shared daily budget across instances, in the same write as the tokens', async () => {
    // Was review 9: each instance capped a round by its cached `dailyRemaining` and never spent it.
    const provider = `daily-${randomUUID().slice(0, 8)}`;
    const read = { bucket: { ratePerSecond: 1000, burst: 1000 }, dailyRemaining: 7, quotaReadAtMs: Date.now() };
    const pacers = [0, 1].map(() => dynamoSendPacer(db, EPHEMERAL, () => Promise.resolve(read), provider));
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pacers[i % 2]?.take(now)));
    expect(results.filter((r) => r?.granted)).toHaveLength(7);
  });

  it('caches the quota policy and keeps the last one when a read fails', async () => {
    let reads = 0;
    let fail = false;
    let clock = 0;
    const policy = cachedQuotaPolicy(
      async () => {
        reads++;
        if (fail) throw new Error('GetAccount down');
        return { maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 49_000 };
      },
      { ttlMs: 1000, now: () => clock },
    );
    const first = await policy();
    expect(first.bucket.ratePerSecond).toBeCloseTo(11.2);
    expect(first.dailyRemaining).toBe(1000);
    await policy();
    expect(reads).toBe(1);
    fail = true;
    clock = 2000;
    expect(await policy()).toEqual(first);
    expect(reads).toBe(2);
  });
});

describe('SES provider', () => {
  it('sends headers, tags and both parts to the SES outbox', async () => {
    // Prepare
    const client = new SESv2Client(localClientConfig(emulators.ses.endpoint));
    const provider = sesProvider(client);
    const to = `ses-${randomUUID().slice(0, 8)}@example.com`;
    // Act
    const { providerMessageId } = await provider.send({
      from: 'no-reply@unite-hub.local',
      to,
      subject: 'Hello',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: { 'List-Unsubscribe': '<https://x.test/u/t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      tags: { workspace: 'ws-1', send: 's#1' },
    });
    // Assess
    expect(providerMessageId).not.toBe('');
    const store = (await (await fetch(`${emulators.ses.endpoint}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; subject: string }>;
    };
    expect(store.emails.filter((e) => JSON.stringify(e).includes(to))).toHaveLength(1);
    client.destroy();
  });

  it('refuses more than 15 headers as the message’s fault (no failover)', async () => {
    const provider = sesProvider(new SESv2Client(localClientConfig(emulators.ses.endpoint)));
    const headers = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`X-H${i}`, 'v']));
    const error = await provider
      .send({ from: 'a@b.test', to: 'c@d.test', subject: 's', html: 'h', text: 't', headers, tags: {} })
      .catch((e: unknown) => e);
    expect(classifyProviderError(error)).toBe('rejected');
  });

  it('turns account-level SES refusals into failover (unavailable)', async () => {
    const failing = {
      send: () =>
        Promise.reject(
          Object.assign(new Error('paused'), { name: 'SendingPausedException', $metadata: { httpStatusCode: 400 } }),
        ),
    } as unknown as SESv2Client;
    const error = await sesProvider(failing)
      .send({ from: 'a@b.test', to: 'c@d.test', subject: 's', html: 'h', text: 't', headers: {}, tags: {} })
      .catch((e: unknown) => e);
    expect(classifyProviderError(error)).toBe('unavailable');
  });
});

describe('a sender killed mid-send (real ledger, suppressions, gate and pacer; a counting provider)', () => {
  it('is resumed by a redelivery after its lease, and the email goes out once', async () => {
    // Prepare: a crashed attempt left a claim (no provider call, no release).
    const workspaceId = ws();
    const key = 'campaign#e9#n1#v1';
    let calls = 0;
    const provider: EmailProvider = {
      name: 'ses',
      send: async () => ({ providerMessageId: `m-${++calls}` }),
    };
    let clock = 10_000;
    const deps = {
      ledger,
      suppressions: dynamoSuppressions(db, CORE),
      gate: dynamoSendingGate(db, CORE),
      pacer: dynamoSendPacer(
        db,
        EPHEMERAL,
        () => Promise.resolve({ bucket: { ratePerSecond: 1000, burst: 1000 }, dailyRemaining: Infinity }),
        `crash-${randomUUID().slice(0, 6)}`,
      ),
      chain: [{ provider, breaker: providerBreaker('ses') }],
      now: () => clock,
      leaseMs: 60_000,
    };
    await ledger.claim(workspaceId, key, clock, 60_000);
    const request = {
      workspaceId,
      idempotencyKey: key,
      category: 'transactional' as const,
      from: 'no-reply@x.test',
      to: 'ada@example.com',
      content: { subject: 'Hi', html: '<p>Hi</p>' },
      context: { contact: {}, workspace: { name: 'W' } },
    };
    // Act: a redelivery while the lease runs, one after it, and one more.
    const early = await sendEmail(request, deps);
    clock += 60_000;
    const resumed = await sendEmail(request, deps);
    const again = await sendEmail(request, deps);
    // Assess
    expect(early).toMatchObject({ status: 'retry', retryAfterMs: 60_000 });
    expect(resumed).toMatchObject({ status: 'sent', provider: 'ses', providerMessageId: 'm-1' });
    expect(again).toEqual({ status: 'duplicate' });
    expect(calls).toBe(1);
  });
});
