/**
 * `GET /api/ai/calls/{id}` (aiCallView) shows a failure as its kind and a fixed message: the stored
 * reason (a provider's error text, an internal exception's message) stays on the record and in
 * the logs. A schema failure keeps its issues, a budget refusal its figures.
 */
import { describe, expect, it } from 'vitest';
import { type AiCallRecord, aiCallView, failureView } from '../../../shared/ai/ai-call';

const base: AiCallRecord = {
  workspaceId: 'ws-1',
  callId: 'call-1',
  agent: 'email-intent',
  request: { agent: 'email-intent', input: { subject: 'Hi', body: 'Hello' } },
  status: 'failed',
  createdAt: '2026-12-04T13:00:00.000Z',
  createdBy: 'user-1',
  updatedAt: '2026-12-04T13:00:00.000Z',
  attempts: 1,
};

describe('aiCallView', () => {
  it('shows an internal failure without its exception text', () => {
    const view = aiCallView({
      ...base,
      failure: {
        kind: 'internal',
        reason: 'TypeError: Cannot read properties of undefined (reading "table-core-prod")',
      },
    });
    expect(view.failure).toEqual({ kind: 'internal', reason: 'The call failed for an internal reason.' });
    expect(JSON.stringify(view)).not.toContain('TypeError');
    expect(view).not.toHaveProperty('workspaceId');
  });

  it("shows a provider failure without the provider's text", () => {
    const view = aiCallView({
      ...base,
      failure: {
        kind: 'unavailable',
        reason: 'No AI provider answered: anthropic: 401 {"error":"invalid x-api-key sk-ant-…"}',
      },
    });
    expect(view.failure).toEqual({ kind: 'unavailable', reason: 'No AI provider answered.' });
  });

  it('keeps the issues of invalid output and the figures of a budget refusal', () => {
    const issues = [{ path: 'body', message: 'The body must have 150 to 200 words' }];
    expect(failureView({ kind: 'invalid-output', reason: 'x', issues })).toMatchObject({
      kind: 'invalid-output',
      issues,
    });
    const details = { month: '2026-12', resetsAt: '2027-01-01T00:00:00.000Z' };
    expect(failureView({ kind: 'budget-exceeded', reason: 'x', details })).toMatchObject({ details });
    expect(failureView({ kind: 'internal', reason: 'x', details: { secret: 1 } })).not.toHaveProperty('details');
  });

  it('shows the last retryable failure as its kind and a fixed message', () => {
    const waiting = { ...base, status: 'queued' as const };
    expect(aiCallView({ ...waiting, lastError: 'rate-limited: anthropic 429 org-1234 over quota' }).lastError).toBe(
      'rate-limited: The AI provider is limiting the rate of requests. The call will be tried again.',
    );
    expect(aiCallView({ ...waiting, lastError: 'internal: Error: connect ECONNREFUSED 10.0.3.7:443' }).lastError).toBe(
      'internal: The call failed for an internal reason. The call will be tried again.',
    );
    // Records written before (`internal error: ...`), or any other text: internal.
    expect(aiCallView({ ...waiting, lastError: 'internal error: boom' }).lastError).toMatch(/^internal: /);
    expect(aiCallView(waiting)).not.toHaveProperty('lastError');
  });
});
