/**
 * Review round 20 (r20c): the reputation window after a person's resume is not "what it sends next".
 *
 * Defect 1 (MEDIUM): after a reputation pause and a person's resume, complaints (and hard bounces)
 * that arrive after the resume about mail sent BEFORE it are counted in the post-resume window,
 * while the sends they are about are not (they are before the resume). Complaints come days after
 * a send (dynamo-send-ledger.ts: "Events arrive hours (soft bounces) to days (complaints) after a
 * send"), so a workspace that resumed and then sends the minimum volume of clean mail is paused
 * again by the late complaints of the campaign that caused the first pause: e.g. 200 new sends
 * with no complaint at all + 2 late complaints about the old mail = "complaint rate 1.00% of 200
 * sends". docs/EMAIL.md ("A person resumes"): "the window restarts at that hour: the workspace is
 * judged on what it sends next"; reputation-window.ts: "the workspace is judged on what it sent
 * since". Marketing for the whole workspace stops again on the old numbers.
 * Root cause: shared/email/process-event.ts `processEmailEvent` counts a bounce or complaint in
 * `countingHour(atMs)` (the event's own time), never the time of the send it is about; the send
 * record (`sentAtMs`, read by `markDelivery`) is not consulted, so `windowCounts`
 * (reputation-window.ts) cannot leave out facts about sends from before the resume.
 * Correct: a bounce or complaint about a send made before the resume is not judged in the
 * post-resume window (e.g. count it in the hour of the send it concerns, from the send record's
 * `sentAtMs`, or skip judging/counting for sends older than `resumedAtMs`).
 *
 * Defect 2 (LOW): a second reputation pause erases the resume's stamp. `pauseOnce`
 * (shared/adapters/dynamo-email-events.ts `dynamoReputationGuard`) writes the gate with a PutItem
 * of `{pausedReason, pausedAtMs}` only, dropping `resumedAtMs` and `resumedBaseline`, so while the
 * workspace is paused again `GET /api/emails/sending` (sending-status.ts `sendingStatus`) sums the
 * whole 7 days, including everything before the first resume: the counts and rates it shows
 * (450 sends, 2 complaints) contradict the pause's own reason ("... of 200 sends").
 * Root cause: shared/adapters/dynamo-email-events.ts `pauseOnce` (Put replaces the item).
 * Correct: the pause keeps the gate's other attributes (an UpdateItem `SET pausedReason, pausedAtMs`
 * under the same condition), so the status shows the counts the pause was judged on.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const PREFIX = 'r20c-rep-';
const CORE = `${PREFIX}core`;
const HOUR = 3_600_000;

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;
let now = Date.parse('2026-12-04T08:30:00Z');

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
});

afterAll(async () => {
  await dynamo?.stop();
});

const deps = (): ProcessEventDeps => ({
  sends: dynamoSendRecords(db, CORE),
  suppressions: dynamoSuppressions(db, CORE),
  softBounces: dynamoSoftBounces(db, CORE),
  timeline: { record: async () => 'recorded' },
  reputation: dynamoReputation(db, CORE),
  guard: dynamoReputationGuard(db, CORE),
  thresholds: DEFAULT_REPUTATION_THRESHOLDS,
  now: () => now,
});

/** A send the ledger recorded at `now` (its `sent` counted), and its provider events. */
async function sentSend(workspaceId: string, to: string) {
  const ledger = dynamoSendLedger(db, CORE);
  const key = `api#generated#${randomUUID()}`;
  const messageId = `ses-${randomUUID()}`;
  await ledger.claim(workspaceId, key, now, 60_000);
  await ledger.markSent(workspaceId, key, {
    provider: 'ses',
    providerMessageId: messageId,
    fallbackUsed: false,
    atMs: now,
  });
  const complaint = (): EmailEvent => ({
    provider: 'ses',
    type: 'complained',
    providerMessageId: messageId,
    workspaceId,
    sendId: key.slice(-12),
    ledgerKey: key,
    email: to,
    // SES stamps a complaint when the feedback report arrives: after the send, here at the current time.
    at: new Date(now).toISOString(),
  });
  return { complaint };
}

/** `count` more sends counted in the hour of `now` (the sender's markSent does this per send). */
const bulkSent = (workspaceId: string, count: number) =>
  dynamoReputation(db, CORE).countOnce(workspaceId, `bulk-${randomUUID()}`, new Date(now).toISOString().slice(0, 13), {
    sent: count,
  });

const statusDeps = () => ({
  gate: dynamoSendingGate(db, CORE),
  reputation: dynamoReputation(db, CORE),
  thresholds: DEFAULT_REPUTATION_THRESHOLDS,
  now: () => now,
});

/** 250 sends at 08:30, one of them complained about: paused; a person resumes at 09:30. */
async function pausedThenResumed(workspaceId: string) {
  now = Date.parse('2026-12-04T08:30:00Z');
  const old = [];
  for (let i = 0; i < 3; i++) old.push(await sentSend(workspaceId, `old${i}@example.com`));
  await bulkSent(workspaceId, 247);
  const first = await processEmailEvent((old[0] as (typeof old)[0]).complaint(), deps());
  expect(first).toMatchObject({ paused: true });
  now += HOUR;
  expect(await resumeSending(workspaceId, statusDeps())).toMatchObject({ resumed: true });
  return old;
}

describe('reputation after a resume (r20c)', () => {
  it('does not pause again on late complaints about mail sent before the resume', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const old = await pausedThenResumed(workspaceId);

    // After the resume: 200 new marketing sends, none of them complained about.
    now += HOUR;
    for (let i = 0; i < 2; i++) await sentSend(workspaceId, `new${i}@example.com`);
    await bulkSent(workspaceId, 198);
    // Two recipients of the OLD campaign (sent before the pause) complain now, as complaints do, days later.
    now += HOUR;
    await processEmailEvent((old[1] as (typeof old)[0]).complaint(), deps());
    await processEmailEvent((old[2] as (typeof old)[0]).complaint(), deps());

    // What the workspace sent since the resume drew no complaint: it must not be paused again.
    const gate = await dynamoSendingGate(db, CORE).state(workspaceId);
    expect(gate.pausedReason, 'paused again by complaints about mail sent before the resume').toBeUndefined();
  });

  it('keeps the resume stamp when it pauses again, so the status shows the counts the pause was judged on', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    await pausedThenResumed(workspaceId);

    // After the resume: 200 new sends, one of them (a new one) complained about: a lawful new pause.
    now += HOUR;
    const fresh = await sentSend(workspaceId, 'fresh@example.com');
    await bulkSent(workspaceId, 199);
    now += 10 * 60_000;
    const second = await processEmailEvent(fresh.complaint(), deps());
    expect(second).toMatchObject({ paused: true });

    const status = await sendingStatus(workspaceId, statusDeps());
    expect(status.reason).toBe('Marketing sends paused: complaint rate 0.50% of 200 sends reached 0.10%');
    // The status must show the numbers of the window the pause judged (since the resume), not the whole week.
    expect(status.counts).toEqual({ sent: 200, bounces: 0, complaints: 1 });
  });
});
