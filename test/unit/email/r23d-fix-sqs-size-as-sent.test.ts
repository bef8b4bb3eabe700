// Review round 23 (r23d, the fix): every size check of a message bound for SQS measures it as SQS
// receives it, after the client's middleware writes each U+FFFE/U+FFFF as a six-byte `\uXXXX` escape
// (shared/aws/sqs-message-text.ts `sqsBodyBytes`): the send message (`sendMessageOf`), a template's
// share of it (`assertTemplateFitsASend`), a batch's payload (`messagePayloadBytes`). And the queue's
// refusal of a message for its size is an `UnqueueableSendError` (400 UNSENDABLE_EMAIL; a broadcast page
// or a campaign step skips the contact), as a refusal for its characters is.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QUEUE_MAX_MESSAGE_BYTES } from '../../../lib/definition/queues';
import {
  BATCH_PAYLOAD_BYTES,
  intoCalls,
  messagePayloadBytes,
  SqsEntryRefusedError,
} from '../../../shared/adapters/sqs/coalesced-sends';
import { sqsEmailSends } from '../../../shared/adapters/sqs-email-sends';
import { isSqsSizeRefusal, sqsBodyBytes, sqsSafeJson } from '../../../shared/aws/sqs-message-text';
import { runAudiencePage } from '../../../shared/email/broadcast';
import {
  type AudiencePageMessage,
  type EmailSendMessage,
  SEND_MESSAGE_MAX_BYTES,
  sendMessageOf,
  UnqueueableSendError,
} from '../../../shared/email/send-request';
import { assertTemplateFitsASend, TEMPLATE_MAX_BYTES, templateBytes } from '../../../shared/email/stored-templates';
import { ValidationError } from '../../../shared/errors';

/** 200,000 U+FFFF: 600,000 bytes as UTF-8, 1,200,000 escaped as SQS receives them. */
const NONCHARACTERS = '\uFFFF'.repeat(200_000);

const deps = {
  from: 'news@acme.test',
  unsubscribe: () => ({ url: 'https://app.example/u/token', headers: {} }),
};

/** SQS's refusal of a SendMessage over the queue's limit, as the SDK throws it. */
const sizeRefusal = () =>
  Object.assign(
    new Error(
      `One or more parameters are invalid. Reason: Message must be shorter than ${QUEUE_MAX_MESSAGE_BYTES} bytes.`,
    ),
    { name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } },
  );

describe('r23d-fix: a body bound for SQS is measured as SQS receives it', () => {
  it('sqsBodyBytes: the UTF-8 bytes after the escapes (six for U+FFFF), the plain bytes otherwise', () => {
    expect(sqsBodyBytes('{"n":"Zoé"}')).toBe(Buffer.byteLength('{"n":"Zoé"}'));
    const json = JSON.stringify({ n: `Zoe${'\uFFFF'.repeat(10)}\uFFFE` });
    expect(Buffer.byteLength(json)).toBe(Buffer.byteLength('{"n":"Zoe"}') + 11 * 3);
    expect(sqsBodyBytes(json)).toBe(Buffer.byteLength('{"n":"Zoe"}') + 11 * 6);
    expect(sqsBodyBytes(json)).toBe(Buffer.byteLength(sqsSafeJson(json)));
    // A body that is not JSON is sent as it is (and refused for its characters): measured as it is.
    expect(sqsBodyBytes('x\uFFFF')).toBe(4);
  });

  it('sendMessageOf refuses a send whose escaped body passes the limit, though its UTF-8 fits', () => {
    const html = `<p>Thanks${NONCHARACTERS}</p>`;
    expect(Buffer.byteLength(JSON.stringify({ html }))).toBeLessThan(SEND_MESSAGE_MAX_BYTES);
    const build = () =>
      sendMessageOf(
        'ws-1',
        { sendId: 's1', idempotencyKey: 'api#generated#s1' },
        { to: 'ada@example.com', category: 'transactional', subject: 'Receipt', html },
        deps,
      );
    expect(build).toThrow(UnqueueableSendError);
    expect(build).toThrow(/KiB with its html and text, more than the 1020 KiB a send can carry/);
  });

  it('sendMessageOf keeps a send whose escaped body fits, and measures it as sent', () => {
    const html = `<p>${'\uFFFF'.repeat(150_000)}</p>`;
    const message = sendMessageOf(
      'ws-1',
      { sendId: 's1', idempotencyKey: 'api#generated#s1' },
      { to: 'ada@example.com', category: 'transactional', subject: 'Receipt', html },
      deps,
    );
    expect(sqsBodyBytes(JSON.stringify(message))).toBeLessThanOrEqual(SEND_MESSAGE_MAX_BYTES);
  });

  it('a template whose parts fit as UTF-8 but not as sent is TEMPLATE_TOO_LARGE at save, its size as sent', () => {
    const content = { subject: 'Hi', html: `<p>${NONCHARACTERS}</p>` };
    expect(Buffer.byteLength(JSON.stringify(content.html))).toBeLessThan(TEMPLATE_MAX_BYTES);
    expect(templateBytes(content)).toBe(
      sqsBodyBytes(JSON.stringify('Hi')) + sqsBodyBytes(JSON.stringify(content.html)),
    );
    expect(templateBytes(content)).toBeGreaterThan(TEMPLATE_MAX_BYTES);
    let refused: unknown;
    try {
      assertTemplateFitsASend(content);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).code).toBe('TEMPLATE_TOO_LARGE');
  });

  it('a batch counts each body as sent: two bodies that fit 256 KiB as UTF-8 but not escaped go in two calls', () => {
    const body = JSON.stringify({ n: '\uFFFF'.repeat(30_000) }); // ~90 KB as UTF-8, ~180 KB escaped
    expect(messagePayloadBytes(body)).toBe(sqsBodyBytes(body));
    expect(Buffer.byteLength(body) * 2).toBeLessThan(BATCH_PAYLOAD_BYTES);
    const calls = intoCalls([body, body].map((b) => ({ bytes: messagePayloadBytes(b) })));
    expect(calls).toHaveLength(2);
  });

  it('isSqsSizeRefusal: the queue refusing a message for its size, alone or as a batch entry; no other refusal', () => {
    expect(isSqsSizeRefusal(sizeRefusal())).toBe(true);
    expect(
      isSqsSizeRefusal(
        new SqsEntryRefusedError(
          'InvalidParameterValue',
          'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
          true,
        ),
      ),
    ).toBe(true);
    const delay = Object.assign(new Error('Value 901 for parameter DelaySeconds is invalid.'), {
      name: 'InvalidParameterValue',
    });
    expect(isSqsSizeRefusal(delay)).toBe(false);
    expect(isSqsSizeRefusal(new Error('Rate exceeded'))).toBe(false);
    expect(isSqsSizeRefusal('Message must be shorter than 1 bytes')).toBe(false);
  });

  it('the email-sends queue makes a send refused for its size unqueueable (400), anything else as it was', async () => {
    const failing = (error: unknown) => ({ send: async () => Promise.reject(error) }) as unknown as SQSClient;
    const message = { sendId: 's1' } as unknown as EmailSendMessage;
    await expect(sqsEmailSends(failing(sizeRefusal()), 'q').send(message)).rejects.toBeInstanceOf(UnqueueableSendError);
    const entry = new SqsEntryRefusedError(
      'InvalidParameterValue',
      'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
      true,
    );
    const refused = await sqsEmailSends(failing(entry), 'q')
      .send(message)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnqueueableSendError);
    expect((refused as UnqueueableSendError).code).toBe('UNSENDABLE_EMAIL');
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'RequestThrottled' });
    await expect(sqsEmailSends(failing(throttled), 'q').send(message)).rejects.toBe(throttled);
    // Not a single send (an audience page): thrown as it is, the page is retried.
    const page = { kind: 'audience-page' } as unknown as EmailSendMessage;
    const error = sizeRefusal();
    await expect(sqsEmailSends(failing(error), 'q').send(page)).rejects.toBe(error);
    // The command it sends is the body it measured.
    let sent: unknown;
    const recording = {
      send: async (command: unknown) => {
        sent = command;
        return {};
      },
    } as unknown as SQSClient;
    await sqsEmailSends(recording, 'q').send(message);
    expect((sent as SendMessageCommand).input.MessageBody).toBe(JSON.stringify(message));
    expect(sent).toBeInstanceOf(SendMessageCommand);
  });

  it('a broadcast page whose contact’s send would outgrow the queue as sent skips that contact', async () => {
    const queued: unknown[] = [];
    const asSqs = {
      async send(message: unknown) {
        // The queue as SQS measures it: the escaped body.
        if (sqsBodyBytes(JSON.stringify(message)) > QUEUE_MAX_MESSAGE_BYTES) throw sizeRefusal();
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
    const outcome = await runAudiencePage(page, {
      from: 'news@acme.test',
      unsubscribe: () => ({ url: 'https://app.example/u/x', headers: {} }),
      templates: {
        // A version saved before its size was measured as sent.
        version: async () =>
          ({
            workspaceId: 'ws-1',
            templateId: 't1',
            version: 1,
            name: 'Big',
            category: 'transactional',
            subject: 'Hi',
            html: `<p>${NONCHARACTERS}</p>`,
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
      queue: asSqs,
      now: () => new Date(0),
    });
    expect(outcome).toMatchObject({ status: 'done', enqueued: 0, skipped: 1 });
    expect(queued).toHaveLength(0);
  });
});
