/**
 * An ended run still eligible for its campaign goal (`goalUntil`) against the DynamoDB emulator:
 * listed with the contact's waiting enrolments (what an event may wake), in the due-time index at
 * its goal's deadline (the sweep's safety net for a lost deadline timer), and out of both once the
 * eligibility is dropped.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dueEnrolments, dynamoEnrolmentStates, dynamoHoldingEnrolments } from '../../shared/adapters/dynamo-enrolments';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'goalwin-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const ended = (workspaceId: string, campaignId: string, o: Partial<EnrolmentState>) =>
  ({
    workspaceId,
    campaignId,
    contactId: 'c1',
    run: 1,
    version: 1,
    node: 'end',
    step: 3,
    status: 'completed',
    exitReason: 'completed',
    enteredAt: '2026-12-04T10:00:00.000Z',
    endedAt: '2026-12-04T10:00:00.000Z',
    emails: {},
    arms: {},
    ...o,
  }) as EnrolmentState;

async function overdue(workspaceId: string, at: string): Promise<string[]> {
  const found: EnrolmentState[] = [];
  for (let shard = 0; shard < 8; shard += 1) {
    found.push(...(await dueEnrolments(db, CORE, shard, new Date(at), 500)).enrolments);
  }
  return found.filter((e) => e.workspaceId === workspaceId).map((e) => e.campaignId);
}

describe('an ended run still eligible for its campaign goal', () => {
  it('is listed for wakes and due at its deadline until its eligibility is dropped', async () => {
    const w = `ws-${randomUUID().slice(0, 8)}`;
    const states = dynamoEnrolmentStates(db, CORE);
    const goalUntil = '2026-12-11T10:00:00.000Z';
    expect(await states.save(ended(w, 'eligible', { goalUntil }), undefined, {})).toBe(true);
    expect(await states.save(ended(w, 'done', {}), undefined, {})).toBe(true);

    const holding = await dynamoHoldingEnrolments(db, CORE).of(w, 'c1');
    expect(holding.map((e) => [e.campaignId, e.goalUntil])).toEqual([['eligible', goalUntil]]);
    expect((await states.get(w, 'eligible', 'c1'))?.goalUntil).toBe(goalUntil);
    // Not due before its deadline; due after it (the sweep re-sends its step).
    expect(await overdue(w, '2026-12-10T00:00:00Z')).toEqual([]);
    expect(await overdue(w, '2026-12-12T00:00:00Z')).toEqual(['eligible']);

    // Judged (converted, or the window closed): out of both.
    const { goalUntil: _until, ...rest } = ended(w, 'eligible', { goalUntil });
    expect(await states.save({ ...rest, step: 4, converted: true }, 3, { converted: 1 })).toBe(true);
    expect(await dynamoHoldingEnrolments(db, CORE).of(w, 'c1')).toEqual([]);
    expect(await overdue(w, '2026-12-12T00:00:00Z')).toEqual([]);
  });
});
