/**
 * Routes of the AI agents, all on the `ai` rate tier. Running an agent spends the workspace's AI
 * budget (`ai:use`: owners, admins, members); reading calls and usage is `ai:read`.
 */
import { route } from './route';

const use = { permission: 'ai:use', rateTier: 'ai' } as const;
const read = { permission: 'ai:read', rateTier: 'ai' } as const;

export const aiRoutes = [
  route('ai', 'ai.calls.create', 'POST', '/api/ai/calls', 'Queue an agent call (202; idempotent by client key)', use),
  route(
    'ai',
    'ai.calls.get',
    'GET',
    '/api/ai/calls/{id}',
    'A queued call: status, provider, usage, output or failure',
    read,
  ),
  route('ai', 'ai.preview', 'POST', '/api/ai/preview', 'Run an agent now, with a short deadline', use),
  route(
    'ai',
    'ai.usage',
    'GET',
    '/api/ai/usage',
    "This month's AI usage per agent, the budgets and the reset date",
    read,
  ),
] as const;
