// Review round 16: this test failed at e19efd2.
/**
 * The class of r16a-refusal-usage-uncounted: every answer a provider bills (an HTTP 200 with
 * usage) is counted in the workspace's month, even when it cannot be used: OpenRouter's empty
 * content and its `choices[0].error` after a 200 (retried: each attempt billed), and a billed
 * refusal followed by the caller's deadline. Before, the error carried no usage and the metered
 * provider gave the whole reservation back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAiModels } from '../../../lib/definition/ai-models';
import { meteredProvider, monthOf } from '../../../shared/ai/budgets';
import { type AiProvider, AiProviderError, type AiRequest } from '../../../shared/ai/ports';
import { countsAgainstAiProvider, providerChain } from '../../../shared/ai/provider-chain';
import { openRouterProvider } from '../../../shared/ai/providers/openrouter';
import { breakerRegistry } from '../../../shared/resilience/breaker-registry';
import { systemClock } from '../../../shared/resilience/clock';
import { memorySettings, memoryUsage } from './fakes';

/** OpenRouter on the wire: each request gets the next scripted 200 body. */
let server: Server;
let endpoint: string;
const bodies: object[] = [];
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(bodies.shift() ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const completion = (choice: object) => ({
  id: 'gen-r16a',
  object: 'chat.completion',
  created: 0,
  model: 'anthropic/claude-haiku-4.5',
  choices: [choice],
  usage: { prompt_tokens: 700, completion_tokens: 30, total_tokens: 730 },
});
const emptyContent = completion({
  index: 0,
  finish_reason: 'stop',
  message: { role: 'assistant', content: '' },
});
const choiceError = completion({
  index: 0,
  finish_reason: 'error',
  message: { role: 'assistant', content: '' },
  error: { code: 502, message: 'upstream failed mid-stream' },
});

const openrouter = () =>
  openRouterProvider({ apiKey: 'sk-or-test', baseURL: endpoint, models: defaultAiModels.openrouter, timeoutMs: 5000 });

const request: AiRequest = {
  agent: 'email-intent',
  system: 'Classify the email.',
  input: 'I would like a demo next week.',
  schema: { name: 'email_intent', jsonSchema: { type: 'object' } },
  maxOutputTokens: 200,
};

const budgetDeps = () => ({
  usage: memoryUsage(),
  settings: memorySettings(),
  now: () => new Date('2026-12-04T13:00:00Z'),
});

describe('OpenRouter answers that are billed and cannot be used', () => {
  it('an empty content is an invalid-output error that carries its usage and cost', async () => {
    bodies.push(emptyContent);
    const error = await openrouter()
      .answer(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({
      kind: 'invalid-output',
      options: { billedUnused: { inputTokens: 700, outputTokens: 30 } },
    });
    expect((error as AiProviderError).options.billedUnused?.costUsd).toBeGreaterThan(0);
  });

  it('each choice error after a 200 (retried) is counted in the month with the run', async () => {
    const deps = budgetDeps();
    bodies.push(choiceError, choiceError);
    const before = requests;
    const chain = providerChain({
      providers: [openrouter()],
      breakers: breakerRegistry(systemClock, { countsAsFailure: countsAgainstAiProvider }),
      deadlineMs: 5000,
      attemptTimeoutMs: 2000,
      retries: 1,
      retryBaseMs: 1,
      retryCapMs: 2,
    });
    const error = await meteredProvider('ws-1', 'email-intent', chain, deps)
      .answer(request)
      .catch((e: unknown) => e);
    expect(requests - before).toBe(2);
    expect(error).toMatchObject({
      kind: 'unavailable',
      options: { billedUnused: { inputTokens: 1400, outputTokens: 60 } },
    });
    const month = await deps.usage.read('ws-1', monthOf(deps.now()));
    expect(month.total).toMatchObject({ tokensIn: 1400, tokensOut: 60, calls: 1 });
    expect(month.total.costUsd).toBeGreaterThan(0);
  });
});

describe("a billed refusal, then the caller's deadline", () => {
  it("the chain's timeout carries the refusal's usage, and the month counts it", async () => {
    const deps = budgetDeps();
    const deadline = new AbortController();
    const refusing: AiProvider = {
      name: 'anthropic',
      async answer() {
        throw new AiProviderError(
          'anthropic gave no answer to parse (stop_reason refusal)',
          'invalid-output',
          'anthropic',
          {
            billedUnused: { inputTokens: 800, outputTokens: 40, costUsd: 0.002 },
          },
        );
      },
    };
    const hanging: AiProvider = {
      name: 'openrouter',
      answer: (r) =>
        new Promise((_, reject) => {
          r.signal?.addEventListener('abort', () => reject(r.signal?.reason), { once: true });
          queueMicrotask(() => deadline.abort(new DOMException('The operation timed out.', 'TimeoutError')));
        }),
    };
    const chain = providerChain({
      providers: [refusing, hanging],
      breakers: breakerRegistry(systemClock, { countsAsFailure: countsAgainstAiProvider }),
      deadlineMs: 5000,
      attemptTimeoutMs: 2000,
    });
    const error = await meteredProvider('ws-1', 'email-intent', chain, deps)
      .answer({ ...request, signal: deadline.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', options: { billedUnused: { costUsd: 0.002 } } });
    const month = await deps.usage.read('ws-1', monthOf(deps.now()));
    expect(month.total).toMatchObject({ tokensIn: 800, tokensOut: 40, costUsd: 0.002, calls: 1 });
  });

  it('a call whose error reports nothing billed still gives its whole reservation back', async () => {
    const deps = budgetDeps();
    const failing: AiProvider = {
      name: 'anthropic',
      async answer() {
        throw new AiProviderError('anthropic answered 400', 'bad-request', 'anthropic', { status: 400 });
      },
    };
    await meteredProvider('ws-1', 'email-intent', failing, deps)
      .answer(request)
      .catch(() => undefined);
    const month = await deps.usage.read('ws-1', monthOf(deps.now()));
    expect(month.total).toEqual({ tokensIn: 0, tokensOut: 0, costUsd: 0, calls: 0 });
  });
});
