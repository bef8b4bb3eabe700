/**
 * Review round 14: this test failed at cb20668 (two actions on one contact at once lost one write: add-tag webinar + add-tag trial left only trial).
 *
 * Defect: two journey actions on the same contact at the same moment lose one of their writes.
 * `add-tag` / `remove-tag` / `set-field` read the contact, compute the WHOLE new `tags` array (or
 * `customFields` map) from that read, and write it back with a plain SET: the contacts adapter's
 * update is conditional only on the search inputs (name, email, company), never on `tags` or
 * `customFields`. Two campaigns tagging one contact in the same drip-steps batch (records of a
 * batch run at once), or a tag action racing another campaign's set-field... both succeed and the
 * later write silently drops the other's tag/field. The enrolments move on as if tagged, and every
 * later `tag` condition, goal and `tag-added` journey for the lost tag never fires.
 *
 * Severity: MEDIUM (a journey effect silently lost; stats say the node ran).
 * Root cause: shared/campaigns/journey-actions.ts `perform` (add-tag / remove-tag / set-field build
 * `tags` / `customFields` from the read) with shared/adapters/dynamo-contacts.ts `update`/`tryUpdate`
 * (no condition on the attributes the change was derived from; its retry re-reads `before` but keeps
 * the `changes` computed from the stale read).
 * Correct: the change is applied atomically (ADD/DELETE on a set, SET customFields.#k = :v), or the
 * write is conditional on the tags/fields it was derived from and recomputed from a fresh read.
 *
 * The race is made deterministic: both actions' reads are let through before either writes.
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
import type { JourneyAction } from '../../shared/campaigns/journey';
import { journeyActions } from '../../shared/campaigns/journey-actions';
import type { ActionTarget } from '../../shared/campaigns/ports';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import type { Contact } from '../../shared/crm/model';

const PREFIX = 'r14fx-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r14fx-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Contact reads that wait until `n` of them were made (both racers have read before either writes). */
function racingReads(store: ContactStore, n: number): Pick<ContactStore, 'get' | 'update'> {
  let arrived = 0;
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    get: async (ws, id) => {
      const contact = await store.get(ws, id);
      arrived += 1;
      if (arrived >= n) open();
      await gate;
      return contact;
    },
    update: (before, changes) => store.update(before, changes),
  };
}

function performer(contacts: Pick<ContactStore, 'get' | 'update'>) {
  return journeyActions({
    contacts,
    now: () => new Date(),
    scoring: {} as never,
    webhooks: {} as never,
    notify: {} as never,
  });
}

async function newContact(store: ContactStore, ws: string, over: Partial<Contact> = {}): Promise<Contact> {
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId: randomUUID(),
    workspaceId: ws,
    email: `${randomUUID()}@example.test`,
    status: 'lead',
    tags: [],
    customFields: {},
    score: 0,
    tier: 'cold',
    createdAt: at,
    updatedAt: at,
    ...over,
  };
  await store.create(contact);
  return contact;
}

const target = (contact: Contact, campaignId: string, nodeId: string): ActionTarget => ({
  workspaceId: contact.workspaceId,
  campaignId,
  contactId: contact.contactId,
  nodeId,
  version: 1,
  run: 1,
  step: 1,
  idempotencyKey: `campaign#${campaignId}#${contact.contactId}#1#${nodeId}#1`,
});

describe('two campaigns acting on one contact at once', () => {
  it('add-tag from two campaigns: the contact holds both tags', async () => {
    const store = dynamoContacts(db, CORE);
    const ws = `ws-${randomUUID()}`;
    const contact = await newContact(store, ws);
    const actions = performer(racingReads(store, 2));
    const tag = (t: string): JourneyAction => ({ type: 'add-tag', tag: t });

    await Promise.all([
      actions.perform(tag('webinar'), target(contact, 'camp-a', 'tag')),
      actions.perform(tag('trial'), target(contact, 'camp-b', 'tag')),
    ]);

    const stored = await store.get(ws, contact.contactId);
    expect([...(stored?.tags ?? [])].sort()).toEqual(['trial', 'webinar']);
  });

  it('set-field from two campaigns on different fields: both fields are set', async () => {
    const store = dynamoContacts(db, CORE);
    const ws = `ws-${randomUUID()}`;
    const contact = await newContact(store, ws);
    const actions = performer(racingReads(store, 2));

    await Promise.all([
      actions.perform({ type: 'set-field', field: 'plan', value: 'pro' }, target(contact, 'camp-a', 'plan')),
      actions.perform({ type: 'set-field', field: 'source', value: 'webinar' }, target(contact, 'camp-b', 'src')),
    ]);

    const stored = await store.get(ws, contact.contactId);
    expect(stored?.customFields).toEqual({ plan: 'pro', source: 'webinar' });
  });
});
