/**
 * The contact filter every audience goes through (the list, the export, a launch, a schedule
 * trigger): a `q` in any case selects what the list selects, wherever it comes from (the store
 * normalises it, so a caller that skips the list use case, like a launch's audience, cannot miss
 * contacts); a score range that runs backwards, or a bound that is not a number, is refused.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { contactAudience } from '../../../../shared/adapters/dynamo-campaigns';
import { listQuery } from '../../../../shared/adapters/dynamo-contact-list-query';
import { dynamoContacts } from '../../../../shared/adapters/dynamo-contacts';
import { audiencePage } from '../../../../shared/campaigns/messages';
import { triggerOn } from '../../../../shared/campaigns/trigger';
import { contactCreateSchema } from '../../../../shared/crm/contacts/contact-fields';
import { contactFilterSchema } from '../../../../shared/crm/contacts/contact-filter';
import { exportContacts } from '../../../../shared/crm/contacts/export-contacts';
import { createContact, listContacts } from '../../../../shared/crm/contacts/use-cases';
import { fakeClock, memoryContacts, memoryEvents, sequentialIds } from './memory-stores';

const WS = 'ws-filter';

/** A DocumentClient that answers every Query with no items and keeps the inputs it was sent. */
function recordingDb() {
  const inputs: Record<string, unknown>[] = [];
  const db = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      return { Items: [] };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, inputs };
}

describe('q: matched in any case by every caller', () => {
  it('the DynamoDB query compares the lower-cased, trimmed text with the lower-cased `search`', () => {
    const { input } = listQuery('core', WS, { q: '  AcMe Ltd ' }, { limit: 25 });
    expect(input.ExpressionAttributeValues).toMatchObject({ ':q': 'acme ltd' });
    expect(input.FilterExpression).toContain('contains(#search, :q)');
  });

  it('a launch audience (contactAudience, which calls the store directly) sends the same lower-cased q', async () => {
    const { db, inputs } = recordingDb();
    const audience = contactAudience(dynamoContacts(db, 'core'));
    await audience.page(WS, contactFilterSchema.parse({ q: 'AcmeZq1' }), 100);
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.every((i) => (i.ExpressionAttributeValues as Record<string, unknown>)[':q'] === 'acmezq1')).toBe(
      true,
    );
  });

  it('the list, the export and the in-memory store find a mixed-case company alike', async () => {
    const deps = { contacts: memoryContacts(), now: fakeClock().now, newId: sequentialIds(), events: memoryEvents() };
    await createContact(WS, contactCreateSchema.parse({ email: 'ada@example.com', company: 'AcmeZq' }), deps);
    const filter = contactFilterSchema.parse({ q: 'ACMEzq' });
    expect((await listContacts(WS, filter, { limit: 25 }, deps)).contacts).toHaveLength(1);
    expect((await exportContacts(WS, filter, deps)).count).toBe(1);
    expect((await deps.contacts.list(WS, filter, { limit: 25 })).contacts).toHaveLength(1);
  });
});

describe('score bounds', () => {
  const issues = (input: unknown) => {
    const parsed = contactFilterSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('refuses minScore above maxScore, naming both fields (with or without a tier)', () => {
    for (const filter of [
      { minScore: 80, maxScore: 20 },
      { tier: 'hot', minScore: 80, maxScore: 20 },
      { tier: 'hot', minScore: '80', maxScore: '20' },
    ]) {
      const found = issues(filter);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^minScore: .*minScore.*maxScore/);
    }
    expect(issues({ minScore: 20, maxScore: 20 })).toEqual([]);
    expect(issues({ minScore: '10', maxScore: '90' })).toEqual([]);
  });

  it('refuses what z.coerce would have read as a number: null, true, "", blanks, negatives, other text', () => {
    for (const bad of [null, true, false, '', ' ', '-1', '1e2', 'abc', [], {}, 101, '100.5']) {
      expect(issues({ minScore: bad }), JSON.stringify(bad)).not.toEqual([]);
      expect(issues({ maxScore: bad }), JSON.stringify(bad)).not.toEqual([]);
    }
    expect(contactFilterSchema.parse({ minScore: '5', maxScore: 7.5 })).toEqual({ minScore: 5, maxScore: 7.5 });
  });

  it('the launch, schedule-trigger and audience-page schemas refuse the same backwards range', () => {
    const backwards = { tier: 'hot', minScore: 80, maxScore: 20 };
    expect(z.catchall(contactFilterSchema, z.never()).safeParse(backwards).success).toBe(false);
    expect(triggerOn.safeParse({ type: 'schedule', cron: '0 9 ? * MON *', filter: backwards }).success).toBe(false);
    const page = { workspaceId: 'w', campaignId: 'c', launchId: 'l' };
    expect(audiencePage.safeParse({ ...page, filter: backwards }).success).toBe(false);
    expect(audiencePage.safeParse({ ...page, filter: { ...backwards, maxScore: 90 } }).success).toBe(true);
  });
});
