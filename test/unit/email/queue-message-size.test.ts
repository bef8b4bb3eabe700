/**
 * Review round 10: this test failed at bad0c0c for the reason below; it passes since the fix.
 * FAULT (MEDIUM): a send message larger than the email-sends queue accepts is built and handed to
 * SQS anyway, so the API answers 500 (and a broadcast page or a campaign step throws, is retried
 * and dead-lettered) instead of a 400 `UNSENDABLE_EMAIL`.
 *
 * Where: shared/email/send-request.ts `sendMessageOf` (line 235) checks the message against the
 * queue's zod schema only. That schema (and `TEMPLATE_PART_MAX_CHARS`, shared/email/templates.ts:49,
 * the stored-template and inline-send schemas) lets `html` and `text` be 500,000 characters EACH,
 * but the message is sent as one SQS body (shared/adapters/sqs-email-sends.ts) and the queue is
 * created without `maxMessageSize` (lib/cdk), i.e. with SQS's default MaximumMessageSize of
 * 262,144 bytes: SendMessage answers `InvalidParameterValue` ("Message must be shorter than 262144
 * bytes") for anything bigger. A 300 KB template saves fine (201), previews fine, and every send of
 * it then fails: the one-off route with a 500, a broadcast page with a thrown error (retried 5 times,
 * DLQ, broadcast stuck in `enqueuing`), a campaign email step likewise. Nothing checks UTF-8 bytes
 * either: 150,000 `é` are 300,000 bytes. The local SQS emulator enforces no size, so no existing
 * test sees it.
 *
 * Fix: measure `Buffer.byteLength(JSON.stringify(message))` in `sendMessageOf` and throw
 * `UnqueueableSendError` over 256 KiB (a broadcast page then counts the contact skipped with its
 * reason), and cap template parts at save so a stored template always fits (or put large bodies in
 * S3 and queue a pointer). The tests read the queue's limit from lib/definition/queues.ts
 * (`QUEUE_MAX_MESSAGE_BYTES`) when it declares one, else SQS's 262,144-byte default, so they hold
 * for either fix (a 1 MiB queue plus the check, or the check at 256 KiB).
 */
import { describe, expect, it } from 'vitest';
import * as queueDefinitions from '../../../lib/definition/queues';
import { runAudiencePage } from '../../../shared/email/broadcast';
import {
  type AudiencePageMessage,
  type EmailSendMessage,
  sendMessageOf,
  UnqueueableSendError,
} from '../../../shared/email/send-request';

/**
 * What the email-sends queue takes: its declared maximum when the definitions name one, else SQS's
 * default MaximumMessageSize (262,144 bytes), which is what a queue created without one gets.
 */
const QUEUE_MAX_BYTES =
  ((queueDefinitions as Record<string, unknown>).QUEUE_MAX_MESSAGE_BYTES as number | undefined) ?? 262_144;

/** html (and, past the schema's 500,000 characters, text) of `é` whose UTF-8 weighs `bytes`. */
function partsOf(bytes: number): { html: string; text?: string } {
  const chars = Math.ceil(bytes / 2);
  const html = 'é'.repeat(Math.min(500_000, chars));
  return chars > 500_000 ? { html, text: 'é'.repeat(chars - 500_000) } : { html };
}

const deps = {
  from: 'news@acme.test',
  unsubscribe: () => ({
    url: 'https://app.example/u/token',
    headers: { 'List-Unsubscribe': '<https://app.example/u/token>' },
  }),
};

function build(send: { html: string; text?: string }): { message?: EmailSendMessage; refused?: unknown } {
  try {
    return {
      message: sendMessageOf(
        'ws-1',
        { sendId: 's1', idempotencyKey: 'api#generated#s1' },
        { to: 'ada@example.com', category: 'transactional', subject: 'Hi', ...send },
        deps,
      ),
    };
  } catch (refused) {
    return { refused };
  }
}

describe('a send message bigger than the email-sends queue takes', () => {
  it('an inline html of 300,000 characters (the schema allows 500,000) is refused as UNSENDABLE_EMAIL when the queue takes less', () => {
    if (QUEUE_MAX_BYTES >= 300_100) return; // a queue that takes it: nothing to refuse
    const { message, refused } = build({ html: `<p>${'x'.repeat(300_000)}</p>` });
    // Today a message of ~300 KB is returned, and SQS refuses it with a 500 to the caller.
    if (message) expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(QUEUE_MAX_BYTES);
    expect(refused).toBeInstanceOf(UnqueueableSendError);
  });

  it("bytes, not characters, decide: multi-byte parts within the schema over the queue's limit are refused", () => {
    const { message, refused } = build(partsOf(QUEUE_MAX_BYTES + 20_000));
    if (message) expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(QUEUE_MAX_BYTES);
    expect(refused).toBeInstanceOf(UnqueueableSendError);
  });

  it('a broadcast page of a template too big for the queue skips the contact instead of throwing on the queue', async () => {
    const queued: unknown[] = [];
    const sqsLike = {
      async send(message: unknown) {
        const bytes = Buffer.byteLength(JSON.stringify(message));
        if (bytes > QUEUE_MAX_BYTES) {
          throw Object.assign(new Error(`Message must be shorter than ${QUEUE_MAX_BYTES} bytes.`), {
            name: 'InvalidParameterValue',
            $metadata: { httpStatusCode: 400 },
          });
        }
        queued.push(message);
      },
    };
    const page: AudiencePageMessage = {
      kind: 'audience-page',
      workspaceId: 'ws-1',
      broadcastId: 'b1',
      templateId: 't1',
      version: 1,
      audience: {},
      workspace: { name: 'Acme', postalAddress: '1 Main St' },
      page: 0,
    };
    const outcome = runAudiencePage(page, {
      from: 'news@acme.test',
      unsubscribe: () => ({ url: 'https://app.example/u/x', headers: {} }),
      templates: {
        version: async () =>
          ({
            workspaceId: 'ws-1',
            templateId: 't1',
            version: 1,
            name: 'Big',
            category: 'transactional',
            subject: 'Hi',
            ...partsOf(QUEUE_MAX_BYTES + 20_000),
          }) as never,
      },
      broadcasts: {
        create: async () => true,
        get: async () => undefined,
        pageRecorded: async () => false,
        recordPage: async () => true,
      },
      contacts: {
        list: async () =>
          ({
            contacts: [{ contactId: 'c1', email: 'ada@example.com', tags: [], customFields: {}, status: 'active' }],
          }) as never,
      },
      queue: sqsLike,
      now: () => new Date(0),
    });
    await expect(outcome).resolves.toMatchObject({ status: 'done', enqueued: 0, skipped: 1 });
    expect(queued).toHaveLength(0);
  });
});
