/**
 * The cost model's count of the campaign stats against the code it counts (review round 25, fixer j):
 * since the stats went to one item per subject (dynamo-enrolments.ts `counterSubject`), a move adds
 * to the campaign-wide item and to each node's it entered or sent from, a provider event's count
 * transaction holds its marker and one item per subject, and the stats are read with one Query of
 * the prefix (billed by the 4 KB of all the items together), no longer a BatchGetItem of 8 shards.
 * Here the counters the model charges are those the engine's own saves add (campaign-world.ts), and
 * the items and transaction items are those the adapter sends (a client that records them).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  AB_PROMOTION_CHECK,
  AB_PROMOTION_SUBJECTS,
  DELIVERY_COUNT_ITEMS,
  DELIVERY_EVENT,
  enrolmentCalls,
  type JourneyShape,
  modelNodeIds,
  moveCounters,
  STATS_ITEM_BYTES,
  STATS_SHARDS,
  statsItems,
  statsItemsTouched,
  statsQueryRru,
} from '../../../lib/model/campaign-costs';
import {
  campaignCounters,
  counterSubject,
  counterUpdates,
  dynamoCampaignEventCounter,
  dynamoEnrolmentStates,
} from '../../../shared/adapters/dynamo-enrolments';
import type { CounterDeltas } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, DAY, WS } from '../campaigns/campaign-world';

/** An attribute value's size as DynamoDB counts it (as launch-page-cost.test.ts). */
const valueBytes = (value: unknown): number =>
  typeof value === 'string'
    ? Buffer.byteLength(value)
    : typeof value === 'number'
      ? Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1
      : 0;
const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((s, [name, v]) => s + Buffer.byteLength(name) + valueBytes(v), 0);

/** A document client that answers every command with nothing found and records it. */
function recordingClient() {
  const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
  const db = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent };
}

/** The model's journey as a journey the engine runs: start -> email-1 -> wait-1 -> ... -> email-n -> done. */
function journeyOf(shape: JourneyShape) {
  const { trigger, email, wait, exit } = modelNodeIds;
  const nodes: Record<string, unknown>[] = [{ id: trigger, kind: 'trigger', next: email(1) }];
  for (let k = 1; k <= shape.emails; k += 1) {
    const last = k === shape.emails;
    nodes.push({ id: email(k), kind: 'email', templateId: `t-${k}`, next: last ? exit : wait(k) });
    if (!last) {
      const minutes = shape.waitsMinutes[k - 1] as number;
      nodes.push({ id: wait(k), kind: 'wait', for: { type: 'duration', duration: { minutes } }, next: email(k + 1) });
    }
  }
  nodes.push({ id: exit, kind: 'exit' });
  return { nodes };
}

const nonZero = (d: CounterDeltas) => Object.fromEntries(Object.entries(d).filter(([, by]) => by !== 0));

/** Runs one contact through the journey in the in-memory world, recording the counters of each save. */
async function savesOf(shape: JourneyShape, rules = {}) {
  const w = campaignWorld(journeyOf(shape), rules);
  const saves: CounterDeltas[] = [];
  const save = w.deps.enrolments.save.bind(w.deps.enrolments);
  w.deps.enrolments.save = async (next, expected, deltas, condition) => {
    const written = await save(next, expected, deltas, condition);
    if (written) saves.push(nonZero(deltas));
    return written;
  };
  w.addContact('c1');
  await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, w.deps);
  await w.advanceTo(w.now() + 30 * DAY);
  return saves;
}

describe("the model's stats writes, as the engine makes them", () => {
  it('charges each save the counters the engine adds, one stats item per subject they touch', async () => {
    for (const shape of [
      { emails: 1, waitsMinutes: [] },
      { emails: 3, waitsMinutes: [2880, 2880] },
      { emails: 5, waitsMinutes: [2880, 2880, 2880, 2880] },
    ] satisfies JourneyShape[]) {
      const saves = await savesOf(shape);
      expect(saves).toEqual(Array.from({ length: shape.emails }, (_, i) => moveCounters(shape, i)));
      // The first move: the campaign-wide item, the trigger's, the email's, and the wait's or the exit's.
      expect(statsItemsTouched(saves[0] as CounterDeltas)).toBe(4);
      // A later one: the campaign-wide item, the email's, and the next wait's or the exit's.
      for (const later of saves.slice(1)) expect(statsItemsTouched(later)).toBe(3);
    }
  });

  it("charges the goal's deadline no stats item when it judges without a conversion", async () => {
    const shape: JourneyShape = { emails: 1, waitsMinutes: [], goalMinutesAfterEnd: 7 * 24 * 60 };
    const saves = await savesOf(shape, { goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 7 } });
    expect(saves).toEqual([moveCounters(shape, 0), {}]);
    expect(moveCounters(shape, shape.emails)).toEqual({});
    const deadline = enrolmentCalls(shape).find((m) => m.message.startsWith("campaign goal's deadline"));
    // Its save: the Put (1), gsi1 (1), out of the due index (1), no ADD.
    expect(deadline?.calls.at(-1)?.ops.wru).toBe(3);
  });

  it('sends one ADD per subject item on the adapter, as many as the model charges', async () => {
    const { db, sent } = recordingClient();
    const states = dynamoEnrolmentStates(db, 'core');
    const shape: JourneyShape = { emails: 2, waitsMinutes: [2880] };
    for (const i of [0, 1]) {
      sent.length = 0;
      const counters = moveCounters(shape, i);
      const state = {
        workspaceId: randomUUID(),
        campaignId: randomUUID(),
        contactId: randomUUID(),
        run: 1,
        version: 1,
        node: 'x',
        step: i + 1,
        status: 'active' as const,
        enteredAt: '2026-12-07T10:00:00.000Z',
        moves: 0,
        emails: {},
        arms: {},
      };
      expect(await states.save(state, i === 0 ? undefined : i, counters)).toBe(true);
      const adds = sent.filter((c) => c.name === 'UpdateCommand');
      expect(sent.map((c) => c.name)).toEqual(['PutCommand', ...adds.map(() => 'UpdateCommand')]);
      expect(adds).toHaveLength(statsItemsTouched(counters));
      const keys = new Set(adds.map((c) => JSON.stringify(c.input.Key)));
      expect(keys.size).toBe(adds.length);
    }
  });

  it("counts a delivery's transaction as its marker and one item per subject", async () => {
    const { db, sent } = recordingClient();
    await dynamoCampaignEventCounter(db, 'core').countOnce({
      workspaceId: randomUUID(),
      campaignId: randomUUID(),
      nodeId: modelNodeIds.email(1),
      sendId: randomUUID(),
      kind: 'delivered',
      at: new Date('2026-12-07T10:00:00.000Z'),
    });
    expect(sent.map((c) => c.name)).toEqual(['TransactWriteCommand']);
    const items = ((sent[0]?.input ?? {}) as { TransactItems: unknown[] }).TransactItems;
    expect(items).toHaveLength(1 + DELIVERY_COUNT_ITEMS);
    expect(DELIVERY_COUNT_ITEMS).toBe(2);
    // Every item of the transaction under 1 KB: 2 WRU each.
    const row = DELIVERY_EVENT.find((c) => c.where.includes('dynamoCampaignEventCounter'));
    expect(row?.ops.wru).toBe(2 * items.length);
  });
});

describe("the model's stats read, as the adapter makes it", () => {
  it('reads the stats with one Query of the prefix, eventually consistent', async () => {
    const { db, sent } = recordingClient();
    await campaignCounters(db, 'core', randomUUID(), randomUUID());
    expect(sent.map((c) => c.name)).toEqual(['QueryCommand']);
    expect(sent[0]?.input.ConsistentRead).toBeFalsy();
    expect(AB_PROMOTION_CHECK.where).toContain('campaignCounters');
    expect(AB_PROMOTION_CHECK.what).toContain('Query');
  });

  it('bills the Query by the 4 KB of its items, each item within the bytes the model assumes', () => {
    const workspaceId = randomUUID();
    const campaignId = randomUUID();
    // The largest items of a subject the A/B campaign has (node ids of up to 12 characters): a node's
    // every kind, an arm's every family, and the campaign-wide counters, each at a million.
    const node = 'mail-variant';
    const counters: CounterDeltas = {};
    for (const kind of ['entered', 'sent', 'suppressed', 'converted', 'opened', 'clicked', 'delivered', 'bounced']) {
      counters[`node:${node}:${kind}`] = 1_000_000;
    }
    counters.complained = 1_000_000;
    for (const family of ['arm', 'armconv', 'armopen', 'armclick']) counters[`${family}:split-ab-12:arm-b`] = 1_000_000;
    for (const name of ['entered', 'waiting', 'completed', 'converted', 'sent', 'delivered', 'bounced', 'opened']) {
      counters[name] = 1_000_000;
    }
    for (const reason of [
      'failed',
      'goal',
      'manual',
      'archived',
      'suppressed',
      'contact-deleted',
      'holdout',
      'replied',
    ]) {
      counters[`exited:${reason}`] = 1_000_000;
    }
    counters.clicked = 1_000_000;
    const updates = counterUpdates('core', workspaceId, campaignId, counters, 'c1');
    // The node's item, the arm's, the campaign-wide one, and one per exit reason (`exited:<reason>`
    // has a subject of its own, `of:<reason>`, as counterSubject reads any name with a colon).
    expect(updates).toHaveLength(3 + 8);
    expect(statsItemsTouched(counters)).toBe(updates.length);
    for (const u of updates) {
      const { Key, ExpressionAttributeNames, ExpressionAttributeValues } = u.Update as unknown as {
        Key: Record<string, unknown>;
        ExpressionAttributeNames: Record<string, string>;
        ExpressionAttributeValues: Record<string, number>;
      };
      const item: Record<string, unknown> = { ...Key };
      for (const [alias, name] of Object.entries(ExpressionAttributeNames)) {
        item[name] = ExpressionAttributeValues[alias.replace('#', ':')];
      }
      expect(itemBytes(item)).toBeLessThanOrEqual(STATS_ITEM_BYTES);
    }
    // The A/B campaign's subjects: trigger, split, 2 emails, exit, 2 arms.
    const subjects = new Set(
      ['node:start:entered', 'node:ab:entered', 'node:mail-a:sent', 'node:mail-b:sent', 'node:done:entered']
        .concat(['arm:ab:a', 'armconv:ab:b'])
        .map((n) => counterSubject(n)),
    );
    expect(subjects.size).toBe(AB_PROMOTION_SUBJECTS);
    expect(statsItems(AB_PROMOTION_SUBJECTS)).toBe(STATS_SHARDS * 8);
    // 64 items of <= 400 bytes: 25,600 bytes, 7 units of 4 KB, eventual: 3.5 RRU.
    expect(statsQueryRru(statsItems(AB_PROMOTION_SUBJECTS))).toBe(Math.ceil((64 * STATS_ITEM_BYTES) / 4096) / 2);
    expect(AB_PROMOTION_CHECK.ops).toEqual({ rru: statsQueryRru(64) });
    // At least one read unit, however few items.
    expect(statsQueryRru(1)).toBe(0.5);
  });
});
