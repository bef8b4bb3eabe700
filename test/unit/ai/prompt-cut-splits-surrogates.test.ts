// Review round 12: this test failed at eab1d13 (promptData/bounded cut prompts between the halves of an emoji, leaving a lone surrogate that Anthropic refuses with 400 "no low surrogate in string").
/**
 * Review 12, finding 4 (MEDIUM): `promptData(value, max)` (shared/ai/agents/prompt-data.ts) cuts
 * the *serialised* JSON at `max` UTF-16 code units. JSON.stringify leaves emoji and other astral
 * characters as raw surrogate pairs, so the cut can keep the high surrogate and drop the low one.
 * The prompt then holds a lone surrogate; the SDK's JSON.stringify sends it as `\ud83d` with no low
 * surrogate after it, and Anthropic's API refuses the whole request: 400 invalid_request_error
 * "The request body is not valid JSON: no low surrogate in string" (reported verbatim in
 * anthropics/claude-code #2108, #3277, #60394). The call fails as bad-request for that contact
 * every time (an interaction's metadata is cut at 300, the contact at 4000, the personalisation
 * contact at 2000), e.g. a timeline entry whose subject has "🎉" at the cut.
 * The local stand-in parses with JSON.parse, which accepts lone surrogates, so the e2e suite
 * cannot see it.
 *
 * Fault: shared/ai/agents/prompt-data.ts:promptData / bounded (slice on code units).
 * Fix: cut on a code-point boundary (drop a trailing high surrogate after the slice), or cut the
 * values before serialising, e.g. `s.slice(0, max).replace(/[\uD800-\uDBFF]$/, '')`.
 */
import { describe, expect, it } from 'vitest';
import { contactIntelligenceAgent } from '../../../shared/ai/agents/contact-intelligence';
import { contentPersonalisationAgent } from '../../../shared/ai/agents/content-personalisation';
import type { Contact, Interaction } from '../../../shared/crm/model';

/** What Anthropic's JSON parser refuses: a `\uD800-\uDBFF` escape with no low surrogate after it (and vice versa). */
const wireHasLoneSurrogate = (body: string) =>
  /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})/i.test(body) ||
  /(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(body);

/** No lone surrogate (String.prototype.isWellFormed, which the project's TS lib does not declare). */
const wellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

const contact: Contact = {
  contactId: 'c-1',
  workspaceId: 'ws-1',
  email: 'c1@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 10,
  tier: 'cold',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

describe('review12: prompts cut inside an emoji', () => {
  it('contact-intelligence: a timeline entry whose metadata has an emoji at the 300-character cut', () => {
    // {"subject":"xxx…🎉…"}: the emoji's high surrogate is character 300 of the JSON.
    const prefix = '{"subject":"'.length;
    const subject = `${'x'.repeat(299 - prefix)}🎉 Winter sale, 40% off everything`;
    const interaction: Interaction = {
      interactionId: 'i-1',
      workspaceId: 'ws-1',
      contactId: 'c-1',
      type: 'email_opened' as Interaction['type'],
      occurredAt: '2026-12-02T10:00:00.000Z',
      metadata: { subject },
      source: 'tracking',
    };
    const prompt = contactIntelligenceAgent.prompt({ contact, timeline: [interaction] });

    expect(wellFormed(prompt)).toBe(true);
    // As the SDK puts it on the wire.
    expect(wireHasLoneSurrogate(JSON.stringify({ messages: [{ role: 'user', content: prompt }] }))).toBe(false);
  });

  it('contact-intelligence: a contact whose fields run past the 4000-character cut with an emoji on it', () => {
    // One of the two paddings puts the cut between the halves of an emoji, whatever the prefix length.
    for (const pad of ['', 'x']) {
      const big: Contact = { ...contact, customFields: { notes: pad + '😀'.repeat(3000) } };
      const prompt = contactIntelligenceAgent.prompt({ contact: big, timeline: [] });
      expect(wellFormed(prompt), `padding "${pad}"`).toBe(true);
    }
  });

  it('content-personalisation: a stored contact with tags full of emoji past the 2000-character cut', () => {
    const prompt = contentPersonalisationAgent.prompt({
      contact: { firstName: 'Ada', tags: Array.from({ length: 50 }, () => '🚀'.repeat(21)) },
      goal: 'Invite to the launch',
      tone: 'friendly',
    });
    expect(wellFormed(prompt)).toBe(true);
  });
});
