/**
 * The marketing sending gate (`SendingGate`): one core item per workspace, `WS#<id>` /
 * `EMAIL_SENDING`, holding why sending is paused. Auto-pause (reputation: `dynamoReputationGuard`
 * in dynamo-email-events.ts, which updates the same item together with its alert) and a person's
 * resume write it; every marketing send reads it. A resume leaves `resumedAtMs` behind:
 * reputation is judged on the sends after it. Every writer updates only its own attributes (an
 * UpdateItem, never a whole-item Put), so a pause keeps the resume's stamp and baseline.
 *
 * The sender's read (`pausedReason`) is eventually consistent, coalesced per SQS batch: a pause
 * is seen within about a second of its write, which a strongly consistent read would not make
 * exact (a send that read the gate just before the pause goes out anyway), at 0.5 RRU more per send.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendingGateState } from '../email/event-ports';
import type { SendingGate } from '../email/ports';
import type { ReputationCounts } from '../email/reputation';
import { coalescedGetter } from './dynamo/batch';
import { getItem } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { EMAIL_SENDING_SK, workspacePk } from './keys';

export interface SendingGateWriter {
  pause(workspaceId: string, reason: string, atMs: number): Promise<void>;
  /**
   * Lifts a pause (a person's decision), stamping when, and the counters of that hour so far.
   * With `pausedAtMs` (the pause the person saw), only that pause is lifted: false, writing
   * nothing, when the gate holds another pause or none by then.
   */
  resume(workspaceId: string, atMs?: number, baseline?: ReputationCounts, pausedAtMs?: number): Promise<boolean>;
  /** The whole gate: reason, when paused, when last resumed. */
  state(workspaceId: string, consistent?: boolean): Promise<SendingGateState>;
}

const isCounts = (v: unknown): v is ReputationCounts =>
  typeof v === 'object' &&
  v !== null &&
  ['sent', 'bounces', 'complaints'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number');

export const sendingGateKey = (workspaceId: string) => ({ pk: workspacePk(workspaceId), sk: EMAIL_SENDING_SK });

export function dynamoSendingGate(db: DynamoDBDocumentClient, table: string): SendingGate & SendingGateWriter {
  const key = sendingGateKey;
  // Every record of an SQS batch reads its workspace's gate: reads at the same time share one call.
  const readGate = coalescedGetter(db, table);
  return {
    async pausedReason(workspaceId) {
      const item = await readGate(key(workspaceId));
      return typeof item?.pausedReason === 'string' ? item.pausedReason : undefined;
    },
    async pause(workspaceId, reason, atMs) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key(workspaceId),
          UpdateExpression: 'SET pausedReason = :reason, pausedAtMs = :at',
          ExpressionAttributeValues: { ':reason': reason.slice(0, 500), ':at': atMs },
        }),
      );
    },
    async resume(workspaceId, atMs = Date.now(), baseline, pausedAtMs) {
      // Marked as this resume's (`resumeId`): the SDK's retry of a conditional resume DynamoDB
      // applied (its answer lost) is refused by its own write, which is still this resume's (not
      // "nothing was paused"). dynamo/own-write.ts.
      const mark = ownToken();
      const { written } = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: key(workspaceId),
            // A resume without a baseline drops an older one: it belonged to another resume's hour.
            UpdateExpression: baseline
              ? 'SET resumedAtMs = :at, resumeId = :mark, resumedBaseline = :baseline REMOVE pausedReason, pausedAtMs'
              : 'SET resumedAtMs = :at, resumeId = :mark REMOVE pausedReason, pausedAtMs, resumedBaseline',
            ExpressionAttributeValues: {
              ':at': atMs,
              ':mark': mark,
              ...(baseline ? { ':baseline': { ...baseline } } : {}),
              ...(pausedAtMs === undefined ? {} : { ':seen': pausedAtMs }),
            },
            ...(pausedAtMs === undefined ? {} : { ConditionExpression: 'pausedAtMs = :seen' }),
          },
        },
        (found) => found.resumeId === mark,
      );
      return written;
    },
    async state(workspaceId, consistent = true) {
      const item = await getItem(db, table, key(workspaceId), { consistent });
      return {
        ...(typeof item?.pausedReason === 'string' ? { pausedReason: item.pausedReason } : {}),
        ...(typeof item?.pausedAtMs === 'number' ? { pausedAtMs: item.pausedAtMs } : {}),
        ...(typeof item?.resumedAtMs === 'number' ? { resumedAtMs: item.resumedAtMs } : {}),
        ...(isCounts(item?.resumedBaseline) ? { resumedBaseline: item.resumedBaseline } : {}),
      };
    },
  };
}
