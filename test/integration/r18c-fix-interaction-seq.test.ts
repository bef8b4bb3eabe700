// Review round 18 (re-review): this test failed at e1b9dbf.
// A recompute now conditions its write on the contact's interaction counter (`interactionSeq`), which every
// interaction write bumps (a backdated, unscored one too). This pins the counter's contract: absent (a contact
// stored before it) reads as 0 and a recompute still writes; each stored interaction adds one; the contact as
// the API reads it never carries it.
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactSk, workspacePk } from '../../shared/adapters/keys';
import type { Contact, Interaction } from '../../shared/crm/model';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { dynamoForFile } from '../support/dynamo-emulator';
import { putContact as putLead, scoringWiring } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18c-fix-seq-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const putContact = (workspaceId: string) => putLead(db, CORE, workspaceId, { jobTitle: 'CTO' });

const rawContact = async (c: Contact) =>
  (
    await db.send(
      new GetCommand({ TableName: CORE, Key: { pk: workspacePk(c.workspaceId), sk: contactSk(c.contactId) } }),
    )
  ).Item;

describe('review 18c fix: the contact’s interaction counter', () => {
  it('counts every stored interaction (scored, unscored, backdated) and stays out of the contact read', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    const scorer = scoringWiring(db, CORE).scorer();
    const at = (ms: number) => new Date(Date.now() - ms).toISOString();
    const base = { workspaceId: ws, contactId: c.contactId, metadata: {}, source: 'u-1' };
    const interactions: Interaction[] = [
      { ...base, interactionId: randomUUID(), type: 'email_replied', occurredAt: at(1000) },
      { ...base, interactionId: randomUUID(), type: 'note', occurredAt: at(60_000) }, // unscored, backdated
      { ...base, interactionId: randomUUID(), type: 'note', occurredAt: at(500) }, // unscored, latest
    ];
    for (const [i, interaction] of interactions.entries()) {
      await scorer.recordAndScore(interaction);
      expect((await rawContact(c))?.interactionSeq).toBe(i + 1);
    }
    // A retry of a stored interaction stores nothing and counts nothing.
    const [firstInteraction] = interactions;
    if (firstInteraction) await scorer.recordAndScore(firstInteraction);
    expect((await rawContact(c))?.interactionSeq).toBe(3);
    const read = await dynamoContacts(db, CORE).get(ws, c.contactId);
    expect(read).toBeDefined();
    expect(Object.keys(read ?? {})).not.toContain('interactionSeq');
  });

  it('reads as 0 when absent: a recompute of a contact stored before the counter writes its state', async () => {
    const ws = `ws-${randomUUID()}`;
    const c = await putContact(ws);
    expect((await rawContact(c))?.interactionSeq).toBeUndefined();
    const scoring = scoringWiring(db, CORE);
    // New rules whose fit scores the CTO: the recompute has something to write.
    const rules = {
      ...DEFAULT_SCORING_RULES,
      profileRules: [
        {
          id: 'cto',
          field: 'jobTitle',
          operator: 'contains' as const,
          value: 'CTO',
          points: 40,
          group: 'fit' as const,
        },
      ],
    };
    await scoring.putRules(ws, rules);
    const { store } = scoring;
    await scoring.recompute();
    const state = await store.readState(ws, c.contactId);
    expect(state?.rulesVersion).toBe(1);
    expect((await rawContact(c))?.interactionSeq, 'a recompute is no interaction').toBeUndefined();
  });
});
