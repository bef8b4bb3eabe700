/**
 * Review round 25 (g): the campaign record's writes the SDK retried after DynamoDB applied them
 * (their answer lost, test/support/lost-answer.ts). Each was refused by its own landed record:
 * - a create's Put threw (the request answered an error; the campaign was there);
 * - a change written alone (a rename, a promotion, an AI copy's approval: `replace`) and one
 *   written with its wiring alone (a status change of a campaign without a trigger entry) read
 *   the revision they moved as another change's: 409 CAMPAIGN_CHANGED, and an AI copy's approval
 *   undone (its template removed) under a record that names it.
 * Now each is written, once. A change that truly lost its race is still refused. Failed before the fix.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import type { Campaign } from '../../shared/campaigns/campaign';
import type { CampaignRules } from '../../shared/campaigns/enrolment';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r25gcp-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const core = () => dynamo.table('core');
const lossy = (command: string) => losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command);

const draft = (): Campaign => ({
  workspaceId: `ws-${randomUUID().slice(0, 8)}`,
  campaignId: `cmp-${randomUUID().slice(0, 8)}`,
  name: 'Welcome',
  status: 'draft',
  journey: {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'done' },
      { id: 'done', kind: 'exit' },
    ],
  } as Campaign['journey'],
  rules: { timeZone: 'UTC', reentry: { mode: 'never' } } as CampaignRules,
  revision: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'u1',
});

describe('the campaign record after a lost answer', () => {
  it('a create is created, no error', async () => {
    const c = draft();
    const l = lossy('PutItemCommand');
    await dynamoCampaignStore(l.db, core()).create(c);
    expect(l.lost()).toBe(1);
    expect((await dynamoCampaignStore(dynamo.db, core()).get(c.workspaceId, c.campaignId))?.name).toBe('Welcome');
  });

  it('a change written alone is written (true), and a stale one is still refused', async () => {
    const c = draft();
    const store = dynamoCampaignStore(dynamo.db, core());
    await store.create(c);
    const renamed = { ...c, name: 'Renamed', revision: 2, updatedAt: '2026-12-01T00:01:00.000Z' };
    const l = lossy('UpdateItemCommand');
    expect(await dynamoCampaignStore(l.db, core()).replace(renamed)).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await store.get(c.workspaceId, c.campaignId)).toMatchObject({ name: 'Renamed', revision: 2 });
    // Another change from the same read: lost its race.
    expect(await store.replace({ ...c, name: 'Other', revision: 2, updatedAt: '2026-12-01T00:02:00.000Z' })).toBe(
      false,
    );
  });

  it('a change written with its wiring alone is written (true)', async () => {
    const c = draft();
    const store = dynamoCampaignStore(dynamo.db, core());
    await store.create(c);
    const paused = { ...c, name: 'Wired', revision: 2, updatedAt: '2026-12-01T00:01:00.000Z' };
    const l = lossy('UpdateItemCommand');
    const wiring = { entry: undefined, slot: () => undefined };
    expect(await dynamoCampaignStore(l.db, core()).replace(paused, { wiring })).toBe(true);
    expect(l.lost()).toBe(1);
    expect(await store.get(c.workspaceId, c.campaignId)).toMatchObject({ name: 'Wired', revision: 2 });
  });
});
