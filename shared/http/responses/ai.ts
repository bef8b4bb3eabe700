/** Success answers of the AI routes (functions/ai.ts). */
import * as z from 'zod/mini';
import type { SuccessResponse } from '../operation';
import { aiDraft, exampleAiDraft } from './ai-draft';
import { EXAMPLE_TIME, EXAMPLE_USER, instant } from './common';

const CALL_ID = '9189ffcc-aa54-4168-8347-d931f8fcec20';
const links = z.looseObject({ self: z.string() });

export const callQueued = {
  status: 202,
  description: 'Queued; poll `links.self` for the result',
  schema: z.looseObject({ callId: z.string(), status: z.string(), createdAt: instant, links }),
  example: { callId: CALL_ID, status: 'queued', createdAt: EXAMPLE_TIME, links: { self: `/api/ai/calls/${CALL_ID}` } },
} satisfies SuccessResponse;

export const callAnswer = {
  status: 200,
  description: 'The call: its status, and its result once it succeeded',
  schema: z.object({
    call: z.looseObject({
      callId: z.string(),
      agent: z.string(),
      status: z.string(),
      createdAt: instant,
      updatedAt: instant,
      input: z.unknown(),
      result: z.optional(z.unknown()),
      links,
    }),
  }),
  example: {
    call: {
      callId: CALL_ID,
      agent: 'contact-intelligence',
      status: 'succeeded',
      createdAt: EXAMPLE_TIME,
      createdBy: EXAMPLE_USER,
      updatedAt: EXAMPLE_TIME,
      attempts: 1,
      input: { contactId: 'e0365558-79fa-4bc7-8327-d7d342c45164' },
      result: { summary: 'Engaged buyer' },
      links: { self: `/api/ai/calls/${CALL_ID}` },
    },
  },
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
