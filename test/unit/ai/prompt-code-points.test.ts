/**
 * Every cut of text that goes into a prompt ends on a code-point boundary (agents/prompt-data.ts
 * cutText, bounded, promptData), and runAgent sends only well-formed text: a lone surrogate makes
 * Anthropic refuse the whole request with 400 "no low surrogate in string".
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { type Agent, runAgent } from '../../../shared/ai/agents/agent';
import { emailIntentAgent } from '../../../shared/ai/agents/email-intent';
import { bounded, cutText, promptData, wellFormed } from '../../../shared/ai/agents/prompt-data';
import { intentJson, scriptedProvider } from './fakes';

/** No lone surrogate (String.prototype.isWellFormed, which the project's TS lib does not declare). */
const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('cutText', () => {
  it('never keeps half of a surrogate pair', () => {
    const text = 'ab😀cd';
    expect(cutText(text, 3)).toBe('ab');
    expect(cutText(text, 4)).toBe('ab😀');
    expect(cutText(text, 2)).toBe('ab');
    expect(cutText(text, 0)).toBe('');
    expect(cutText(text, 99)).toBe(text);
  });

  it('is well-formed at every cut of a text full of astral characters', () => {
    const text = '𝒳a😀🎉b𠀀'.repeat(5);
    for (let max = 0; max <= text.length; max++) {
      const cut = cutText(text, max);
      expect(isWellFormed(cut), `cut at ${max}`).toBe(true);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.length).toBeGreaterThanOrEqual(max - 1);
    }
  });
});

describe('bounded and promptData', () => {
  it('cut on a code point, and count what they left out', () => {
    expect(bounded('ab😀cd', 3)).toBe('ab\n[truncated: 4 more characters not shown]');
    const json = promptData({ note: '😀'.repeat(10) }, 10);
    expect(isWellFormed(json)).toBe(true);
    expect(json.startsWith('{"note":"')).toBe(true);
  });

  it('the email subject and body cut at 300 and 8000 characters, an emoji on each cut', () => {
    const prompt = emailIntentAgent.prompt({ subject: `${'s'.repeat(299)}🎉`, body: `${'x'.repeat(7999)}😀 and more` });
    expect(isWellFormed(prompt)).toBe(true);
    // Cut before serialising: no half emoji written as an escape (`\ud83d`) either.
    expect(prompt).not.toMatch(/\\ud[89ab]/i);
    expect(prompt).toContain('[truncated:');
  });
});

describe('wellFormed and runAgent', () => {
  it('replaces lone surrogates (and only them) with U+FFFD', () => {
    expect(wellFormed('a\uD83Db')).toBe('a\uFFFDb');
    expect(wellFormed('a\uDE00b')).toBe('a\uFFFDb');
    expect(wellFormed('a😀b')).toBe('a😀b');
  });

  it('sends a well-formed prompt whatever the input builder produced', async () => {
    const raw: Agent<string, unknown> = {
      name: 'email-intent',
      system: 'Classify.',
      output: z.unknown(),
      maxOutputTokens: 100,
      prompt: (text) => text,
    };
    const provider = scriptedProvider(intentJson);
    await runAgent(raw, 'half an emoji: \uD83D', provider);
    expect(provider.requests[0]?.input).toBe('half an emoji: \uFFFD');
  });
});
