/**
 * Contact writes of journey actions (and of any `ContactStore.update`) against the embedded
 * DynamoDB: a change under an effect key is made once per key (its claim is written in the same
 * transaction), whatever the contact holds when the key comes again; a change computed from a read
 * lands only onto what it was computed from and is made again onto a fresh read otherwise, so a
 * concurrent tag or field is never lost, the rebased change never passes the contact's limits, and
 * the derived `search` text stays that of the stored name, email and company.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { CONTACT_EFFECT_PREFIX, dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactSk, interactionPk, workspacePk } from '../../shared/adapters/keys';
import type { JourneyAction } from '../../shared/campaigns/journey';
import { journeyActions } from '../../shared/campaigns/journey-actions';
import { ActionFailedError, type ActionTarget } from '../../shared/campaigns/ports';
import { ContactChangedError } from '../../shared/crm/contacts/errors';
import type { ContactOutbox, ContactStore } from '../../shared/crm/contacts/ports';
import { MAX_TAGS } from '../../shared/crm/contacts/tag-field';
import { updateContact } from '../../shared/crm/contacts/use-cases';
import type { Contact } from '../../shared/crm/model';
import type { DomainEvent } from '../../shared/crm/ports';

const PREFIX = 'chonce-';
const CORE = `${PREFIX}core`;
let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chonce-'));
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

async function newContact(store: ContactStore, over: Partial<Contact> = {}): Promise<Contact> {
  const at = new Date().toISOString();
  const contact: Contact = {
    contactId: randomUUID(),
    workspaceId: `ws-${randomUUID()}`,
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

/** Reads that wait until `n` were made: every racer has read before any writes. */
function racingReads(
  store: ContactStore & ContactOutbox,
  n: number,
): Pick<ContactStore, 'get' | 'update'> & Pick<ContactOutbox, 'getWithPending'> {
  let arrived = 0;
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gated = async <T>(read: Promise<T>): Promise<T> => {
    const found = await read;
    arrived += 1;
    if (arrived >= n) open();
    if (arrived <= n) await gate;
    return found;
  };
  return {
    get: (ws, id) => gated(store.get(ws, id)),
    // A PATCH reads the contact with its pending events (ContactOutbox).
    getWithPending: (ws, id) => gated(store.getWithPending(ws, id)),
    update: (before, changes, options) => store.update(before, changes, options),
  };
}

const performer = (contacts: Pick<ContactStore, 'get' | 'update'>) =>
  journeyActions({
    contacts,
    now: () => new Date(),
    scoring: {} as never,
    webhooks: {} as never,
    notify: {} as never,
  });

const target = (contact: Contact, campaignId: string, nodeId: string, step = 1): ActionTarget => ({
  workspaceId: contact.workspaceId,
  campaignId,
  contactId: contact.contactId,
  nodeId,
  version: 1,
  run: 1,
  step,
  idempotencyKey: `campaign#${campaignId}#${contact.contactId}#1#${nodeId}#${step}`,
});

const rawContact = async (c: Contact) =>
  (
    await db.send(
      new GetCommand({ TableName: CORE, Key: { pk: workspacePk(c.workspaceId), sk: contactSk(c.contactId) } }),
    )
  ).Item;

const claims = async (c: Contact) =>
  (
    await db.send(
      new QueryCommand({
        TableName: CORE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': interactionPk(c.workspaceId, c.contactId), ':p': CONTACT_EFFECT_PREFIX },
      }),
    )
  ).Items ?? [];

describe('a journey action acts once per step key', () => {
  it('set-field: the key coming again writes nothing over the value a person set meanwhile', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store);
    const actions = performer(store);
    const at = target(contact, 'camp-a', 'stage');
    const action: JourneyAction = { type: 'set-field', field: 'stage', value: 'nurture' };

    await actions.perform(action, at);
    expect((await store.get(contact.workspaceId, contact.contactId))?.customFields).toEqual({ stage: 'nurture' });
    expect((await claims(contact)).map((c) => c.sk)).toEqual([`${CONTACT_EFFECT_PREFIX}${at.idempotencyKey}`]);

    const read = (await store.get(contact.workspaceId, contact.contactId)) as Contact;
    await store.update(read, { customFields: { stage: 'customer' }, updatedAt: new Date().toISOString() });
    const before = await rawContact(contact);

    await actions.perform(action, at);
    expect(await rawContact(contact)).toEqual(before);
    // The same node reached at another step (a loop) is another effect: it acts.
    await actions.perform(action, target(contact, 'camp-a', 'stage', 7));
    expect((await store.get(contact.workspaceId, contact.contactId))?.customFields).toEqual({ stage: 'nurture' });
  });

  it('add-tag and remove-tag: a tag removed (or added) meanwhile stays so when the key comes again', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store, { tags: ['old'] });
    const actions = performer(store);
    const add = target(contact, 'camp-a', 'tag');
    const remove = target(contact, 'camp-b', 'untag');

    await actions.perform({ type: 'add-tag', tag: 'trial' }, add);
    await actions.perform({ type: 'remove-tag', tag: 'old' }, remove);
    expect((await store.get(contact.workspaceId, contact.contactId))?.tags).toEqual(['trial']);

    const read = (await store.get(contact.workspaceId, contact.contactId)) as Contact;
    await store.update(read, { tags: ['old'], updatedAt: new Date().toISOString() });
    await actions.perform({ type: 'add-tag', tag: 'trial' }, add);
    await actions.perform({ type: 'remove-tag', tag: 'old' }, remove);
    expect((await store.get(contact.workspaceId, contact.contactId))?.tags).toEqual(['old']);
  });

  // Review round 15: an action that found its change in place claimed nothing, so the same step run
  // again (a retry days later) acted on the contact as a person had changed it meanwhile.
  it('an action finding its change in place writes nothing but its claim (the step is decided once)', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store, { tags: ['trial'] });
    const before = await rawContact(contact);
    await performer(store).perform({ type: 'add-tag', tag: 'trial' }, target(contact, 'camp-a', 'tag'));
    expect(await rawContact(contact)).toEqual(before);
    expect(await claims(contact)).toHaveLength(1);
  });

  it('two deliveries of the same step at once write the change once', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store);
    const actions = performer(racingReads(store, 2));
    const at = target(contact, 'camp-a', 'tag');
    await Promise.all([
      actions.perform({ type: 'add-tag', tag: 'trial' }, at),
      actions.perform({ type: 'add-tag', tag: 'trial' }, at),
    ]);
    expect((await store.get(contact.workspaceId, contact.contactId))?.tags).toEqual(['trial']);
    expect(await claims(contact)).toHaveLength(1);
  });
});

describe('concurrent changes of one contact are all kept', () => {
  it('remove-tag racing another campaign’s add-tag: the one removed, the other added', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store, { tags: ['a', 'b'] });
    const actions = performer(racingReads(store, 2));
    await Promise.all([
      actions.perform({ type: 'remove-tag', tag: 'a' }, target(contact, 'camp-a', 'n')),
      actions.perform({ type: 'add-tag', tag: 'c' }, target(contact, 'camp-b', 'n')),
    ]);
    expect((await store.get(contact.workspaceId, contact.contactId))?.tags).toEqual(['b', 'c']);
  });

  it('a PATCH of tags racing a journey add-tag keeps both, and publishes its own tag once', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store, { tags: ['a'] });
    const racing = racingReads(store, 2);
    const published: DomainEvent[] = [];
    let id = 0;
    await Promise.all([
      updateContact(
        contact.workspaceId,
        contact.contactId,
        { tags: ['a', 'vip'] },
        {
          contacts: { ...store, ...racing },
          now: () => new Date(),
          newId: () => `e${++id}`,
          events: { publish: async (events) => void published.push(...events) },
        },
      ),
      performer(racing).perform({ type: 'add-tag', tag: 'trial' }, target(contact, 'camp-a', 'tag')),
    ]);
    const stored = await store.get(contact.workspaceId, contact.contactId);
    expect([...(stored?.tags ?? [])].sort()).toEqual(['a', 'trial', 'vip']);
    expect(published.map((e) => e.detail.tag)).toEqual(['vip']);
  });

  it('a field change racing a rename and another field: all kept, the search text that of the stored name', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store, { firstName: 'Ada', customFields: { plan: 'free' } });
    const stale = contact;
    await store.update(contact, {
      firstName: 'Grace',
      customFields: { plan: 'free', region: 'eu' },
      updatedAt: new Date().toISOString(),
    });
    // A change computed from the read before the rename (a whole new map, and a company).
    await store.update(stale, {
      customFields: { plan: 'pro', source: 'webinar' },
      company: 'Navy',
      updatedAt: new Date().toISOString(),
    });
    const item = await rawContact(contact);
    expect(item?.customFields).toEqual({ plan: 'pro', region: 'eu', source: 'webinar' });
    expect(item?.firstName).toBe('Grace');
    expect(String(item?.search)).toContain('grace');
    expect(String(item?.search)).toContain('navy');
    expect(String(item?.search)).not.toContain('ada');
  });

  it('the same change written again from its old read (a retried request) writes nothing more', async () => {
    const store = dynamoContacts(db, CORE);
    const contact = await newContact(store, { tags: ['a'] });
    await store.update(contact, { tags: ['a', 'b'], updatedAt: '2030-01-01T00:00:00.000Z' });
    const after = await rawContact(contact);
    await store.update(contact, { tags: ['a', 'b'], updatedAt: '2030-01-02T00:00:00.000Z' });
    expect(await rawContact(contact)).toEqual(after);
  });

  it('a racing add-tag that would pass the tag limit fails the enrolment instead', async () => {
    const store = dynamoContacts(db, CORE);
    const tags = Array.from({ length: MAX_TAGS - 1 }, (_, i) => `t${i}`);
    const contact = await newContact(store, { tags });
    const actions = performer(racingReads(store, 2));
    const outcomes = await Promise.allSettled([
      actions.perform({ type: 'add-tag', tag: 'x' }, target(contact, 'camp-a', 'n')),
      actions.perform({ type: 'add-tag', tag: 'y' }, target(contact, 'camp-b', 'n')),
    ]);
    const stored = await store.get(contact.workspaceId, contact.contactId);
    expect(stored?.tags).toHaveLength(MAX_TAGS);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ActionFailedError);
    expect(String(failed.reason.message)).toContain(`(${MAX_TAGS})`);
  });

  it('a store write rebased past the field limit is refused, not written', async () => {
    const store = dynamoContacts(db, CORE);
    const full = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`f${i}`, i]));
    const contact = await newContact(store, { customFields: full });
    await store.update(contact, { customFields: { ...full, other: 1 }, updatedAt: new Date().toISOString() });
    await expect(
      store.update(contact, { customFields: { ...full, mine: 1 }, updatedAt: new Date().toISOString() }),
    ).rejects.toBeInstanceOf(ContactChangedError);
    expect(Object.keys((await store.get(contact.workspaceId, contact.contactId))?.customFields ?? {})).toHaveLength(50);
  });
});
