// Review round 16: this test failed at 5bc3520.
/**
 * A trigger run reads the 100 slots first in the due index (oldest first), and a slot whose launch
 * fails stays due at its place: 100 slots that keep failing (a state machine start refused for
 * them) filled every run's read, and a campaign due after them was never read, so never launched.
 * A failed slot's place now moves back to the run's time (its slot and launch id unchanged).
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignSchedule } from '../../shared/adapters/dynamo-campaigns';
import { campaignSk, DUE_CAMPAIGNS_PK, dueCampaignSk, workspacePk } from '../../shared/adapters/keys';
import type { LaunchStarter } from '../../shared/campaigns/ports';
import { triggerDueCampaigns } from '../../shared/campaigns/trigger-due-campaigns';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r16t-fix-starve-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const slotItem = (workspaceId: string, campaignId: string, nextRunAt: string) => ({
  pk: workspacePk(workspaceId),
  sk: campaignSk(campaignId),
  type: 'campaign',
  workspaceId,
  campaignId,
  status: 'active',
  nextRunAt,
  gsi1pk: DUE_CAMPAIGNS_PK,
  gsi1sk: dueCampaignSk(nextRunAt, workspaceId, campaignId),
});

describe('a trigger run behind 100 slots that keep failing', () => {
  it('still reads and launches the campaign due after them, and the failed ones stay due', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const broken = Array.from({ length: 100 }, (_, i) => `broken-${String(i).padStart(3, '0')}`);
    const items = [
      ...broken.map((id, i) => slotItem(workspaceId, id, `2030-01-01T08:${String(i % 60).padStart(2, '0')}:00.000Z`)),
      slotItem(workspaceId, 'fine', '2030-01-01T09:00:00.000Z'),
    ];
    for (let i = 0; i < items.length; i += 25) {
      await db.send(
        new BatchWriteCommand({
          RequestItems: { [CORE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const started: string[] = [];
    const launches: LaunchStarter = {
      async start(input) {
        if (input.campaignId.startsWith('broken-')) throw new Error('StateMachineDoesNotExist: refused');
        started.push(input.launchId);
      },
    };
    const schedule = dynamoCampaignSchedule(db, CORE);
    const run = (iso: string) => triggerDueCampaigns({ schedule, launches, now: () => new Date(iso) });

    const first = await run('2030-01-01T09:05:00.000Z');
    expect(first.failed).toHaveLength(100);
    const second = await run('2030-01-01T09:10:00.000Z');
    await run('2030-01-01T09:15:00.000Z');

    expect(started, 'the campaign due after the failing slots was never read').toEqual(['fine-20300101090000000']);
    expect(second.launched).toBe(1);
    // The failing slots are still due, with their own slot (so their launch id) unchanged.
    const stillDue = await schedule.due(new Date('2030-01-01T09:20:00.000Z'), 1000);
    expect(stillDue.filter((d) => d.workspaceId === workspaceId)).toHaveLength(100);
    const one = (
      await db.send(
        new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk('broken-007') } }),
      )
    ).Item;
    expect(one?.nextRunAt).toBe('2030-01-01T08:07:00.000Z');
    // Once it launches, the slot is cleared although its place in the index had moved.
    await schedule.markLaunched({ workspaceId, campaignId: 'broken-007', dueAt: '2030-01-01T08:07:00.000Z' });
    const cleared = (
      await db.send(
        new GetCommand({ TableName: CORE, Key: { pk: workspacePk(workspaceId), sk: campaignSk('broken-007') } }),
      )
    ).Item;
    expect({ nextRunAt: cleared?.nextRunAt, gsi1pk: cleared?.gsi1pk }).toEqual({
      nextRunAt: undefined,
      gsi1pk: undefined,
    });
  });
});
