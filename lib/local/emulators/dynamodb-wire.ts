/**
 * The DynamoDB JSON wire protocol, as spoken between the transaction proxy and dynalite and
 * between the proxy and SDK clients. Errors keep DynamoDB's `{ __type, message }` shape so the
 * SDK deserialises them into its real exception classes.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/** A JSON object as it travels on the wire (AttributeValue maps included). */
// biome-ignore lint/suspicious/noExplicitAny: wire payloads are untyped JSON by nature.
export type WireObject = Record<string, any>;

export interface WireResponse {
  status: number;
  body: WireObject;
}

/** A DynamoDB error response, thrown so callers can unwind and roll back. */
export class WireError extends Error {
  constructor(readonly response: WireResponse) {
    super(String(response.body.message ?? response.body.Message ?? response.body.__type));
  }

  /** The short error name, e.g. `ConditionalCheckFailedException`. */
  get type(): string {
    return errorType(this.response.body);
  }
}

/** `com.amazonaws.dynamodb.v20120810#X` -> `X`. */
export function errorType(body: WireObject): string {
  return (
    String(body.__type ?? '')
      .split('#')
      .pop() ?? ''
  );
}

export const DYNAMODB_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** A ValidationException exactly as DynamoDB's front end formats it. */
export function validationError(message: string): WireError {
  return new WireError({ status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', message } });
}

/** Calls dynalite directly (it checks that a SigV4 header is present, never its signature). */
export class DynamoWire {
  constructor(private readonly baseUrl: string) {}

  /** Sends one operation; resolves with the response body, throws WireError on an error status. */
  async call(operation: string, input: WireObject): Promise<WireObject> {
    const response = await fetch(this.baseUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'x-amz-date': '20000101T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : {}) as WireObject;
    if (response.status >= 300) throw new WireError({ status: response.status, body });
    return body;
  }
}

/** Answers an SDK client the way DynamoDB does (JSON 1.0, request id, CRC32 of the body). */
export function sendWire(res: ServerResponse, response: WireResponse): void {
  const text = JSON.stringify(response.body);
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(response.status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': bytes.length,
    'x-amz-crc32': String(crc32(bytes)),
    'x-amzn-requestid': randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0'),
  });
  res.end(bytes);
}
