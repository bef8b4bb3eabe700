/**
 * Review round 14: this test failed at cb20668 (a viewer's GET of the stats wrote the automatic A/B promotion; now the engine promotes).
 *
 * Defect (review round 14, MEDIUM): a read-only member (built-in role `viewer`: `campaigns:read`
 * only) changes what every running enrolment does just by reading a campaign's stats.
 * `GET /api/campaigns/{id}/stats` runs the automatic A/B promotion (promotion.ts `runningStats` ->
 * `promoteDue`), which writes the campaign record (promotions, revision) - the very effect the API
 * reserves for `campaigns:launch` (`POST /api/campaigns/{id}/nodes/{nodeId}/promote`, declared
 * "Changes what running enrolments do (like publish): launch permission"). A viewer's GET, which
 * the edge lets through as a read, decides when (and whether) a winner is forced on every new
 * arrival; nothing records that the write came from a read-only caller (no audit entry, `by: auto`).
 * The converse holds too: while nobody reads the stats the rule never fires and arrivals keep
 * being split after a winner is clear.
 *
 * Root cause: functions/campaigns.ts 'campaigns.stats' -> shared/campaigns/promotion.ts
 * `runningStats` (a write in a GET handler, unconditioned on the caller's permissions).
 * Correct: a GET by a viewer changes nothing; the automatic promotion is applied by the engine
 * (e.g. a scheduled job or the step that moves the counters past the test's threshold), audited.
 *
 * Fixed: the stats read writes nothing and says where the rule stands (`autoPromotion`); the
 * drip-step worker writes the promotion (`by: 'auto'`, logged) at the campaign's next step and the
 * arrival that found it due takes the winner (promotion.ts `autoPromoter`): the second test.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { campaignStatsSk, workspacePk } from '../../shared/adapters/keys';
import { armFor } from '../../shared/campaigns/split';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { eventually, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
/** The campaign of the first test: its arm b wins, unpromoted after the viewer's read. */
let campaignId: string | undefined;
let viewer: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r14-stats-own');
  viewer = await newUser(runtime, 'r14-stats-view');
  await addMember(runtime, owner.workspaceId, owner.organizationId, viewer, 'viewer');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

/** The split's arms, as the journey below states them (split.ts hashes by its id and arms). */
const SPLIT_ARMS = {
  id: 'ab',
  arms: [
    { id: 'a', percent: 50 },
    { id: 'b', percent: 50 },
  ],
};

const call = (user: TestUser, method: string, path: string, body?: unknown) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user, { 'x-workspace-id': owner.workspaceId }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('GET /api/campaigns/{id}/stats by a viewer', () => {
  it('changes nothing (no promotion written by a read-only caller)', async () => {
    const template = await okJson(
      await call(owner, 'POST', '/api/email-templates', {
        name: 'Offer',
        category: 'transactional',
        subject: 'Offer',
        html: '<p>Offer</p>',
      }),
      201,
    );
    const templateId = template.template.templateId as string;
    const created = await okJson(
      await call(owner, 'POST', '/api/campaigns', {
        name: `Promote ${randomUUID().slice(0, 8)}`,
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'ab' },
            {
              id: 'ab',
              kind: 'split',
              arms: [
                { id: 'a', percent: 50, next: 'mail-a' },
                { id: 'b', percent: 50, next: 'mail-b' },
              ],
              promote: { metric: 'converted' },
            },
            { id: 'mail-a', kind: 'email', templateId, next: 'done' },
            { id: 'mail-b', kind: 'email', templateId, next: 'done' },
            { id: 'done', kind: 'exit' },
          ],
        },
        rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
      }),
      201,
    );
    const id = created.campaign.campaignId as string;
    campaignId = id;
    await okJson(await call(owner, 'POST', `/api/campaigns/${id}/publish`));
    const before = (await okJson(await call(owner, 'GET', `/api/campaigns/${id}`))).campaign;

    // The counters as the engine keeps them (one stats shard): arm b clearly wins at 95%.
    const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
    await db.send(
      new PutCommand({
        TableName: runtime.tables.core,
        Item: {
          pk: workspacePk(owner.workspaceId),
          sk: campaignStatsSk(id, 0),
          entered: 400,
          'arm:ab:a': 200,
          'arm:ab:b': 200,
          'armconv:ab:a': 20,
          'armconv:ab:b': 60,
          converted: 80,
        },
      }),
    );

    // A viewer may not promote ...
    expect((await call(viewer, 'POST', `/api/campaigns/${id}/nodes/ab/promote`, { arm: 'b' })).status).toBe(403);
    // ... but reads the stats.
    const stats = await okJson(await call(viewer, 'GET', `/api/campaigns/${id}/stats`));
    expect(stats.stats.splits.ab.verdict).toMatchObject({ status: 'winner', winner: 'b' });

    const after = (await okJson(await call(owner, 'GET', `/api/campaigns/${id}`))).campaign;
    // The viewer's read must not have changed the campaign (every new arrival now forced into b).
    expect({ revision: after.revision, promotions: after.promotions }).toEqual({
      revision: before.revision,
      promotions: before.promotions,
    });
    // What the rule would do, said without doing it.
    expect(stats.stats.splits.ab.autoPromotion).toMatchObject({ status: 'due', winner: 'b' });
  });

  it('is promoted by the engine at the next arrival at the split, which takes the winner', async () => {
    const id = campaignId as string;
    const before = (await okJson(await call(owner, 'GET', `/api/campaigns/${id}`))).campaign;
    // Contacts until two of them would be split into arm a by their hash (so the winner is seen to
    // override it), and at least four in all.
    const contacts: string[] = [];
    const hashedToA = () => contacts.filter((c) => armFor(SPLIT_ARMS, id, c)?.id === 'a').length;
    while (contacts.length < 4 || hashedToA() < 2) {
      const made = await okJson(
        await call(owner, 'POST', '/api/contacts', { email: `r14.${randomUUID().slice(0, 12)}@example.com` }),
        201,
      );
      contacts.push(made.contact.contactId as string);
    }
    await okJson(await call(owner, 'POST', `/api/campaigns/${id}/enrol`, { contactIds: contacts }), 202);
    const enrolled = await eventually(async () => {
      const page = await okJson(await call(owner, 'GET', `/api/campaigns/${id}/enrolments`));
      const list = page.enrolments as Array<{ contactId: string; arms?: Record<string, string> }>;
      return list.length === contacts.length && list.every((e) => e.arms?.ab) ? list : undefined;
    }, 20_000);
    // Every arrival, whatever its hash, took the winner.
    expect(new Set(enrolled.map((e) => e.arms?.ab))).toEqual(new Set(['b']));
    const after = (await okJson(await call(owner, 'GET', `/api/campaigns/${id}`))).campaign;
    expect(after.revision).toBe(before.revision + 1);
    expect(after.promotions.ab).toMatchObject({
      arm: 'b',
      by: 'auto',
      test: { metric: 'converted', text: 'Arm b wins on conversions at 95%' },
    });
    const stats = await okJson(await call(viewer, 'GET', `/api/campaigns/${id}/stats`));
    expect(stats.stats.splits.ab).toMatchObject({
      promotion: { arm: 'b', by: 'auto' },
      autoPromotion: { status: 'promoted' },
    });
    // Audited as the system's change, once.
    const log = await okJson(await call(owner, 'GET', '/api/security/audit-log?eventType=campaigns.promote&limit=100'));
    const auto = (log.entries as Array<Record<string, unknown>>).filter((e) => e.eventAction === 'AUTO');
    expect(auto).toHaveLength(1);
    expect(auto[0]).toMatchObject({
      actorType: 'system',
      actorId: 'campaign-engine',
      resourceId: id,
      metadata: { node: 'ab', promotion: { arm: 'b', by: 'auto' } },
    });
  }, 40_000);
});
