/**
 * Review round 21 (r21e), the backstop under the escaping (shared/aws/sqs-message-text.ts): a send
 * the email-sends queue still refuses for its characters (`InvalidMessageContents`, on the call or
 * on a coalesced batch's entry) is an `UnqueueableSendError` (shared/adapters/sqs-email-sends.ts),
 * as a message its schema refuses: a broadcast page skips that contact, counted with its reason,
 * and finishes instead of failing; the one-off send answers 400 `UNSENDABLE_EMAIL`, never 500.
 */
import { InvalidMessageContents, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsEntryRefusedError } from '../../../shared/adapters/sqs/coalesced-sends';
import { sqsEmailSends } from '../../../shared/adapters/sqs-email-sends';
import { runAudiencePage } from '../../../shared/email/broadcast';
import {
  type AudiencePageMessage,
  type EmailSendMessage,
  type EmailSendQueue,
  queueOneOffSend,
  UnqueueableSendError,
} from '../../../shared/email/send-request';

const refusal = () =>
  new InvalidMessageContents({ message: 'Invalid binary character', $metadata: { httpStatusCode: 400 } });

/** An SQS client whose every SendMessage is refused with `error`. */
const refusing = (error: unknown) => ({ send: async () => Promise.reject(error) }) as unknown as SQSClient;

const sendMessage = { workspaceId: 'ws-1', sendId: 's1' } as unknown as EmailSendMessage;
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

describe('sqsEmailSends: a content refusal is an UnqueueableSendError', () => {
  it('for a send message, refused on the call or as a batch entry', async () => {
    for (const error of [refusal(), new SqsEntryRefusedError('InvalidMessageContents', 'bad', true)]) {
      const sent = sqsEmailSends(refusing(error), 'q').send(sendMessage);
      await expect(sent).rejects.toBeInstanceOf(UnqueueableSendError);
      await expect(sent).rejects.toMatchObject({ code: 'UNSENDABLE_EMAIL', status: 400 });
    }
  });

  it('any other failure, and an audience page, keep their own error (retried as before)', async () => {
    const down = Object.assign(new Error('down'), { name: 'ServiceUnavailable' });
    await expect(sqsEmailSends(refusing(down), 'q').send(sendMessage)).rejects.toBe(down);
    const refused = refusal();
    await expect(sqsEmailSends(refusing(refused), 'q').send(page)).rejects.toBe(refused);
  });
});

describe('a send the queue refuses for its content', () => {
  it('is skipped by its broadcast page (counted, with its reason): the page is recorded and done', async () => {
    const queued: unknown[] = [];
    const recorded: unknown[] = [];
    const queue: EmailSendQueue = {
      async send(message) {
        if ('to' in message && message.to === 'zoe@example.com') {
          throw new UnqueueableSendError('message: holds characters the queue refuses');
        }
        queued.push(message);
      },
    };
    const contact = (id: string, email: string) => ({
      contactId: id,
      email,
      tags: [],
      customFields: {},
      status: 'active',
    });
    const outcome = await runAudiencePage(page, {
      from: 'news@acme.test',
      unsubscribe: () => ({ url: 'https://app.example/u/x', headers: {} }),
      templates: {
        version: async () =>
          ({
            workspaceId: 'ws-1',
            templateId: 't1',
            version: 1,
            name: 'News',
            category: 'transactional',
            subject: 'Hi',
            html: '<p>Hi</p>',
          }) as never,
      },
      broadcasts: {
        create: async () => true,
        get: async () => undefined,
        pageRecorded: async () => false,
        recordPage: async (_ws, _b, p) => {
          recorded.push(p);
          return true;
        },
      },
      contacts: {
        list: async () =>
          ({
            contacts: [
              contact('c1', 'ada@example.com'),
              contact('c2', 'zoe@example.com'),
              contact('c3', 'bo@example.com'),
            ],
          }) as never,
      },
      queue,
      now: () => new Date(0),
    });
    expect(outcome).toMatchObject({
      status: 'done',
      enqueued: 2,
      skipped: 1,
      last: true,
      unqueueable: [{ contactId: 'c2', reason: 'message: holds characters the queue refuses' }],
    });
    expect(queued).toHaveLength(2);
    expect(recorded).toStrictEqual([expect.objectContaining({ page: 0, enqueued: 2, skipped: 1, last: true })]);
  });

  it('makes the one-off send throw UnqueueableSendError (the API’s 400), not the SDK’s error (500)', async () => {
    const queue = sqsEmailSends(refusing(refusal()), 'q');
    const sent = queueOneOffSend(
      'ws-1',
      { to: 'ada@example.com', category: 'transactional', subject: 'Receipt', html: '<p>Thanks</p>' },
      undefined,
      { from: 'news@acme.test', queue, newId: () => 'id-1' },
    );
    await expect(sent).rejects.toBeInstanceOf(UnqueueableSendError);
  });
});
