// Review round 19: this test failed at d10baec.
// Issue 13's fallback zone, "the workspace's", did not exist: a campaign created without a zone got
// UTC whatever the workspace. Through the `security` and `campaigns` functions (the handlers API
// Gateway calls) on the embedded DynamoDB: `PUT /api/settings/workspace.time_zone` sets the zone
// (an invalid one is a 400 that stores nothing), a campaign created without a zone takes it (shown by
// GET, frozen by publish), an explicit zone is kept, and a later change of the setting moves none.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { campaignVersionSk, settingSk, workspacePk } from '../../shared/adapters/keys';
import { campaignsFunctionForFile, WAIT_JOURNEY } from '../support/campaign-wiring';

const wiring = campaignsFunctionForFile('r19w-');
const { call, setting } = wiring;
const KEY = 'workspace.time_zone';

const storedSetting = async () =>
  (
    await wiring.db.send(
      new GetCommand({
        TableName: wiring.core,
        Key: { pk: workspacePk(wiring.owner.workspaceId), sk: settingSk(KEY) },
        ConsistentRead: true,
      }),
    )
  ).Item;

const create = async (rules?: unknown) => {
  const created = await call('POST', 'POST /api/campaigns', undefined, {
    name: 'Zoned',
    journey: WAIT_JOURNEY,
    ...(rules ? { rules } : {}),
  });
  expect(created.status).toBe(201);
  return created.json.campaign as { campaignId: string; rules: { timeZone: string } };
};
const zoneOf = async (id: string) => {
  const got = await call('GET', 'GET /api/campaigns/{id}', id);
  expect(got.status).toBe(200);
  return got.json.campaign.rules.timeZone as string;
};

describe("the workspace's time zone, through the API", () => {
  it('refuses an invalid zone with a 400 and stores nothing', async () => {
    for (const value of ['Mars/Olympus_Mons', '', 5, null]) {
      const refused = await setting('PUT', KEY, { value });
      expect(refused).toMatchObject({ status: 400, json: { code: 'INVALID_SETTING_VALUE' } });
    }
    expect(await setting('PUT', KEY, { value: 'Europe/Paris', isSecret: true })).toMatchObject({
      status: 400,
      json: { code: 'SETTING_NOT_SECRET' },
    });
    expect(await storedSetting()).toBeUndefined();
    // Unset: a campaign without a zone is UTC, as before.
    expect((await create()).rules.timeZone).toBe('UTC');
  });

  it('gives a campaign created without a zone the workspace zone, keeps an explicit one, and freezes both', async () => {
    expect((await setting('PUT', KEY, { value: 'Europe/Berlin' })).status).toBe(201);
    expect(await storedSetting()).toMatchObject({ valueJson: '"Europe/Berlin"' });

    const defaulted = await create();
    expect(defaulted.rules.timeZone).toBe('Europe/Berlin');
    expect(await zoneOf(defaulted.campaignId)).toBe('Europe/Berlin');
    const explicit = await create({ timeZone: 'America/Chicago', reentry: { mode: 'never' } });
    expect(explicit.rules.timeZone).toBe('America/Chicago');
    const withOtherRules = await create({ reentry: { mode: 'always' } });
    expect(withOtherRules.rules).toEqual({ timeZone: 'Europe/Berlin', reentry: { mode: 'always' } });

    // A bad replacement is refused and the stored zone stays.
    expect((await setting('PUT', KEY, { value: 'Not/AZone' })).status).toBe(400);
    expect(await storedSetting()).toMatchObject({ valueJson: '"Europe/Berlin"' });

    // Later changes of the setting change no existing campaign, draft or published.
    expect((await call('POST', 'POST /api/campaigns/{id}/publish', defaulted.campaignId)).status).toBe(200);
    expect((await setting('PUT', KEY, { value: 'Asia/Tokyo' })).status).toBe(200);
    expect(await zoneOf(defaulted.campaignId)).toBe('Europe/Berlin');
    expect(await zoneOf(explicit.campaignId)).toBe('America/Chicago');
    const version = await wiring.db.send(
      new GetCommand({
        TableName: wiring.core,
        Key: { pk: workspacePk(wiring.owner.workspaceId), sk: campaignVersionSk(defaulted.campaignId, 1) },
      }),
    );
    expect(JSON.parse(String(version.Item?.rulesJson))).toMatchObject({ timeZone: 'Europe/Berlin' });

    // Removing a draft's zone takes the workspace's zone as it is now.
    const patched = await call('PATCH', 'PATCH /api/campaigns/{id}', explicit.campaignId, {
      rules: { timeZone: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.campaign.rules.timeZone).toBe('Asia/Tokyo');

    // Deleting the setting: back to UTC for new campaigns.
    expect((await setting('DELETE', KEY)).status).toBe(204);
    expect((await create()).rules.timeZone).toBe('UTC');
  });
});
