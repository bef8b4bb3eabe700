/**
 * The DynamoDB JSON wire protocol, as spoken between the transaction proxy and dynalite and
 * between the proxy and SDK clients. Errors keep DynamoDB's `{ __type, message }` shape so the
 * SDK deserialises them into its real exception classes.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** One DynamoDB operation on the wire: resolves with the response body, throws WireError on an error status. */
export interface DynamoWire {
  call(operation: string, input: WireObject): Promise<WireObject>;
}

const WIRE_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-date': '20000101T000000Z',
  // dynalite checks that a SigV4 header is present, never its signature.
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
};

/**
 * Calls dynalite's request listener on this thread, with a request and a response that live only
 * in memory: the same handler, validation and answers as over HTTP, without a socket, an HTTP
 * client or a parser for each of a transaction's reads and writes.
 */
export class InProcessWire implements DynamoWire {
  constructor(private readonly listener: (req: IncomingMessage, res: ServerResponse) => void) {}

  call(operation: string, input: WireObject): Promise<WireObject> {
    return new Promise((resolve, reject) => {
      const req = Object.assign(new EventEmitter(), {
        method: 'POST',
        url: '/',
        headers: { ...WIRE_HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` },
      });
      const res = {
        statusCode: 200,
        contentType: '',
        setHeader: () => res,
        end: (text?: string | Buffer) => {
          try {
            const raw = text === undefined ? '' : String(text);
            const body = (raw.startsWith('{') ? JSON.parse(raw) : {}) as WireObject;
            if (res.statusCode >= 300) reject(new WireError({ status: res.statusCode, body }));
            else resolve(body);
          } catch (error) {
            reject(error);
          }
          return res;
        },
      };
      this.listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      req.emit('data', Buffer.from(JSON.stringify(input), 'utf8'));
      req.emit('end');
    });
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
