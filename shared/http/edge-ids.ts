/**
 * Ids from outside, checked by shape and length before anything reads a store with them.
 * The edge resolves the workspace (from the path, `x-workspace-id` or `?workspaceId`) before
 * a route's own schema runs, and a key the store cannot hold (DynamoDB keys end at 1-2 KB)
 * would fail the request with a 500; so every path parameter and workspace selector is
 * bounded here, and the route's schema then checks its exact shape.
 */
import { ValidationError } from '../errors';
import { RECORD_ID_PATTERN } from '../identity/tokens';
/** Any path parameter: bounded, printable, one line (route schemas narrow it further). */
export const MAX_PATH_PARAM_LENGTH = 128;
/** A sealed link token (`/u/{token}`): longer, base64url only (shared/email/tracking-token.ts). */
export const MAX_TOKEN_PARAM_LENGTH = 1024;
const TOKEN = /^[A-Za-z0-9_-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const WORKSPACE_ID = 'a workspace id (1-64 letters, digits, - or _)';

export interface IdInput {
  readonly pathParams: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
}

/** Throws 400 `INVALID_ID` naming where the first bad id was. */
export function assertWellFormedIds(input: IdInput): void {
  for (const [name, value] of Object.entries(input.pathParams)) {
    if (value === undefined) continue;
    if (name === 'token') {
      if (value.length > MAX_TOKEN_PARAM_LENGTH || !TOKEN.test(value)) {
        throw invalid('path', name, `a link token (at most ${MAX_TOKEN_PARAM_LENGTH} base64url characters)`);
      }
      continue;
    }
    if (value.length === 0 || value.length > MAX_PATH_PARAM_LENGTH || CONTROL.test(value)) {
      throw invalid('path', name, `at most ${MAX_PATH_PARAM_LENGTH} printable characters`);
    }
    if (name === 'workspaceId' && !RECORD_ID_PATTERN.test(value)) throw invalid('path', name, WORKSPACE_ID);
  }
  const header = input.headers['x-workspace-id'];
  if (header !== undefined && !RECORD_ID_PATTERN.test(header)) throw invalid('header', 'x-workspace-id', WORKSPACE_ID);
  const query = input.query.workspaceId;
  if (query !== undefined && !RECORD_ID_PATTERN.test(query)) throw invalid('query', 'workspaceId', WORKSPACE_ID);
}

function invalid(where: string, name: string, expected: string): ValidationError {
  return new ValidationError(`The ${where} value ${name} is not ${expected}`, 'INVALID_ID', {
    details: [{ in: where, path: name, message: `Expected ${expected}` }],
  });
}
