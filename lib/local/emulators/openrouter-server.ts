/**
 * Local stand-in of OpenRouter's OpenAI-compatible API, so the official `openai` SDK talks to it
 * unchanged (only OPENROUTER_BASE_URL differs, `<endpoint>` below ends in `/api/v1`):
 * - `POST /api/v1/chat/completions` with `Authorization: Bearer <key>`: a `chat.completion` with
 *   `choices[0].message.content` (JSON valid against `response_format.json_schema.schema`,
 *   seeded by the messages), `usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`,
 *   `prompt_tokens_details.cached_tokens`), and the requested model with `-local` appended;
 * - errors have OpenRouter's shape `{error: {code, message, metadata?}}`: 401, 400, and the
 *   fault switch's answers (ai-faults.ts): 429 with `retry-after`, 402 insufficient credits,
 *   502 the model's provider down, 500;
 * - `json_schema.strict: true` with a schema outside OpenAI's strict subset is refused as OpenAI
 *   refuses it and OpenRouter passes that on: 400 "Provider returned error", the provider's own
 *   answer ("Invalid schema for response_format ...") in `metadata.raw`. The subset is the one the
 *   official `openai` SDK enforces for its strict helpers (`toStrictJsonSchema`): every object
 *   closed, every property required, none of the keywords strict mode does not support
 *   (`uniqueItems`, `prefixItems`, `patternProperties`, `not`, `if`, ...); length, range, pattern,
 *   format and item-count keywords are accepted, as the API accepts them.
 * Local only: `GET /_local/requests`, `/_local/fault`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { toStrictJsonSchema } from 'openai/lib/transform';
import { type AiFaultSetting, BodyTooLargeError, createAiFaultSwitch, cutJson, readBody, tokensOf } from './ai-faults';
import type { AiStandIn, StandInOptions, StandInRequest } from './anthropic-server';
import { sampleFromSchema } from './json-schema-sample';
import { closeServer, endpointUrl, listen } from './net';

export const LOCAL_OPENROUTER_API_KEY = 'sk-or-v1-local-0000000000000000';

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly metadata?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export async function startOpenRouterStandIn(opts: StandInOptions = {}): Promise<AiStandIn> {
  const apiKey = opts.apiKey ?? LOCAL_OPENROUTER_API_KEY;
  const log = opts.log ?? (() => {});
  const fault = createAiFaultSwitch('openrouter', opts.fault ?? process.env.LOCAL_OPENROUTER_FAULT, log);
  const received: StandInRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const completions = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    if (req.headers.authorization !== `Bearer ${apiKey}`) throw new ApiError(401, 'No auth credentials found');
    const body = parseRequest(text);
    assertStrictSchema(body);
    const setting = fault.take();
    received.push({ at: Date.now(), model: body.model, status: statusOf(setting), fault: setting.mode });
    if (setting.mode === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (setting.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, setting.delayMs ?? 3000));
    throwFault(setting, body.model);
    send(res, 200, completion(body, setting.mode === 'malformed'));
  };

  const server = createServer((req, res) => {
    if (fault.control(req, res)) return;
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/_local/requests') {
      return send(res, 200, { count: received.length, requests: received.slice(-100) });
    }
    if (req.method === 'POST' && path === '/api/v1/chat/completions') {
      completions(req, res).catch((error: unknown) => fail(res, error));
      return;
    }
    req.resume();
    fail(res, new ApiError(404, `${req.method} ${path} not found`));
  });
  const port = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    endpoint: `${endpointUrl(opts.host ?? '127.0.0.1', port)}/api/v1`,
    apiKey,
    fault,
    requests: () => received,
    async stop() {
      for (const res of hanging) res.destroy();
      await closeServer(server);
    },
  };
}

interface CompletionRequest {
  readonly model: string;
  readonly messages: Array<{ role: string; content: unknown }>;
  readonly max_tokens?: number;
  readonly response_format?: {
    type?: string;
    json_schema?: { name?: string; schema?: Record<string, unknown>; strict?: boolean | null };
  };
}

/**
 * A strict `json_schema` must be in the strict subset as sent: the SDK's check must neither refuse
 * it nor need to rewrite it (close an object, require a property). Refused as OpenRouter relays
 * OpenAI's 400.
 */
function assertStrictSchema(body: CompletionRequest): void {
  const format = body.response_format;
  if (format?.type !== 'json_schema' || format.json_schema?.strict !== true) return;
  const { name = 'response', schema = {} } = format.json_schema;
  let problem: string | undefined;
  try {
    if (!isDeepStrictEqual(toStrictJsonSchema(schema), schema)) {
      problem = "every object must set 'additionalProperties' to false and list each of its properties in 'required'";
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (problem === undefined) return;
  const raw = {
    error: {
      message: `Invalid schema for response_format '${name}': ${problem}`,
      type: 'invalid_request_error',
      param: 'response_format',
      code: null,
    },
  };
  throw new ApiError(
    400,
    'Provider returned error',
    {},
    { raw: JSON.stringify(raw, null, 2), provider_name: 'OpenAI' },
  );
}

function parseRequest(text: string): CompletionRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'Invalid JSON in request body');
  }
  const b = (body ?? {}) as Partial<CompletionRequest>;
  if (typeof b.model !== 'string' || b.model === '') throw new ApiError(400, 'model is required');
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw new ApiError(400, 'messages must not be empty');
  return b as CompletionRequest;
}

function completion(body: CompletionRequest, malformed: boolean) {
  const prompt = body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
  const userText = body.messages.filter((m) => m.role === 'user').map((m) => String(m.content));
  const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
  const full = schema
    ? JSON.stringify(sampleFromSchema(schema, userText.join('\n')))
    : 'This is the local OpenRouter stand-in: no model answered.';
  const limit = (body.max_tokens ?? Number.MAX_SAFE_INTEGER / 4) * 4;
  const truncated = full.length > limit;
  const content = malformed ? cutJson(full) : truncated ? full.slice(0, limit) : full;
  const promptTokens = tokensOf(prompt.join('\n'));
  const completionTokens = tokensOf(content);
  return {
    id: `gen-local-${randomBytes(10).toString('hex')}`,
    provider: 'Local stand-in',
    model: `${body.model}-local`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    choices: [
      {
        logprobs: null,
        finish_reason: truncated && !malformed ? 'length' : 'stop',
        native_finish_reason: truncated && !malformed ? 'max_tokens' : 'stop',
        index: 0,
        message: { role: 'assistant', content, refusal: null, reasoning: null },
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

function statusOf(setting: AiFaultSetting): number {
  const statuses: Partial<Record<AiFaultSetting['mode'], number>> = {
    'rate-limit': 429,
    overloaded: 502,
    'server-error': 500,
    'spend-limit': 402,
    'credit-balance': 402,
    auth: 401,
    hang: 0,
  };
  return statuses[setting.mode] ?? 200;
}

/** OpenRouter's own answers for each fault (openrouter.ai/docs/api-reference/errors). */
function throwFault(setting: AiFaultSetting, model: string): void {
  switch (setting.mode) {
    case 'rate-limit':
      throw new ApiError(429, 'Rate limit exceeded: too many requests. Please retry shortly.', {
        'retry-after': String(setting.retryAfterSeconds ?? 1),
      });
    case 'overloaded':
      throw new ApiError(502, 'Provider returned error', {}, { provider_name: 'Local', model });
    case 'server-error':
      throw new ApiError(500, 'Internal Server Error');
    case 'spend-limit':
    case 'credit-balance':
      throw new ApiError(402, 'Insufficient credits. Add more using https://openrouter.ai/settings/credits');
    case 'auth':
      throw new ApiError(401, 'User not found.');
    default:
      return;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, error: unknown): void {
  const e =
    error instanceof ApiError
      ? error
      : error instanceof BodyTooLargeError
        ? new ApiError(413, 'Request body too large')
        : new ApiError(500, 'Internal Server Error (local stand-in)');
  const metadata = e.metadata ? { metadata: e.metadata } : {};
  send(res, e.status, { error: { code: e.status, message: e.message, ...metadata } }, e.headers);
}
