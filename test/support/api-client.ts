/**
 * A small typed client over `fetch` for the e2e tests, typed by the types generated from
 * docs/openapi.json (api-types.ts, `npm run docs:api`): a path, parameter or body field the
 * contract does not have fails `tsc`. Every answer is also checked against the contract at run
 * time: a 2xx must have the declared status and fit the declared body schema, any 4xx/5xx the
 * error body. So the tests that call through it keep the declared responses honest.
 *
 * The calls mirror openapi-fetch (`api.POST('/api/contacts/{id}/restore', { params: { path: { id } } })`,
 * answering `{ data, error, status, response }`), without adding it as a dependency.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import * as z from 'zod';
import type { paths } from './api-types';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
/** The operation at `P` for `M`, or never when the contract has none. */
type OperationOf<P extends keyof paths, M extends Method> = NonNullable<paths[P][M & keyof paths[P]]>;
/** The paths that have a `M` operation. */
type PathsWith<M extends Method> = {
  [P in keyof paths]: [OperationOf<P, M>] extends [never] ? never : P;
}[keyof paths];

type ParamsOf<O> = O extends { parameters: infer Params } ? Params : never;
type BodyOf<O> = O extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : O extends { requestBody?: { content: infer C } }
    ? C[keyof C] | undefined
    : never;
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202 | 204 | '2XX';
/** The declared body of the operation's success answer. */
export type SuccessOf<O> = {
  [S in keyof Responses<O>]: S extends SuccessStatus ? ContentOf<Responses<O>[S]> : never;
}[keyof Responses<O>];

/** The error body of every 4xx and 5xx (docs/API.md, "Errors"). */
export interface ApiError {
  error: string;
  message: string;
  code: string;
  requestId: string;
  details?: unknown;
}

type PathParams<O> = ParamsOf<O> extends { path: infer P } ? ([P] extends [never] ? unknown : { path: P }) : unknown;
type QueryParams<O> =
  ParamsOf<O> extends { query?: infer Q } ? ([Q] extends [never | undefined] ? unknown : { query?: Q }) : unknown;

export type RequestOptions<O> = {
  params?: PathParams<O> & QueryParams<O>;
  /** Extra headers: the caller's cookies and CSRF token, an Idempotency-Key, a content type. */
  headers?: Record<string, string>;
} & ([BodyOf<O>] extends [never] ? { body?: undefined } : { body?: BodyOf<O> | string });

export interface ApiResult<O> {
  readonly status: number;
  /** The success body (a 2xx), as the contract declares it. */
  readonly data: SuccessOf<O> | undefined;
  /** The error body (a 4xx or 5xx). */
  readonly error: ApiError | undefined;
  readonly response: Response;
}

interface DocOperation {
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Doc {
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}
const doc = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/openapi.json'), 'utf8')) as Doc;

/** A schema of the document with its component references inlined (the declared answers have no cycles). */
function inline(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inline);
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref?.startsWith('#/components/schemas/')) return inline(doc.components.schemas[ref.split('/').pop() as string]);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v)]));
}

const validators = new Map<string, z.ZodType>();
function validatorFor(key: string, schema: Record<string, unknown>): z.ZodType {
  let found = validators.get(key);
  if (!found) {
    found = z.fromJSONSchema(inline(schema) as Parameters<typeof z.fromJSONSchema>[0]);
    validators.set(key, found);
  }
  return found;
}
const errorValidator = () => validatorFor('Error', { $ref: '#/components/schemas/Error' });

/** Throws when `body` (status `status`, media type `type`) is not what the contract says `method template` answers. */
export function checkAgainstContract(method: Method, template: string, status: number, body: unknown, type: string) {
  const where = `${method.toUpperCase()} ${template} answered ${status}`;
  const operation = doc.paths[template]?.[method];
  if (!operation) throw new Error(`${where}, but the contract has no such operation`);
  if (status >= 400) {
    const checked = errorValidator().safeParse(body);
    if (!checked.success) throw new Error(`${where} with a body that is not the error body: ${checked.error.message}`);
    return;
  }
  if (status < 200 || status >= 300) return;
  const declared = Object.keys(operation.responses).find((s) => s.startsWith('2'));
  if (declared === '2XX' || declared === undefined) return;
  if (String(status) !== declared) throw new Error(`${where}; the contract declares ${declared}`);
  const media = operation.responses[declared]?.content;
  if (!media || method === 'head') return;
  const [, declaredMedia] = Object.entries(media).find(([t]) => type.startsWith(t)) ?? [];
  if (!declaredMedia) throw new Error(`${where} as ${type}; the contract declares ${Object.keys(media).join(', ')}`);
  const checked = validatorFor(`${method} ${template}`, declaredMedia.schema).safeParse(body);
  if (!checked.success) {
    throw new Error(`${where} with a body that does not fit the declared schema:\n${z.prettifyError(checked.error)}`);
  }
}

function fill(template: string, values: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
}

/**
 * A typed client of the API at `baseUrl` (or where it points when called); `headers()` is sent with every call (e.g. the signed-in
 * user's cookie and CSRF token), a call's own `headers` after it.
 */
export function apiClient(baseUrl: string | (() => string), headers: () => Record<string, string> = () => ({})) {
  async function call<M extends Method, P extends PathsWith<M>>(
    method: M,
    template: P,
    options: RequestOptions<OperationOf<P, M>> = {},
  ): Promise<ApiResult<OperationOf<P, M>>> {
    const params = (options.params ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown> };
    const query = new URLSearchParams(
      Object.entries(params.query ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const url = `${typeof baseUrl === 'string' ? baseUrl : baseUrl()}${fill(template as string, params.path)}${query ? `?${query}` : ''}`;
    const body =
      options.body === undefined || typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const response = await fetch(url, {
      method: method.toUpperCase(),
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers(),
        ...options.headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
    const type = response.headers.get('content-type') ?? '';
    const text = method === 'head' ? '' : await response.text();
    const parsed: unknown = type.includes('json') && text ? JSON.parse(text) : text || undefined;
    checkAgainstContract(method, template as string, response.status, parsed, type);
    const ok = response.status < 400;
    return {
      status: response.status,
      data: ok ? (parsed as SuccessOf<OperationOf<P, M>>) : undefined,
      error: ok ? undefined : (parsed as ApiError),
      response,
    };
  }
  return {
    GET: <P extends PathsWith<'get'>>(p: P, o?: RequestOptions<OperationOf<P, 'get'>>) => call('get', p, o),
    POST: <P extends PathsWith<'post'>>(p: P, o?: RequestOptions<OperationOf<P, 'post'>>) => call('post', p, o),
    PUT: <P extends PathsWith<'put'>>(p: P, o?: RequestOptions<OperationOf<P, 'put'>>) => call('put', p, o),
    PATCH: <P extends PathsWith<'patch'>>(p: P, o?: RequestOptions<OperationOf<P, 'patch'>>) => call('patch', p, o),
    DELETE: <P extends PathsWith<'delete'>>(p: P, o?: RequestOptions<OperationOf<P, 'delete'>>) => call('delete', p, o),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The success body of `result`, after expecting `status` (the error body is the failure message when it differs). */
export function expectData<R extends ApiResult<unknown>>(result: R, status: number): NonNullable<R['data']> {
  expect(result.status, JSON.stringify(result.error)).toBe(status);
  return result.data as NonNullable<R['data']>;
}
