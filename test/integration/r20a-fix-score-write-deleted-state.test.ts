// Review round 20: this test failed at 16f866a.
// Every score write decides from its read whether the contact is deleted (then it stays off the
// tier index gsi2) or live (then gsi2 is set at the new tier); a delete or restore landing between
// that read and the write must make the write a conflict retried from a fresh read, for every writer.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoScoreReader } from '../../shared/adapters/dynamo-score-reader';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, workspacePk } from '../../shared/adapters/keys';
import type { ContactIntelligence } from '../../shared/ai/agents/contact-intelligence';
import { recordContactIntelligence } from '../../shared/ai/record-contact-intelligence';
import { journeyActions } from '../../shared/campaigns/journey-actions';
import { ContactDeletedError } from '../../shared/campaigns/ports';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { createContact, deleteContact, restoreContact } from '../../shared/crm/contacts/use-cases';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { interactionOf, scoringWiring } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r20a-fix-deleted-state-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

/** A CEO of a fresh workspace whose rules make fit alone the score: 40 and hot once scored. */
async function ceo() {
  const ws = `ws-${randomUUID()}`;
  const events = { publish: async () => {} };
  const now = () => new Date();
  const contacts = dynamoContacts(db, CORE);
  const deps = { contacts, now, newId: randomUUID, events };
  const contact = await createContact(
    ws,
    contactCreateSchema.parse({ email: 'ceo@example.com', jobTitle: 'CEO' }),
    deps,
  );
  const scoring = scoringWiring(db, CORE);
  await scoring.putRules(ws, {
    ...DEFAULT_SCORING_RULES,
    weights: { fit: 1 },
    tiers: { hot: 40, warm: 30, lukewarm: 20 },
  });
  return { ws, contact, deps, contacts, events, now };
}

/** The table as a writer sees it whose first transaction is preceded by `race`. */
function racingBeforeCommit(race: () => Promise<void>) {
  const ran = { done: false };
  const client = interceptedClient(db, async (command, send) => {
    if (!ran.done && command instanceof TransactWriteCommand) {
      ran.done = true;
      await race();
    }
    return send(command);
  });
  return { client, ran };
}

async function stored(ws: string, contactId: string) {
  const key = { pk: workspacePk(ws), sk: contactSk(contactId) };
  return (await db.send(new GetCommand({ TableName: CORE, Key: key, ConsistentRead: true }))).Item;
}

const hotLeadIds = async (ws: string) =>
  (await dynamoScoreReader(db, CORE).hotLeads(ws, 25)).items.map((l) => l.contactId);

describe('review 20a fix: a score write and a delete or restore between its read and its write', () => {
  it('scoring a contact read deleted, restored meanwhile, indexes it at its new tier', async () => {
    const { ws, contact, deps, events, now } = await ceo();
    await deleteContact(ws, contact.contactId, deps);
    const deleted = await deps.contacts.get(ws, contact.contactId);
    if (!deleted?.deletedAt) throw new Error('not deleted');
    const { client, ran } = racingBeforeCommit(() => restoreContact(ws, contact.contactId, deps).then(() => {}));
    const scorer = interactionScorer({ store: dynamoScoreStore(client, CORE), events, now });

    const update = await scorer.applyInteraction(deleted, interactionOf(deleted, 'meeting', new Date().toISOString()));

    expect(ran.done).toBe(true);
    expect(update.tier).toBe('hot');
    const item = await stored(ws, contact.contactId);
    expect({ deletedAt: item?.deletedAt, tier: item?.tier, gsi2pk: item?.gsi2pk }).toEqual({
      deletedAt: undefined,
      tier: 'hot',
      gsi2pk: `${workspacePk(ws)}#TIER#hot`,
    });
    expect(await hotLeadIds(ws)).toEqual([contact.contactId]);
  });

  it('a campaign adjust-score whose contact is deleted before its write ends the step contact-deleted', async () => {
    const { ws, contact, deps, contacts, events, now } = await ceo();
    const { client, ran } = racingBeforeCommit(() => deleteContact(ws, contact.contactId, deps));
    const actions = journeyActions({
      contacts,
      now,
      scoring: { store: dynamoScoreStore(client, CORE), events, now },
      webhooks: { secrets: { get: async () => 'whsec_test', put: async () => true }, poster: {} as never },
      notify: {} as never,
    });
    const target = {
      workspaceId: ws,
      campaignId: 'camp-1',
      contactId: contact.contactId,
      idempotencyKey: `campaign#camp-1#${contact.contactId}#1#bump#1`,
      nodeId: 'bump',
      version: 1,
      run: 1,
      step: 1,
    };

    // At 16f866a: the retries kept the contact as the step read it (live), each write failed on
    // its live condition, and the step failed SCORE_CONFLICT (retried) instead of exiting.
    await expect(actions.perform({ type: 'adjust-score', points: 10 }, target)).rejects.toBeInstanceOf(
      ContactDeletedError,
    );
    expect(ran.done).toBe(true);
    const item = await stored(ws, contact.contactId);
    expect({ deleted: item?.deletedAt !== undefined, gsi2pk: item?.gsi2pk }).toEqual({
      deleted: true,
      gsi2pk: undefined,
    });
    expect(await hotLeadIds(ws)).toEqual([]);
  });

  it('a recompute that read the contact live, deleted before its write, leaves it off the tier index', async () => {
    const { ws, contact, deps } = await ceo();
    const scoring = scoringWiring(db, CORE);
    // The rules saved by ceo() queued their recompute on another wiring: queue one here.
    await scoring.putRules(ws, {
      ...DEFAULT_SCORING_RULES,
      weights: { fit: 1 },
      tiers: { hot: 40, warm: 30, lukewarm: 20 },
    });
    const { client, ran } = racingBeforeCommit(() => deleteContact(ws, contact.contactId, deps));

    await scoring.recompute({ store: dynamoScoreStore(client, CORE) });

    expect(ran.done).toBe(true);
    const item = await stored(ws, contact.contactId);
    expect({
      deleted: item?.deletedAt !== undefined,
      tier: item?.tier,
      gsi2pk: item?.gsi2pk,
    }).toEqual({ deleted: true, tier: 'hot', gsi2pk: undefined });
    expect(await hotLeadIds(ws)).toEqual([]);
    // Restored: back on the index at the tier the recompute wrote.
    await restoreContact(ws, contact.contactId, deps);
    expect((await stored(ws, contact.contactId))?.gsi2pk).toBe(`${workspacePk(ws)}#TIER#hot`);
    expect(await hotLeadIds(ws)).toEqual([contact.contactId]);
  });

  it('an AI assessment that read the contact live, deleted before its write, leaves it off the tier index', async () => {
    const { ws, contact, deps, events, now } = await ceo();
    const { client, ran } = racingBeforeCommit(() => deleteContact(ws, contact.contactId, deps));
    const result: ContactIntelligence = {
      buyingSignals: [],
      aiIntent: 95,
      engagementVelocity: 0,
      roleType: 'decision_maker',
      buyingIntent: 'high',
      decisionStage: 'decision',
      summary: 'Ready to buy.',
    };
    const out = await recordContactIntelligence(
      ws,
      contact.contactId,
      result,
      { callId: 'call-1', provider: 'anthropic', model: 'm' },
      { store: dynamoScoreStore(client, CORE), events, now },
      new Date().toISOString(),
    );

    expect(ran.done).toBe(true);
    // Deleted meanwhile: the next read finds it deleted and nothing is scored.
    expect(out).toBeUndefined();
    const item = await stored(ws, contact.contactId);
    expect({ deleted: item?.deletedAt !== undefined, gsi2pk: item?.gsi2pk, aiSignals: item?.aiSignals }).toEqual({
      deleted: true,
      gsi2pk: undefined,
      aiSignals: undefined,
    });
    expect(await hotLeadIds(ws)).toEqual([]);
  });
});
