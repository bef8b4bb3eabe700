/**
 * Lambda's synchronous payload limits, as the local hosts must enforce them: in the cloud an event
 * or a result past them fails the invocation, so a route that works locally must not fail there.
 * Both are the serialized JSON (6 MiB plus 100 bytes: 6,291,556 bytes, as the service counts,
 * "Response payload size (...) exceeded maximum allowed payload size (6291556 bytes)").
 */

/** The largest event or result of a synchronous invocation (API Gateway, SQS, Step Functions). */
export const LAMBDA_SYNC_PAYLOAD_MAX_BYTES = 6 * 1024 * 1024 + 100;

/**
 * Whether `value`, serialized as Lambda serializes it, is over `maxBytes`. `hint` is the length in
 * UTF-16 units of its one large part (an HTTP body): below a sixth of the limit no JSON escaping of
 * it can reach the limit, and the value is not serialized (the hot path pays nothing).
 */
export function overPayloadLimit(value: unknown, hint: number, maxBytes = LAMBDA_SYNC_PAYLOAD_MAX_BYTES): boolean {
  // A UTF-16 unit is at most 6 bytes of JSON (`\u0000`); the rest of an event or result (headers,
  // context) stays far below the slack left.
  if (hint * 6 < maxBytes - 256 * 1024) return false;
  return payloadBytes(value) > maxBytes;
}

/** The UTF-8 bytes of `value` as JSON (what Lambda measures). */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null) ?? 'null');
}

/** An invocation refused for its event's size (Lambda's RequestEntityTooLargeException). */
export class InvocationPayloadTooLargeError extends Error {
  override name = 'InvocationPayloadTooLargeError';
  constructor(readonly bytes: number) {
    super(`the event is ${bytes} bytes, over Lambda's ${LAMBDA_SYNC_PAYLOAD_MAX_BYTES}-byte invocation payload limit`);
  }
}

/** A result Lambda would not return (Function.ResponseSizeTooLarge): the invocation fails. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  constructor(readonly bytes: number) {
    super(
      `Function.ResponseSizeTooLarge: the result is ${bytes} bytes, over Lambda's ${LAMBDA_SYNC_PAYLOAD_MAX_BYTES}-byte ` +
        'response payload limit; in the cloud this invocation fails (API Gateway answers 500). Page or trim the answer',
    );
  }
}
