/**
 * Review round 20 re-review (r20r1): the settings cap bounds only new settings; a workspace that
 * already keeps more (written before e8d5afa, when there was no cap) still cannot be listed.
 *
 * Defect (LOW): `MAX_WORKSPACE_SETTINGS` (50) is enforced when a new key is put
 * (shared/adapters/dynamo-settings.ts `put`, the counter), and docs/IDENTITY.md says "The listing
 * answers every setting in one body, so the cap is what keeps it answerable". But nothing bounds
 * the settings a workspace already holds: `GET /api/settings` still reads them all
 * (dynamo-settings.ts `list`, a `queryAll`) and answers them in one body. A workspace that reached
 * ~770 settings of 8 KB before the upgrade (what r20b showed anyone with `settings:write` could do
 * in seconds) keeps a listing larger than the 6 MB a Lambda may answer: a 5xx for everyone in the
 * cloud, and the one page that names the keys, which a `DELETE` needs, is the one that fails.
 * The local runtime has no such limit, so the test measures the body against it.
 * Root cause: shared/governance/settings.ts:listSettings / shared/adapters/dynamo-settings.ts
 * `list` (unbounded read of pre-existing data; the cap is only checked on create).
 * Correct: the listing stays within what a function may answer whatever the stored data (e.g. it
 * reads at most the cap's worth plus globals and answers a cursor / `truncated` for the rest), or
 * an upgrade step brings over-cap workspaces within the cap.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { settingSk, workspacePk } from '../../shared/adapters/keys';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response (the HTTP API's integration cannot answer more). */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;
/** Settings the workspace kept from before the cap (what the store accepted then). */
const OLD_SETTINGS = 800;

let runtime: Runtime;
let admin: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  admin = await newUser(runtime, 'r20r1-settings-old');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('r20r1: the settings listing of a workspace from before the cap', () => {
  it('stays within what a Lambda may answer', async () => {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
    // A JSON string of exactly 8 KB: the largest value the store took, then as now.
    const valueJson = JSON.stringify('x'.repeat(8 * 1024 - 2));
    for (let start = 0; start < OLD_SETTINGS; start += 25) {
      const items = Array.from({ length: 25 }, (_, i) => ({
        PutRequest: {
          Item: {
            pk: workspacePk(admin.workspaceId),
            sk: settingSk(`old.bulk.${start + i}`),
            type: 'setting',
            key: `old.bulk.${start + i}`,
            isSecret: false,
            valueJson,
            updatedAt: '2026-11-01T00:00:00.000Z',
            updatedBy: admin.userId,
          },
        },
      }));
      await db.send(new BatchWriteCommand({ RequestItems: { [runtime.tables.core as string]: items } }));
    }

    // The cap is in force for new keys...
    const more = await fetch(`${runtime.url}/api/settings/new.one`, {
      method: 'PUT',
      headers: as(admin),
      body: JSON.stringify({ value: 1 }),
    });
    expect(more.status).toBe(409);

    // ...but the listing still answers all the old ones.
    const res = await fetch(`${runtime.url}/api/settings`, { headers: as(admin) });
    expect(res.status).toBe(200);
    const body = await res.arrayBuffer();
    expect(
      body.byteLength,
      `the listing is ${body.byteLength} bytes, over what a Lambda may answer (a 5xx in the cloud)`,
    ).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT);
  }, 120_000);
});
