// Review round 20: this test failed at 16f866a.
// A bounce or complaint is a fact about a send: it was counted in the hour it arrived, so a late one
// about mail sent before a resume was judged in the post-resume window (and paused marketing again).
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import {
  dynamoReputation,
  dynamoReputationGuard,
  dynamoSendRecords,
  dynamoSoftBounces,
} from '../../shared/adapters/dynamo-email-events';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import type { EmailEvent } from '../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../shared/email/reputation';
import { resumeSending, sendingStatus } from '../../shared/email/sending-status';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r20cfix-hour-';
const CORE = `${PREFIX}core`;
const MIN = 60_000;
const HOUR = 60 * MIN;

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;
let now = 0;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
});

afterAll(async () => {
  await dynamo?.stop();
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;

function setup() {
  const metrics: string[] = [];
  const deps: ProcessEventDeps = {
    sends: dynamoSendRecords(db, CORE),
    suppressions: dynamoSuppressions(db, CORE),
    softBounces: dynamoSoftBounces(db, CORE),
    timeline: { record: async () => 'recorded' },
    reputation: dynamoReputation(db, CORE),
    guard: dynamoReputationGuard(db, CORE),
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    metrics: { counted: (k) => metrics.push(k), rates: () => undefined, paused: () => metrics.push('paused') },
    now: () => now,
    wait: async () => undefined,
  };
  return { deps, metrics };
}

const statusDeps = () => ({
  gate: dynamoSendingGate(db, CORE),
  reputation: dynamoReputation(db, CORE),
  thresholds: DEFAULT_REPUTATION_THRESHOLDS,
  now: () => now,
});

/** A send claimed at `now`; `send()` records it sent at the then `now`. Its events come at the then `now`. */
function aSend(workspaceId: string, to: string) {
  const ledger = dynamoSendLedger(db, CORE);
  const key = `api#generated#${randomUUID()}`;
  const messageId = `ses-${randomUUID()}`;
  const event = (type: 'complained' | 'bounced', extra: Partial<EmailEvent> = {}): EmailEvent => ({
    provider: 'ses',
    type,
    providerMessageId: messageId,
    workspaceId,
    sendId: key.slice(-12),
    ledgerKey: key,
    email: to,
    ...(type === 'bounced' ? { bounceType: 'permanent' as const } : {}),
    at: new Date(now).toISOString(),
    ...extra,
  });
  return {
    key,
    event,
    claim: () => ledger.claim(workspaceId, key, now, MIN),
    markSent: () =>
      ledger.markSent(workspaceId, key, {
        provider: 'ses',
        providerMessageId: messageId,
        fallbackUsed: false,
        atMs: now,
      }),
  };
}

async function sent(workspaceId: string, to: string) {
  const s = aSend(workspaceId, to);
  await s.claim();
  await s.markSent();
  return s;
}

const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const bucket = async (workspaceId: string, atMs: number) =>
  (await getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: `EMAILREP#${hourOf(atMs)}` })) ?? {};
const bulkSent = (workspaceId: string, count: number) =>
  dynamoReputation(db, CORE).countOnce(workspaceId, `bulk-${randomUUID()}`, hourOf(now), { sent: count });

/** 250 sends at 08:10, one complained about at 08:40: paused. */
async function paused(workspaceId: string, deps: ProcessEventDeps) {
  now = Date.parse('2026-12-04T08:10:00Z');
  const first = await sent(workspaceId, 'first@example.com');
  await bulkSent(workspaceId, 249);
  now = Date.parse('2026-12-04T08:40:00Z');
  expect(await processEmailEvent(first.event('complained'), deps)).toMatchObject({ paused: true });
}

describe('a bounce or complaint counts in the hour of its send (r20c)', () => {
  it('counts a late complaint and a late hard bounce in their send hours, not the hour they arrive', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    now = Date.parse('2026-12-01T10:20:00Z');
    const complainedOf = await sent(workspaceId, 'c@example.com');
    const sentAt = now;
    now += 2 * HOUR;
    const bouncedOf = await sent(workspaceId, 'b@example.com');
    const bouncedAt = now;

    now = Date.parse('2026-12-03T17:05:00Z');
    expect(await processEmailEvent(complainedOf.event('complained'), deps)).toMatchObject({ counted: true });
    expect(await processEmailEvent(bouncedOf.event('bounced'), deps)).toMatchObject({ counted: true });

    expect(await bucket(workspaceId, sentAt)).toMatchObject({ sent: 1, complaints: 1 });
    expect(await bucket(workspaceId, bouncedAt)).toMatchObject({ sent: 1, bounces: 1 });
    expect(await bucket(workspaceId, now)).toEqual({});
  });

  it('does not judge a late complaint about a send made in the resume hour before the resume', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    await paused(workspaceId, deps);
    // Transactional mail still goes while paused: one at 09:10, in the hour of the resume, before it.
    now = Date.parse('2026-12-04T09:10:00Z');
    const early = await sent(workspaceId, 'early@example.com');
    now = Date.parse('2026-12-04T09:30:00Z');
    expect(await resumeSending(workspaceId, statusDeps())).toMatchObject({ resumed: true });
    // 200 sends after the resume, in that hour and the next.
    now = Date.parse('2026-12-04T09:45:00Z');
    await bulkSent(workspaceId, 100);
    now = Date.parse('2026-12-04T10:05:00Z');
    await bulkSent(workspaceId, 100);

    // The 09:10 mail's complaint comes at 10:15: about a send from before the resume.
    now = Date.parse('2026-12-04T10:15:00Z');
    const late = await processEmailEvent(early.event('complained'), deps);
    expect(late).toMatchObject({ paused: false, verdict: { status: 'ok' } });
    expect((await dynamoSendingGate(db, CORE).state(workspaceId)).pausedReason).toBeUndefined();
    expect((await sendingStatus(workspaceId, statusDeps())).counts).toEqual({ sent: 200, bounces: 0, complaints: 0 });
  });

  it('still judges a complaint about a send made in the resume hour after the resume', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    await paused(workspaceId, deps);
    now = Date.parse('2026-12-04T09:30:00Z');
    expect(await resumeSending(workspaceId, statusDeps())).toMatchObject({ resumed: true });
    now = Date.parse('2026-12-04T09:40:00Z');
    const after = await sent(workspaceId, 'after@example.com');
    await bulkSent(workspaceId, 199);

    now = Date.parse('2026-12-04T11:15:00Z');
    expect(await processEmailEvent(after.event('complained'), deps)).toMatchObject({ paused: true });
    const status = await sendingStatus(workspaceId, statusDeps());
    expect(status.counts).toEqual({ sent: 200, bounces: 0, complaints: 1 });
    expect(status.reason).toBe('Marketing sends paused: complaint rate 0.50% of 200 sends reached 0.10%');
  });

  it('records a fact about a pre-resume send once (its metric), counting it in no window', async () => {
    const { deps, metrics } = setup();
    const workspaceId = ws();
    now = Date.parse('2026-12-04T08:10:00Z');
    const old = await sent(workspaceId, 'old@example.com');
    await paused(workspaceId, deps);
    now = Date.parse('2026-12-04T09:30:00Z');
    await resumeSending(workspaceId, statusDeps());
    now = Date.parse('2026-12-04T12:00:00Z');
    const before = metrics.length;

    expect(await processEmailEvent(old.event('bounced'), deps)).toMatchObject({ counted: true });
    expect(await processEmailEvent(old.event('bounced'), deps)).toMatchObject({ counted: false });
    expect(metrics.slice(before)).toEqual(['bounce']);
    expect(await bucket(workspaceId, Date.parse('2026-12-04T08:10:00Z'))).not.toHaveProperty('bounces');
    expect(await bucket(workspaceId, now)).toEqual({});
  });

  it('counts an event whose send record is unknown in the hour it arrives, judged as before', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    now = Date.parse('2026-12-04T14:20:00Z');
    await bulkSent(workspaceId, 250);
    const unrecorded = aSend(workspaceId, 'nobody@example.com'); // no ledger record at all
    expect(await processEmailEvent(unrecorded.event('complained'), deps)).toMatchObject({
      counted: true,
      paused: true,
    });
    expect(await bucket(workspaceId, now)).toMatchObject({ sent: 250, complaints: 1 });
  });

  it('counts once across hours: first unknown (arrival hour), then a replay that finds the record', async () => {
    const { deps, metrics } = setup();
    const workspaceId = ws();
    now = Date.parse('2026-12-04T15:10:00Z');
    const s = aSend(workspaceId, 'race@example.com');
    await s.claim(); // the sender has not recorded the message yet
    now = Date.parse('2026-12-04T16:20:00Z');
    const complaint = s.event('complained');
    expect(await processEmailEvent(complaint, deps)).toMatchObject({ counted: true });
    now = Date.parse('2026-12-04T15:15:00Z');
    await s.markSent();
    now = Date.parse('2026-12-04T16:25:00Z');
    expect(await processEmailEvent(complaint, deps)).toMatchObject({ counted: false });

    expect(metrics).toEqual(['complaint']);
    expect(await bucket(workspaceId, Date.parse('2026-12-04T16:20:00Z'))).toMatchObject({ complaints: 1 });
    expect(await bucket(workspaceId, Date.parse('2026-12-04T15:15:00Z'))).not.toHaveProperty('complaints');
  });

  it('a retry after a crash between the record update and the count still counts in the send hour', async () => {
    const { deps } = setup();
    const workspaceId = ws();
    now = Date.parse('2026-12-04T18:10:00Z');
    const s = await sent(workspaceId, 'crash@example.com');
    const sentAt = now;
    now = Date.parse('2026-12-05T07:00:00Z');
    const complaint = s.event('complained');
    // The first delivery updated the record, then died.
    expect(
      await deps.sends.markDelivery(workspaceId, 'ses', complaint.providerMessageId, 'complained', now, s.key),
    ).toEqual({ result: 'updated', sentAtMs: sentAt });
    expect(await processEmailEvent(complaint, deps)).toMatchObject({ counted: true });
    expect(await bucket(workspaceId, sentAt)).toMatchObject({ sent: 1, complaints: 1 });
    expect(await bucket(workspaceId, now)).toEqual({});
  });
});
