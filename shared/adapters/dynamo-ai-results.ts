/**
 * AI call records in the `core` table, one item per call under its workspace:
 * `WS#<ws>` / `AICALL#<callId>`. Every transition is one conditional write: create (only once),
 * claim (queued, running with a lapsed lease, or failed with its message dead-lettered), keeping the answer, finish and release (only by
 * the claim's holder), recording a later score step (a completed call without one), discard
 * (queued and never claimed), so of several deliveries of a call exactly one runs it at a time. Records expire after 90 days.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { agentRequest } from '../ai/agents';
import { AI_CALL_STATUSES, type AiCallRecord, type AiCallStore } from '../ai/ai-call';
import { AI_AGENTS } from '../ai/ports';
import { cutText } from '../security/cut-text';
import { conditionally } from './dynamo/conditions';
import { epochSeconds, getItem, type Item } from './dynamo/item';
import { writeOwn } from './dynamo/own-write';
import { aiCallSk, workspacePk } from './keys';

const KEEP_MS = 90 * 24 * 3600_000;
const DONE = ['completed', 'failed', 'offline'];

/** What is read back is parsed: a record from an older shape fails loudly, not halfway. */
const recordSchema = z.object({
  workspaceId: z.string(),
  callId: z.string(),
  agent: z.enum(AI_AGENTS),
  request: agentRequest,
  status: z.enum(AI_CALL_STATUSES),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  attempts: z.number(),
  startedAt: z.optional(z.string()),
  completedAt: z.optional(z.string()),
  run: z.optional(z.record(z.string(), z.unknown())),
  output: z.optional(z.unknown()),
  failure: z.optional(z.record(z.string(), z.unknown())),
  score: z.optional(z.record(z.string(), z.unknown())),
  basedOn: z.optional(z.string()),
  superseded: z.optional(z.object({ by: z.string() })),
  lastError: z.optional(z.string()),
});

const recordOf = (item: Item): AiCallRecord => recordSchema.parse(item) as AiCallRecord;

/** DynamoDB refuses empty sets and `undefined`; JSON round-trip drops the latter from nested values. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** `#f<i> = :f<i>` for each defined field (a JSON round trip drops `undefined`), with their names and values. */
function setsOf(fields: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(plain(fields)).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    return `#f${i} = :f${i}`;
  });
  return { names, values, sets };
}

export function dynamoAiResults(db: DynamoDBDocumentClient, table: string): AiCallStore {
  const keyOf = (workspaceId: string, callId: string) => ({ pk: workspacePk(workspaceId), sk: aiCallSk(callId) });
  const update = (
    workspaceId: string,
    callId: string,
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ) => db.send(new UpdateCommand({ TableName: table, Key: keyOf(workspaceId, callId), ...input }));

  return {
    create(record) {
      return conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...keyOf(record.workspaceId, record.callId),
              type: 'aiCall',
              ...plain(record),
              expiresAt: epochSeconds(new Date(Date.parse(record.createdAt) + KEEP_MS)),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async get(workspaceId, callId) {
      const item = await getItem(db, table, keyOf(workspaceId, callId), { consistent: true });
      return item ? recordOf(item) : undefined;
    },

    async claim(workspaceId, callId, claimId, now, leaseUntil) {
      // Marked by its claimId (own-write.ts): the SDK's retry of a claim DynamoDB applied, refused
      // by that claim, is this claim's, not another delivery's (`busy`, a lease waited out).
      const claimed = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(workspaceId, callId),
            // A dead-lettered call (its message redriven) loses its failure; a kept answer stays.
            UpdateExpression:
              'SET #status = :running, claimId = :claim, leaseUntil = :until, startedAt = :now, updatedAt = :now ' +
              'REMOVE failure, completedAt ADD attempts :one',
            ConditionExpression:
              'attribute_exists(pk) AND (#status = :queued OR (#status = :running AND leaseUntil < :nowMs) ' +
              'OR (#status = :failed AND failure.deadLettered = :true))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':running': 'running',
              ':queued': 'queued',
              ':failed': 'failed',
              ':true': true,
              ':claim': claimId,
              ':until': leaseUntil.getTime(),
              ':now': now.toISOString(),
              ':nowMs': now.getTime(),
              ':one': 1,
            },
            ReturnValues: 'ALL_NEW',
          },
        },
        (item) => item.status === 'running' && item.claimId === claimId,
      );
      if (claimed.written) {
        return { outcome: 'claimed', record: recordOf('again' in claimed ? claimed.item : (claimed.attributes ?? {})) };
      }
      // The refusing item comes with the refusal: none, no call.
      const item = claimed.item;
      if (!item) return { outcome: 'missing' };
      // A dead-lettered failure would have passed the condition: a failed call here is done.
      return { outcome: DONE.includes(String(item.status)) ? 'done' : 'busy' };
    },

    keepAnswer(workspaceId, callId, claimId, outcome, now) {
      const { run, output, basedOn } = outcome;
      const { names, values, sets } = setsOf({ run, output, basedOn, updatedAt: now.toISOString() });
      return conditionally(
        update(workspaceId, callId, {
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#status = :running AND claimId = :claim',
          ExpressionAttributeNames: { ...names, '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':running': 'running', ':claim': claimId },
        }),
      );
    },

    recordScore(workspaceId, callId, step, now) {
      const { score, superseded } = step;
      const { names, values, sets } = setsOf({ score, superseded, updatedAt: now.toISOString() });
      return conditionally(
        update(workspaceId, callId, {
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression:
            '#status = :completed AND attribute_not_exists(score) AND attribute_not_exists(superseded)',
          ExpressionAttributeNames: { ...names, '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':completed': 'completed' },
        }),
      );
    },

    async finish(workspaceId, callId, claimId, outcome, now) {
      // The claim leaves the record with the outcome; `finishedBy` keeps it, so a finish retried
      // after it landed (own-write.ts) is this run's, not a lost claim (`lost-claim` for a call it
      // finished). `keepAnswer` changes neither status nor claim: its retry passes the condition again.
      const fields = { ...outcome, finishedBy: claimId, completedAt: now.toISOString(), updatedAt: now.toISOString() };
      const { names, values, sets } = setsOf(fields);
      names['#status'] = 'status';
      Object.assign(values, { ':running': 'running', ':claim': claimId });
      const finished = await writeOwn(
        db,
        {
          Update: {
            TableName: table,
            Key: keyOf(workspaceId, callId),
            UpdateExpression: `SET ${sets.join(', ')} REMOVE claimId, leaseUntil, lastError`,
            ConditionExpression: '#status = :running AND claimId = :claim',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        (item) => item.status !== 'running' && item.finishedBy === claimId,
      );
      return finished.written;
    },

    async release(workspaceId, callId, claimId, reason, now) {
      // A lost claim needs no release: its new holder decides.
      await conditionally(
        update(workspaceId, callId, {
          UpdateExpression: 'SET #status = :queued, lastError = :reason, updatedAt = :now REMOVE claimId, leaseUntil',
          ConditionExpression: '#status = :running AND claimId = :claim',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':running': 'running',
            ':claim': claimId,
            ':reason': cutText(reason, 500),
            ':now': now.toISOString(),
          },
        }),
      );
    },

    discard(workspaceId, callId) {
      return conditionally(
        db.send(
          new DeleteCommand({
            TableName: table,
            Key: keyOf(workspaceId, callId),
            ConditionExpression: '#status = :queued AND attempts = :zero',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':queued': 'queued', ':zero': 0 },
          }),
        ),
      );
    },
  };
}
