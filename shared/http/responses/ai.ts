/** Success answers of the AI routes (functions/ai.ts). */
import * as z from 'zod/mini';
import { AI_CALL_STATUSES, aiCallView } from '../../ai/ai-call';
import { AI_AGENTS } from '../../ai/ports';
import type { SuccessResponse } from '../operation';
import { aiDraft, exampleAiDraft } from './ai-draft';
import { EXAMPLE_TIME, EXAMPLE_USER, EXAMPLE_WORKSPACE, instant } from './common';

const CALL_ID = '9189ffcc-aa54-4168-8347-d931f8fcec20';
const links = z.looseObject({ self: z.string() });

export const callQueued = {
  status: 202,
  description: 'Queued; poll `links.self` for the result',
  schema: z.looseObject({ callId: z.string(), status: z.string(), createdAt: instant, links }),
  example: { callId: CALL_ID, status: 'queued', createdAt: EXAMPLE_TIME, links: { self: `/api/ai/calls/${CALL_ID}` } },
} satisfies SuccessResponse;

/** A call as `GET /api/ai/calls/{id}` answers it (shared/ai/ai-call.ts). */
type AiCallView = ReturnType<typeof aiCallView>;

/**
 * Every field of the real view, no other (`satisfies`: a field added to or removed from
 * `aiCallView` fails `tsc` until it is documented here), and a view always fits it (below).
 */
const aiCall = z.looseObject({
  callId: z.string(),
  agent: z.enum(AI_AGENTS),
  status: z.enum(AI_CALL_STATUSES),
  input: z.unknown(),
  createdAt: instant,
  createdBy: z.string(),
  updatedAt: instant,
  attempts: z.number(),
  startedAt: z.optional(instant),
  completedAt: z.optional(instant),
  output: z.optional(z.unknown()),
  failure: z.optional(
    z.looseObject({
      kind: z.string(),
      reason: z.string(),
      issues: z.optional(z.readonly(z.array(z.object({ path: z.string(), message: z.string() })))),
      details: z.optional(z.unknown()),
      deadLettered: z.optional(z.boolean()),
    }),
  ),
  lastError: z.optional(z.string()),
  provider: z.optional(z.string()),
  model: z.optional(z.string()),
  tokensIn: z.optional(z.number()),
  tokensOut: z.optional(z.number()),
  costUsd: z.optional(z.number()),
  latencyMs: z.optional(z.number()),
  offline: z.optional(z.boolean()),
  fallback: z.optional(z.nullable(z.object({ from: z.string(), reason: z.string() }))),
  modelCalls: z.optional(z.number()),
  basedOn: z.optional(instant),
  score: z.optional(
    z.object({ score: z.number(), tier: z.string(), previousScore: z.number(), previousTier: z.string() }),
  ),
  superseded: z.optional(z.object({ by: instant })),
  links,
} satisfies Record<keyof AiCallView, z.ZodMiniType>);

/** Compile-time: every call view fits the documented schema. */
export type DocumentedAiCall<T extends z.output<typeof aiCall> = AiCallView> = T;

/** The example is the real view of a completed email-intent call, so it cannot drift from it. */
const exampleCall = aiCallView({
  workspaceId: EXAMPLE_WORKSPACE,
  callId: CALL_ID,
  agent: 'email-intent',
  request: {
    agent: 'email-intent',
    input: { subject: 'Pricing for 20 seats', body: 'Hi, could you send pricing for 20 seats? We decide by Friday.' },
  },
  status: 'completed',
  createdAt: EXAMPLE_TIME,
  createdBy: EXAMPLE_USER,
  updatedAt: EXAMPLE_TIME,
  startedAt: EXAMPLE_TIME,
  completedAt: EXAMPLE_TIME,
  attempts: 1,
  run: {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    inputTokens: 620,
    outputTokens: 140,
    costUsd: 0.00132,
    latencyMs: 1800,
    offline: false,
    attempts: 1,
  },
  output: {
    intent: 'pricing_question',
    sentiment: 'positive',
    urgency: 'high',
    summary: 'Wants pricing for 20 seats before deciding on Friday.',
    suggestedReply: 'Thanks for asking! Our pricing for 20 seats is attached; happy to walk you through it.',
  },
});

export const callAnswer = {
  status: 200,
  description:
    'The call: its `status` (queued, running, completed, failed, offline), its `output` once completed or its `failure` once failed, and what the run cost',
  schema: z.object({ call: aiCall }),
  example: { call: exampleCall },
} satisfies SuccessResponse;

export const usageAnswer = {
  status: 200,
  description: 'This month’s AI usage against the workspace’s budgets',
  schema: z.object({
    usage: z.looseObject({
      month: z.string(),
      resetsAt: instant,
      budgets: z.record(z.string(), z.number()),
      total: z.record(z.string(), z.number()),
      byAgent: z.record(z.string(), z.unknown()),
      remaining: z.record(z.string(), z.number()),
      exceeded: z.boolean(),
    }),
  }),
  example: {
    usage: {
      month: '2026-01',
      resetsAt: '2026-02-01T00:00:00.000Z',
      budgets: { monthlyTokens: 2000000, monthlyCostUsd: 25 },
      total: { tokensIn: 1200, tokensOut: 300, costUsd: 0.01, calls: 2, tokens: 1500 },
      byAgent: {},
      remaining: { tokens: 1998500, costUsd: 24.99 },
      exceeded: false,
    },
  },
} satisfies SuccessResponse;

export const aiDraftCreated = {
  status: 201,
  description: 'A new draft of the node’s copy (the node’s `aiCopy` is the request); nothing is approved yet',
  schema: z.object({ draft: aiDraft }),
  example: { draft: exampleAiDraft },
} satisfies SuccessResponse;

export const previewAnswer = {
  status: 200,
  description: 'The agent’s answer, not stored; which model gave it and what it cost',
  schema: z.looseObject({
    agent: z.string(),
    status: z.optional(z.string()),
    offline: z.optional(z.boolean()),
    provider: z.optional(z.string()),
    model: z.optional(z.string()),
    tokensIn: z.optional(z.number()),
    tokensOut: z.optional(z.number()),
    costUsd: z.optional(z.number()),
  }),
  example: { agent: 'email-intent', provider: 'local', model: 'stand-in', tokensIn: 120, tokensOut: 40, costUsd: 0 },
} satisfies SuccessResponse;
