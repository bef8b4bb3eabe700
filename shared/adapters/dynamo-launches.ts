/**
 * Launch progress: one item per launch, and a marker per page so a retried page counts once
 * (the marker's create and the count's ADD are one transaction).
 */
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LaunchProgress, LaunchRecords, LaunchResumePoint } from '../campaigns/ports';
import { conditionally, isConditionFailure } from './dynamo/conditions';
import { epochSeconds, getItem } from './dynamo/item';
import { putIfAbsent, transactWrite } from './dynamo/transact';
import { launchPageSk, launchSk, workspacePk } from './keys';

/** Page markers only guard retries: they expire after a week. */
const MARKER_TTL_MS = 7 * 86_400_000;

export function dynamoLaunches(db: DynamoDBDocumentClient, table: string): LaunchRecords {
  return {
    async begin(workspaceId, campaignId, launchId, at) {
      await conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: workspacePk(workspaceId),
              sk: launchSk(launchId),
              type: 'campaign-launch',
              launchId,
              campaignId,
              status: 'running',
              queued: 0,
              suppressed: 0,
              startedAt: at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async addPage(workspaceId, launchId, pageKey, counts, done, at) {
      const marker = createHash('sha256').update(pageKey).digest('hex').slice(0, 32);
      await conditionally(
        transactWrite(db, [
          putIfAbsent(table, {
            pk: workspacePk(workspaceId),
            sk: launchPageSk(launchId, marker),
            type: 'campaign-launch-page',
            expiresAt: epochSeconds(new Date(Date.parse(at) + MARKER_TTL_MS)),
          }),
          {
            Update: {
              TableName: table,
              Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
              UpdateExpression: done
                ? 'ADD queued :q, suppressed :s SET #status = :done, finishedAt = :at, updatedAt = :at'
                : 'ADD queued :q, suppressed :s SET updatedAt = :at',
              ...(done ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
              ExpressionAttributeValues: {
                ':q': counts.queued,
                ':s': counts.suppressed,
                ':at': at,
                ...(done ? { ':done': 'done' } : {}),
              },
            },
          },
        ]),
        0,
      );
    },

    async fail(workspaceId, campaignId, launchId, error, at, from, attempt = 0) {
      // Never over a launch that finished, nor over a later run than the one that failed (a late
      // copy of attempt 0's report, retried by the state machine, landing after a resume): it
      // changes nothing there. A launch whose first page failed before its record was written gets one.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
            UpdateExpression:
              'SET #status = :failed, failedAt = :at, #error = :error, #type = if_not_exists(#type, :type), ' +
              'launchId = if_not_exists(launchId, :launch), campaignId = if_not_exists(campaignId, :campaign), ' +
              'queued = if_not_exists(queued, :zero), suppressed = if_not_exists(suppressed, :zero), ' +
              `startedAt = if_not_exists(startedAt, :at)${from ? ', resumeFrom = :from' : ''}`,
            ConditionExpression: `attribute_not_exists(pk) OR (#status <> :done AND ${
              attempt ? 'resumed = :attempt' : 'attribute_not_exists(resumed)'
            })`,
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#type': 'type' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':done': 'done',
              ':at': at,
              ':error': error,
              ':type': 'campaign-launch',
              ':launch': launchId,
              ':campaign': campaignId,
              ':zero': 0,
              ...(from ? { ':from': from } : {}),
              ...(attempt ? { ':attempt': attempt } : {}),
            },
          }),
        ),
      );
    },

    async resume(workspaceId, launchId) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
            UpdateExpression: 'SET #status = :running ADD resumed :one REMOVE failedAt, #error',
            ConditionExpression: '#status = :failed AND attribute_exists(resumeFrom)',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
            ExpressionAttributeValues: { ':running': 'running', ':failed': 'failed', ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const item = out.Attributes ?? {};
        return { attempt: Number(item.resumed), from: item.resumeFrom as LaunchResumePoint };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    async failAttempt(workspaceId, launchId, attempt, error, at) {
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
            UpdateExpression: 'SET #status = :failed, failedAt = :at, #error = :error',
            ConditionExpression: `#status = :running AND ${attempt ? 'resumed = :attempt' : 'attribute_not_exists(resumed)'}`,
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':running': 'running',
              ':at': at,
              ':error': error,
              ...(attempt ? { ':attempt': attempt } : {}),
            },
          }),
        ),
      );
    },

    async get(workspaceId, launchId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: launchSk(launchId) });
      if (!item) return undefined;
      return {
        launchId: String(item.launchId),
        campaignId: String(item.campaignId),
        status: item.status === 'done' || item.status === 'failed' ? item.status : 'running',
        queued: Number(item.queued ?? 0),
        suppressed: Number(item.suppressed ?? 0),
        startedAt: String(item.startedAt),
        ...(item.finishedAt ? { finishedAt: String(item.finishedAt) } : {}),
        ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
        ...(item.failedAt ? { failedAt: String(item.failedAt) } : {}),
        ...(typeof item.error === 'string' ? { error: item.error } : {}),
        ...(item.resumed ? { resumed: Number(item.resumed) } : {}),
        ...(item.status === 'failed' ? { resumable: item.resumeFrom !== undefined } : {}),
      } satisfies LaunchProgress;
    },
  };
}
