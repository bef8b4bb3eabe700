/** The step runner's view of a campaign: status read every time, a frozen version read once per instance. */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignStore, dynamoCampaignVersions } from '../../../shared/adapters/dynamo-campaigns';
import type { Campaign, CampaignStore } from '../../../shared/campaigns/campaign';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';

function countingStore(campaign: Campaign, version: PublishedVersion) {
  const reads = { get: 0, version: 0 };
  let current = campaign;
  const store = {
    get: async () => {
      reads.get += 1;
      return current;
    },
    version: async (_ws: string, _id: string, v: number) => {
      reads.version += 1;
      return v === version.version ? version : undefined;
    },
  } as unknown as CampaignStore;
  return { store, reads, set: (next: Campaign) => (current = next) };
}

describe('dynamoCampaignVersions', () => {
  const campaign = { workspaceId: 'ws', campaignId: 'c', status: 'active', publishedVersion: 1 } as Campaign;
  const version = { version: 1, journey: { nodes: [], edges: [] }, rules: {} } as unknown as PublishedVersion;

  it('reads the campaign for every step (a pause applies at once) and the frozen version once', async () => {
    const { store, reads, set } = countingStore(campaign, version);
    const versions = dynamoCampaignVersions(store);
    expect((await versions.load('ws', 'c', 1))?.status).toBe('active');
    set({ ...campaign, status: 'paused' });
    const again = await versions.load('ws', 'c', 1);
    expect(again?.status).toBe('paused');
    expect(again?.published?.version).toBe(1);
    expect(reads).toEqual({ get: 2, version: 1 });
  });

  it('does not keep a version that is not there', async () => {
    const { store, reads } = countingStore(campaign, version);
    const versions = dynamoCampaignVersions(store);
    expect((await versions.load('ws', 'c', 2))?.published).toBeUndefined();
    expect((await versions.load('ws', 'c', 2))?.published).toBeUndefined();
    expect(reads.version).toBe(2);
  });
});

describe('dynamoCampaignStore.version', () => {
  it('reads a frozen version strongly consistent (a read right after the publish must see it)', async () => {
    const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
    const db = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return {
          Item: { workspaceId: 'ws', campaignId: 'c', version: 3, journeyJson: '{"nodes":[]}', rulesJson: '{}' },
        };
      },
    } as unknown as DynamoDBDocumentClient;
    const found = await dynamoCampaignStore(db, 'core').version('ws', 'c', 3);
    expect(found).toMatchObject({ workspaceId: 'ws', campaignId: 'c', version: 3 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.name).toBe('GetCommand');
    expect(sent[0]?.input).toMatchObject({ TableName: 'core', ConsistentRead: true });
  });
});
