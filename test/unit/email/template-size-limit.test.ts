/**
 * A stored template is refused at save (400 `TEMPLATE_TOO_LARGE`, naming its size and the limit)
 * when its parts together could never fit a send message on the email-sends queue: the per-part
 * schema cap (500,000 characters) allows two parts, multi-byte characters and JSON escaping that
 * weigh more than the queue takes. Measured in UTF-8 bytes of the parts' JSON strings, against a
 * bound derived from `SEND_MESSAGE_MAX_BYTES` less room for the rest of the message.
 */
import { describe, expect, it } from 'vitest';
import { SEND_MESSAGE_MAX_BYTES, sendMessageOf } from '../../../shared/email/send-request';
import {
  assertSavable,
  createTemplate,
  SEND_ENVELOPE_BYTES,
  TEMPLATE_MAX_BYTES,
  type TemplateInput,
  type TemplateStore,
  templateBytes,
  templateInputSchema,
  updateTemplate,
} from '../../../shared/email/stored-templates';
import { ValidationError } from '../../../shared/errors';

const base: TemplateInput = { name: 'Receipt', category: 'transactional', subject: 'Hi', html: '<p>Hi</p>' };

/** A transactional template whose parts weigh exactly `bytes` (html of `é`, the rest ASCII text). */
function weighing(bytes: number): TemplateInput {
  const html = 'é'.repeat(400_000); // 800,002 bytes as JSON
  const rest = bytes - templateBytes({ subject: base.subject, html }) - 2; // the text's quotes
  return { ...base, html, text: 'x'.repeat(rest) };
}

async function refusal(save: Promise<unknown>): Promise<ValidationError> {
  try {
    await save;
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected the save to be refused');
}

const store = (): TemplateStore & { writes: number } => {
  const s = {
    writes: 0,
    create: async () => {
      s.writes += 1;
    },
    addVersion: async () => {
      s.writes += 1;
      return true;
    },
    get: async () => ({
      workspaceId: 'ws-1',
      templateId: 't1',
      name: 'Receipt',
      category: 'transactional' as const,
      latestVersion: 1,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    }),
    version: async () => undefined,
    list: async () => ({ templates: [] }),
    markDeleted: async () => false,
  };
  return s;
};
const deps = (templates: TemplateStore) => ({ templates, newId: () => 't1', now: () => new Date(0) });

describe('the size of a stored template', () => {
  it('is bounded below the send message limit, leaving a few KB for the rest of the message', () => {
    expect(TEMPLATE_MAX_BYTES).toBe(SEND_MESSAGE_MAX_BYTES - SEND_ENVELOPE_BYTES);
    expect(SEND_ENVELOPE_BYTES).toBeGreaterThanOrEqual(4096);
    expect(SEND_ENVELOPE_BYTES).toBeLessThanOrEqual(64 * 1024);
  });

  it('refuses two parts within the schema whose UTF-8 weighs more than a send can carry: 400 TEMPLATE_TOO_LARGE', async () => {
    const input = { ...base, html: 'é'.repeat(300_000), text: 'é'.repeat(300_000) }; // 1.2 MB
    expect(templateInputSchema.safeParse(input).success).toBe(true);
    const templates = store();
    const error = await refusal(createTemplate('ws-1', input, 'user-1', deps(templates)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('TEMPLATE_TOO_LARGE');
    // The message names the size and the limit.
    expect(error.message).toContain(String(templateBytes(input)));
    expect(error.message).toContain(String(TEMPLATE_MAX_BYTES));
    expect(error.details).toEqual([
      expect.objectContaining({ path: 'html', bytes: templateBytes(input), maxBytes: TEMPLATE_MAX_BYTES }),
    ]);
    expect(templates.writes).toBe(0);
  });

  it('refuses it on a save of a new version too', async () => {
    const templates = store();
    const input = { ...base, html: 'é'.repeat(300_000), text: 'x'.repeat(500_000) };
    const error = await refusal(updateTemplate('ws-1', 't1', input, { updatedBy: 'user-1' }, deps(templates)));
    expect(error.code).toBe('TEMPLATE_TOO_LARGE');
    expect(templates.writes).toBe(0);
  });

  it('counts JSON escaping: quotes and control characters weigh what they weigh in the message', async () => {
    const input = { ...base, html: `<p>${'"'.repeat(300_000)}</p>`, text: '\u0001'.repeat(100_000) };
    expect(input.html.length + input.text.length).toBeLessThan(500_000);
    expect(templateBytes(input)).toBeGreaterThan(TEMPLATE_MAX_BYTES);
    expect((await refusal(assertSavable(input))).code).toBe('TEMPLATE_TOO_LARGE');
  });

  it('saves a template at the limit, not one byte more', async () => {
    const atLimit = weighing(TEMPLATE_MAX_BYTES);
    expect(templateBytes(atLimit)).toBe(TEMPLATE_MAX_BYTES);
    await expect(assertSavable(atLimit)).resolves.toBeUndefined();
    const over = weighing(TEMPLATE_MAX_BYTES + 1);
    expect((await refusal(assertSavable(over))).code).toBe('TEMPLATE_TOO_LARGE');
  });

  it('a send of the largest template that saves fits the queue, with a contact, its fields and the unsubscribe link', () => {
    const largest = { ...weighing(TEMPLATE_MAX_BYTES), category: 'marketing' as const };
    const message = sendMessageOf(
      'ws-1',
      { sendId: 'send-1', idempotencyKey: 'broadcast#b1#c1', tags: { broadcast: 'b1' } },
      {
        to: 'ada.lovelace@example.com',
        category: 'marketing',
        subject: largest.subject,
        html: largest.html,
        text: largest.text,
        contactId: 'c1',
        contact: {
          email: 'ada.lovelace@example.com',
          firstName: 'Ada',
          lastName: 'Lovelace',
          company: 'Analytical Engines Ltd',
          customFields: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field${i}`, 'v'.repeat(100)])),
        },
        workspace: { name: 'Acme', postalAddress: '1 Main St, Springfield' },
        topic: 'news',
      },
      {
        from: 'news@acme.test',
        unsubscribe: () => ({
          url: `https://app.example/u/${'t'.repeat(400)}`,
          headers: {
            'List-Unsubscribe': `<https://app.example/u/${'t'.repeat(400)}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        }),
      },
    );
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(SEND_MESSAGE_MAX_BYTES);
  });
});
