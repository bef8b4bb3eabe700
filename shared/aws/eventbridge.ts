/**
 * The EventBridge client, created once per process (endpoint: `AWS_ENDPOINT_URL_EVENTBRIDGE`
 * locally). An event's `Detail` (JSON) is made SQS-safe before it is put (shared/aws/sqs-message-text.ts):
 * rules deliver events to SQS queues, which refuse U+FFFE and U+FFFF; escaped, the detail is the
 * same JSON value. What EventBridge writes when it delivers a matched event is its own
 * serialization of the parsed detail, and AWS does not document whether it escapes these; the
 * local bus (lib/local/event-bus.ts) delivers through an SQS-safe client, as if it did.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KeyedSha256 } from './keyed-sha256';
import { sqsSafeJson, withSafeText } from './sqs-message-text';

/** A PutEvents input with each entry's `Detail` SQS-safe; any other input as it is. */
export function putEventsSafeInput<T>(input: T): T {
  const { Entries } = input as { Entries?: unknown };
  if (!Array.isArray(Entries) || !Entries.some((e) => typeof e?.Detail === 'string')) return input;
  const safe = Entries.map((e: { Detail?: unknown }) =>
    typeof e?.Detail === 'string' ? { ...e, Detail: sqsSafeJson(e.Detail) } : e,
  );
  return { ...input, Entries: safe };
}

/** `client`, the `Detail` of each event it puts made SQS-safe before anything else of its stack sees it. */
export const withSqsSafeDetails = (client: EventBridgeClient): EventBridgeClient =>
  withSafeText(client, putEventsSafeInput);

export const eventBridge = withSqsSafeDetails(new EventBridgeClient({ sha256: KeyedSha256 }));
