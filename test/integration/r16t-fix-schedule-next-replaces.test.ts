// Review round 16: this test failed at 5bc3520.
/**
 * After a launch, the next slot replaces the launched one in one conditional write (it was a
 * removal and then a write: a failure between them left the campaign with no slot for good).
 * What the write does in each state the record can be in when it lands.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { campaignSk, DUE_CAMPAIGNS_PK, dueCampaignSk, workspacePk } from '../../shared/adapters/keys';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r16t-fix-next-';
const CORE = `${PREFIX}core`;
const LAUNCHED = '2030-01-01T09:00:00.000Z';
const NEXT = '2030-01-02T09:00:00.000Z';

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

async function record(state: { status: string; publishedVersion: number; nextRunAt?: string; place?: string }) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const campaignId = 'c1';
  const { nextRunAt, place, ...rest } = state;
  await db.send(
    new PutCommand({
      TableName: CORE,
      Item: {
        pk: workspacePk(workspaceId),
        sk: campaignSk(campaignId),
        type: 'campaign',
        workspaceId,
        campaignId,
        ...rest,
        ...(nextRunAt
          ? {
              nextRunAt,
              gsi1pk: DUE_CAMPAIGNS_PK,
              gsi1sk: dueCampaignSk(place ?? nextRunAt, workspaceId, campaignId),
            }
          : {}),
      },
    }),
  );
  const slot = async () => {
    const item = (
      await db.send(
        new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk(campaignId) } }),
      )
    ).Item;
    return { nextRunAt: item?.nextRunAt, gsi1sk: item?.gsi1sk };
  };
  const scheduleNext = () => dynamoCampaignTriggers(db, CORE).scheduleNext(workspaceId, campaignId, 1, NEXT, LAUNCHED);
  return { slot, scheduleNext, sk: (at: string) => dueCampaignSk(at, workspaceId, campaignId) };
}

describe('the next slot after a launch', () => {
  it('replaces the launched slot of a campaign still active on the version planned from', async () => {
    const r = await record({ status: 'active', publishedVersion: 1, nextRunAt: LAUNCHED });
    await r.scheduleNext();
    expect(await r.slot()).toEqual({ nextRunAt: NEXT, gsi1sk: r.sk(NEXT) });
  });

  it('replaces it also when a failed run had moved its place in the due index back', async () => {
    const r = await record({
      status: 'active',
      publishedVersion: 1,
      nextRunAt: LAUNCHED,
      place: '2030-01-01T09:05:00.000Z',
    });
    await r.scheduleNext();
    expect(await r.slot()).toEqual({ nextRunAt: NEXT, gsi1sk: r.sk(NEXT) });
  });

  it('leaves a slot a sync wrote meanwhile', async () => {
    const other = '2030-01-01T18:00:00.000Z';
    const r = await record({ status: 'active', publishedVersion: 1, nextRunAt: other });
    await r.scheduleNext();
    expect(await r.slot()).toEqual({ nextRunAt: other, gsi1sk: r.sk(other) });
  });

  it('clears the launched slot of a campaign paused since the plan', async () => {
    const r = await record({ status: 'paused', publishedVersion: 1, nextRunAt: LAUNCHED });
    await r.scheduleNext();
    expect(await r.slot()).toEqual({ nextRunAt: undefined, gsi1sk: undefined });
  });

  it('keeps the launched slot due when a publish of another version kept it (planned again on that one)', async () => {
    const r = await record({ status: 'active', publishedVersion: 2, nextRunAt: LAUNCHED });
    await r.scheduleNext();
    expect(await r.slot()).toEqual({ nextRunAt: LAUNCHED, gsi1sk: r.sk(LAUNCHED) });
  });

  it('writes nothing when the slot is gone (a publish without a schedule)', async () => {
    const r = await record({ status: 'active', publishedVersion: 2 });
    await r.scheduleNext();
    expect(await r.slot()).toEqual({ nextRunAt: undefined, gsi1sk: undefined });
  });
});
