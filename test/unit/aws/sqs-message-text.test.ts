/**
 * Review round 21 (r21e), the class under the reviewer's test: every SQS message body, schedule
 * input and event detail our clients send is made SQS-safe in one place (shared/aws/sqs-message-text.ts,
 * installed on the SQS, Scheduler and EventBridge clients). SQS takes only
 * #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF; JSON.stringify writes U+FFFE and
 * U+FFFF raw. The escape must read back as the same value, and leave nothing SQS refuses.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqsEntryRefusedError } from '../../../shared/adapters/sqs/coalesced-sends';
import { eventBridge, putEventsSafeInput } from '../../../shared/aws/eventbridge';
import { scheduler, schedulerSafeInput } from '../../../shared/aws/scheduler';
import { sqs } from '../../../shared/aws/sqs';
import {
  isSqsContentRefusal,
  SAFE_TEXT_MIDDLEWARE,
  sqsRefusedCodePoint,
  sqsSafeInput,
  sqsSafeJson,
  withSqsSafeBodies,
} from '../../../shared/aws/sqs-message-text';

/** SQS's rule, written out independently of the module's regular expression. */
const sqsAllows = (cp: number) =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff);
const onlyAllowed = (text: string) => [...text].every((c) => sqsAllows(c.codePointAt(0) ?? 0));

/** Strings that often hold what SQS refuses: any code unit, plus the noncharacters and surrogates. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('\uFFFE', '\uFFFF', '\uD800', '\uDFFF', 'a', '"', '\\', '\u0000', '😀', '\uFDD0'),
  }),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('sqsSafeJson', () => {
  it('reads back as the same value and holds only characters SQS takes', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const json = JSON.stringify(value);
        const safe = sqsSafeJson(json);
        expect(JSON.parse(safe)).toStrictEqual(JSON.parse(json));
        expect(onlyAllowed(safe)).toBe(true);
        expect(sqsRefusedCodePoint(safe)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes U+FFFE and U+FFFF, which JSON.stringify leaves raw', () => {
    const json = JSON.stringify({ firstName: 'Zoe\uFFFF', note: '\uFFFE' });
    expect(onlyAllowed(json)).toBe(false);
    expect(sqsSafeJson(json)).toBe('{"firstName":"Zoe\\uffff","note":"\\ufffe"}');
  });

  it('escapes a raw lone surrogate of a JSON text (the same string once parsed)', () => {
    const json = '{"a":"x\uD800y","b":"\uDFFF"}';
    const safe = sqsSafeJson(json);
    expect(onlyAllowed(safe)).toBe(true);
    expect(JSON.parse(safe)).toStrictEqual(JSON.parse(json));
  });

  it('returns text with nothing SQS refuses as it is, the same string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const json = JSON.stringify({ s });
        if (onlyAllowed(json)) expect(sqsSafeJson(json)).toBe(json);
      }),
    );
  });

  it('leaves a body that is not JSON as it is (SQS refuses it; no escape keeps its meaning)', () => {
    expect(sqsSafeJson('plain \uFFFF text')).toBe('plain \uFFFF text');
    expect(sqsSafeJson('{"a":"\u0001\uFFFF"}')).toBe('{"a":"\u0001\uFFFF"}');
  });

  it('names the first refused code point', () => {
    expect(sqsRefusedCodePoint('ok')).toBeUndefined();
    expect(sqsRefusedCodePoint('a\uFFFFb\uFFFE')).toBe(0xffff);
    expect(sqsRefusedCodePoint('😀\uD800')).toBe(0xd800);
    expect(sqsRefusedCodePoint('\u{10FFFF}\u{1FFFE}\t\r\n')).toBeUndefined();
  });
});

describe('the clients apply it to every body, schedule input and event detail', () => {
  it('SendMessage and SendMessageBatch inputs: bodies escaped, other fields and the caller’s input unchanged', () => {
    const single = { QueueUrl: 'q', MessageBody: '{"n":"\uFFFF"}', DelaySeconds: 3 };
    expect(sqsSafeInput(single)).toStrictEqual({ QueueUrl: 'q', MessageBody: '{"n":"\\uffff"}', DelaySeconds: 3 });
    expect(single.MessageBody).toBe('{"n":"\uFFFF"}');
    const batch = {
      QueueUrl: 'q',
      Entries: [
        { Id: '0', MessageBody: '{"n":"ok"}' },
        { Id: '1', MessageBody: '"\uFFFE"', DelaySeconds: 1 },
      ],
    };
    expect(sqsSafeInput(batch)).toStrictEqual({
      QueueUrl: 'q',
      Entries: [
        { Id: '0', MessageBody: '{"n":"ok"}' },
        { Id: '1', MessageBody: '"\\ufffe"', DelaySeconds: 1 },
      ],
    });
    const deletes = { QueueUrl: 'q', Entries: [{ Id: '0', ReceiptHandle: 'r' }] };
    expect(sqsSafeInput(deletes)).toBe(deletes);
  });

  it('CreateSchedule target Input and PutEvents Detail', () => {
    const schedule = { Name: 's', Target: { Arn: 'arn', RoleArn: 'role', Input: '{"t":"\uFFFF"}' } };
    expect(schedulerSafeInput(schedule)).toStrictEqual({
      Name: 's',
      Target: { Arn: 'arn', RoleArn: 'role', Input: '{"t":"\\uffff"}' },
    });
    const events = { Entries: [{ Source: 'unite-hub', DetailType: 'contact.created', Detail: '{"tags":["\uFFFE"]}' }] };
    expect(putEventsSafeInput(events)).toStrictEqual({
      Entries: [{ Source: 'unite-hub', DetailType: 'contact.created', Detail: '{"tags":["\\ufffe"]}' }],
    });
  });

  /** A client whose calls end in a middleware that records the input it sees (after the client's own). */
  function recording(client: SQSClient) {
    const seen: unknown[] = [];
    client.middlewareStack.add(
      () => async (args) => {
        seen.push(args.input);
        return { response: {}, output: { $metadata: {} } } as never;
      },
      { step: 'initialize', name: 'record' },
    );
    return seen;
  }

  it('the process’s SQS client escapes before any other middleware of its stack sees the body', async () => {
    const client = withSqsSafeBodies(
      new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );
    const seen = recording(client);
    await client.send(new SendMessageCommand({ QueueUrl: 'https://q.test/1/q', MessageBody: '{"n":"Zoe\uFFFF"}' }));
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: 'https://q.test/1/q',
        Entries: [{ Id: '0', MessageBody: '["\uFFFE"]' }],
      }),
    );
    expect(seen).toStrictEqual([
      { QueueUrl: 'https://q.test/1/q', MessageBody: '{"n":"Zoe\\uffff"}' },
      { QueueUrl: 'https://q.test/1/q', Entries: [{ Id: '0', MessageBody: '["\\ufffe"]' }] },
    ]);
    client.destroy();
    // The process's SQS, Scheduler and EventBridge clients carry the middleware.
    for (const stack of [sqs.middlewareStack, scheduler.middlewareStack, eventBridge.middlewareStack]) {
      expect(stack.identify().some((m) => m.startsWith(`${SAFE_TEXT_MIDDLEWARE} `))).toBe(true);
    }
  });
});

describe('isSqsContentRefusal', () => {
  it('tells SQS’s InvalidMessageContents (call or batch entry) from other errors', () => {
    expect(isSqsContentRefusal(Object.assign(new Error('x'), { name: 'InvalidMessageContents' }))).toBe(true);
    expect(isSqsContentRefusal(new SqsEntryRefusedError('InvalidMessageContents', 'bad', true))).toBe(true);
    expect(isSqsContentRefusal(new SqsEntryRefusedError('InternalError', '', false))).toBe(false);
    expect(isSqsContentRefusal(Object.assign(new Error('x'), { name: 'InvalidParameterValue' }))).toBe(false);
    expect(isSqsContentRefusal('InvalidMessageContents')).toBe(false);
  });
});
