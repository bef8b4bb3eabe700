/**
 * HTTP function `security`: API keys, the audit log, security alerts and the settings
 * registry of a workspace. The edge has authenticated the caller, resolved the workspace
 * and checked the route's permission; every use case is scoped by that workspace.
 */

import * as z from 'zod/mini';
import { identityRoutes } from '../lib/definition/identity-routes';
import { dynamoAlerts } from '../shared/adapters/dynamo-alerts';
import { dynamoApiKeys } from '../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../shared/adapters/dynamo-audit';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { dynamoUsers } from '../shared/adapters/dynamo-users';
import { secretBoxFromEnv } from '../shared/adapters/secret-box-config';
import { documents } from '../shared/aws/dynamodb';
import { kms } from '../shared/aws/kms';
import { config, tableName } from '../shared/config';
import { acknowledgeAlert, listAlerts, resolveAlert } from '../shared/governance/alerts';
import { createApiKey, listApiKeys, revokeApiKey } from '../shared/governance/api-keys';
import { listAuditLog } from '../shared/governance/audit-log';
import type { AlertRecord } from '../shared/governance/ports';
import { deleteSetting, listSettings, putSetting, SETTING_KEY_PATTERN } from '../shared/governance/settings';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { pageQuery } from '../shared/http/query-numbers';
import {
  alertAnswer,
  alertsPage,
  apiKeyCreated,
  apiKeyRevoked,
  apiKeysPage,
  auditPage,
  settingDeleted,
  settingSaved,
  settingsList,
} from '../shared/http/responses/security';
import { PERMISSIONS } from '../shared/identity/permissions';
import { isoInstant } from '../shared/security/iso-instant';
import { singleLineText } from '../shared/security/single-line-text';

const core = tableName('core');
const now = () => new Date();
const apiKeys = { store: dynamoApiKeys(documents, core), now };
// Key creation reads whether the caller's email address is verified.
const users = dynamoUsers(documents, core);
const alerts = { alerts: dynamoAlerts(documents, core), now };
const audit = dynamoAudit(documents, tableName('audit'));
// Fails the cold start, naming both variables, when neither key is configured.
const settings = {
  settings: dynamoSettings(documents, core),
  secrets: secretBoxFromEnv(config, () => kms),
  now,
};

/**
 * The audit of a request that changed nothing (a repeat of a revocation, or of a resolve): the first
 * one's entry stands, naming who did it and when; the edge writes no second one naming another.
 */
const alreadyAudited = { inWrite: true } as const;

const page = pageQuery(100, 50);
// 100 by default: a workspace's settings (at most 50 new ones) and its global defaults in one page.
const settingsPage = pageQuery(100, 100);
const text = z.optional(z.string().check(z.minLength(1), z.maxLength(200)));
const keyIdParam = z.object({ keyId: z.string().check(z.regex(/^[0-9a-z]{1,64}$/)) });
const alertIdParam = z.object({ alertId: z.string().check(z.minLength(1), z.maxLength(128)) });
const settingKeyParam = z.object({ key: z.string().check(z.regex(SETTING_KEY_PATTERN)) });

/**
 * Acknowledges or resolves an alert; a repeat (the first stamp stays) answers the alert again and,
 * changing nothing, is not audited again under another name.
 */
async function handledOnce(
  request: Parameters<typeof callerOf>[0],
  handle: (caller: ReturnType<typeof callerOf>, deps: typeof alerts) => Promise<AlertRecord>,
  stamp: 'acknowledged' | 'resolved',
) {
  const caller = callerOf(request);
  const at = now();
  const alert = await handle(caller, { ...alerts, now: () => at });
  const first = alert[`${stamp}At`] === at.toISOString() && alert[`${stamp}By`] === caller.userId;
  return { status: 200, body: { alert }, ...(first ? {} : { audit: alreadyAudited }) };
}

export const handler = httpFunction('security', identityRoutes, {
  'api-keys.list': defineOperation({ query: z.object(page), response: apiKeysPage }, async ({ query }, request) => ({
    status: 200,
    body: await listApiKeys(callerOf(request), query, apiKeys),
  })),

  'api-keys.create': defineOperation(
    {
      body: z.object({
        name: singleLineText(100),
        scopes: z.array(z.enum(PERMISSIONS)).check(z.minLength(1), z.maxLength(PERMISSIONS.length)),
      }),
      response: apiKeyCreated,
    },
    async ({ body }, request) => {
      const created = await createApiKey(callerOf(request), body, { ...apiKeys, users });
      const { keyId, name, prefix, scopes } = created.apiKey;
      return { status: 201, body: created, audit: { resourceId: keyId, metadata: { name, prefix, scopes } } };
    },
  ),

  'api-keys.revoke': defineOperation({ params: keyIdParam, response: apiKeyRevoked }, async ({ params }, request) => {
    const outcome = await revokeApiKey(callerOf(request), params.keyId, apiKeys);
    return { status: 204, ...(outcome === 'already-revoked' ? { audit: alreadyAudited } : {}) };
  }),

  'audit.list': defineOperation(
    {
      query: z.object({
        eventType: text,
        actorId: text,
        apiKeyId: text,
        resourceType: text,
        resourceId: text,
        // In the years 0000-9999 once in UTC: stored times are 4-digit-year text (shared/security/iso-instant.ts).
        from: z.optional(isoInstant),
        to: z.optional(isoInstant),
        ...page,
      }),
      response: auditPage,
    },
    async ({ query }, request) => ({ status: 200, body: await listAuditLog(callerOf(request), query, audit) }),
  ),

  'alerts.list': defineOperation(
    {
      query: z.object({
        status: z.optional(z.enum(['open', 'acknowledged', 'resolved'])),
        severity: z.optional(z.enum(['info', 'low', 'medium', 'high', 'critical'])),
        ...page,
      }),
      response: alertsPage,
    },
    async ({ query }, request) => ({ status: 200, body: await listAlerts(callerOf(request), query, alerts) }),
  ),

  'alerts.acknowledge': defineOperation({ params: alertIdParam, response: alertAnswer }, async ({ params }, request) =>
    handledOnce(request, (caller, deps) => acknowledgeAlert(caller, params.alertId, deps), 'acknowledged'),
  ),

  'alerts.resolve': defineOperation({ params: alertIdParam, response: alertAnswer }, async ({ params }, request) =>
    handledOnce(request, (caller, deps) => resolveAlert(caller, params.alertId, deps), 'resolved'),
  ),

  'settings.list': defineOperation(
    { query: z.object(settingsPage), response: settingsList },
    async ({ query }, request) => ({ status: 200, body: await listSettings(callerOf(request), query, settings) }),
  ),

  'settings.put': defineOperation(
    {
      params: settingKeyParam,
      body: z.object({ value: z.json(), isSecret: z.optional(z.boolean()) }),
      response: settingSaved,
    },
    async ({ params, body }, request) => {
      const { created, setting } = await putSetting(callerOf(request), params.key, body, settings);
      // The audit entry names the key and its secrecy, never the value.
      return {
        status: created ? 201 : 200,
        body: { setting },
        audit: { metadata: { isSecret: setting.isSecret, created } },
      };
    },
  ),

  'settings.delete': defineOperation(
    { params: settingKeyParam, response: settingDeleted },
    async ({ params }, request) => {
      await deleteSetting(callerOf(request), params.key, settings);
      return { status: 204 };
    },
  ),
});
