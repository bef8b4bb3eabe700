// Review round 24 (c), the class of r24c-recompute-many-groups: a score write whose ledger entries do not
// fit one TransactWriteItems (100 items) commits the claim, the state, the contact and the entries that
// fit, keeps the rest on its claim and writes them right after; a crash in between loses none (the
// redelivered page, finding the claim, writes them again). Rules replacing ~50 groups by ~50 others
// (about 100 entries) recompute too, and no write without a claim may carry more than fits.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { interactionPk, LEDGER_PREFIX } from '../../shared/adapters/keys';
import { INTERACTION_TYPES } from '../../shared/crm/model';
import type { RecomputeMessage } from '../../shared/crm/scoring/ports';
import { putScoringRules, recomputeClaimId, recomputePage } from '../../shared/crm/scoring/recompute';
import { type ScoringRules, scoringRulesSchema } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { interactionOf, putContact } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r24c-ledger-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const TYPES = INTERACTION_TYPES.filter((t) => t !== 'unsubscribed' && t !== 'email_bounced').slice(0, 10);

/** `types.length` x 10 rules, each in a group of its own named `<prefix><type index>_<i>`. */
const rulesNaming = (prefix: string, types: readonly (typeof TYPES)[number][]): ScoringRules =>
  scoringRulesSchema.parse({
    interactionRules: types.flatMap((type, t) =>
      Array.from({ length: 10 }, (_, i) => ({
        id: `${prefix}${t}-${i}`,
        type,
        points: 1,
        repeatable: true,
        group: `${prefix}${t}_${i}`,
      })),
    ),
    profileRules: [],
    weights: { engagement: 0.6, fit: 0.4 },
    tiers: { hot: 80, warm: 60, lukewarm: 40 },
    aiTiers: { hot: 70, warm: 60, lukewarm: 40 },
    decay: { halfLifeDays: 14, floor: 5 },
  });

function wiring(client: DynamoDBDocumentClient = db) {
  const sent: RecomputeMessage[] = [];
  const now = () => new Date();
  const events = { publish: async () => {} };
  const deps = (over: DynamoDBDocumentClient = client) => ({
    store: dynamoScoreStore(over, CORE),
    recompute: dynamoRecomputeStore(over, CORE),
    queue: { send: async (m: RecomputeMessage) => void sent.push(m) },
    events,
    now,
  });
  return {
    scorer: interactionScorer({ store: dynamoScoreStore(db, CORE), events, now }),
    /** Saves `rules` and returns the first page of the recompute it queued. */
    async putRules(workspaceId: string, rules: ScoringRules): Promise<RecomputeMessage> {
      const { version } = await putScoringRules(
        workspaceId,
        { rules, updatedBy: 'u-1' },
        { rules: dynamoRulesStore(db, CORE), queue: deps().queue, newId: randomUUID, now },
      );
      const message = sent.find((m) => m.version === version && m.page === 0);
      if (!message) throw new Error('no recompute queued');
      return message;
    },
    page: (message: RecomputeMessage, over?: DynamoDBDocumentClient) => recomputePage(message, deps(over)),
  };
}

/** The contact's ledger items of one recompute, as stored. */
async function recomputeLedger(workspaceId: string, contactId: string, version: number) {
  const out = await db.send(
    new QueryCommand({
      TableName: CORE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
      ExpressionAttributeValues: { ':pk': interactionPk(workspaceId, contactId), ':l': LEDGER_PREFIX },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).filter((i) => i.ledgerId?.startsWith(`recompute-v${version}.`));
}

/** A contact of a fresh workspace with one interaction of each of `TYPES`, scored under the defaults. */
async function engagedContact(w: ReturnType<typeof wiring>) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contact = await putContact(db, CORE, workspaceId);
  const at = new Date(Date.now() - 3_600_000).toISOString();
  for (const type of TYPES) await w.scorer.recordAndScore(interactionOf(contact, type, at));
  return { workspaceId, contact };
}

describe('a score write with more ledger entries than one transaction holds', () => {
  it('writes every entry, once, even when the writes after the transaction fail until the page is redelivered', async () => {
    const w = wiring();
    const { workspaceId, contact } = await engagedContact(w);
    const message = await w.putRules(workspaceId, rulesNaming('g', TYPES));
    // The first delivery commits, then its writes of the entries left for after the transaction fail.
    let failed = 0;
    const failing = interceptedClient(db, async (command, send) => {
      const first = command instanceof TransactWriteCommand ? command.input.TransactItems?.[0] : undefined;
      if (first?.ConditionCheck) {
        failed += 1;
        throw Object.assign(new Error('network down'), { name: 'TimeoutError' });
      }
      return send(command);
    });
    await expect(w.page(message, failing)).rejects.toThrow('network down');
    expect(failed).toBe(1);
    const committed = await recomputeLedger(workspaceId, contact.contactId, message.version);
    expect(committed.length, 'the transaction held what fit').toBeGreaterThan(90);
    expect(committed.length).toBeLessThan(100);

    // SQS redelivers the page: the claim is found, the entries kept on it are written.
    expect(await w.page(message)).toBe('completed');
    const ledger = await recomputeLedger(workspaceId, contact.contactId, message.version);
    const groups = ledger.map((i) => String(i.group));
    expect(new Set(groups).size, 'one entry per changed group, none twice').toBe(groups.length);
    expect(groups.filter((g) => g.startsWith('g'))).toHaveLength(100);
    expect(groups, 'the engagement the defaults gave is gone under the new rules').toContain('engagement');

    // A third delivery is skipped; the claim read again writes the same items again: nothing more.
    expect(await w.page(message)).toBe('duplicate');
    const read = await dynamoScoreStore(db, CORE).readForChange(
      workspaceId,
      contact.contactId,
      recomputeClaimId(message.version),
    );
    expect(read.scored).toBe(true);
    expect(await recomputeLedger(workspaceId, contact.contactId, message.version)).toHaveLength(ledger.length);
  });

  it('recomputes rules that replace 50 groups by 50 others (about 100 entries)', async () => {
    const w = wiring();
    const { workspaceId, contact } = await engagedContact(w);
    const five = TYPES.slice(0, 5);
    const before = await w.putRules(workspaceId, rulesNaming('a', five));
    expect(await w.page(before)).toBe('completed');
    const after = await w.putRules(workspaceId, rulesNaming('b', five));
    expect(await w.page(after)).toBe('completed');
    const groups = (await recomputeLedger(workspaceId, contact.contactId, after.version)).map((i) => String(i.group));
    expect(groups.filter((g) => g.startsWith('a'))).toHaveLength(50);
    expect(groups.filter((g) => g.startsWith('b'))).toHaveLength(50);
  });

  it('refuses, before writing, more entries than fit when there is no claim to keep the rest', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const contact = await putContact(db, CORE, workspaceId);
    const at = new Date().toISOString();
    const entry = (i: number) => ({
      ledgerId: `x.${i}`,
      at,
      ruleId: 'x',
      rule: 'x',
      group: `g${i}`,
      points: 1,
      before: 0,
      after: 1,
      scoreBefore: 0,
      scoreAfter: 0,
    });
    const write = dynamoScoreStore(db, CORE).commit({
      workspaceId,
      contactId: contact.contactId,
      expectedVersion: 0,
      entries: Array.from({ length: 120 }, (_, i) => entry(i)),
    });
    await expect(write).rejects.toThrow(RangeError);
  });
});
