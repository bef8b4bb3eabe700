/**
 * The one place errors become HTTP. An {@link AppError} is shown to the caller with its
 * stable code; anything else is a bug: logged in full, answered with a generic 500 that
 * carries only the request id.
 */
import { AppError, MethodNotAllowedError, ServiceUnavailableError, TooManyRequestsError } from '../errors';
import type { HttpResult } from './types';

export interface ErrorBody {
  error: string;
  message: string;
  code: string;
  requestId: string;
  details?: unknown;
}

export function errorResult(thrown: unknown, requestId: string): HttpResult {
  const error = overloadOf(thrown) ?? thrown;
  if (error instanceof AppError) {
    const body: ErrorBody = { error: error.label, message: error.message, code: error.code, requestId };
    if (error.details !== undefined) body.details = error.details;
    const headers: Record<string, string> = {};
    if (error instanceof MethodNotAllowedError) headers.allow = error.allowed.join(', ');
    if (error instanceof TooManyRequestsError || error instanceof ServiceUnavailableError) {
      headers['retry-after'] = String(error.retryAfterSeconds);
    }
    return { status: error.status, headers, body };
  }
  const body: ErrorBody = {
    error: 'Internal Server Error',
    message: 'An unexpected error occurred. Quote the request id when you report it.',
    code: 'INTERNAL',
    requestId,
  };
  return { status: 500, body };
}

/**
 * An overload or outage, not a bug: the function's deadline passed (middy's `timeoutEarlyResponse`,
 * just before Lambda would kill it), an AWS store throttled us after the SDK's own retries, or a
 * change landed but neither the event bus nor its rules' queues took its domain events
 * (`DomainEventsUnsentError`, shared/adapters/fallback-events.ts, matched by name so the edge
 * bundles no adapter; thrown only where the retry is safe and sends them). All are answered 503 with
 * `Retry-After`, so a client backs off and tries again, instead of a 500 that says "report this".
 * They are still logged and reported as errors (error-contract.ts).
 */
function overloadOf(error: unknown): ServiceUnavailableError | undefined {
  if (!(error instanceof Error) || error instanceof AppError) return undefined;
  const middyTimeout =
    error.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core';
  if (middyTimeout) {
    return new ServiceUnavailableError('The request took too long to answer; try again shortly', 'TIMED_OUT', 2, {
      cause: error,
    });
  }
  if (error.name === 'DomainEventsUnsentError') {
    return new ServiceUnavailableError(
      'The change was saved but its events were not sent; repeat the request to send them',
      'EVENTS_UNAVAILABLE',
      5,
      { cause: error },
    );
  }
  if ((error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true) {
    return new ServiceUnavailableError('The service is busy; try again shortly', 'STORE_THROTTLED', 1, {
      cause: error,
    });
  }
  return undefined;
}
