/**
 * Finding (review round 25, reviewer b): a campaign's draft is saved as long as the whole record
 * fits DynamoDB's 400 KB item, with no room kept for what later writes add to the same record: a
 * status change's follow-up marker (archive, resume: `followUp`, `followUpRevision`, gsi2), a
 * promotion (manual or the engine's automatic one), an AI copy approval. A draft saved close to the
 * limit (200 email nodes with subject variants get there) leaves a campaign that cannot be archived
 * (`DELETE /api/campaigns/{id}` answers 413 "What you sent is too large" to a request with no body)
 * nor resumed, and whose `promote` rule fails every minute for ever in the engine (stats keep saying
 * "promoted automatically at the next arrival"). Severity: MEDIUM. Fails at 679faf6.
 * Reached by: PATCH a large draft (accepted, 200), then archive / resume / wait for the promotion.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignStore } from '../../shared/adapters/dynamo-campaigns';
import {
  type CampaignDeps,
  createCampaign,
  createCampaignBody,
  publishCampaign,
  transitionCampaign,
  updateCampaign,
  updateCampaignBody,
} from '../../shared/campaigns/campaign';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r25bhead-';
const CORE = `${PREFIX}core`;
let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const WS = 'ws-r25b-head';

/** A journey whose subject lines hold `bytes` characters in all (4 lines an email node, up to 998 each). */
function journeyOf(bytes: number) {
  const nodes: Record<string, unknown>[] = [];
  let left = bytes;
  let i = 0;
  while (left > 0) {
    const take = Math.min(left, 3992);
    const q = Math.max(1, Math.floor(take / 4));
    const lengths = [q, q, q, Math.max(1, take - 3 * q)];
    nodes.push({
      id: `m${i}`,
      kind: 'email',
      templateId: 't1',
      subjectVariants: lengths.map((n, k) => `${'ABCD'[k]}${i}:`.padEnd(Math.min(998, n), 'x')),
      next: '',
    });
    left -= take;
    i += 1;
  }
  const all = [{ id: 'start', kind: 'trigger', next: nodes[0]?.id ?? 'done' }, ...nodes, { id: 'done', kind: 'exit' }];
  for (let k = 1; k < all.length - 1; k++) (all[k] as { next: string }).next = (all[k + 1] as { id: string }).id;
  return { nodes: all };
}

describe('a campaign saved close to the 400 KB item', () => {
  it('can still be archived', async () => {
    const deps: CampaignDeps = {
      campaigns: dynamoCampaignStore(db, CORE),
      now: () => new Date('2026-06-01T08:00:00Z'),
      newId: randomUUID,
    };
    const created = await createCampaign(
      WS,
      'u1',
      createCampaignBody.parse({ name: 'Big', journey: journeyOf(10), rules: { timeZone: 'UTC' } }),
      deps,
    );
    const active = await publishCampaign(WS, created.campaignId, deps, async (j) => j);
    expect(active.status).toBe('active');

    // The largest draft a PATCH accepts (binary search on its bytes): every PATCH answers 200 or a 4xx.
    let low = 300_000;
    let high = 420_000;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      const saved = await updateCampaign(
        WS,
        created.campaignId,
        updateCampaignBody.parse({ journey: journeyOf(mid) }),
        deps,
      ).then(
        () => true,
        (error: { status?: number; name?: string; message?: string }) => {
          // A refusal is fine, as long as it is a 4xx (the route answers an item too large with 413).
          if (error.name !== 'ValidationException' && !(error.status && error.status < 500)) throw error;
          return false;
        },
      );
      if (saved) low = mid;
      else high = mid;
    }
    await updateCampaign(WS, created.campaignId, updateCampaignBody.parse({ journey: journeyOf(low) }), deps);

    // The user archives it (DELETE /api/campaigns/{id}): it must land.
    const archived = await transitionCampaign(WS, created.campaignId, 'archive', deps).then(
      (c) => c.status,
      (error: Error) => `${error.name}: ${error.message}`,
    );
    expect(archived).toBe('archived');
  }, 120_000);
});
