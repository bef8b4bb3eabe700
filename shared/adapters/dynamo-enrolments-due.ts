/**
 * What the campaign sweeper reads of enrolments: an enrolment item's state, and the sparse due-time
 * index of waiting and held ones (gsi2 `DUE#step#<shard>`, dynamo/due-index.ts), read shard by shard
 * and moved to the back for what it re-sent. Apart from dynamo-enrolments.ts (which re-exports it)
 * so the sweeper bundles nothing else of enrolments: what a lazy chunk of the sweeper shares with the
 * modules it reaches at cold start is read at cold start too.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnrolmentState } from '../campaigns/enrolment';
import { stableBucket } from '../campaigns/split';
import { dueIndexPage, moveDueEntries } from './dynamo/due-index';
import type { Item } from './dynamo/item';
import { DUE_STEP_PREFIX, DUE_STEP_SHARDS, dueStepGsi2, enrolmentSk, workspacePk } from './keys';

const STATE_FIELDS = [
  'workspaceId',
  'campaignId',
  'contactId',
  'run',
  'version',
  'node',
  'step',
  'status',
  'enteredAt',
  'nodeSince',
  'nodeStep',
  'launchId',
  'launches',
  'halted',
  'dueAt',
  'emails',
  'arms',
  'converted',
  'goalUntil',
  'endedAt',
  'exitReason',
  'failure',
  'failedFor',
  'retries',
  'keyShift',
  'moves',
  'writtenBy',
] as const;

export function enrolmentFromItem(item: Item): EnrolmentState {
  const state: Record<string, unknown> = {};
  for (const field of STATE_FIELDS) if (item[field] !== undefined) state[field] = item[field];
  return { emails: {}, arms: {}, ...state } as EnrolmentState;
}

/** The due-time shard of an enrolment: stable, so a re-save replaces its own index entry. */
export const dueShardOf = (s: Pick<EnrolmentState, 'campaignId' | 'contactId'>): number =>
  stableBucket(s.campaignId, s.contactId) % DUE_STEP_SHARDS;

/**
 * Enrolments whose index time has passed, one shard at a time, oldest first, a page of `limit`
 * (the sweep); `after` is the previous page's `next`. The index time is the due time, or when the
 * sweep last re-sent the step ({@link moveDueToBack}).
 */
export async function dueEnrolments(
  db: DynamoDBDocumentClient,
  table: string,
  shard: number,
  now: Date,
  limit: number,
  after?: Record<string, unknown>,
): Promise<{ enrolments: EnrolmentState[]; next?: Record<string, unknown> }> {
  const page = await dueIndexPage(db, table, 'gsi2', `${DUE_STEP_PREFIX}${shard}`, now, limit, after);
  return { enrolments: page.items.map(enrolmentFromItem), ...(page.next ? { next: page.next } : {}) };
}

/**
 * Moves the due-index entries of `enrolments` (re-sent by the sweep) to `at`: their gsi2 sort key
 * only, their due time kept (a time-of-day wait reads it back as its target). Each only while the
 * enrolment is still at the step it was read at: a save since wrote its entry anew (the step
 * only ever grows), and that entry stays as written. Best effort, entry by entry: a move that
 * fails (a throttle, or a `TransactionConflictException` past the client's retries: the step's save
 * is a transaction) leaves that entry where it was (the sweep re-sends it again next run, which is
 * harmless) and the others are moved all the same; the failures are answered, never thrown.
 */
export async function moveDueToBack(
  db: DynamoDBDocumentClient,
  table: string,
  enrolments: readonly EnrolmentState[],
  at: Date,
): Promise<{ readonly enrolment: EnrolmentState; readonly error: unknown }[]> {
  const notMoved = await moveDueEntries(db, table, 'gsi2', DUE_STEP_PREFIX, enrolments, (e) => ({
    key: { pk: workspacePk(e.workspaceId), sk: enrolmentSk(e.campaignId, e.contactId) },
    sortKey: dueStepGsi2(dueShardOf(e), at.toISOString(), e.workspaceId, e.campaignId, e.contactId).gsi2sk,
    condition: { expression: '#step = :step', names: { '#step': 'step' }, values: { ':step': e.step } },
  }));
  return notMoved.map(({ entry, error }) => ({ enrolment: entry, error }));
}
