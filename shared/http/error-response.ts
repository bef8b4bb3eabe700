/**
 * The one place errors become HTTP. An {@link AppError} is shown to the caller with its
 * stable code; anything else is a bug: logged in full, answered with a generic 500 that
 * carries only the request id.
 */
import { AppError, MethodNotAllowedError, TooManyRequestsError } from '../errors';
import type { HttpResult } from './types';

export interface ErrorBody {
  error: string;
  message: string;
  code: string;
  requestId: string;
  details?: unknown;
}

export function errorResult(error: unknown, requestId: string): HttpResult {
  if (error instanceof AppError) {
    const body: ErrorBody = { error: error.label, message: error.message, code: error.code, requestId };
    if (error.details !== undefined) body.details = error.details;
    const headers: Record<string, string> = {};
    if (error instanceof MethodNotAllowedError) headers.allow = error.allowed.join(', ');
    if (error instanceof TooManyRequestsError) headers['retry-after'] = String(error.retryAfterSeconds);
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
