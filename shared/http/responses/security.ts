/** Success answers of the security routes (functions/security.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { EXAMPLE_TIME, EXAMPLE_USER, EXAMPLE_WORKSPACE, id, instant } from './common';

export const auditPage = {
  status: 200,
  description: 'Audit entries, newest first',
  schema: z.object({
    entries: z.array(
      z.looseObject({
        id,
        createdAt: instant,
        eventType: z.string(),
        actorType: z.string(),
        actorId: z.optional(z.string()),
        /** The API key the request was made with (absent for a session). */
        apiKeyId: z.optional(z.string()),
      }),
    ),
    nextCursor: z.optional(z.string()),
  }),
  example: {
    entries: [
      {
        id: 'e471bcfd-ef36-4977-86aa-eb64e3cf611f',
        createdAt: EXAMPLE_TIME,
        workspaceId: EXAMPLE_WORKSPACE,
        eventType: 'auth.login',
        eventAction: 'login',
        actorType: 'user',
        actorId: EXAMPLE_USER,
        ip: '203.0.113.7',
      },
      {
        id: '0c2f6a51-3b7e-4d0a-9c1e-5f8b2a7d4e36',
        createdAt: EXAMPLE_TIME,
        workspaceId: EXAMPLE_WORKSPACE,
        eventType: 'settings.put',
        eventAction: 'PUT',
        actorType: 'user',
        actorId: EXAMPLE_USER,
        apiKeyId: 'k_7Qm2',
        resourceType: 'settings',
        resourceId: 'email.postal_address',
        ip: '203.0.113.7',
      },
    ],
  },
} satisfies SuccessResponse;

const setting = z.looseObject({
  key: z.string(),
  scope: z.string(),
  isSecret: z.boolean(),
  value: z.unknown(),
  updatedAt: instant,
});
const exampleSetting = {
  key: 'email.postal_address',
  scope: 'workspace',
  isSecret: false,
  value: '1 Main Street, Springfield',
  updatedAt: EXAMPLE_TIME,
};

export const settingsList = {
  status: 200,
  description:
    'A page of the workspace’s settings over the global defaults it does not override, by key (secret values masked); `nextCursor` continues',
  schema: z.object({ settings: z.array(setting), nextCursor: z.optional(z.string()) }),
  example: { settings: [exampleSetting] },
} satisfies SuccessResponse;

export const settingSaved = {
  status: 201,
  description: 'The setting as saved',
  schema: z.object({ setting }),
  example: { setting: exampleSetting },
} satisfies SuccessResponse;

export const settingDeleted = { status: 204, description: 'The setting is gone' } satisfies SuccessResponse;
export const apiKeyRevoked = { status: 204, description: 'The key stops working at once' } satisfies SuccessResponse;

const apiKey = z.looseObject({
  keyId: id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: instant,
  isActive: z.optional(z.boolean()),
  lastUsedAt: z.optional(instant),
});
const exampleKey = {
  keyId: 'k_7Qm2',
  name: 'Zapier',
  prefix: 'uh_3f9a',
  scopes: ['contacts:read'],
  createdAt: EXAMPLE_TIME,
};

export const apiKeysPage = {
  status: 200,
  description: 'The caller’s API keys, or every key of the workspace with `api-keys:read-all` (never their secret)',
  schema: z.object({ apiKeys: z.array(apiKey), nextCursor: z.optional(z.string()) }),
  example: { apiKeys: [{ ...exampleKey, createdBy: EXAMPLE_USER, usageCount: 12, isActive: true }] },
} satisfies SuccessResponse;

export const apiKeyCreated = {
  status: 201,
  description: 'The new key: `key` is shown this once (send it as `Authorization: Bearer uh_…`)',
  schema: z.object({ key: z.string().check(z.startsWith('uh_')), apiKey }),
  example: { key: 'uh_3f9a0c1d2e3f4a5b6c7d8e9f0a1b2c3d', apiKey: exampleKey },
} satisfies SuccessResponse;

const alert = z.looseObject({
  id,
  alertType: z.string(),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  title: z.string(),
  status: z.string(),
  resolved: z.boolean(),
  createdAt: instant,
});
const exampleAlert = {
  id: 'a-19f2',
  alertType: 'new_device',
  severity: 'low',
  title: 'Sign-in from a new device',
  metadata: {},
  workspaceId: EXAMPLE_WORKSPACE,
  status: 'open',
  resolved: false,
  createdAt: EXAMPLE_TIME,
};

export const alertsPage = {
  status: 200,
  description: 'Security alerts, newest first',
  schema: z.object({ alerts: z.array(alert), nextCursor: z.optional(z.string()) }),
  example: { alerts: [exampleAlert] },
} satisfies SuccessResponse;

export const alertAnswer = {
  status: 200,
  description: 'The alert, acknowledged or resolved',
  schema: z.object({ alert }),
  example: { alert: { ...exampleAlert, status: 'acknowledged', acknowledgedAt: EXAMPLE_TIME } },
} satisfies SuccessResponse;
