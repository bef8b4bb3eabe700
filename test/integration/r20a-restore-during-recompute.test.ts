/**
 * Review round 20 (r20a): a contact restored while a rules recompute scores it (as deleted) is left
 * on the tier index (gsi2) at its OLD tier and score: hot leads and `tier` lists show it wrongly.
 * Severity: MEDIUM (a restored hot lead is missing from `GET /api/contacts/hot-leads` and from
 * `?tier=hot`, and is listed under `?tier=cold` with a hot score, until its next interaction or
 * recompute; the same race the other way puts a cold contact in the hot leads).
 * Root cause: shared/adapters/dynamo-score-store.ts:contactChange. A write of a contact read as
 * deleted (`contactDeleted`, shared/crm/scoring/recompute.ts:recomputeContact) sets `score` and
 * `tier` but no gsi2 keys, on the condition `attribute_exists(pk)` only. A restore
 * (shared/adapters/dynamo-contacts.ts:setDeleted) landing between the recompute's read and its commit
 * puts gsi2 back at the tier and score IT read (its own condition holds: the score had not moved
 * yet); the recompute's commit then changes score and tier and nothing checks that the contact is
 * still deleted, so gsi2 stays at the stale tier.
 * Correct: a write that leaves gsi2 alone because the contact is deleted holds only while it is
 * (`attribute_exists(deletedAt)`); else it conflicts, re-reads the contact live and indexes it at
 * the new tier. The stored `gsi2pk` always names the stored `tier`.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoRecomputeStore } from '../../shared/adapters/dynamo-recompute-store';
import { dynamoScoreReader } from '../../shared/adapters/dynamo-score-reader';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactSk, workspacePk } from '../../shared/adapters/keys';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { createContact, deleteContact, listContacts, restoreContact } from '../../shared/crm/contacts/use-cases';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';
import { scoringWiring } from '../support/scoring-wiring';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r20a-restore-recompute-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('review 20a: a restore landing while a recompute scores the deleted contact', () => {
  it('leaves the restored contact on the tier index at its new tier (hot leads list it)', async () => {
    const ws = `ws-${randomUUID()}`;
    const events = { publish: async () => {} };
    const now = () => new Date();
    const deps = { contacts: dynamoContacts(db, CORE), now, newId: randomUUID, events };
    // A CEO: cold (score 0) as created; the new rules make fit alone the score and 40 hot.
    const contact = await createContact(
      ws,
      contactCreateSchema.parse({ email: 'ceo@example.com', jobTitle: 'CEO' }),
      deps,
    );
    await deleteContact(ws, contact.contactId, deps);
    const scoring = scoringWiring(db, CORE);
    await scoring.putRules(ws, {
      ...DEFAULT_SCORING_RULES,
      weights: { fit: 1 },
      tiers: { hot: 40, warm: 30, lukewarm: 20 },
    });

    // The recompute read the contact deleted; the restore lands right before its commit.
    let restored = false;
    const racing = interceptedClient(db, async (command, send) => {
      if (!restored && command instanceof TransactWriteCommand) {
        restored = true;
        await restoreContact(ws, contact.contactId, deps);
      }
      return send(command);
    });
    await scoring.recompute({ store: dynamoScoreStore(racing, CORE), recompute: dynamoRecomputeStore(db, CORE) });
    expect(restored).toBe(true);

    const item = (
      await db.send(
        new GetCommand({
          TableName: CORE,
          Key: { pk: workspacePk(ws), sk: contactSk(contact.contactId) },
          ConsistentRead: true,
        }),
      )
    ).Item;
    expect(item?.deletedAt, 'the restore landed').toBeUndefined();
    expect(item?.tier, 'the recompute scored it hot').toBe('hot');
    const hot = await dynamoScoreReader(db, CORE).hotLeads(ws, 25);
    const coldList = await listContacts(ws, { tier: 'cold' }, { limit: 25 }, deps);
    expect({
      gsi2pk: item?.gsi2pk,
      inHotLeads: hot.items.some((l) => l.contactId === contact.contactId),
      inColdList: coldList.contacts.some((c) => c.contactId === contact.contactId),
    }).toEqual({ gsi2pk: `${workspacePk(ws)}#TIER#hot`, inHotLeads: true, inColdList: false });
  });
});
