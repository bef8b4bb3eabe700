/**
 * The AI stand-ins answer a request body past their limit as the APIs do, with a 413 in each
 * one's error format, instead of resetting the connection while the client still sends (the
 * caller saw a network error, or the stand-in's own 500).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AiStandIn,
  LOCAL_ANTHROPIC_API_KEY,
  startAnthropicStandIn,
} from '../../lib/local/emulators/anthropic-server';
import { LOCAL_OPENROUTER_API_KEY, startOpenRouterStandIn } from '../../lib/local/emulators/openrouter-server';

let anthropic: AiStandIn;
let openrouter: AiStandIn;
beforeAll(async () => {
  anthropic = await startAnthropicStandIn({ port: 0, fault: 'off' });
  openrouter = await startOpenRouterStandIn({ port: 0, fault: 'off' });
});
afterAll(async () => {
  await anthropic?.stop();
  await openrouter?.stop();
});

/** A JSON request of about `mb` MB: one user message of that many characters. */
const bigRequest = (mb: number) =>
  JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(mb * 1024 * 1024) }] });

describe('a request body past the stand-in limit', () => {
  it('Anthropic: 413 request_too_large (the Messages API takes 32 MB)', async () => {
    const res = await fetch(`${anthropic.endpoint}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': LOCAL_ANTHROPIC_API_KEY,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: bigRequest(33),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it('Anthropic: a body under 32 MB is read (answered 200)', async () => {
    const res = await fetch(`${anthropic.endpoint}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': LOCAL_ANTHROPIC_API_KEY,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: bigRequest(9),
    });
    expect(res.status).toBe(200);
  });

  it('OpenRouter: 413 in its error shape', async () => {
    const res = await fetch(`${openrouter.endpoint}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LOCAL_OPENROUTER_API_KEY}`, 'content-type': 'application/json' },
      body: bigRequest(9),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 413 } });
  });
});
