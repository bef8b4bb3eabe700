// Review round 20: this test failed at 16f866a.
// The sending gate's writers replaced the whole item (PutItem): a reputation pause erased the
// resume's stamp and baseline, so the status summed the whole week instead of the judged window.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import { dynamoReputationGuard } from '../../shared/adapters/dynamo-email-events';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import type { SecurityAlert } from '../../shared/security/abuse-alerts';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r20cfix-gate-';
const CORE = `${PREFIX}core`;

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
});

afterAll(async () => {
  await dynamo?.stop();
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const item = (workspaceId: string) => getItem(db, CORE, { pk: `WS#${workspaceId}`, sk: 'EMAIL_SENDING' });
/** An attribute some other writer keeps on the gate: no writer of the gate may drop it. */
const stampOther = (workspaceId: string) =>
  db.send(
    new UpdateCommand({
      TableName: CORE,
      Key: { pk: `WS#${workspaceId}`, sk: 'EMAIL_SENDING' },
      UpdateExpression: 'SET keptByOthers = :v',
      ExpressionAttributeValues: { ':v': 'kept' },
    }),
  );
const alert = (workspaceId: string): SecurityAlert => ({
  id: randomUUID().replaceAll('-', ''),
  alertType: 'email_reputation',
  severity: 'high',
  title: 'paused',
  workspaceId,
  createdAt: new Date(5_000).toISOString(),
  metadata: {},
});

describe('the sending gate is updated, never replaced (r20c)', () => {
  it('a reputation pause keeps the resume stamp and baseline, once per pause', async () => {
    const workspaceId = ws();
    const gate = dynamoSendingGate(db, CORE);
    const guard = dynamoReputationGuard(db, CORE);
    await gate.pause(workspaceId, 'first', 1_000);
    expect(await gate.resume(workspaceId, 2_000, { sent: 3, bounces: 0, complaints: 1 }, 1_000)).toBe(true);
    await stampOther(workspaceId);

    expect(await guard.pauseOnce(workspaceId, 'second', 5_000, alert(workspaceId))).toBe(true);
    expect(await guard.pauseOnce(workspaceId, 'third', 6_000, alert(workspaceId))).toBe(false);
    expect(await item(workspaceId)).toMatchObject({
      pausedReason: 'second',
      pausedAtMs: 5_000,
      resumedAtMs: 2_000,
      resumedBaseline: { sent: 3, bounces: 0, complaints: 1 },
      keptByOthers: 'kept',
    });
    expect(await gate.state(workspaceId)).toEqual({
      pausedReason: 'second',
      pausedAtMs: 5_000,
      resumedAtMs: 2_000,
      resumedBaseline: { sent: 3, bounces: 0, complaints: 1 },
    });
  });

  it('a plain pause keeps the other attributes too', async () => {
    const workspaceId = ws();
    const gate = dynamoSendingGate(db, CORE);
    await gate.resume(workspaceId, 2_000, { sent: 1, bounces: 1, complaints: 0 });
    await stampOther(workspaceId);
    await gate.pause(workspaceId, 'by hand', 3_000);
    expect(await item(workspaceId)).toMatchObject({
      pausedReason: 'by hand',
      pausedAtMs: 3_000,
      resumedAtMs: 2_000,
      resumedBaseline: { sent: 1, bounces: 1, complaints: 0 },
      keptByOthers: 'kept',
    });
  });

  it('a resume lifts the pause, replaces the stamp and drops an older baseline, keeping the rest', async () => {
    const workspaceId = ws();
    const gate = dynamoSendingGate(db, CORE);
    await gate.pause(workspaceId, 'first', 1_000);
    await gate.resume(workspaceId, 2_000, { sent: 9, bounces: 9, complaints: 9 }, 1_000);
    await gate.pause(workspaceId, 'second', 3_000);
    await stampOther(workspaceId);
    // Another pause than the one the person saw: nothing written.
    expect(await gate.resume(workspaceId, 4_000, undefined, 1_000)).toBe(false);
    expect(await gate.resume(workspaceId, 4_000, undefined, 3_000)).toBe(true);
    const after = await item(workspaceId);
    expect(after).toMatchObject({ resumedAtMs: 4_000, keptByOthers: 'kept' });
    expect(after).not.toHaveProperty('pausedReason');
    expect(after).not.toHaveProperty('pausedAtMs');
    expect(after).not.toHaveProperty('resumedBaseline');
  });
});
