/**
 * Local stand-in of Anthropic's Messages API, on the wire as Anthropic speaks it, so the official
 * `@anthropic-ai/sdk` talks to it unchanged (only ANTHROPIC_BASE_URL differs):
 * - `POST /v1/messages` with the key (`x-api-key`, or `Authorization: Bearer` as SDK 1.x sends
 *   it) and `anthropic-version`: a `message` with `content`
 *   (one text block), `stop_reason` (`end_turn`, or `max_tokens` when the answer outgrows
 *   `max_tokens`), and `usage` with cache tokens: a system block marked `cache_control` is
 *   "written" the first time its text is seen and "read" after that (the real API caches only
 *   prompts past a minimum length; the stand-in caches any, so the accounting can be seen);
 * - the answer is JSON valid against `output_config.format.schema` (json-schema-sample.ts),
 *   seeded by the user message, and the reported `model` is the requested one with `-local`
 *   appended, so a stored result never passes for Claude's;
 * - errors have Anthropic's shape `{type: 'error', error: {type, message, details?}, request_id}`
 *   and a `request-id` header: 401 `authentication_error`, 400 `invalid_request_error`, and the
 *   fault switch's answers (ai-faults.ts).
 * Local only: `GET /_local/requests` (what it received), `/_local/fault`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type AiFaultSetting,
  type AiFaultSwitch,
  BodyTooLargeError,
  createAiFaultSwitch,
  cutJson,
  readBody,
  tokensOf,
} from './ai-faults';
import { sampleFromSchema } from './json-schema-sample';
import { closeServer, endpointUrl, listen } from './net';

export const LOCAL_ANTHROPIC_API_KEY = 'sk-ant-local-0000000000000000';

/** One request the stand-in took, as tests count them. */
export interface StandInRequest {
  readonly at: number;
  readonly model?: string;
  readonly status: number;
  readonly fault: AiFaultSetting['mode'];
}

export interface AiStandIn {
  /** What the SDK's `baseURL` is set to (ANTHROPIC_BASE_URL / OPENROUTER_BASE_URL). */
  readonly endpoint: string;
  /** The only key it accepts (a dummy). */
  readonly apiKey: string;
  readonly fault: AiFaultSwitch;
  /** API requests received, oldest first (faulted ones included). */
  requests(): readonly StandInRequest[];
  stop(): Promise<void>;
}

export interface StandInOptions {
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: string;
  readonly log?: (msg: string) => void;
  /** Initial fault mode; default the LOCAL_<NAME>_FAULT variable. */
  readonly fault?: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: { readonly details?: Record<string, unknown>; readonly headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export async function startAnthropicStandIn(opts: StandInOptions = {}): Promise<AiStandIn> {
  const apiKey = opts.apiKey ?? LOCAL_ANTHROPIC_API_KEY;
  const log = opts.log ?? (() => {});
  const fault = createAiFaultSwitch('anthropic', opts.fault ?? process.env.LOCAL_ANTHROPIC_FAULT, log);
  const received: StandInRequest[] = [];
  const cached = new Set<string>();
  const hanging = new Set<ServerResponse>();

  const messages = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const text = await readBody(req, MAX_REQUEST_BYTES);
    // The API takes the key as `x-api-key` or, as SDK 1.x sends it, `Authorization: Bearer`.
    if (req.headers['x-api-key'] !== apiKey && req.headers.authorization !== `Bearer ${apiKey}`) {
      throw new ApiError(401, 'authentication_error', 'invalid x-api-key');
    }
    if (!req.headers['anthropic-version']) {
      throw new ApiError(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    const body = parseRequest(text);
    const setting = fault.take();
    received.push({ at: Date.now(), model: body.model, status: statusOf(setting), fault: setting.mode });
    if (setting.mode === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (setting.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, setting.delayMs ?? 3000));
    throwFault(setting);
    send(res, 200, answer(body, cached, setting.mode === 'malformed'), requestId);
  };

  const server = createServer((req, res) => {
    if (fault.control(req, res)) return;
    const requestId = `req_local_${randomBytes(12).toString('hex')}`;
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/_local/requests') {
      return send(res, 200, { count: received.length, requests: received.slice(-100) }, requestId);
    }
    if (req.method === 'POST' && path === '/v1/messages') {
      messages(req, res, requestId).catch((error: unknown) => fail(res, error, requestId));
      return;
    }
    req.resume();
    fail(res, new ApiError(404, 'not_found_error', `${req.method} ${path} not found`), requestId);
  });
  const port = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    endpoint: endpointUrl(opts.host ?? '127.0.0.1', port),
    apiKey,
    fault,
    requests: () => received,
    async stop() {
      for (const res of hanging) res.destroy();
      await closeServer(server);
    },
  };
}

interface MessagesRequest {
  readonly model: string;
  readonly max_tokens: number;
  readonly system?: string | Array<{ type: string; text?: string; cache_control?: unknown }>;
  readonly messages: Array<{ role: string; content: unknown }>;
  readonly output_config?: { format?: { type?: string; schema?: Record<string, unknown> } };
}

function parseRequest(text: string): MessagesRequest {
  // Anthropic's parser is strict where JSON.parse is not: an escaped surrogate must be one of a pair.
  const lone = loneSurrogateEscape(text);
  if (lone) {
    throw new ApiError(
      400,
      'invalid_request_error',
      `The request body is not valid JSON: ${lone.problem} in string: line 1 column ${lone.at + 1} (char ${lone.at})`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_request_error', 'The request body is not valid JSON.');
  }
  const b = (body ?? {}) as Partial<MessagesRequest>;
  if (typeof b.model !== 'string' || b.model === '')
    throw new ApiError(400, 'invalid_request_error', 'model: Field required');
  if (!Number.isInteger(b.max_tokens) || (b.max_tokens as number) < 1) {
    throw new ApiError(400, 'invalid_request_error', 'max_tokens: Field required');
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    throw new ApiError(400, 'invalid_request_error', 'messages: at least one message is required');
  }
  return b as MessagesRequest;
}

/**
 * Where `text` (a JSON document) has a `\uD800`-`\uDFFF` escape that is not half of a pair: a high
 * one not followed by a low one (the real API's 400 says "no low surrogate in string", as reported
 * verbatim in anthropics/claude-code issues), or a low one on its own (worded here in the same
 * parser's style). The SDK's JSON.stringify writes a lone surrogate as such an escape; raw ones
 * cannot reach here (the body is read as UTF-8, which cannot encode them).
 */
function loneSurrogateEscape(text: string): { problem: string; at: number } | undefined {
  const hex = (at: number) => {
    const digits = text.slice(at + 2, at + 6);
    return text.startsWith('\\u', at) && /^[0-9a-fA-F]{4}$/.test(digits) ? Number.parseInt(digits, 16) : Number.NaN;
  };
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i)) {
    const code = hex(i);
    if (Number.isNaN(code)) {
      i += 2; // another escape (\\, \", \n, ...): skip the character it escapes
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return { problem: 'invalid low surrogate', at: i };
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = hex(i + 6);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return { problem: 'no low surrogate', at: i };
      i += 12;
      continue;
    }
    i += 6;
  }
  return undefined;
}

function answer(body: MessagesRequest, cached: Set<string>, malformed: boolean) {
  const userText = body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
  const schema = body.output_config?.format?.type === 'json_schema' ? body.output_config.format.schema : undefined;
  const full = schema
    ? JSON.stringify(sampleFromSchema(schema, userText.join('\n')))
    : 'This is the local Anthropic stand-in: no model answered.';
  const limit = body.max_tokens * 4;
  const truncated = full.length > limit;
  const text = malformed ? cutJson(full) : truncated ? full.slice(0, limit) : full;

  const blocks = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? []);
  let cacheWrite = 0;
  let cacheRead = 0;
  let uncachedSystem = 0;
  for (const block of blocks) {
    const tokens = tokensOf(block.text ?? '');
    if (!block.cache_control) {
      uncachedSystem += tokens;
      continue;
    }
    const key = createHash('sha256')
      .update(`${body.model}\n${block.text ?? ''}`)
      .digest('hex');
    if (cached.has(key)) cacheRead += tokens;
    else {
      cached.add(key);
      cacheWrite += tokens;
    }
  }
  return {
    id: `msg_local_${randomBytes(12).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: `${body.model}-local`,
    content: [{ type: 'text', text }],
    stop_reason: truncated && !malformed ? 'max_tokens' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: uncachedSystem + tokensOf(userText.join('\n')),
      output_tokens: tokensOf(text),
      cache_creation_input_tokens: cacheWrite,
      cache_read_input_tokens: cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
      service_tier: 'standard',
    },
  };
}

function statusOf(setting: AiFaultSetting): number {
  const statuses: Partial<Record<AiFaultSetting['mode'], number>> = {
    'rate-limit': 429,
    overloaded: 529,
    'server-error': 500,
    'spend-limit': 429,
    'credit-balance': 400,
    auth: 401,
    hang: 0,
  };
  return statuses[setting.mode] ?? 200;
}

/** Anthropic's own answers for each fault (docs.anthropic.com/en/api/errors). */
function throwFault(setting: AiFaultSetting): void {
  switch (setting.mode) {
    case 'rate-limit':
      throw new ApiError(
        429,
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute. Please try again later.',
        {
          headers: {
            'retry-after': String(setting.retryAfterSeconds ?? 1),
            'anthropic-ratelimit-requests-remaining': '0',
          },
        },
      );
    case 'overloaded':
      throw new ApiError(529, 'overloaded_error', 'Overloaded');
    case 'server-error':
      throw new ApiError(500, 'api_error', 'Internal server error');
    case 'spend-limit':
      // A monthly usage cap: a 429 without retry-after, told apart from a rate limit by its code.
      throw new ApiError(
        429,
        'rate_limit_error',
        'You have reached your API usage limit for this month. Access resumes at 00:00 UTC on the first day of next month.',
        { details: { error_code: 'enforced_spend_limit_reached' } },
      );
    case 'credit-balance':
      throw new ApiError(
        400,
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      );
    case 'auth':
      throw new ApiError(401, 'authentication_error', 'invalid x-api-key');
    default:
      return;
  }
}

function send(res: ServerResponse, status: number, body: unknown, requestId: string, headers = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
  res.end(JSON.stringify(body));
}

/** The Messages API's request size limit (its 413 `request_too_large` past it). */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

function fail(res: ServerResponse, error: unknown, requestId: string): void {
  const e =
    error instanceof ApiError
      ? error
      : error instanceof BodyTooLargeError
        ? new ApiError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.')
        : new ApiError(500, 'api_error', 'Internal server error (local stand-in)');
  const detail = e.extra.details ? { details: e.extra.details } : {};
  send(
    res,
    e.status,
    { type: 'error', error: { type: e.type, message: e.message, ...detail }, request_id: requestId },
    requestId,
    e.extra.headers ?? {},
  );
}
