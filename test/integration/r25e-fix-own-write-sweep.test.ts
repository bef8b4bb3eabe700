/**
 * Review round 25 (e), the rest of the class found by a sweep of shared/adapters/: writes the SDK
 * retried after DynamoDB applied them (their answer lost).
 *
 * - an audit entry's put was refused by itself and threw (an error logged, the entry written); a
 *   security alert's likewise (the abuse alert's raise failed after it was stored);
 * - an AI call's usage and its budget reservation were ADDed twice (the usage shown doubled, the
 *   month's budget spent twice): now sent at most once (add-at-most-once.ts);
 * - an API key's `usageCount` counted one use twice: at most once;
 * - a one-time token (password reset, email verification): its issue threw on its own put, and its
 *   use, a delete retried, found no item: the link answered "invalid" although it was just used.
 *   Now a mark of its own; a used token reads as absent and is used once;
 * - an invite's revocation read its own landed write as "already revoked"; an invite saved alone
 *   threw on its own put.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoAiUsage } from '../../shared/adapters/dynamo-ai-usage';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { dynamoAccountTokens } from '../../shared/adapters/dynamo-users';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { API_KEY_SK, alertPk, apiKeyPk, auditPk } from '../../shared/adapters/keys';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r25esweep-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const core = () => dynamo.table('core');
const lossy = (command: string | readonly string[], when?: (input: Record<string, unknown>) => boolean) =>
  losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command, when);
const id = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

describe('an audit entry after a lost answer', () => {
  it('is written, once, and no error', async () => {
    const ws = id('ws');
    const l = lossy('PutItemCommand');
    const entry = {
      id: id('audit'),
      createdAt: new Date().toISOString(),
      workspaceId: ws,
      eventType: 'contact',
      eventAction: 'create',
      actorType: 'user' as const,
      actorId: 'u1',
    };
    await dynamoAudit(l.db, core()).append(entry);
    expect(l.lost()).toBe(1);
    const items =
      (
        await dynamo.db.send(
          new QueryCommand({
            TableName: core(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': auditPk(ws) },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect(items.map((i) => i.id)).toEqual([entry.id]);
  });
});

describe('a security alert after a lost answer', () => {
  it('is raised, once, and no error', async () => {
    const ws = id('ws');
    const l = lossy('PutItemCommand');
    const alert = {
      id: id('alert'),
      alertType: 'rate_limit_exceeded' as const,
      severity: 'medium' as const,
      title: 'A client was refused 50 times within 5 minutes',
      metadata: { client: 'ip:198.51.100.1' },
      workspaceId: ws,
      createdAt: new Date().toISOString(),
    };
    await dynamoSecurityAlerts(l.db, core()).raise(alert);
    expect(l.lost()).toBe(1);
    const items =
      (
        await dynamo.db.send(
          new QueryCommand({
            TableName: core(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': alertPk(ws) },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect(items.map((i) => i.id)).toEqual([alert.id]);
  });
});

describe("an AI call's usage after a lost answer", () => {
  const delta = { tokensIn: 100, tokensOut: 50, costUsd: 0.5, calls: 1 };
  const budgets = { monthlyTokens: 1_000_000, monthlyCostUsd: 100 };

  it('is added at most once', async () => {
    const ws = id('ws');
    const l = lossy('UpdateItemCommand');
    await dynamoAiUsage(l.db, core()).add(ws, '2026-12', 'email-intent', delta);
    expect(l.lost()).toBe(1);
    expect((await dynamoAiUsage(dynamo.db, core()).read(ws, '2026-12')).total).toEqual(delta);
  });

  it('a reservation is held at most once, and its call runs', async () => {
    const ws = id('ws');
    const l = lossy('UpdateItemCommand');
    expect(await dynamoAiUsage(l.db, core()).reserve(ws, '2026-12', 'email-intent', delta, budgets)).toEqual({
      reserved: true,
    });
    expect(l.lost()).toBe(1);
    expect((await dynamoAiUsage(dynamo.db, core()).read(ws, '2026-12')).total).toEqual(delta);
    // A reservation past the budget is still refused.
    const tight = { monthlyTokens: 200, monthlyCostUsd: 100 };
    expect((await dynamoAiUsage(dynamo.db, core()).reserve(ws, '2026-12', 'email-intent', delta, tight)).reserved).toBe(
      false,
    );
  });
});

describe("an API key's use after a lost answer", () => {
  it('is counted at most once', async () => {
    const hash = id('keyhash');
    await dynamo.db.send(
      new PutCommand({ TableName: core(), Item: { pk: apiKeyPk(hash), sk: API_KEY_SK, usageCount: 0 } }),
    );
    const l = lossy('UpdateItemCommand');
    await dynamoApiKeys(l.db, core()).recordUse(hash, new Date(), '192.0.2.1');
    expect(l.lost()).toBe(1);
    const item = (
      await dynamo.db.send(
        new GetCommand({ TableName: core(), Key: { pk: apiKeyPk(hash), sk: API_KEY_SK }, ConsistentRead: true }),
      )
    ).Item;
    expect(item?.usageCount).toBe(1);
  });
});

describe('a one-time token after a lost answer', () => {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 3600_000);

  it('is issued: no error', async () => {
    const hash = id('tok');
    const l = lossy('PutItemCommand');
    await dynamoAccountTokens(l.db, core()).issue(hash, 'password-reset', { userId: 'u1' }, expiresAt);
    expect(l.lost()).toBe(1);
    expect(await dynamoAccountTokens(dynamo.db, core()).peek(hash, 'password-reset', now)).toEqual({ userId: 'u1' });
  });

  it('is used by the call whose write landed, once', async () => {
    const hash = id('tok');
    const tokens = dynamoAccountTokens(dynamo.db, core());
    await tokens.issue(hash, 'password-reset', { userId: 'u1', passwordVersion: 2 }, expiresAt);
    // Whichever write the store spends it with, its first answer is lost.
    const l = lossy(['UpdateItemCommand', 'DeleteItemCommand']);
    expect(await dynamoAccountTokens(l.db, core()).consume(hash, 'password-reset', now)).toEqual({
      userId: 'u1',
      passwordVersion: 2,
    });
    expect(l.lost()).toBe(1);
    // Used: absent to a peek and to another use.
    expect(await tokens.peek(hash, 'password-reset', now)).toBeUndefined();
    expect(await tokens.consume(hash, 'password-reset', now)).toBeUndefined();
  });
});

describe("an invite's revocation after a lost answer", () => {
  const invite = (ws: string) => {
    const at = new Date();
    return {
      inviteId: id('inv'),
      workspaceId: ws,
      organizationId: `org-${ws}`,
      email: 'newbie@example.test',
      role: 'member',
      invitedBy: 'u-owner',
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + 86_400_000).toISOString(),
      status: 'pending' as const,
    };
  };

  it('an invite saved alone is saved: no error', async () => {
    const ws = id('ws');
    const one = invite(ws);
    const l = lossy('PutItemCommand');
    await dynamoWorkspaces(l.db, core()).saveInvite(one, id('hash'));
    expect(l.lost()).toBe(1);
    expect((await dynamoWorkspaces(dynamo.db, core()).invites(ws)).map((i) => i.inviteId)).toEqual([one.inviteId]);
  });

  it('is the revocation that landed: revoked, and counted by a sweep', async () => {
    const ws = id('ws');
    const store = dynamoWorkspaces(dynamo.db, core());
    const [a, b] = [invite(ws), invite(ws)];
    await store.saveInvite(a, id('hash'));
    await store.saveInvite(b, id('hash'));
    const l1 = lossy('UpdateItemCommand');
    expect(
      await dynamoWorkspaces(l1.db, core()).revokeInvite(ws, a.inviteId, 'u-owner', new Date().toISOString()),
    ).toBe('revoked');
    expect(l1.lost()).toBe(1);
    const l2 = lossy('UpdateItemCommand');
    expect(
      await dynamoWorkspaces(l2.db, core()).revokeInvitesFrom(ws, 'u-owner', 'u-owner', new Date().toISOString()),
    ).toBe(1);
    expect(l2.lost()).toBe(1);
    // Revoked already: another revoke says so.
    expect(await store.revokeInvite(ws, a.inviteId, 'u-owner', new Date().toISOString())).toBe('already-revoked');
  });
});
