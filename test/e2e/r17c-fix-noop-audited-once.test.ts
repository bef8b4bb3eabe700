// Review round 17: this test failed at 2d3df06.
// A repeat of a no-op change (an alert acknowledged or resolved again, a key or invite revoked
// again) wrote another audit entry naming whoever repeated it, though the first stamp stays.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let raw: DynamoDBClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
}, 60_000);
afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

async function call(user: TestUser, method: string, path: string, ws: string, body?: unknown) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user, { 'x-workspace-id': ws }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed };
}

async function auditActors(user: TestUser, ws: string, eventType: string, resourceId: string) {
  const log = await call(user, 'GET', `/api/security/audit-log?eventType=${eventType}`, ws);
  return (log.body.entries as Array<{ actorId: string; resourceId: string }>)
    .filter((e) => e.resourceId === resourceId)
    .map((e) => e.actorId);
}

describe('a repeated no-op change is audited once', () => {
  it('an alert acknowledged and resolved twice (by two people) has one entry for each', async () => {
    const owner = await newUser(runtime, 'r17cf-al', { verified: true });
    const admin = await newUser(runtime, 'r17cf-al-adm', { verified: true });
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const ws = owner.workspaceId;
    const alertId = `al-${Date.now().toString(36)}`;
    await dynamoSecurityAlerts(DynamoDBDocumentClient.from(raw), runtime.tables.core as string).raise({
      id: alertId,
      alertType: 'auth_anomaly',
      severity: 'medium',
      title: 'Test alert',
      metadata: {},
      workspaceId: ws,
      createdAt: new Date().toISOString(),
    });

    for (const action of ['acknowledge', 'resolve'] as const) {
      const first = await call(owner, 'POST', `/api/security/alerts/${alertId}/${action}`, ws);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const again = await call(admin, 'POST', `/api/security/alerts/${alertId}/${action}`, ws);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      const by = action === 'resolve' ? 'resolvedBy' : 'acknowledgedBy';
      expect(again.body.alert[by]).toBe(owner.userId);
      expect(await auditActors(owner, ws, `alerts.${action}`, alertId)).toEqual([owner.userId]);
    }
  });

  it('an invite withdrawn twice by two people has one invites.revoke entry, naming the first', async () => {
    const owner = await newUser(runtime, 'r17cf-inv', { verified: true });
    const admin = await newUser(runtime, 'r17cf-inv-adm', { verified: true });
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const ws = owner.workspaceId;
    const sent = await call(owner, 'POST', `/api/workspaces/${ws}/invites`, ws, {
      email: `r17cf-invitee-${Date.now()}@example.com`,
      role: 'viewer',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const inviteId = sent.body.invite.inviteId as string;
    expect((await call(owner, 'DELETE', `/api/workspaces/${ws}/invites/${inviteId}`, ws)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/api/workspaces/${ws}/invites/${inviteId}`, ws)).status).toBe(204);
    expect(await auditActors(owner, ws, 'invites.revoke', inviteId)).toEqual([owner.userId]);
  });
});
