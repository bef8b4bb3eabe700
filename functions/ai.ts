/**
 * HTTP function `ai`: queue an agent call (202, idempotent by client key), read a call, run a
 * preview under a short deadline, and read this month's usage against the budgets. Every route
 * is on the `ai` rate tier and scoped to the caller's workspace.
 */

import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { aiRoutes } from '../lib/definition/ai-routes';
import { campaignRoutes } from '../lib/definition/campaign-routes';
import { dynamoAiResults } from '../shared/adapters/dynamo-ai-results';
import { dynamoAiUsage } from '../shared/adapters/dynamo-ai-usage';
import { dynamoCampaignAiDrafts } from '../shared/adapters/dynamo-campaign-ai-drafts';
import { dynamoCampaignStore } from '../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoIdempotency } from '../shared/adapters/dynamo-idempotency';
import { dynamoInteractions } from '../shared/adapters/dynamo-interactions';
import { dynamoSettings } from '../shared/adapters/dynamo-settings';
import { providerSecretReader } from '../shared/adapters/provider-secrets';
import { sqsAiCallQueue } from '../shared/adapters/sqs-ai-calls';
import { type AgentRequest, agentRequest, contactIdOf } from '../shared/ai/agents';
import { aiCallLinks, aiCallView, failureView, getAiCall, queueAiCall, queueAiCallBody } from '../shared/ai/ai-call';
import { PREVIEW_DEADLINE_MS, previewAgent } from '../shared/ai/ai-preview';
import { usageReport } from '../shared/ai/budgets';
import { configuredProvider } from '../shared/ai/providers';
import { documents } from '../shared/aws/dynamodb';
import { secretsManager } from '../shared/aws/secrets-manager';
import { sqs } from '../shared/aws/sqs';
import { aiDraftView, generateAiDraft } from '../shared/campaigns/ai-copy';
import { nodeId } from '../shared/campaigns/journey';
import { aiModelConfig, queueUrl, tableName } from '../shared/config';
import { ForbiddenError } from '../shared/errors';
import type { Caller } from '../shared/governance/ports';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { aiDraftCreated, callAnswer, callQueued, previewAnswer, usageAnswer } from '../shared/http/responses/ai';
import { IDEMPOTENCY_KEY_HEADER } from '../shared/idempotency/run-once';
import { aiMetrics } from '../shared/observability/ai-metrics';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
const calls = dynamoAiResults(documents, core);
const budgetDeps = {
  usage: dynamoAiUsage(documents, core),
  settings: dynamoSettings(documents, core),
  now: () => new Date(),
  // Prices for each model call's cost reservation (the dearest configured model of the agent).
  models: aiModelConfig(),
  // Failures' details and unwritten usage settlements (answers show only the failure's kind).
  log: logger,
};
const dataDeps = { contacts: dynamoContacts(documents, core), interactions: dynamoInteractions(documents, core) };
const queueDeps = {
  ...budgetDeps,
  ...dataDeps,
  calls,
  queue: sqsAiCallQueue(sqs, queueUrl('ai-calls')),
  idempotency: dynamoIdempotency(documents, tableName('ephemeral')),
  newId: randomUUID,
};
const previewDeps = {
  ...budgetDeps,
  ...dataDeps,
  // A person waits: a short chain, and the labelled offline answer when every provider failed.
  provider: configuredProvider({
    secrets: providerSecretReader({ client: secretsManager }),
    offlineFallback: true,
    deadlineMs: PREVIEW_DEADLINE_MS - 1000,
    attemptTimeoutMs: 8000,
    retries: 1,
  }),
  metrics: aiMetrics(),
  deadlineMs: PREVIEW_DEADLINE_MS,
};

// AI copy of campaign email nodes: drafts through the preview path (shared/campaigns/ai-copy.ts).
const draftDeps = {
  campaigns: dynamoCampaignStore(documents, core),
  drafts: dynamoCampaignAiDrafts(documents, core),
  settings: budgetDeps.settings,
  now: () => new Date(),
  newId: randomUUID,
  preview: (workspaceId: string, request: AgentRequest) => previewAgent(workspaceId, request, previewDeps),
};

const recordId = z.string().check(z.regex(/^[0-9a-zA-Z-]{1,64}$/));
const idParam = z.object({ id: recordId });

/** An agent that reads a stored contact also needs the right to read contacts. */
function assertMayRead(caller: Caller, request: AgentRequest): void {
  if (contactIdOf(request) !== undefined && !caller.permissions.has('contacts:read')) {
    throw new ForbiddenError('Reading a contact for an agent needs the contacts:read permission');
  }
}

// The campaign AI-draft routes are declared with the campaigns' but served here (provider keys, the AI budget).
export const handler = httpFunction('ai', [...aiRoutes, ...campaignRoutes], {
  'ai.calls.create': defineOperation({ body: queueAiCallBody, response: callQueued }, async ({ body }, request) => {
    const caller = callerOf(request);
    assertMayRead(caller, body);
    const { replayed, ...queued } = await queueAiCall(caller, body, request.headers[IDEMPOTENCY_KEY_HEADER], queueDeps);
    return {
      status: 202,
      headers: { location: aiCallLinks(queued.callId).self, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) },
      body: { ...queued, links: aiCallLinks(queued.callId) },
    };
  }),

  'ai.calls.get': defineOperation({ params: idParam, response: callAnswer }, async ({ params }, request) => ({
    status: 200,
    body: { call: aiCallView(await getAiCall(callerOf(request).workspaceId, params.id, calls)) },
  })),

  'ai.preview': defineOperation({ body: agentRequest, response: previewAnswer }, async ({ body }, request) => {
    const caller = callerOf(request);
    assertMayRead(caller, body);
    const outcome = await previewAgent(caller.workspaceId, body, previewDeps);
    const { run, failure, ...rest } = outcome;
    return {
      status: 200,
      body: {
        agent: body.agent,
        ...rest,
        ...(failure ? { failure: failureView(failure) } : {}),
        ...(run
          ? {
              provider: run.provider,
              model: run.model,
              tokensIn: run.inputTokens,
              tokensOut: run.outputTokens,
              costUsd: run.costUsd,
              latencyMs: run.latencyMs,
              offline: run.offline,
              fallback: run.fallback ?? null,
              modelCalls: run.attempts,
            }
          : {}),
      },
    };
  }),

  // Declared `ai:use` (it spends the budget); writing the campaign's drafts also needs campaigns:write.
  'campaigns.ai-drafts.create': defineOperation(
    { params: z.object({ id: recordId, nodeId }), response: aiDraftCreated },
    async ({ params }, request) => {
      const caller = callerOf(request);
      if (!caller.permissions.has('campaigns:write')) {
        throw new ForbiddenError('Writing AI drafts of a campaign needs the campaigns:write permission');
      }
      const draft = await generateAiDraft(caller, params.id, params.nodeId, draftDeps);
      return { status: 201, body: { draft: aiDraftView(draft) } };
    },
  ),

  'ai.usage': defineOperation({ response: usageAnswer }, async (_input, request) => ({
    status: 200,
    body: { usage: await usageReport(callerOf(request).workspaceId, budgetDeps) },
  })),
});
