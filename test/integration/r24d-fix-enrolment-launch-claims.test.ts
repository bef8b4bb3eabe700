/**
 * Review round 24 (d): the launch ids an enrolment's run pushed out of its recent list are claimed
 * items of their own (dynamo-enrolments.ts `claimLaunches`, `launchClaimed`): found by a strongly
 * consistent read, per (campaign, contact, launch), written twice without harm, and never listed
 * as an enrolment of the campaign. The rule that uses them: test/unit/campaigns/r24d-fix-enrolment-launch-claims.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { campaignEnrolments, dynamoEnrolmentStates } from '../../shared/adapters/dynamo-enrolments';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r24d-launch-claims-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe("an enrolment's launch claims", () => {
  it('are found per campaign, contact and launch, idempotent, and no enrolment of the campaign', async () => {
    // Prepare: one enrolment of c1 in cmp1.
    const store = dynamoEnrolmentStates(db, CORE);
    const ws = `ws-${randomUUID().slice(0, 8)}`;
    const state = {
      workspaceId: ws,
      campaignId: 'cmp1',
      contactId: 'c1',
      run: 11,
      version: 1,
      node: 'start',
      step: 0,
      status: 'completed',
      enteredAt: '2026-12-04T10:00:00.000Z',
      emails: {},
      arms: {},
    } as EnrolmentState;
    expect(await store.save(state, undefined, {})).toBe(true);

    // Act: two launches claimed, one of them twice.
    await store.claimLaunches(ws, 'cmp1', 'c1', ['hook-a', 'launch-b']);
    await store.claimLaunches(ws, 'cmp1', 'c1', ['hook-a']);

    // Assess: found for that campaign and contact only.
    expect(await store.launchClaimed(ws, 'cmp1', 'c1', 'hook-a')).toBe(true);
    expect(await store.launchClaimed(ws, 'cmp1', 'c1', 'launch-b')).toBe(true);
    expect(await store.launchClaimed(ws, 'cmp1', 'c1', 'launch-c')).toBe(false);
    expect(await store.launchClaimed(ws, 'cmp1', 'c2', 'hook-a')).toBe(false);
    expect(await store.launchClaimed(ws, 'cmp2', 'c1', 'hook-a')).toBe(false);
    expect(await store.launchClaimed(`${ws}-other`, 'cmp1', 'c1', 'hook-a')).toBe(false);
    const listed = await campaignEnrolments(db, CORE, ws, 'cmp1', { limit: 50 });
    expect(listed.enrolments.map((e) => e.contactId)).toEqual(['c1']);
  });
});
