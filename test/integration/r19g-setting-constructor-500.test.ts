/**
 * Review round 19 re-review (r19g).
 * Defect: `PUT /api/settings/constructor` answers 500. The known-settings table added by 4ce0ffd
 * (shared/governance/settings.ts `KNOWN_SETTINGS`, a plain object) is indexed by the caller's key;
 * `constructor` passes the key pattern and resolves to `Object.prototype.constructor`, which
 * `putSetting` then calls `.safeParse` on (TypeError -> 500 INTERNAL). A 5xx is a bug by the product
 * rules; before 4ce0ffd the same request stored the setting (200/201).
 * Severity: MEDIUM (5xx on a valid request to a public route).
 * Root cause: shared/governance/settings.ts:putSetting (`KNOWN_SETTINGS[key]` with a prototype).
 * Correct: own-property lookup (`Object.hasOwn(KNOWN_SETTINGS, key)` or a Map): the setting is stored,
 * 201 on first write.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { campaignsFunctionForFile } from '../support/campaign-wiring';

const wiring = campaignsFunctionForFile('r19g-');

type SecurityHandler = typeof import('../../functions/security')['handler'];
let security: SecurityHandler;
let apiKey: string;

beforeAll(async () => {
  ({ handler: security } = await import('../../functions/security'));
  const { dynamoApiKeys } = await import('../../shared/adapters/dynamo-api-keys');
  const { dynamoUsers } = await import('../../shared/adapters/dynamo-users');
  const { createApiKey } = await import('../../shared/governance/api-keys');
  const { BUILTIN_ROLE_PERMISSIONS } = await import('../../shared/identity/permissions');
  const caller = { ...wiring.owner, role: 'owner', permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner) };
  apiKey = (
    await createApiKey(
      caller,
      { name: 'settings', scopes: BUILTIN_ROLE_PERMISSIONS.owner },
      { store: dynamoApiKeys(wiring.db, wiring.core), now: () => new Date(), users: dynamoUsers(wiring.db, wiring.core) },
    )
  ).key;
});

async function put(key: string, body: unknown) {
  const { buildEvent } = await import('../../lib/local/api-event');
  const event = buildEvent(
    {
      method: 'PUT',
      url: `/api/settings/${key}`,
      headers: {
        host: 'localhost',
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'x-workspace-id': wiring.owner.workspaceId,
      },
      body: Buffer.from(JSON.stringify(body)),
      sourceIp: '198.51.100.21',
    },
    { routeKey: 'PUT /api/settings/{key}', pathParameters: { key } },
  );
  const context = { awsRequestId: randomUUID(), functionName: 'security', getRemainingTimeInMillis: () => 5000 };
  const result = await security(event, context as never);
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('r19g: PUT /api/settings/constructor', () => {
  it('stores the setting instead of answering 500', async () => {
    // Control: any other key of the pattern is stored.
    expect((await put('constructed', { value: { team: 'growth' } })).status).toBe(201);
    const answer = await put('constructor', { value: { team: 'growth' } });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ setting: { key: 'constructor', value: { team: 'growth' } } });
  });
});
