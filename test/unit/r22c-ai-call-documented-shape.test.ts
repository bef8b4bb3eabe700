// Review round 22: this test failed at 58080d4.
// Review round 22 (c): GET /api/ai/calls/{id} as docs/openapi.json (and the generated client
// types) describe it is not what the API answers. The documented call has its answer in `result`
// and the status `succeeded`; the real one has `output` (or `failure`) and `completed`. A client
// written from the reference reads `call.result` (always undefined) and waits for a status that
// never comes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AI_CALL_STATUSES, type AiCallRecord, aiCallView } from '../../shared/ai/ai-call';

interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<
          string,
          {
            content: Record<
              string,
              {
                schema: { properties: { call: { properties: Record<string, unknown> } } };
                example: { call: Record<string, unknown> };
              }
            >;
          }
        >;
      }
    >
  >;
}

const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as Doc;
const documented = doc.paths['/api/ai/calls/{id}']?.get?.responses['200']?.content['application/json'];

const completed: AiCallRecord = {
  workspaceId: 'ws-1',
  callId: '9189ffcc-aa54-4168-8347-d931f8fcec20',
  agent: 'contact-intelligence',
  request: { agent: 'contact-intelligence', input: { contactId: 'e0365558-79fa-4bc7-8327-d7d342c45164' } },
  status: 'completed',
  createdAt: '2026-01-15T09:30:00.000Z',
  createdBy: 'user-1',
  updatedAt: '2026-01-15T09:30:00.000Z',
  startedAt: '2026-01-15T09:30:00.000Z',
  completedAt: '2026-01-15T09:30:00.000Z',
  attempts: 1,
  run: {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.001,
    latencyMs: 900,
    offline: false,
    attempts: 1,
  },
  output: { summary: 'Engaged buyer' },
};

describe('GET /api/ai/calls/{id} in the API reference', () => {
  it('documents the status values and the fields the route answers', () => {
    const view = aiCallView(completed) as Record<string, unknown>;
    const example = documented?.example.call ?? {};
    expect(AI_CALL_STATUSES, `the documented example's status "${String(example.status)}"`).toContain(example.status);
    const missing = Object.keys(example).filter((key) => !(key in view));
    expect(missing, 'fields of the documented example that a completed call never has').toEqual([]);
    const properties = Object.keys(documented?.schema.properties.call.properties ?? {});
    expect(properties, "the documented properties name where a completed call's answer is").toContain('output');
  });
});
