/**
 * The contact's waiting enrolments (what a domain event may wake) against the embedded DynamoDB
 * emulator: read through the contact index (gsi1), across campaigns, only `waiting` ones, and
 * only the contact's.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoEnrolmentStates, dynamoHoldingEnrolments } from '../../shared/adapters/dynamo-enrolments';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'wake-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const state = (workspaceId: string, campaignId: string, contactId: string, o: Partial<EnrolmentState>) =>
  ({
    workspaceId,
    campaignId,
    contactId,
    run: 1,
    version: 1,
    node: 'goal',
    step: 1,
    status: 'waiting',
    enteredAt: '2026-12-04T10:00:00.000Z',
    dueAt: '2026-12-04T22:00:00.000Z',
    nodeSince: '2026-12-04T10:00:00.000Z',
    emails: {},
    arms: {},
    ...o,
  }) as EnrolmentState;

describe('a contact’s waiting enrolments', () => {
  it('lists the waiting ones across campaigns, none of other contacts, none held or ended', async () => {
    const w = `ws-${randomUUID().slice(0, 8)}`;
    const states = dynamoEnrolmentStates(db, CORE);
    for (const s of [
      state(w, 'goal', 'c1', {}),
      state(w, 'wait', 'c1', { node: 'wait', step: 4 }),
      state(w, 'paused', 'c1', { status: 'held' }),
      state(w, 'ended', 'c1', { status: 'completed', endedAt: '2026-12-04T11:00:00.000Z' }),
      state(w, 'goal', 'c2', {}),
    ]) {
      expect(await states.save(s, undefined, {})).toBe(true);
    }

    const found = await dynamoHoldingEnrolments(db, CORE).of(w, 'c1');
    expect(found.map((e) => [e.campaignId, e.node, e.step]).sort()).toEqual([
      ['goal', 'goal', 1],
      ['wait', 'wait', 4],
    ]);
    expect(await dynamoHoldingEnrolments(db, CORE).of(w, 'nobody')).toEqual([]);
  });
});
