/**
 * Launch progress: one item per launch, and a marker per page. A page's first try records its
 * decision in the marker (the contacts it queues, its suppressed count, the next cursor) before it
 * sends anything, so a retry replays that decision instead of reading an audience that may have
 * changed; once its messages are sent the page is counted, the marker's `counted` and the count's
 * ADD in one transaction, so a page counts once and counts exactly what it queued. The count also
 * keeps where in the run's chain of executions the page ran (`chunk`, launch-chain.ts) and the
 * page after it as the launch's resume point (`resumeFrom`; the first page's until one is counted),
 * so a launch resumes at its first page not counted however its run ended.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  LaunchPageDecision,
  LaunchPageRecord,
  LaunchRecords,
  LaunchResumePoint,
  LaunchState,
} from '../campaigns/ports';
import { conditionally } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { ownToken, writeOwn } from './dynamo/own-write';
import { transactWrite } from './dynamo/transact';
import { launchPageSk, launchSk, workspacePk } from './keys';

/** Page markers only guard retries and resumes: they expire after a week. */
const MARKER_TTL_MS = 7 * 86_400_000;

const markerOf = (pageKey: string) => createHash('sha256').update(pageKey).digest('hex').slice(0, 32);
const expiry = (at: string) => epochSeconds(new Date(Date.parse(at) + MARKER_TTL_MS));

/**
 * The decision a marker holds; undefined for a marker without one (written before decisions were
 * recorded, or by `addPage` alone): such a page was counted already.
 */
function decisionOf(item: Item | undefined): LaunchPageRecord | undefined {
  if (!item || !Array.isArray(item.contactIds)) return undefined;
  return {
    contactIds: item.contactIds.map(String),
    suppressed: Number(item.suppressed ?? 0),
    ...(typeof item.next === 'string' ? { next: item.next } : {}),
    counted: item.counted === true,
  };
}

export function dynamoLaunches(db: DynamoDBDocumentClient, table: string): LaunchRecords {
  /**
   * Marks a running launch done (with `attempt`: only while it is that run; `page`: a page was
   * recorded, its `updatedAt`); anything else changes nothing.
   */
  const finishRunning = (
    workspaceId: string,
    launchId: string,
    at: string,
    { attempt, page }: { attempt?: number; page?: boolean },
  ) =>
    conditionally(
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
          UpdateExpression: `SET #status = :done, finishedAt = :at${page ? ', updatedAt = :at' : ''}`,
          ConditionExpression: `#status = :running${
            attempt === undefined ? '' : attempt ? ' AND resumed = :attempt' : ' AND attribute_not_exists(resumed)'
          }`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':running': 'running',
            ':at': at,
            ...(attempt ? { ':attempt': attempt } : {}),
          },
        }),
      ),
    );

  return {
    async begin(workspaceId, campaignId, launchId, at, from) {
      // Every attribute only where absent: a retried start (or the first page after its starter's
      // begin) changes nothing but a missing resume point.
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
          UpdateExpression:
            'SET #type = if_not_exists(#type, :type), launchId = if_not_exists(launchId, :launch), ' +
            'campaignId = if_not_exists(campaignId, :campaign), #status = if_not_exists(#status, :running), ' +
            'queued = if_not_exists(queued, :zero), suppressed = if_not_exists(suppressed, :zero), ' +
            `startedAt = if_not_exists(startedAt, :at)${from ? ', resumeFrom = if_not_exists(resumeFrom, :from)' : ''}`,
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
          ExpressionAttributeValues: {
            ':type': 'campaign-launch',
            ':launch': launchId,
            ':campaign': campaignId,
            ':running': 'running',
            ':zero': 0,
            ':at': at,
            ...(from ? { ':from': from } : {}),
          },
        }),
      );
    },

    async page(workspaceId, launchId, pageKey) {
      const key = { pk: workspacePk(workspaceId), sk: launchPageSk(launchId, markerOf(pageKey)) };
      return decisionOf(await getItem(db, table, key, { consistent: true }));
    },

    async recordPage(workspaceId, launchId, pageKey, decision: LaunchPageDecision, at) {
      const key = { pk: workspacePk(workspaceId), sk: launchPageSk(launchId, markerOf(pageKey)) };
      const created = await conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...key,
              type: 'campaign-launch-page',
              contactIds: [...decision.contactIds],
              suppressed: decision.suppressed,
              ...(decision.next ? { next: decision.next } : {}),
              expiresAt: expiry(at),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      const fresh = { ...decision, counted: false };
      if (created) return fresh;
      // Another try of the page recorded first: its decision stands. A marker without one (the
      // page counted before decisions were kept) leaves this try to its own read, counted nothing.
      return decisionOf(await getItem(db, table, key, { consistent: true })) ?? fresh;
    },

    async addPage(workspaceId, launchId, pageKey, counts, done, at, chunk, next) {
      // Where in its run's chain of executions the page ran, with its count (none for the first),
      // and where the launch resumes now that this page is counted: the page after it.
      const link = `${chunk ? ', #chunk = :chunk' : ''}${next && !done ? ', resumeFrom = :next' : ''}`;
      const counted = await conditionally(
        transactWrite(db, [
          {
            Update: {
              TableName: table,
              Key: { pk: workspacePk(workspaceId), sk: launchPageSk(launchId, markerOf(pageKey)) },
              UpdateExpression: 'SET counted = :true, #type = if_not_exists(#type, :type), expiresAt = :expires',
              // Counted once: a marker absent (a page without a recorded decision) or holding a
              // decision not counted yet; one without a decision was counted when it was written.
              ConditionExpression:
                'attribute_not_exists(pk) OR (attribute_exists(contactIds) AND attribute_not_exists(counted))',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':true': true, ':type': 'campaign-launch-page', ':expires': expiry(at) },
            },
          },
          {
            Update: {
              TableName: table,
              Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
              UpdateExpression: done
                ? `ADD queued :q, suppressed :s SET #status = :done, finishedAt = :at, updatedAt = :at${link}`
                : `ADD queued :q, suppressed :s SET updatedAt = :at${link}`,
              ...(done || chunk
                ? {
                    ExpressionAttributeNames: {
                      ...(done ? { '#status': 'status' } : {}),
                      ...(chunk ? { '#chunk': 'chunk' } : {}),
                    },
                  }
                : {}),
              ExpressionAttributeValues: {
                ':q': counts.queued,
                ':s': counts.suppressed,
                ':at': at,
                ...(done ? { ':done': 'done' } : {}),
                ...(chunk ? { ':chunk': chunk } : {}),
                ...(next && !done ? { ':next': next } : {}),
              },
            },
          },
        ]),
        0,
      );
      // A retried last page (counted by its first try, whose answer was lost): the launch still
      // ends done, or it would read running for good though its execution succeeded.
      if (!counted && done) await finishRunning(workspaceId, launchId, at, { page: true });
    },

    async fail(workspaceId, campaignId, launchId, error, at, from, attempt = 0) {
      // Never over a launch that finished, nor over a later run than the one that failed (a late
      // copy of attempt 0's report, retried by the state machine, landing after a resume): it
      // changes nothing there. A launch whose first page failed before its record was written gets one.
      // The failing page's point only where the pages kept none: theirs (the first page not
      // counted) is never before it, and is past it when the failing page had been counted.
      await conditionally(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
            UpdateExpression:
              'SET #status = :failed, failedAt = :at, #error = :error, #type = if_not_exists(#type, :type), ' +
              'launchId = if_not_exists(launchId, :launch), campaignId = if_not_exists(campaignId, :campaign), ' +
              'queued = if_not_exists(queued, :zero), suppressed = if_not_exists(suppressed, :zero), ' +
              `startedAt = if_not_exists(startedAt, :at)${from ? ', resumeFrom = if_not_exists(resumeFrom, :from)' : ''}`,
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
      // Marked with a token of its own (`resumeMark`): retried by the SDK after DynamoDB applied it
      // (its answer lost), it is refused by its own landed write (the launch running again) and is
      // the resume, not "not failed" (a 409, and the run it counted never started).
      const mark = ownToken();
      const out = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: { pk: workspacePk(workspaceId), sk: launchSk(launchId) },
            // The new run starts its own chain of executions: its first one.
            UpdateExpression:
              'SET #status = :running, resumeMark = :mark ADD resumed :one REMOVE failedAt, #error, #chunk',
            ConditionExpression: '#status = :failed AND attribute_exists(resumeFrom)',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#chunk': 'chunk' },
            ExpressionAttributeValues: { ':running': 'running', ':failed': 'failed', ':one': 1, ':mark': mark },
            ReturnValues: 'ALL_NEW',
          },
        },
        (item) => item.resumeMark === mark,
      );
      if (!out.written) return undefined;
      const item = ('again' in out ? out.item : out.attributes) ?? {};
      return { attempt: Number(item.resumed), from: item.resumeFrom as LaunchResumePoint };
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

    async finish(workspaceId, launchId, attempt, at) {
      await finishRunning(workspaceId, launchId, at, { attempt });
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
        ...(item.chunk ? { chunk: Number(item.chunk) } : {}),
      } satisfies LaunchState;
    },
  };
}
