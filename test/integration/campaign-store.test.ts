/**
 * The campaign engine's stores against the embedded DynamoDB emulator (real transactions via
 * the repo's TransactWriteItems fill-in):
 * - an enrolment save is conditional on the step it was read at: of 10 concurrent saves from
 *   one step exactly one lands, and its counters are added once (the losers add none);
 * - waiting enrolments appear in the sharded due-time index, in due order, and leave it when
 *   they move; held ones are listed per campaign behind a cursor;
 * - campaign revisions: a stale revision is refused; publish freezes a version with the record;
 * - a launch page counts once however often it is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import {
  campaignCounters,
  contactEnrolmentsPage,
  dueEnrolments,
  dueShardOf,
  dynamoEnrolmentStates,
  heldEnrolments,
} from '../../shared/adapters/dynamo-enrolments';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { dynamoMarketingSendLog } from '../../shared/adapters/dynamo-marketing-send-log';
import type { Campaign } from '../../shared/campaigns/campaign';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { journey } from '../../shared/campaigns/journey';
import { countingClient, dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'cmp-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const state = (workspaceId: string, campaignId: string, contactId: string, o: Partial<EnrolmentState> = {}) =>
  ({
    workspaceId,
    campaignId,
    contactId,
    run: 1,
    version: 1,
    node: 'start',
    step: 0,
    status: 'active',
    enteredAt: '2026-12-04T10:00:00.000Z',
    emails: {},
    arms: {},
    ...o,
  }) as EnrolmentState;

describe('enrolment states', () => {
  it('lands exactly one of 10 concurrent saves from one step, with its counters once', async () => {
    const store = dynamoEnrolmentStates(db, CORE);
    const w = ws();
    expect(await store.save(state(w, 'c1', 'p1'), undefined, { entered: 1 })).toBe(true);
    expect(await store.save(state(w, 'c1', 'p1'), undefined, { entered: 1 })).toBe(false);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.save(state(w, 'c1', 'p1', { step: 1, node: `n${i}` }), 0, { sent: 1, 'node:welcome:sent': 1 }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await campaignCounters(db, CORE, w, 'c1')).toEqual({ entered: 1, sent: 1, 'node:welcome:sent': 1 });
    expect((await store.get(w, 'c1', 'p1'))?.step).toBe(1);
  });

  it('indexes waiting enrolments by due time and removes them when they move; lists held ones per campaign', async () => {
    const store = dynamoEnrolmentStates(db, CORE);
    const w = ws();
    const due = ['2026-12-05T10:00:00.000Z', '2026-12-05T09:00:00.000Z', '2030-01-01T00:00:00.000Z'];
    for (const [i, dueAt] of due.entries()) {
      await store.save(state(w, 'c2', `p${i}`, { status: 'waiting', dueAt, step: 1 }), undefined, {});
    }
    const overdue = async () => {
      const found: EnrolmentState[] = [];
      for (let shard = 0; shard < 8; shard += 1) {
        found.push(...(await dueEnrolments(db, CORE, shard, new Date('2026-12-06T00:00:00Z'), 100)).enrolments);
      }
      return found.filter((e) => e.workspaceId === w).map((e) => e.contactId);
    };
    expect((await overdue()).sort()).toEqual(['p0', 'p1']);
    expect(dueShardOf({ campaignId: 'c2', contactId: 'p0' })).toBe(dueShardOf({ campaignId: 'c2', contactId: 'p0' }));
    // p0 moves on (active): it leaves the index.
    await store.save(state(w, 'c2', 'p0', { step: 2, status: 'active' }), 1, {});
    expect(await overdue()).toEqual(['p1']);

    for (let i = 0; i < 5; i += 1) {
      await store.save(state(w, 'c3', `h${i}`, { status: 'held', dueAt: '2026-12-05T00:00:00.000Z' }), undefined, {});
    }
    const first = await heldEnrolments(db, CORE, w, 'c3', { limit: 3 });
    expect(first.enrolments).toHaveLength(3);
    const second = await heldEnrolments(db, CORE, w, 'c3', { limit: 3, cursor: first.nextCursor });
    expect([...first.enrolments, ...second.enrolments].map((e) => e.contactId).sort()).toEqual([
      'h0',
      'h1',
      'h2',
      'h3',
      'h4',
    ]);
    // A cursor of one campaign's held list is refused for another's.
    await expect(heldEnrolments(db, CORE, w, 'other', { limit: 3, cursor: first.nextCursor })).rejects.toThrow();
  });

  it("pages a contact's enrolments across campaigns; a cursor is bound to its contact", async () => {
    const store = dynamoEnrolmentStates(db, CORE);
    const w = ws();
    for (const campaign of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      await store.save(state(w, campaign, 'person'), undefined, {});
    }
    await store.save(state(w, 'k1', 'someone-else'), undefined, {});
    const first = await contactEnrolmentsPage(db, CORE, w, 'person', { limit: 2 });
    expect(first.enrolments.map((e) => e.campaignId)).toEqual(['k1', 'k2']);
    const rest = await contactEnrolmentsPage(db, CORE, w, 'person', { limit: 10, cursor: first.nextCursor });
    expect(rest.enrolments.map((e) => e.campaignId)).toEqual(['k3', 'k4', 'k5']);
    expect(rest.nextCursor).toBeUndefined();
    await expect(
      contactEnrolmentsPage(db, CORE, w, 'someone-else', { limit: 2, cursor: first.nextCursor }),
    ).rejects.toThrow();
    await expect(
      contactEnrolmentsPage(db, CORE, ws(), 'person', { limit: 2, cursor: first.nextCursor }),
    ).rejects.toThrow();
  });
});

describe('campaign records', () => {
  it('refuses a stale revision and freezes a version with the publish', async () => {
    const store = dynamoCampaignStore(db, CORE);
    const w = ws();
    const draft: Campaign = {
      workspaceId: w,
      campaignId: 'cmp1',
      name: 'Welcome',
      status: 'draft',
      journey: journey.parse({
        nodes: [
          { id: 'start', kind: 'trigger', next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      }),
      rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
      revision: 1,
      createdAt: '2026-12-04T00:00:00.000Z',
      updatedAt: '2026-12-04T00:00:00.000Z',
      createdBy: 'u1',
    };
    await store.create(draft);
    expect(await store.replace({ ...draft, name: 'Renamed', revision: 2 })).toBe(true);
    expect(await store.replace({ ...draft, name: 'Stale', revision: 2 })).toBe(false);
    const frozen = { workspaceId: w, campaignId: 'cmp1', version: 1, journey: draft.journey, rules: draft.rules };
    const renamed = { ...draft, name: 'Renamed' };
    expect(await store.publish({ ...renamed, status: 'active', publishedVersion: 1, revision: 3 }, frozen)).toBe(true);
    expect(await store.publish({ ...renamed, status: 'active', publishedVersion: 1, revision: 3 }, frozen)).toBe(false);
    expect(await store.get(w, 'cmp1')).toMatchObject({ name: 'Renamed', status: 'active', publishedVersion: 1 });
    expect(await store.version(w, 'cmp1', 1)).toEqual(frozen);
    const listed = await store.list(w, { limit: 10, status: 'active' });
    expect(listed.campaigns.map((c) => c.campaignId)).toEqual(['cmp1']);
    expect((await store.list(w, { limit: 10, status: 'paused' })).campaigns).toEqual([]);
  });

  it('counts a launch page once however often it is recorded, and logs a marketing send once', async () => {
    const launches = dynamoLaunches(db, CORE);
    const w = ws();
    await launches.begin(w, 'cmp1', 'l1', '2026-12-04T00:00:00.000Z');
    await launches.begin(w, 'cmp1', 'l1', '2026-12-04T00:00:01.000Z');
    for (let i = 0; i < 3; i += 1) {
      await launches.addPage(w, 'l1', 'first', { queued: 100, suppressed: 2 }, false, '2026-12-04T00:00:02.000Z');
    }
    await launches.addPage(w, 'l1', 'cursor-2', { queued: 7, suppressed: 0 }, true, '2026-12-04T00:00:03.000Z');
    expect(await launches.get(w, 'l1')).toMatchObject({ status: 'done', queued: 107, suppressed: 2 });
    // A failure reported after the launch finished changes nothing.
    await launches.fail(w, 'cmp1', 'l1', 'Error: late', '2026-12-04T00:00:04.000Z');
    expect(await launches.get(w, 'l1')).not.toHaveProperty('error');
    // A running launch fails with its error and keeps its counts.
    await launches.begin(w, 'cmp1', 'l2', '2026-12-04T00:00:00.000Z');
    await launches.addPage(w, 'l2', 'first', { queued: 100, suppressed: 0 }, false, '2026-12-04T00:00:02.000Z');
    await launches.fail(w, 'cmp1', 'l2', 'TypeError: boom', '2026-12-04T00:00:05.000Z');
    expect(await launches.get(w, 'l2')).toEqual({
      launchId: 'l2',
      campaignId: 'cmp1',
      status: 'failed',
      queued: 100,
      suppressed: 0,
      startedAt: '2026-12-04T00:00:00.000Z',
      updatedAt: '2026-12-04T00:00:02.000Z',
      failedAt: '2026-12-04T00:00:05.000Z',
      error: 'TypeError: boom',
      resumable: false,
    });
    // A failed launch with a resume point resumes once (running, resumed 1); a second resume finds it running.
    await launches.fail(w, 'cmp1', 'l2', 'TypeError: boom', '2026-12-04T00:00:05.000Z', {
      cursor: 'c-2',
      enrolled: 100,
      pageSize: 100,
      filter: { tag: 'vip' },
    });
    expect(await launches.get(w, 'l2')).toMatchObject({ status: 'failed', resumable: true });
    expect(await launches.resume(w, 'l2')).toEqual({
      attempt: 1,
      from: { cursor: 'c-2', enrolled: 100, pageSize: 100, filter: { tag: 'vip' } },
    });
    expect(await launches.resume(w, 'l2')).toBeUndefined();
    expect(await launches.get(w, 'l2')).toEqual({
      launchId: 'l2',
      campaignId: 'cmp1',
      status: 'running',
      queued: 100,
      suppressed: 0,
      startedAt: '2026-12-04T00:00:00.000Z',
      updatedAt: '2026-12-04T00:00:02.000Z',
      resumed: 1,
    });
    // A resume that could not start goes back to failed, only from its own attempt (0: a first run).
    await launches.failAttempt(w, 'l2', 2, 'not mine', '2026-12-04T00:00:06.000Z');
    expect(await launches.get(w, 'l2')).toMatchObject({ status: 'running' });
    await launches.failAttempt(w, 'l2', 1, 'The resume could not start: x', '2026-12-04T00:00:06.000Z');
    expect(await launches.get(w, 'l2')).toMatchObject({ status: 'failed', resumable: true, resumed: 1 });
    await launches.begin(w, 'cmp1', 'l4', '2026-12-04T00:00:00.000Z');
    await launches.failAttempt(w, 'l4', 1, 'not mine', '2026-12-04T00:00:06.000Z');
    expect(await launches.get(w, 'l4')).toMatchObject({ status: 'running' });
    await launches.failAttempt(w, 'l4', 0, 'The launch execution ended aborted', '2026-12-04T00:00:06.000Z');
    expect(await launches.get(w, 'l4')).toMatchObject({ status: 'failed', resumable: false });
    // One that failed before any record was written gets a whole one.
    await launches.fail(w, 'cmp2', 'l3', 'States.Timeout', '2026-12-04T00:00:06.000Z');
    expect(await launches.get(w, 'l3')).toEqual({
      launchId: 'l3',
      campaignId: 'cmp2',
      status: 'failed',
      queued: 0,
      suppressed: 0,
      startedAt: '2026-12-04T00:00:06.000Z',
      failedAt: '2026-12-04T00:00:06.000Z',
      error: 'States.Timeout',
      resumable: false,
    });

    const log = dynamoMarketingSendLog(db, CORE);
    await log.record(w, 'p1', 1_000, 'campaign#a#p1#1#welcome#1');
    // A replay of the same send counts once, from the replay's time (a batch write has no condition).
    await log.record(w, 'p1', 5_000, 'campaign#a#p1#1#welcome#1');
    await log.record(w, 'p1', 9_000, 'campaign#a#p1#1#next#3');
    expect([...(await log.since(w, 'p1', 0))].sort()).toEqual([5_000, 9_000]);
    expect(await log.since(w, 'p1', 6_000)).toEqual([9_000]);
    // A node's own earlier send is left out when it asks again.
    expect(await log.since(w, 'p1', 0, 'campaign#a#p1#1#next#3')).toEqual([5_000]);
  });

  it('lends the cap lock to one step of a contact at a time, and lets it go', async () => {
    const w = ws();
    const log = dynamoMarketingSendLog(db, CORE);
    const takes = await Promise.all(Array.from({ length: 5 }, () => log.lock(w, 'p1')));
    const held = takes.filter((t) => t !== undefined);
    expect(held).toHaveLength(1);
    // Another contact's lock is its own.
    const other = await log.lock(w, 'p2');
    expect(other).toBeDefined();
    await held[0]?.();
    const again = await log.lock(w, 'p1');
    expect(again).toBeDefined();
    await again?.();
    await other?.();
  });

  it('logs the marketing sends of concurrent steps in shared batch writes, one entry per send', async () => {
    const w = ws();
    const { db: counted, calls } = countingClient(db);
    const log = dynamoMarketingSendLog(counted, CORE);
    // 30 steps at once, each of a contact of its own; one send delivered twice in the same round.
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => log.record(w, `c${i}`, 2_000 + i, `campaign#a#c${i}#1#welcome#1`)),
      log.record(w, 'c0', 1_500, 'campaign#a#c0#1#welcome#1'),
    ]);
    expect(calls.every((c) => c === 'BatchWriteCommand')).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(await log.since(w, 'c0', 0)).toEqual([1_500]);
    expect(await log.since(w, 'c29', 0)).toEqual([2_029]);
  });
});
