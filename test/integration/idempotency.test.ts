/**
 * Idempotency keys against the embedded DynamoDB: the adapter's conditional writes under a
 * race, keys kept apart per workspace, expired records, and the interaction POST's use case
 * over the real contacts, interactions and idempotency adapters.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoIdempotency } from '../../shared/adapters/dynamo-idempotency';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { recordInteractionOnce } from '../../shared/crm/contacts/record-interaction-once';
import { createContact } from '../../shared/crm/contacts/use-cases';
import type { Contact, Interaction } from '../../shared/crm/model';
import type { InteractionScorer } from '../../shared/crm/ports';
import type { IdempotencyStore } from '../../shared/idempotency/ports';
import { runOnce } from '../../shared/idempotency/run-once';

const PREFIX = 'idem-';
const CORE = `${PREFIX}core`;
const EPHEMERAL = `${PREFIX}ephemeral`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let store: IdempotencyStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'idempotency-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
  store = dynamoIdempotency(db, EPHEMERAL);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const scope = (workspaceId = `ws-${randomUUID().slice(0, 8)}`) => ({
  workspaceId,
  operation: 'interactions.create',
  key: `key-${randomUUID()}`,
});
const claim = (plan: string, fingerprint = 'f-1', expiresInMs = 86_400_000) => ({
  fingerprint,
  plan,
  leaseId: randomUUID(),
  leaseUntil: Date.now() + 35_000,
  expiresAt: new Date(Date.now() + expiresInMs),
});
const deps = () => ({ idempotency: store, now: () => new Date(), newId: randomUUID });

describe('the DynamoDB idempotency store', () => {
  it('moves a key from claimed to completed with conditional writes, and returns the record to later claims', async () => {
    const s = scope();
    const first = claim('{"id":"a"}');
    expect(await store.claim(s, first)).toBeUndefined();
    expect(await store.claim(s, claim('{"id":"b"}', 'f-2'))).toMatchObject({
      status: 'in-progress',
      fingerprint: 'f-1',
      plan: '{"id":"a"}',
      leaseId: first.leaseId,
    });
    expect(await store.complete(s, 'not-my-lease', '{}')).toBe(false);
    expect(await store.complete(s, first.leaseId, '{"answer":42}')).toBe(true);
    const done = await store.claim(s, claim('{"id":"c"}'));
    expect(done).toEqual({ status: 'completed', fingerprint: 'f-1', plan: '{"id":"a"}', result: '{"answer":42}' });
    // A completed record can be neither taken over nor released.
    expect(await store.takeOver(s, first.leaseId, 'late', Date.now())).toBe(false);
    await store.release(s, first.leaseId);
    expect((await store.claim(s, claim('x')))?.status).toBe('completed');
  });

  it('lets one of two retries take over a released lease', async () => {
    const s = scope();
    const first = claim('{"id":"a"}');
    await store.claim(s, first);
    await store.release(s, first.leaseId);
    const released = await store.claim(s, claim('x'));
    expect(released).toMatchObject({ status: 'in-progress', leaseUntil: 0, leaseId: first.leaseId });

    const outcomes = await Promise.all([
      store.takeOver(s, first.leaseId, 'retry-1', Date.now() + 35_000),
      store.takeOver(s, first.leaseId, 'retry-2', Date.now() + 35_000),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the same key of two workspaces in two records', async () => {
    const a = scope();
    const b = { ...a, workspaceId: `ws-${randomUUID().slice(0, 8)}` };
    expect(await store.claim(a, claim('{"ws":"a"}'))).toBeUndefined();
    expect(await store.claim(b, claim('{"ws":"b"}', 'f-2'))).toBeUndefined();
    const item = await db.send(
      new GetCommand({
        TableName: EPHEMERAL,
        Key: { pk: `IDEMPOTENCY#${a.workspaceId}#${a.operation}#${a.key}`, sk: 'request' },
      }),
    );
    expect(item.Item).toMatchObject({ plan: '{"ws":"a"}', expiresAt: expect.any(Number) });
    expect(item.Item?.expiresAt).toBeLessThan(Date.now() / 1000 + 86_401);
  });

  it('treats an expired record as absent before the TTL sweeper has deleted it', async () => {
    const s = scope();
    await store.claim(s, claim('{"id":"old"}', 'f-1', -5_000));
    expect(await store.claim(s, claim('{"id":"new"}', 'f-2'))).toBeUndefined();
    expect(await store.claim(s, claim('x'))).toMatchObject({ plan: '{"id":"new"}', fingerprint: 'f-2' });
  });

  it('runs once under eight racing identical requests: the others get 409 or the replay', async () => {
    const s = scope();
    let runs = 0;
    const work = async (plan: { n: number }) => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 50));
      return plan;
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) => runOnce(deps(), s, { fingerprint: 'same', plan: { n } }, work)),
    );

    expect(runs).toBe(1);
    const answered = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    expect(answered.filter((a) => !a.replayed)).toHaveLength(1);
    for (const error of refused) expect(error).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
    const after = await runOnce(deps(), s, { fingerprint: 'same', plan: { n: 99 } }, work);
    expect(after).toEqual({ result: answered.find((a) => !a.replayed)?.result, replayed: true });
  });
});

describe('recordInteractionOnce on the real adapters', () => {
  /** Scores +10 once per interaction id, as the real scorer's claim does; stores the interaction first. */
  const onceScorer = (
    contacts: ReturnType<typeof dynamoContacts>,
    interactions: ReturnType<typeof dynamoInteractions>,
  ): InteractionScorer & { scored: Set<string> } => {
    const scored = new Set<string>();
    const applyInteraction = async (contact: Contact, interaction: Interaction) => {
      const fresh = !scored.has(interaction.interactionId);
      scored.add(interaction.interactionId);
      const score = contact.score + (fresh ? 10 : 0);
      return { score, tier: contact.tier, previousScore: contact.score, previousTier: contact.tier };
    };
    return {
      scored,
      applyInteraction,
      async recordAndScore(interaction: Interaction) {
        const contact = await contacts.get(interaction.workspaceId, interaction.contactId);
        if (!contact) throw new Error('no such contact');
        await interactions.put(interaction);
        return applyInteraction(contact, interaction);
      },
    };
  };

  it('stores one interaction for three identical requests and answers each with the first 201 body', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const contacts = dynamoContacts(db, CORE);
    const interactions = dynamoInteractions(db, CORE);
    const scorer = onceScorer(contacts, interactions);
    const useCase = {
      contacts,
      interactions,
      scorer,
      idempotency: store,
      now: () => new Date(),
      newId: randomUUID,
      events: { publish: async () => undefined },
    };
    const { contactId } = await createContact(
      workspaceId,
      contactCreateSchema.parse({ email: 'retry@example.com' }),
      useCase,
    );
    const input = { type: 'email_opened' as const, metadata: { via: 'test' }, source: 'u-1' };

    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await recordInteractionOnce(useCase, workspaceId, contactId, input, 'k-1'));

    expect(answers.map((a) => a.replayed)).toEqual([false, true, true]);
    expect(JSON.stringify(answers[2]?.interaction)).toBe(JSON.stringify(answers[0]?.interaction));
    expect(answers[2]?.score).toEqual(answers[0]?.score);
    const timeline = await interactions.timeline(workspaceId, contactId, { limit: 10 });
    expect(timeline.interactions.map((i) => i.interactionId)).toEqual([answers[0]?.interaction.interactionId]);
    expect(scorer.scored.size).toBe(1);
    await expect(
      recordInteractionOnce(useCase, workspaceId, contactId, { ...input, type: 'email_clicked' }, 'k-1'),
    ).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
