/**
 * The send ledger's acknowledgement by the provider's Send event, on the DynamoDB emulator: the
 * event marks a claimed record sent (pointer, state, hour counter), the sender's markSent of the
 * same message afterwards succeeds without a second count, a later event changes nothing, the two
 * racing count once, and an expired claim is held for the grace before another attempt may take
 * it; then the whole path: an attempt dead after SES accepted, its Send event processed, a
 * redelivery after the lease mails nothing.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { workspacePk } from '../../shared/adapters/keys';
import { LEDGER_TAG } from '../../shared/email/ledger-tag';
import type { EmailProvider, OutgoingEmail } from '../../shared/email/ports';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import { providerBreaker } from '../../shared/email/provider-failover';
import { hourOf } from '../../shared/email/reputation-window';
import { sendEmail } from '../../shared/email/send-email';
import { countingClient, type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'sendack-';
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
const AT = Date.parse('2026-12-04T10:15:00Z');
const accepted = { provider: 'ses' as const, providerMessageId: 'ses-1', atMs: AT };
const item = async (pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: core, Key: { pk, sk }, ConsistentRead: true }))).Item;
const record = (workspaceId: string, key: string) => item(workspacePk(workspaceId), `EMAILSEND#${key}`);
const sentInHour = async (workspaceId: string) =>
  Number((await item(workspacePk(workspaceId), `EMAILREP#${hourOf(AT)}`))?.sent ?? 0);

describe('the Send event acknowledging a send', () => {
  it('reads a record the sender already marked sent, and writes nothing (the ordinary path)', async () => {
    const workspaceId = ws();
    await ledger.claim(workspaceId, 'k', AT, 60_000);
    await ledger.markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });
    const { db: counted, calls } = countingClient(db);
    expect(await dynamoSendLedger(counted, core).acknowledgeSent(workspaceId, 'k', accepted)).toBe('unchanged');
    expect(calls).toEqual(['GetCommand']);
    expect(await sentInHour(workspaceId)).toBe(1);
  });

  it('marks a claimed record sent with markSent’s effects, and the sender’s markSent after it succeeds', async () => {
    // Prepare: claimed; the provider accepted; the sender has not written yet (or died).
    const workspaceId = ws();
    await ledger.claim(workspaceId, 'k', AT, 60_000);
    // Act
    const ack = await ledger.acknowledgeSent(workspaceId, 'k', accepted);
    await ledger.markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });
    // Assess
    expect(ack).toBe('marked');
    expect(await record(workspaceId, 'k')).toMatchObject({
      state: 'sent',
      provider: 'ses',
      providerMessageId: 'ses-1',
      markedBy: 'event',
    });
    // Its events name the record in their ledger tag: no message pointer for a key that fits one.
    expect(await item(workspacePk(workspaceId), 'EMAILMSG#ses#ses-1')).toBeUndefined();
    expect(await sentInHour(workspaceId)).toBe(1);
    expect(await ledger.claim(workspaceId, 'k', AT + 10_000_000, 60_000, 60_000)).toMatchObject({ status: 'sent' });
  });

  it('changes nothing on a record already sent, and refuses a markSent of another message', async () => {
    // Prepare
    const workspaceId = ws();
    await ledger.claim(workspaceId, 'k', AT, 60_000);
    await ledger.markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });
    const before = await record(workspaceId, 'k');
    // Act
    const acks = [
      await ledger.acknowledgeSent(workspaceId, 'k', accepted),
      await ledger.acknowledgeSent(workspaceId, 'k', accepted),
    ];
    // Assess
    expect(acks).toEqual(['unchanged', 'unchanged']);
    expect(await record(workspaceId, 'k')).toEqual(before);
    expect(before).toMatchObject({ markedBy: 'sender' });
    expect(await sentInHour(workspaceId)).toBe(1);
    await expect(
      ledger.markSent(workspaceId, 'k', { ...accepted, providerMessageId: 'ses-2', fallbackUsed: false }),
    ).rejects.toThrow(/no longer claimed/);
    // No record at all: an event of a send this ledger never claimed records nothing.
    expect(await ledger.acknowledgeSent(workspaceId, 'never-claimed', accepted)).toBe('unchanged');
    expect(await record(workspaceId, 'never-claimed')).toBeUndefined();
  });

  it('counts the send once when the event and markSent race (20 rounds)', async () => {
    for (let round = 0; round < 20; round += 1) {
      const workspaceId = ws();
      await ledger.claim(workspaceId, 'k', AT, 60_000);
      const [ack] = await Promise.all([
        ledger.acknowledgeSent(workspaceId, 'k', accepted),
        ledger.markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false }),
        ledger.acknowledgeSent(workspaceId, 'k', accepted),
      ]);
      expect(['marked', 'unchanged']).toContain(ack);
      expect(await sentInHour(workspaceId)).toBe(1);
    }
  });
});

describe('an expired claim under a grace', () => {
  it('is held from the first attempt that finds it expired for the grace, then taken by exactly one', async () => {
    // Prepare
    const workspaceId = ws();
    await ledger.claim(workspaceId, 'k', 1_000, 500);
    // Act
    const running = await ledger.claim(workspaceId, 'k', 1_200, 500, 300);
    const noticed = await ledger.claim(workspaceId, 'k', 2_000, 500, 300);
    const stillHeld = await ledger.claim(workspaceId, 'k', 2_299, 500, 300);
    const racing = await Promise.all(Array.from({ length: 10 }, () => ledger.claim(workspaceId, 'k', 2_300, 500, 300)));
    // Assess
    expect(running).toEqual({ status: 'in-flight', untilMs: 1_500 });
    expect(noticed).toEqual({ status: 'in-flight', untilMs: 2_300, awaitingAck: true });
    expect(stillHeld).toEqual({ status: 'in-flight', untilMs: 2_300, awaitingAck: true });
    expect(racing.filter((r) => r.status === 'claimed')).toHaveLength(1);
    // The new claim is a fresh one: its own expiry is noticed afresh.
    expect(await ledger.claim(workspaceId, 'k', 2_800, 500, 300)).toEqual({
      status: 'in-flight',
      untilMs: 3_100,
      awaitingAck: true,
    });
  });
});

describe("a send's sealed time (issuedAtMs of its tracking links)", () => {
  it('is set by the first claim, answered by every claim after it, kept by a takeover and an ambiguous release', async () => {
    // Prepare
    const workspaceId = ws();
    const { db: counted, calls } = countingClient(db);
    const first = await dynamoSendLedger(counted, core).claim(workspaceId, 'k', 1_000, 500);
    // Act
    const takenOver = await ledger.claim(workspaceId, 'k', 2_000, 500);
    await ledger.release(workspaceId, 'k', takenOver.status === 'claimed' ? takenOver.claimId : undefined);
    const afterAmbiguous = await ledger.claim(workspaceId, 'k', 3_000, 500);
    // Assess: one write per claim (ReturnValues), the first time everywhere.
    expect(calls).toEqual(['UpdateCommand']);
    expect(first).toMatchObject({ status: 'claimed', sealedAtMs: 1_000 });
    expect(takenOver).toMatchObject({ status: 'claimed', sealedAtMs: 1_000 });
    expect(afterAmbiguous).toMatchObject({ status: 'claimed', sealedAtMs: 1_000 });
  });

  it('is forgotten by a release that knows nothing was sent, and only by the holder of the claim', async () => {
    // Prepare
    const workspaceId = ws();
    const slow = await ledger.claim(workspaceId, 'k', 1_000, 500);
    const current = await ledger.claim(workspaceId, 'k', 2_000, 500);
    // Act: the slow attempt's release is not its own any more; the current one's is.
    await ledger.release(workspaceId, 'k', slow.status === 'claimed' ? slow.claimId : undefined, { nothingSent: true });
    const kept = (await record(workspaceId, 'k'))?.sealedAtMs;
    await ledger.release(workspaceId, 'k', current.status === 'claimed' ? current.claimId : undefined, {
      nothingSent: true,
    });
    const released = await record(workspaceId, 'k');
    const next = await ledger.claim(workspaceId, 'k', 5_000, 500);
    // Assess
    expect(kept).toBe(1_000);
    expect(released).toMatchObject({ state: 'released' });
    expect(released?.sealedAtMs).toBeUndefined();
    expect(next).toMatchObject({ status: 'claimed', sealedAtMs: 5_000 });
  });
});

describe('an attempt killed after SES accepted (real ledger and event processor)', () => {
  it('is recorded by its Send event, and the redelivery after the lease mails nothing', async () => {
    // Prepare: the provider accepts and the process dies before markSent.
    const workspaceId = ws();
    const key = `campaign#c1#${randomUUID()}#1#welcome#2`;
    let clock = AT;
    const outbox: OutgoingEmail[] = [];
    // Accepts, and never answers: the attempt is as good as killed (nothing after the call runs).
    const provider: EmailProvider = {
      name: 'ses',
      send(email) {
        outbox.push(email);
        return new Promise(() => {});
      },
    };
    const deps = {
      ledger,
      suppressions: dynamoSuppressions(db, core),
      gate: dynamoSendingGate(db, core),
      pacer: dynamoSendPacer(
        db,
        dynamo.table('ephemeral'),
        () => Promise.resolve({ bucket: { ratePerSecond: 1000, burst: 1000 }, dailyRemaining: Infinity }),
        `ack-${randomUUID().slice(0, 6)}`,
      ),
      chain: [{ provider, breaker: providerBreaker('ses') }],
      now: () => clock,
      leaseMs: 60_000,
      claimGraceMs: 60_000,
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
    void sendEmail(request, deps);
    for (let i = 0; i < 200 && outbox.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    const tags = outbox[0]?.tags ?? {};
    const eventDeps = { ledger, now: () => clock } as unknown as ProcessEventDeps;
    // Act: SES's Send event for that mail is processed, then the message comes back after the lease.
    const outcome = await processEmailEvent(
      {
        provider: 'ses',
        type: 'sent',
        providerMessageId: 'ses-1',
        workspaceId,
        sendId: 'send-1',
        ledgerKey: key,
        email: 'ada@example.com',
        at: new Date(clock).toISOString(),
      },
      eventDeps,
    );
    clock += 60_000 + 60_000 + 1;
    const redelivered = await sendEmail(request, deps);
    // Assess
    expect(tags[LEDGER_TAG]).toBeTruthy();
    expect(outcome).toEqual({ status: 'acknowledged', ledger: 'marked' });
    expect(redelivered).toEqual({ status: 'duplicate' });
    expect(outbox).toHaveLength(1);
    expect(await sentInHour(workspaceId)).toBe(1);
  });
});
