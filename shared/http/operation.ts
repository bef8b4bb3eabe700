/**
 * Operations declare the shape of their input: path parameters, query and body are parsed
 * with zod at the edge, before any use case runs. A request that does not fit gets a 400
 * `VALIDATION_FAILED` listing each problem by field (`INVALID_ID` when only path ids are wrong),
 * and nothing is changed.
 */
import * as z from 'zod/mini';
import '../zod-locale';
import { ValidationError } from '../errors';
import { findUnstorableNumber, STORABLE_NUMBER_MESSAGE } from '../security/storable-number';
import type { HttpRequest, HttpResult } from './types';

export interface InputSchemas<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType> {
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** What a success answers, for the API reference and the contract tests; never checked at run time. */
  readonly response?: SuccessResponse;
}

/**
 * A route's success answer as documented (docs/openapi.json): its status, the body's schema (absent:
 * no body, e.g. a 204) and an example that must fit the schema (the API lint checks it).
 */
export interface SuccessResponse {
  readonly status: number;
  readonly schema?: z.ZodMiniType;
  /** A media type other than JSON (a CSV export, an HTML page); the schema then describes the text. */
  readonly contentType?: string;
  readonly example?: unknown;
  readonly description?: string;
}

/** The schemas an operation validates with, as it applies them (defaults filled in). */
export interface OperationSchemas {
  readonly params: z.ZodMiniType;
  readonly query: z.ZodMiniType;
  readonly body: z.ZodMiniType;
  readonly response?: SuccessResponse;
}

export interface ParsedInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

const OPERATION = Symbol('operation');

/** A validated operation, as `httpFunction` requires for every declared route. */
export interface DefinedOperation {
  readonly [OPERATION]: true;
  /** Validates the request, then runs the use case. */
  (request: HttpRequest): Promise<HttpResult>;
  /**
   * Validates the request only (the edge's validation step): throws 400 `VALIDATION_FAILED`,
   * or returns the use case bound to the parsed input, to run as the route's handler.
   */
  readonly validate: (request: HttpRequest) => () => Promise<HttpResult>;
  /**
   * The very schemas `validate` applies, kept so the API reference (lib/api-docs) is rendered
   * from what the edge enforces rather than from a second description that could drift.
   */
  readonly schemas: OperationSchemas;
}

const none = z.strictObject({});

/**
 * Defines a route's operation. Omitted schemas mean "nothing accepted": no path
 * parameters, and no body (an empty JSON object is tolerated); the query defaults to
 * ignoring unknown keys, so cache-busting parameters do no harm.
 */
export function defineOperation<
  P extends z.ZodMiniType = typeof none,
  Q extends z.ZodMiniType = z.ZodMiniObject<Record<string, never>>,
  B extends z.ZodMiniType = z.ZodMiniOptional<typeof none>,
>(
  schemas: InputSchemas<P, Q, B>,
  handle: (
    input: ParsedInput<z.infer<P>, z.infer<Q>, z.infer<B>>,
    request: HttpRequest,
  ) => Promise<HttpResult> | HttpResult,
): DefinedOperation {
  const params = schemas.params ?? z.object({});
  const query = schemas.query ?? z.object({});
  const body = schemas.body ?? z.optional(none);
  const validate = (request: HttpRequest): (() => Promise<HttpResult>) => {
    const issues: Array<{ in: string; path: string; message: string }> = [];
    const parse = <T extends z.ZodMiniType>(where: string, schema: T, value: unknown): z.infer<T> => {
      const out = schema.safeParse(value);
      if (out.success) {
        // Coerced query and path numbers (`?maxScore=5e-324`) meet the same rule as JSON
        // bodies: nothing reaches the store that it cannot keep.
        const unstorable = findUnstorableNumber(out.data);
        if (unstorable !== undefined) issues.push({ in: where, path: unstorable, message: STORABLE_NUMBER_MESSAGE });
        return out.data;
      }
      for (const i of out.error.issues) issues.push({ in: where, path: i.path.join('.'), message: i.message });
      return undefined as z.infer<T>;
    };
    const input = {
      params: parse('path', params, request.pathParams),
      query: parse('query', query, request.query),
      body: parse('body', body, request.body),
    };
    if (issues.length > 0) {
      // Only the path's ids are wrong (`/api/contacts/a.b`): the edge's code for a malformed id
      // (edge-ids.ts), whichever of the two checks refused it, as docs/API.md says.
      if (issues.every((i) => i.in === 'path')) {
        throw new ValidationError('The request path holds an id this route does not accept', 'INVALID_ID', {
          details: issues.slice(0, 20),
        });
      }
      throw new ValidationError('The request does not match what this route accepts', 'VALIDATION_FAILED', {
        details: issues.slice(0, 20),
      });
    }
    const parsed = input as ParsedInput<z.infer<P>, z.infer<Q>, z.infer<B>>;
    return async () => handle(parsed, request);
  };
  const operation = async (request: HttpRequest): Promise<HttpResult> => validate(request)();
  const kept: OperationSchemas = { params, query, body, ...(schemas.response ? { response: schemas.response } : {}) };
  return Object.assign(operation, { [OPERATION]: true as const, validate, schemas: kept });
}

export const isDefinedOperation = (value: unknown): value is DefinedOperation =>
  typeof value === 'function' && (value as Partial<DefinedOperation>)[OPERATION] === true;
