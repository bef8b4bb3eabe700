/**
 * Review 18b — HIGH. A scoring-rules PUT whose interaction rule names the group `constructor` is
 * accepted (202), and from then on every interaction that rule matches fails with a 500 for every
 * contact of the workspace (and the recompute of every contact with such an interaction throws,
 * page after page, to the dead-letter queue).
 * Root cause: shared/crm/scoring/rules.ts `groupName` (/^[a-z][a-z0-9_]{0,31}$/) lets through
 * `constructor`, a key every plain object inherits (the edge's JSON check refuses it only as a
 * key, and here it is a value). shared/crm/scoring/score-state.ts:applyInteractionToState then
 * reads `w.groups[rule.group] ?? 0` from a plain object: an unset `constructor` group is `Object`
 * (a function), so the group becomes the string "function Object() { [native code] }5", and the
 * state's `groups` map with an own `constructor` key cannot be marshalled by the DynamoDB document
 * client ("Unsupported type passed"): the commit throws, the request answers 500. (A `weights`
 * key `constructor` has the same read bug in composite.ts:blendComposite, NaN composite, but the
 * edge refuses that key in a body.)
 * Correct: refuse reserved names (`constructor`, `prototype`, ...) as group names with a 400
 * naming the field, and read groups and weights by own property (Object.hasOwn, a Map, or
 * null-prototype objects).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoRulesStore } from '../../shared/adapters/dynamo-rules-store';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { createContact } from '../../shared/crm/contacts/use-cases';
import type { Interaction } from '../../shared/crm/model';
import { putScoringRules } from '../../shared/crm/scoring/recompute';
import { DEFAULT_SCORING_RULES, scoringRulesSchema } from '../../shared/crm/scoring/rules';
import { interactionScorer } from '../../shared/crm/scoring/score-interaction';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r18b-rules-ctor-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const events = { publish: async () => {} };
const now = () => new Date();

/** Saves `body` as the PUT route does (the edge parses it with scoringRulesSchema), then scores one open. */
async function openUnder(body: unknown) {
  const parsed = scoringRulesSchema.safeParse(body);
  if (!parsed.success) return { refused: true as const };
  const ws = `ws-${randomUUID()}`;
  const contact = await createContact(ws, contactCreateSchema.parse({ email: 'ada@example.com' }), {
    contacts: dynamoContacts(db, CORE),
    now,
    newId: randomUUID,
    events,
  });
  await putScoringRules(
    ws,
    { rules: parsed.data, updatedBy: 'admin' },
    {
      rules: dynamoRulesStore(db, CORE),
      queue: { send: async () => {} },
      newId: randomUUID,
      now,
    },
  );
  const open: Interaction = {
    interactionId: randomUUID(),
    workspaceId: ws,
    contactId: contact.contactId,
    type: 'email_opened',
    occurredAt: now().toISOString(),
    metadata: {},
    source: 'tracking',
  };
  const store = dynamoScoreStore(db, CORE);
  const update = await interactionScorer({ store, events, now }).recordAndScore(open);
  const state = await store.readState(ws, contact.contactId);
  return { refused: false as const, score: update.score, groups: state?.groups };
}

describe('review 18b: a scoring group named "constructor"', () => {
  it('as an interaction rule group: refused, or the group holds a number', async () => {
    const outcome = await openUnder({
      ...DEFAULT_SCORING_RULES,
      interactionRules: [{ id: 'open', type: 'email_opened', points: 5, repeatable: true, group: 'constructor' }],
      weights: { engagement: 0.6, fit: 0.4 },
    }).catch((error: unknown) => ({ refused: false as const, error: String(error) }));
    if (!outcome.refused) expect(outcome).toMatchObject({ groups: { constructor: 5 } });
  });
});
