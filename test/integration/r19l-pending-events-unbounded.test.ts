/**
 * Review round 19 re-review (r19l): a contact's `pendingEvents` grows without bound while
 * EventBridge refuses, until the contact item hits DynamoDB's 400 KB limit and the contact can no
 * longer be written, not even by the write that would drain it.
 *
 * Defect: commit b0074bc adds each PATCH's `contact.tag_added` events to the contact item
 * (`ADD pendingEvents`, shared/adapters/dynamo-contacts.ts updateExpression) and takes them out only
 * after a successful publish (use-cases.ts publishPending). Nothing caps the set, and a publish that
 * keeps failing (an EventBridge outage or a throttled account, a few minutes of a tag-syncing
 * integration) keeps every event of every PATCH on the item: each tags PATCH of 50 tags adds ~12 KB.
 * After ~30 such PATCHes the item is at 400 KB and DynamoDB refuses the write itself
 * (ValidationException: item size): the PATCH's change is no longer made (until then it was: the
 * 5xx was the publish's), and once EventBridge is back, an ordinary PATCH that grows the contact
 * (custom fields, a longer name) is refused too, before `publishPending` runs, so the pending events
 * that fill the item are never drained by it: the contact stays stuck (every such write a 500) until
 * someone happens to send a PATCH with nothing to change. Interactions and imports that grow the
 * item fail the same way.
 *
 * Severity: MEDIUM (needs a publish outage, then silently bricks writes to busy contacts).
 *
 * Root cause: shared/adapters/dynamo-contacts.ts updateExpression / create (unbounded ADD to
 * `pendingEvents`) and shared/crm/contacts/use-cases.ts updateContact (publishes what is pending only
 * after its own write succeeded).
 *
 * Correct behaviour: the pending set is bounded (publish what is pending before adding more, cap it
 * and keep the rest in an outbox item of its own, or keep one event per tag), and a write of the
 * contact never fails because of its pending events.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactCreateSchema, contactPatchSchema } from '../../shared/crm/contacts/contact-fields';
import { type ContactDeps, createContact, updateContact } from '../../shared/crm/contacts/use-cases';
import type { DomainEvent } from '../../shared/crm/ports';

const PREFIX = 'r19l-pend-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r19l-pend-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
}, 60_000);

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const OUTAGE = 'EventBridge refused 10 of 10 events: ThrottlingException';

/** A bus that refuses every publish while `down`. */
function bus() {
  const state = { down: false, published: [] as DomainEvent[] };
  return {
    state,
    async publish(events: readonly DomainEvent[]) {
      if (state.down) throw new Error(OUTAGE);
      state.published.push(...events);
    },
  };
}

/** 50 distinct 50-character tags, different for each `round` (a sync replacing a contact's tags). */
const tagsOf = (round: number) => Array.from({ length: 50 }, (_, i) => `r${round}-t${i}-`.padEnd(50, 'x'));

async function setup() {
  const events = bus();
  const deps: ContactDeps = { contacts: dynamoContacts(db, CORE), now: () => new Date(), newId: randomUUID, events };
  const ws = `ws-${randomUUID()}`;
  const contact = await createContact(ws, contactCreateSchema.parse({ email: `p-${randomUUID()}@example.com` }), deps);
  return { deps, events, ws, contact };
}

/** PATCHes new tags while the bus is down, up to `rounds` times; the first error that is not the outage's. */
async function tagSyncDuringOutage(s: Awaited<ReturnType<typeof setup>>, rounds: number) {
  s.events.state.down = true;
  for (let round = 0; round < rounds; round++) {
    const error = await updateContact(
      s.ws,
      s.contact.contactId,
      contactPatchSchema.parse({ tags: tagsOf(round) }),
      s.deps,
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    if (error?.message !== OUTAGE) return { round, error };
  }
  return undefined;
}

describe('r19l: pending contact events are bounded', () => {
  it('tag PATCHes during an EventBridge outage keep writing their change (the 5xx is the publish’s)', async () => {
    const s = await setup();
    const broke = await tagSyncDuringOutage(s, 40);
    expect(
      broke,
      broke &&
        `PATCH #${broke.round + 1} failed with "${broke.error?.name}: ${broke.error?.message}" (item over 400 KB)`,
    ).toBeUndefined();
  }, 120_000);

  it('once EventBridge is back, an ordinary PATCH of the contact succeeds and drains what was pending', async () => {
    const s = await setup();
    await tagSyncDuringOutage(s, 40);
    s.events.state.down = false;
    // A plain edit: a few custom fields (well inside the schema's limits).
    const fields = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`note${i}`, 'n'.repeat(1000)]));
    const error = await updateContact(
      s.ws,
      s.contact.contactId,
      contactPatchSchema.parse({ customFields: fields }),
      s.deps,
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error, error && `the PATCH failed: ${error.name}: ${error.message}`).toBeUndefined();
    expect((await s.deps.contacts.getWithPending(s.ws, s.contact.contactId))?.pending).toEqual([]);
  }, 120_000);
});
