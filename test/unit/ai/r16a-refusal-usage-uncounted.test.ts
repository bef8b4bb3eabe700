// Review round 16: this test failed at e19efd2.
/**
 * Defect: an Anthropic answer that is paid for but has nothing to parse (HTTP 200 with
 * `stop_reason: 'refusal'`, or an empty text) is never counted in the workspace's AI usage.
 * Severity: MEDIUM (budget bypass / unaccounted spend, and the same request is then paid a
 * second time at OpenRouter with only that second answer counted).
 *
 * Root cause: shared/ai/providers/anthropic.ts:anthropicProvider().answer throws an
 * AiProviderError('invalid-output') for a refusal or an empty text, dropping `message.usage`
 * (the tokens Anthropic bills for every 200); shared/ai/budgets.ts:meteredProvider().answer
 * then treats the throw as "no answer" and gives the whole reservation back
 * (`settle(month, minus(ZERO_USAGE, estimate))`). So a workspace whose inputs make the model
 * refuse (a campaign goal, a contact's notes) runs billed calls forever without its month moving,
 * and the chain's fallback (invalid-output ends Anthropic's turn) pays OpenRouter for the same
 * request while the usage shows only OpenRouter's tokens.
 *
 * Correct behaviour: every answer a provider bills (any 200 with usage) is settled into the
 * month's usage (tokens and cost), even when it is unusable: e.g. the refusal error carries the
 * answer's usage/cost and meteredProvider settles it instead of giving the reservation back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAiModels } from '../../../lib/definition/ai-models';
import { agents } from '../../../shared/ai/agents';
import { runAgent } from '../../../shared/ai/agents/agent';
import { meteredProvider, monthOf } from '../../../shared/ai/budgets';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { anthropicProvider } from '../../../shared/ai/providers/anthropic';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { intentJson, memorySettings, memoryUsage, scriptedProvider } from './fakes';

/** Anthropic on the wire: every request gets a billed 200 whose stop_reason is `refusal`. */
let server: Server;
let endpoint: string;
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_r16a' });
      res.end(
        JSON.stringify({
          id: 'msg_r16a',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          content: [],
          stop_reason: 'refusal',
          stop_sequence: null,
          usage: { input_tokens: 800, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const anthropic = () =>
  anthropicProvider({ apiKey: 'sk-ant-test', baseURL: endpoint, models: defaultAiModels.anthropic, timeoutMs: 5000 });

describe('a billed Anthropic refusal', () => {
  it('is counted in the month usage of the workspace (it is not: the reservation is given back)', async () => {
    const usage = memoryUsage();
    const deps = { usage, settings: memorySettings(), now: () => new Date('2026-12-04T13:00:00Z') };
    const provider = meteredProvider('ws-1', 'email-intent', anthropic(), deps);
    const before = requests;
    const result = await runAgent(agents['email-intent'], { subject: 'hi', body: 'hello' } as never, provider).catch(
      (e: unknown) => e,
    );
    expect(requests - before).toBe(1); // Anthropic answered (200) once and bills it
    expect(result).toMatchObject({ kind: 'invalid-output' });
    const month = await usage.read('ws-1', monthOf(deps.now()));
    // Anthropic billed 800 input + 40 output tokens for this answer.
    expect(month.total.tokensIn + month.total.tokensOut).toBeGreaterThanOrEqual(840);
  });

  it('falls over to OpenRouter, and the month counts only OpenRouter tokens although both were paid', async () => {
    const usage = memoryUsage();
    const deps = { usage, settings: memorySettings(), now: () => new Date('2026-12-04T13:00:00Z') };
    const openrouter = { ...scriptedProvider(intentJson), name: 'openrouter' as const };
    const chain = providerChain({
      providers: [anthropic(), openrouter],
      breakers: breakerRegistry(systemClock, { countsAsFailure: countsAgainstAiProvider }),
      deadlineMs: 5000,
      attemptTimeoutMs: 2000,
    });
    const provider = meteredProvider('ws-1', 'email-intent', chain, deps);
    const result = await runAgent(agents['email-intent'], { subject: 'hi', body: 'hello' } as never, provider);
    expect(result.status).toBe('completed');
    expect(result).toMatchObject({ fallback: { from: 'anthropic' } });
    const month = await usage.read('ws-1', monthOf(deps.now()));
    // OpenRouter's answer: 100 + 50 tokens; Anthropic's billed refusal: 800 + 40.
    expect(month.total.tokensIn + month.total.tokensOut).toBeGreaterThanOrEqual(150 + 840);
  });
});
