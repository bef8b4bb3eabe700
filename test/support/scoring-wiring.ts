/**
 * Lead scoring over a test file's core table, through the real use cases: contacts stored as the
 * contacts adapter writes them, the live scorer, a rules change and the recompute page it queues,
 * and the races review rounds 18b/18c found between them (a recompute against a stale writer, a
 * contact delete against an interaction's write).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, INTERACTION_PREFIX, interactionPk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { createContact, deleteContact } from '../../shared/crm/contacts/use-cases';
import type { Contact, Interaction } from '../../shared/crm/model';
import type { RecomputeMessage, RecomputeStore, ScoreStore } from '../../shared/crm/scoring/ports';
import { putScoringRules, recomputePage } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES, type ScoringRules } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { interceptedClient } from './dynamo-emulator';

/** A cold lead of `workspaceId` (score 0, `extra` fields such as a job title), stored as the contacts adapter writes it. */
export async function putContact(
  db: DynamoDBDocumentClient,
  core: string,
  workspaceId: string,
  extra: Partial<Contact> = {},
): Promise<Contact> {
  const contactId = randomUUID();
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId,
    workspaceId,
    email: `${contactId}@example.test`,
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
  await db.send(
    new PutCommand({
      TableName: core,
      Item: {
        pk: workspacePk(workspaceId),
        sk: contactSk(contactId),
        type: 'contact',
        ...contact,
        ...tierGsi2(workspaceId, 'cold', 0, contactId),
      },
    }),
  );
  return contact;
}

/** An interaction of `contact` (a new id, no metadata), from `source`. */
export const interactionOf = (
  contact: Pick<Contact, 'workspaceId' | 'contactId'>,
  type: Interaction['type'],
  occurredAt: string,
  source = 'u-1',
): Interaction => ({
  interactionId: randomUUID(),
  workspaceId: contact.workspaceId,
  contactId: contact.contactId,
  type,
  occurredAt,
  metadata: {},
  source,
});

/**
 * The scoring of the table on the real clock, events dropped: the live scorer, a rules change (by
 * `u-1`) and the recompute pages it queues (kept in order, run by `recompute`).
 */
export function scoringWiring(db: DynamoDBDocumentClient, core: string) {
  const sent: RecomputeMessage[] = [];
  const queue = { send: async (m: RecomputeMessage) => void sent.push(m) };
  const now = () => new Date();
  const events = { publish: async () => {} };
  const store = dynamoScoreStore(db, core);
  return {
    store,
    events,
    now,
    /** The live scorer, on `over` (another instance's view of the store) when given. */
    scorer: (over: ScoreStore = store) => interactionScorer({ store: over, events, now }),
    /** The workspace's rules are now `rules`: a recompute is queued. */
    putRules: (workspaceId: string, rules: ScoringRules) =>
      putScoringRules(
        workspaceId,
        { rules, updatedBy: 'u-1' },
        { rules: dynamoRulesStore(db, core), queue, newId: randomUUID, now },
      ),
    /** Runs the first recompute page queued, on the table's stores unless others are given. */
    async recompute(stores: { store?: ScoreStore; recompute?: RecomputeStore } = {}): Promise<void> {
      const [first] = sent;
      if (!first) throw new Error('no recompute queued');
      await recomputePage(first, {
        store: stores.store ?? store,
        recompute: stores.recompute ?? dynamoRecomputeStore(db, core),
        queue,
        events,
        now,
      });
    },
  };
}

/**
 * A recompute raced by another instance that still caches the default rules (version 0): a reply
 * is scored under the defaults; new rules score a note (and no reply) and queue a recompute; the
 * stale instance records the note (at `noteOccurredAt()`, unscored) right after the recompute read
 * the contact's history, before it writes. Returns where to read the score the recompute left.
 */
export async function recomputeRacedByStaleNote(
  db: DynamoDBDocumentClient,
  core: string,
  noteOccurredAt: () => string,
) {
  const ws = `ws-${randomUUID()}`;
  const c = await putContact(db, core, ws);
  const scoring = scoringWiring(db, core);
  const { store } = scoring;
  // Scored under the defaults: a reply (+20 engagement, 12 at weight .6).
  const reply = interactionOf(c, 'email_replied', new Date(Date.now() - 1000).toISOString(), 'gmail');
  expect((await scoring.scorer().recordAndScore(reply)).score).toBe(12);
  // The new rules score a note (+20 engagement: 12 at weight .6), and no reply; the defaults no note.
  const rules = {
    ...DEFAULT_SCORING_RULES,
    interactionRules: [{ id: 'note', type: 'note' as const, points: 20, repeatable: true, group: 'engagement' }],
  };
  await scoring.putRules(ws, rules);
  // Another instance still caches the defaults (version 0): it records the note unscored.
  const staleRules: ScoreStore = {
    ...store,
    readRules: async () => ({ version: 0, rules: DEFAULT_SCORING_RULES }),
  };
  const note = interactionOf(c, 'note', noteOccurredAt());
  const recompute = dynamoRecomputeStore(db, core);
  const readHistory = recompute.interactions.bind(recompute);
  let raced = false;
  recompute.interactions = async (...args) => {
    const history = await readHistory(...args);
    if (!raced) {
      raced = true;
      const live = await scoring.scorer(staleRules).recordAndScore(note);
      expect(live.score, 'the note scores nothing under the defaults').toBe(12);
    }
    return history;
  };
  await scoring.recompute({ recompute });
  return { ws, c, store, raced };
}

/**
 * A contact of a fresh workspace created through the use case, and `recordRacing`: the scorer on
 * the table as a writer that read the contact live sees it, the contact's delete landing right
 * before the first command `isWrite` picks. `deleted` tells whether it did.
 */
export async function contactDeletedBeforeWrite(
  db: DynamoDBDocumentClient,
  core: string,
  isWrite: (command: unknown) => boolean,
) {
  const ws = `ws-${randomUUID()}`;
  const events = { publish: async () => {} };
  const now = () => new Date();
  const deps = { contacts: dynamoContacts(db, core), now, newId: randomUUID, events };
  const contact = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), deps);
  let deleted = false;
  const racing = interceptedClient(db, async (command, send) => {
    if (!deleted && isWrite(command)) {
      deleted = true;
      await deleteContact(ws, contact.contactId, deps);
    }
    return send(command);
  });
  return {
    ws,
    contact,
    events,
    now,
    /** Records `interaction` through the racing table: `recorded`, or the name of the error it threw. */
    recordRacing: (interaction: Interaction) =>
      interactionScorer({ store: dynamoScoreStore(racing, core), events, now })
        .recordAndScore(interaction)
        .then(
          () => 'recorded',
          (error: Error) => error.name,
        ),
    get deleted() {
      return deleted;
    },
  };
}

/** The interactions stored for the contact (a strongly consistent Query). */
export const storedInteractions = (db: DynamoDBDocumentClient, core: string, workspaceId: string, contactId: string) =>
  db.send(
    new QueryCommand({
      TableName: core,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': interactionPk(workspaceId, contactId), ':p': INTERACTION_PREFIX },
      ConsistentRead: true,
    }),
  );
