/**
 * The characters an SQS message body may hold, and how a JSON body is kept within them.
 *
 * SQS takes only `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF` (XML's Char)
 * and refuses any other body with `InvalidMessageContents` (in a batch, the entry fails).
 * JSON.stringify escapes the C0 controls and lone surrogates but writes U+FFFE and U+FFFF as
 * they are, and the API accepts them (they are Unicode scalar values, stored as any other text):
 * a contact named `Zoe\uFFFF` would make every message that carries the name refused.
 *
 * Every body our clients send is JSON. In a JSON text such a character can only stand inside a
 * string (JSON's whitespace and punctuation are all allowed), where its `\uXXXX` escape reads back
 * as the very same string: {@link sqsSafeJson} writes that escape, so the message arrives and the
 * consumer's JSON.parse sees exactly what was sent. The SQS, Scheduler and EventBridge clients
 * (shared/aws/) apply it to every body, schedule input and event detail they send. A body that is
 * not JSON is left as it is: no escape would keep its meaning, and SQS refusing it is the error
 * its sender gets ({@link isSqsContentRefusal}).
 *
 * No SDK import here (types only): the contacts function loads the EventBridge client without the SQS one.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';

/** One character SQS refuses (with `u`, a lone surrogate is one; every astral character is allowed). */
const REFUSED = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const REFUSED_ALL = new RegExp(REFUSED.source, 'gu');

/** SQS's rule, as its refusals word it. */
export const SQS_ALLOWED_CHARACTERS = '#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF';

/** The first code point of `text` SQS refuses in a message body, if any. */
export function sqsRefusedCodePoint(text: string): number | undefined {
  const match = REFUSED.exec(text);
  return match ? match[0].codePointAt(0) : undefined;
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * `text`, a JSON text, with every character SQS refuses written as its `\uXXXX` escape: the same
 * JSON value, in characters SQS takes. Text without such characters comes back as it is (one scan,
 * no parse); text that is not JSON too (see the module's comment).
 */
export function sqsSafeJson(text: string): string {
  if (!REFUSED.test(text) || !isJson(text)) return text;
  // Every refused character is one UTF-16 unit (U+0000-U+001F but TAB/LF/CR, a lone surrogate,
  // U+FFFE, U+FFFF): its escape is that unit in four hex digits.
  return text.replace(REFUSED_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The size of `text`, a body bound for SQS, as SQS receives and measures it: the UTF-8 bytes of
 * {@link sqsSafeJson}`(text)`, which the client's middleware sends in its place. A refused character
 * (U+FFFF: three bytes as UTF-8) weighs six bytes there (`\uffff`), so a body measured before the
 * rewrite can pass a limit it then exceeds. Every size check of a message bound for a queue measures
 * it so: the send message's (shared/email/send-request.ts), a template's share of it
 * (stored-templates.ts), a batch's payload (shared/adapters/sqs/coalesced-sends.ts).
 */
export const sqsBodyBytes = (text: string): number => Buffer.byteLength(sqsSafeJson(text));

/**
 * A SendMessage or SendMessageBatch input with its bodies made SQS-safe ({@link sqsSafeJson}); any
 * other command's input (no `MessageBody`) as it is. A new object: the caller's input is not changed.
 */
export function sqsSafeInput<T>(input: T): T {
  const { MessageBody, Entries } = input as { MessageBody?: unknown; Entries?: unknown };
  if (typeof MessageBody === 'string') {
    const safe = sqsSafeJson(MessageBody);
    return safe === MessageBody ? input : { ...input, MessageBody: safe };
  }
  if (Array.isArray(Entries) && Entries.some((e) => typeof e?.MessageBody === 'string')) {
    const safe = Entries.map((e: { MessageBody?: unknown }) =>
      typeof e?.MessageBody === 'string' ? { ...e, MessageBody: sqsSafeJson(e.MessageBody) } : e,
    );
    return { ...input, Entries: safe };
  }
  return input;
}

/**
 * Whether `error` is SQS refusing a message for its characters: the SDK's `InvalidMessageContents`
 * (SendMessage), or a batch entry refused with that code (shared/adapters/sqs/coalesced-sends.ts).
 */
export const isSqsContentRefusal = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'InvalidMessageContents' || (error as { code?: unknown }).code === 'InvalidMessageContents');

/**
 * Whether `error` is SQS refusing a message for its size: `InvalidParameterValue` with its words
 * "Message must be shorter than N bytes" (the queue's MaximumMessageSize; its emulator's too,
 * lib/local/emulators/sqs-compat.ts), from SendMessage or as a batch entry's refusal
 * (shared/adapters/sqs/coalesced-sends.ts). Known by those words, which no other refusal has (a
 * delay out of range, say, is the caller's fault, not the message's).
 */
export const isSqsSizeRefusal = (error: unknown): boolean =>
  error instanceof Error && /Message must be shorter than \d+ bytes/.test(error.message);

/** The name of the middleware that applies {@link sqsSafeJson} on each client (first of its stack). */
export const SAFE_TEXT_MIDDLEWARE = 'sqsSafeMessageText';

/** The part of an SDK v3 client this module uses: its middleware stack. */
interface Stacked {
  readonly middlewareStack: object;
}
type InitializeMiddleware = (next: (args: { input: unknown }) => unknown) => (args: { input: unknown }) => unknown;

/**
 * `client`, every command's input passed through `rewrite` before anything else of its stack sees
 * it (the SDK's MD5 check of an SQS body included): how the SQS, Scheduler and EventBridge clients
 * make what they send SQS-safe, each with the rewrite of its own fields.
 */
export function withSafeText<C extends Stacked>(client: C, rewrite: <T>(input: T) => T): C {
  const stack = client.middlewareStack as {
    add(middleware: InitializeMiddleware, options: { step: 'initialize'; priority: 'high'; name: string }): void;
  };
  stack.add((next) => (args) => next({ ...args, input: rewrite(args.input) }), {
    step: 'initialize',
    priority: 'high',
    name: SAFE_TEXT_MIDDLEWARE,
  });
  return client;
}

/**
 * `client`, its SendMessage and SendMessageBatch bodies made SQS-safe ({@link sqsSafeInput}): the
 * process's client (shared/aws/sqs.ts) and the local runtime's, which delivers the local bus's events.
 */
export const withSqsSafeBodies = (client: SQSClient): SQSClient => withSafeText(client, sqsSafeInput);
