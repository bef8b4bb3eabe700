/**
 * Finding (review round 25, reviewer b): a campaign's counters live on 8 stats shard items
 * (`CAMPAIGNSTATS#<id>#<shard>`), one numeric attribute per counter name (`arm:<split>:<arm>`,
 * `armconv:<split>:<arm>`, `node:<id>:entered`...), kept for ever across every published version.
 * Nothing bounds how many names a shard takes: a modest journey (60 splits of 10 arms, well within
 * the 200 nodes a journey may have) re-published a few times with renamed nodes (an editor that
 * generates ids, or a person restructuring) fills a shard past DynamoDB's 400 KB item limit. From
 * then on every ADD that grows the shard is refused: moves lose their counters (the stats lie,
 * and the step's save throws after its move landed), and, worse, a provider event of the
 * campaign's mail (a complaint, a hard bounce) fails at `countOnce` (process-event.ts:178), which
 * runs BEFORE the suppression (process-event.ts:203): the complaint is retried until the DLQ and
 * the address is never suppressed, so the campaign keeps mailing someone who complained.
 * Severity: HIGH (a complaint's suppression lost; stats silently wrong). Fails at 679faf6.
 * Reached by: PATCH + publish a journey of many A/B arms a few times with new node ids while
 * contacts run through it (every version's counters pile up on the same shard items).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  dynamoReputation,
  dynamoReputationGuard,
  dynamoSendRecords,
  dynamoSoftBounces,
} from '../../shared/adapters/dynamo-email-events';
import {
  campaignCounters,
  dynamoCampaignEventCounter,
  dynamoEnrolmentStates,
} from '../../shared/adapters/dynamo-enrolments';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { CAMPAIGN_STATS_SHARDS } from '../../shared/adapters/keys';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../shared/campaigns/journey';
import { journeyProblems } from '../../shared/campaigns/journey-rules';
import { stableBucket } from '../../shared/campaigns/split';
import type { EmailTimeline } from '../../shared/email/event-ports';
import { type ProcessEventDeps, processEmailEvent } from '../../shared/email/process-event';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../shared/email/reputation';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r25bshard-';
const CORE = `${PREFIX}core`;
const NOW = Date.parse('2026-12-04T08:30:00Z');
let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const WS = 'ws-r25b-shard';
const CMP = 'cmp-r25b-shard';
const CONTACT = 'contact-r25b';
const SPLITS = 60;
const ARMS = 10;
const VERSIONS = 4;

/** A 40-character id (the most a node or arm id may have). */
const id40 = (s: string) => s.padEnd(40, 'x').slice(0, 40);

/** Version `v`'s journey: a trigger, a chain of SPLITS splits of ARMS arms each, an exit. Node ids new in each version. */
function journeyOf(v: number) {
  const split = (i: number) => id40(`v${v}-split-${i}-`);
  const nodes: unknown[] = [{ id: id40(`v${v}-start-`), kind: 'trigger', next: split(0) }];
  for (let i = 0; i < SPLITS; i++) {
    const next = i + 1 < SPLITS ? split(i + 1) : 'done';
    nodes.push({
      id: split(i),
      kind: 'split',
      arms: Array.from({ length: ARMS }, (_, a) => ({ id: id40(`arm-${a}-`), percent: 100 / ARMS, next })),
      holdoutPercent: 0,
    });
  }
  nodes.push({ id: 'done', kind: 'exit' });
  return journeySchema.parse({ nodes });
}

/** The counters the engine writes for contacts running through version `v` (stats.ts, execute-node.ts, run-step.ts). */
function countersOf(v: number): string[] {
  const j = journeyOf(v);
  const names: string[] = [];
  for (const node of j.nodes) {
    if (node.kind !== 'split') continue;
    names.push(`node:${node.id}:entered`);
    for (const arm of node.arms) names.push(`arm:${node.id}:${arm.id}`, `armconv:${node.id}:${arm.id}`);
  }
  return names;
}

const state = (step: number): EnrolmentState =>
  ({
    workspaceId: WS,
    campaignId: CMP,
    contactId: CONTACT,
    run: 1,
    version: 1,
    node: 'done',
    step,
    status: 'active',
    enteredAt: '2026-12-04T08:00:00.000Z',
    emails: {},
    arms: {},
  }) as EnrolmentState;

const recorded: EmailTimeline = { record: async () => 'recorded' };

describe('a campaign stats shard filled by the counter names of its versions', () => {
  it('keeps counting every move, and a complaint of its mail still suppresses the address', async () => {
    // Each version is a journey a user may save (every graph rule holds).
    for (let v = 1; v <= VERSIONS; v++) expect(journeyProblems(journeyOf(v))).toEqual([]);

    // Contacts run through each version: their moves ADD every counter name of it. One contact's
    // moves all land on its shard (the others fill theirs alike); up to 100 names a save.
    const store = dynamoEnrolmentStates(db, CORE);
    const names = Array.from({ length: VERSIONS }, (_, i) => countersOf(i + 1)).flat();
    const failures: string[] = [];
    let step = 0;
    for (let from = 0; from < names.length; from += 100) {
      const deltas = Object.fromEntries(names.slice(from, from + 100).map((n) => [n, 1]));
      try {
        const saved = await store.save(state(step + 1), step === 0 ? undefined : step, deltas);
        if (saved) step += 1;
        else failures.push(`save ${from}: stale`);
      } catch (error) {
        failures.push(`save ${from}: ${(error as Error).message}`);
        step += 1; // the enrolment's Put landed before its counters' ADD was refused
      }
    }
    expect.soft(failures).toEqual([]);
    const counters = await campaignCounters(db, CORE, WS, CMP);
    expect.soft(names.filter((n) => counters[n] !== 1)).toEqual([]);

    // A fifth version with short node ids: its moves add short names one at a time (bounded),
    // until the shard takes no more (at 679faf6 it is then full to within a few bytes).
    for (let k = 0; k < 2000; k++) {
      try {
        await store.save(state(step + 1), step, { [`node:s${k}:entered`]: 1 });
        step += 1;
      } catch {
        step += 1;
        break;
      }
    }

    // A complaint about a mail of this campaign whose send falls on the same shard.
    const shard = stableBucket(CMP, CONTACT) % CAMPAIGN_STATS_SHARDS;
    let n = 0;
    while (stableBucket(CMP, `send-${n}`) % CAMPAIGN_STATS_SHARDS !== shard) n += 1;
    const sendId = `send-${n}`;
    const ledgerKey = `campaign#${CMP}#${CONTACT}#1#mail#1`;
    await dynamoSendLedger(db, CORE).claim(WS, ledgerKey, NOW - 5_000, 300_000);
    const deps: ProcessEventDeps = {
      sends: dynamoSendRecords(db, CORE),
      ledger: dynamoSendLedger(db, CORE),
      suppressions: dynamoSuppressions(db, CORE),
      softBounces: dynamoSoftBounces(db, CORE),
      timeline: recorded,
      reputation: dynamoReputation(db, CORE),
      guard: dynamoReputationGuard(db, CORE),
      thresholds: DEFAULT_REPUTATION_THRESHOLDS,
      campaigns: dynamoCampaignEventCounter(db, CORE),
      now: () => NOW,
      wait: async () => {},
    };
    const complaint = {
      provider: 'ses' as const,
      type: 'complained' as const,
      providerMessageId: `ses-${sendId}`,
      workspaceId: WS,
      sendId,
      ledgerKey,
      campaign: { campaignId: CMP, nodeId: id40('v5-welcome-mail-') },
      contactId: CONTACT,
      email: 'complainer@example.com',
      at: new Date(NOW - 1_000).toISOString(),
    };
    const outcome = await processEmailEvent(complaint, deps).then(
      () => 'processed',
      (error: Error) => `failed: ${error.message}`,
    );
    expect.soft(outcome).toBe('processed');
    const reasons = await dynamoSuppressions(db, CORE).reasonsFor(WS, 'complainer@example.com', CONTACT);
    expect(reasons.length).toBeGreaterThan(0);
  }, 120_000);
});
