/**
 * Review round 11: this test failed at eab1d13 (the ledger ignored a release's `awaitAck`: a send
 * whose SES call got no answer was `released` at once, so the very next claim, a redelivery a
 * second later, took it and mailed SES again before SES's Send event could mark it sent).
 *
 * On the DynamoDB emulator: `release(..., {awaitAck})` keeps the record `claimed` with the lease to
 * now + grace and `staleSinceMs` = now (the state a dead attempt's expired claim is held in), so
 * claims with or without a grace are refused until the grace has run, the Send event
 * (`acknowledgeSent`) marks it sent meanwhile, and without one exactly one claim takes it over
 * after the grace, with the first sealed time. Then the whole path through `sendEmail`.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { workspacePk } from '../../shared/adapters/keys';
import type { EmailProvider, OutgoingEmail } from '../../shared/email/ports';
import { providerBreaker } from '../../shared/email/provider-failover';
import { type SendDeps, sendEmail } from '../../shared/email/send-email';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'sendhold-';
let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;
let core: string;
let ledger: ReturnType<typeof dynamoSendLedger>;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  db = dynamo.db;
  core = dynamo.table('core');
  ledger = dynamoSendLedger(db, core);
});
afterAll(() => dynamo?.stop());

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const T = Date.parse('2026-12-04T10:15:00Z');
const LEASE = 300_000;
const GRACE = 60_000;
const record = async (workspaceId: string, key: string) =>
  (
    await db.send(
      new GetCommand({
        TableName: core,
        Key: { pk: workspacePk(workspaceId), sk: `EMAILSEND#${key}` },
        ConsistentRead: true,
      }),
    )
  ).Item;
const claimIdOf = (claim: Awaited<ReturnType<typeof ledger.claim>>) =>
  claim.status === 'claimed' ? claim.claimId : undefined;

describe('a claim held for the Send event (release with awaitAck)', () => {
  it('stays claimed until the grace has run, for claims with a grace and without one', async () => {
    // Prepare
    const workspaceId = ws();
    const claim = await ledger.claim(workspaceId, 'k', T, LEASE, GRACE);
    // Act
    await ledger.release(workspaceId, 'k', claimIdOf(claim), { awaitAck: { atMs: T + 2_000, graceMs: GRACE } });
    const held = await record(workspaceId, 'k');
    const withGrace = await ledger.claim(workspaceId, 'k', T + 3_000, LEASE, GRACE);
    const withoutGrace = await ledger.claim(workspaceId, 'k', T + 3_000, LEASE);
    const lastMoment = await ledger.claim(workspaceId, 'k', T + 2_000 + GRACE - 1, LEASE, GRACE);
    // Assess
    expect(held).toMatchObject({ state: 'claimed', staleSinceMs: T + 2_000, leaseUntilMs: T + 2_000 + GRACE });
    expect(held?.sealedAtMs).toBe(T);
    for (const refused of [withGrace, withoutGrace, lastMoment]) {
      expect(refused).toEqual({ status: 'in-flight', untilMs: T + 2_000 + GRACE, awaitingAck: true });
    }
  });

  it('is marked sent by the Send event, after which every claim finds it sent', async () => {
    // Prepare
    const workspaceId = ws();
    const claim = await ledger.claim(workspaceId, 'k', T, LEASE, GRACE);
    await ledger.release(workspaceId, 'k', claimIdOf(claim), { awaitAck: { atMs: T, graceMs: GRACE } });
    // Act
    const ack = await ledger.acknowledgeSent(workspaceId, 'k', { provider: 'ses', providerMessageId: 'm-1', atMs: T });
    const later = await ledger.claim(workspaceId, 'k', T + GRACE + 1, LEASE, GRACE);
    // Assess
    expect(ack).toBe('marked');
    expect(later).toEqual({ status: 'sent', provider: 'ses', providerMessageId: 'm-1' });
    expect(await record(workspaceId, 'k')).toMatchObject({ state: 'sent', markedBy: 'event' });
  });

  it('without an event is taken over after the grace by exactly one of 10 claims, with the first sealed time', async () => {
    // Prepare
    const workspaceId = ws();
    const claim = await ledger.claim(workspaceId, 'k', T, LEASE, GRACE);
    await ledger.release(workspaceId, 'k', claimIdOf(claim), { awaitAck: { atMs: T + 1_000, graceMs: GRACE } });
    // Act
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => ledger.claim(workspaceId, 'k', T + 1_000 + GRACE, LEASE, GRACE)),
    );
    // Assess
    const won = racing.filter((r) => r.status === 'claimed');
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ sealedAtMs: T, sealedBefore: true });
    expect((await record(workspaceId, 'k'))?.staleSinceMs).toBeUndefined();
  });

  it('is only the holder’s to make: an attempt whose claim was taken over holds nothing', async () => {
    // Prepare: the first attempt's lease ran out and a second took the claim over.
    const workspaceId = ws();
    const slow = await ledger.claim(workspaceId, 'k', T, 1_000);
    const current = await ledger.claim(workspaceId, 'k', T + 5_000, LEASE);
    // Act
    await ledger.release(workspaceId, 'k', claimIdOf(slow), { awaitAck: { atMs: T + 6_000, graceMs: GRACE } });
    // Assess
    expect(current.status).toBe('claimed');
    const after = await record(workspaceId, 'k');
    expect(after).toMatchObject({ state: 'claimed', claimId: claimIdOf(current), leaseUntilMs: T + 5_000 + LEASE });
    expect(after?.staleSinceMs).toBeUndefined();
  });
});

describe('SES took the message and its answer was lost (sendEmail on the real ledger)', () => {
  it('is held, recorded by its Send event, and every delivery after it mails nothing', async () => {
    // Prepare
    const workspaceId = ws();
    const key = `campaign#c1#${randomUUID()}#1#welcome#2`;
    let clock = T;
    const outbox: OutgoingEmail[] = [];
    const ses: EmailProvider = {
      name: 'ses',
      async send(email) {
        outbox.push(email);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    };
    const resend: EmailProvider = {
      name: 'resend',
      async send(email) {
        outbox.push(email);
        return { providerMessageId: 'resend-1' };
      },
    };
    const deps: SendDeps = {
      ledger,
      suppressions: dynamoSuppressions(db, core),
      gate: dynamoSendingGate(db, core),
      pacer: dynamoSendPacer(
        db,
        dynamo.table('ephemeral'),
        () => Promise.resolve({ bucket: { ratePerSecond: 1000, burst: 1000 }, dailyRemaining: Infinity }),
        `hold-${randomUUID().slice(0, 6)}`,
      ),
      chain: [
        { provider: ses, breaker: providerBreaker('ses'), retry: { retries: 2, baseMs: 1, capMs: 1 } },
        { provider: resend, breaker: providerBreaker('resend') },
      ],
      now: () => clock,
      leaseMs: LEASE,
      claimGraceMs: GRACE,
    };
    const request = {
      workspaceId,
      idempotencyKey: key,
      category: 'transactional' as const,
      from: 'no-reply@x.test',
      to: 'ada@example.com',
      content: { subject: 'Hi', html: '<p>Hi</p>' },
      context: { contact: {}, workspace: { name: 'W' } },
      tags: { workspace: workspaceId, send: 'send-1' },
    };
    // Act: the attempt; a copy of the message at once; SES's Send event; the retry it asked for.
    const first = await sendEmail(request, deps);
    clock += 1_000;
    const copy = await sendEmail(request, deps);
    clock += 2_000;
    const ack = await ledger.acknowledgeSent(workspaceId, key, {
      provider: 'ses',
      providerMessageId: 'ses-1',
      atMs: clock,
    });
    clock += first.status === 'retry' ? first.retryAfterMs : 0;
    const retried = await sendEmail(request, deps);
    // Assess
    expect(first).toMatchObject({ status: 'retry', reason: expect.stringMatching(/^ses did not answer/) });
    expect(copy).toMatchObject({ status: 'retry' });
    expect(ack).toBe('marked');
    expect(retried).toEqual({ status: 'duplicate' });
    expect(outbox).toHaveLength(1);
  });
});
