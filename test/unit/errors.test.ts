/** Every error class keeps its positional arguments and passes `cause` on (ErrorOptions). */
import { describe, expect, it } from 'vitest';
import { ContactEmailTakenError, ContactNotFoundError } from '../../shared/crm/contacts/errors';
import { AlreadyScoredError, ScoreConflictError } from '../../shared/crm/scoring/ports';
import {
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../shared/errors';
import { InvalidCursorError } from '../../shared/governance/paging';
import { errorResult } from '../../shared/http/error-response';
import { LoginRefusedError } from '../../shared/identity/accounts/errors';
import { ServerBusyError } from '../../shared/resilience/bulkhead';
import { CircuitOpenError } from '../../shared/resilience/errors';
import { CsrfError } from '../../shared/security/csrf';
import { InviteRevokedError } from '../../shared/workspaces/errors';

const cause = new Error('the store said no');
const withCause = { cause };

describe('error classes', () => {
  it.each([
    ['ValidationError', new ValidationError('bad', 'BAD', { cause, details: [1] }), 400, 'BAD'],
    ['UnauthorizedError', new UnauthorizedError('who?', 'SESSION_INVALID', withCause), 401, 'SESSION_INVALID'],
    ['ForbiddenError', new ForbiddenError('no', 'PERMISSION_DENIED', withCause), 403, 'PERMISSION_DENIED'],
    ['CsrfError', new CsrfError('no', 'CSRF_TOKEN_INVALID', withCause), 403, 'CSRF_TOKEN_INVALID'],
    ['NotFoundError', new NotFoundError('gone', 'X_NOT_FOUND', withCause), 404, 'X_NOT_FOUND'],
    ['MethodNotAllowedError', new MethodNotAllowedError(['GET'], withCause), 405, 'METHOD_NOT_ALLOWED'],
    ['ConflictError', new ConflictError('taken', 'TAKEN', withCause), 409, 'TAKEN'],
    ['PayloadTooLargeError', new PayloadTooLargeError('big', withCause), 413, 'PAYLOAD_TOO_LARGE'],
    ['UnsupportedMediaTypeError', new UnsupportedMediaTypeError('xml', withCause), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['TooManyRequestsError', new TooManyRequestsError('slow', 3, withCause), 429, 'RATE_LIMITED'],
    ['ServerBusyError', new ServerBusyError('busy', 1, withCause), 429, 'SERVER_BUSY'],
    ['LoginRefusedError', new LoginRefusedError('LOGIN_THROTTLED', 9, withCause), 429, 'LOGIN_THROTTLED'],
    ['ContactNotFoundError', new ContactNotFoundError(withCause), 404, 'CONTACT_NOT_FOUND'],
    ['ContactEmailTakenError', new ContactEmailTakenError(undefined, withCause), 409, 'CONTACT_EMAIL_TAKEN'],
    ['InviteRevokedError', new InviteRevokedError(withCause), 410, 'INVITE_REVOKED'],
  ])('%s keeps its cause, status and code', (name, error, status, code) => {
    expect(error).toMatchObject({ name, status, code, cause });
    // The cause stays in the logs: the caller's body never shows it.
    expect(JSON.stringify(errorResult(error, 'r').body)).not.toContain('the store said no');
  });
  it.each([
    ['ScoreConflictError', new ScoreConflictError(withCause)],
    ['AlreadyScoredError', new AlreadyScoredError(withCause)],
    ['InvalidCursorError', new InvalidCursorError(withCause)],
    ['CircuitOpenError', new CircuitOpenError('email', 0, withCause)],
  ])('%s (not an AppError) keeps its cause', (name, error) => {
    expect(error).toMatchObject({ name, cause });
  });
  it('keeps the positional arguments and sets no cause when none is given', () => {
    const error = new TooManyRequestsError('slow', 3);
    expect(error.retryAfterSeconds).toBe(3);
    expect('cause' in error).toBe(false);
    expect(new MethodNotAllowedError(['GET', 'POST']).allowed).toEqual(['GET', 'POST']);
    expect(new ContactEmailTakenError({ contactId: 'c-1', deleted: true }).details).toMatchObject({ contactId: 'c-1' });
  });
});

describe('errorResult for overloads', () => {
  it('answers a function deadline (middy timeoutEarlyResponse) 503 TIMED_OUT with Retry-After, not a 500', () => {
    const timeout = Object.assign(new Error('[AbortError]: The operation was aborted.'), {
      name: 'TimeoutError',
      cause: { package: '@middy/core' },
    });
    expect(errorResult(timeout, 'r-1')).toMatchObject({
      status: 503,
      headers: { 'retry-after': '2' },
      body: { code: 'TIMED_OUT', requestId: 'r-1' },
    });
  });

  it('answers a store throttling us (after the SDK retries) 503 STORE_THROTTLED', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
      $retryable: { throttling: true },
    });
    expect(errorResult(throttled, 'r-2')).toMatchObject({
      status: 503,
      headers: { 'retry-after': '1' },
      body: { code: 'STORE_THROTTLED' },
    });
  });

  it('keeps any other error, a non-middy TimeoutError included, a generic 500', () => {
    const other = Object.assign(new Error('boom'), { name: 'TimeoutError' });
    expect(errorResult(other, 'r-3')).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
    expect(errorResult(new Error('bug'), 'r-4')).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
  });
});
