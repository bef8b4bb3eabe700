import { afterEach, describe, expect, it } from 'vitest';
import { MethodNotAllowedError, TooManyRequestsError, ValidationError } from '../../../../shared/errors';
import { errorContract } from '../../../../shared/http/middlewares/error-contract';
import { CsrfError } from '../../../../shared/security/csrf';
import { apiEvent, edgeRequest } from '../../../support/edge-request';
import { captureOutput, flushedMetrics } from '../../../support/output-capture';

const failing = (error: Error, answerHeaders: Record<string, string> = {}) => {
  const request = edgeRequest(apiEvent({ routeKey: 'GET /api/things' }), { answerHeaders });
  request.error = error;
  return request;
};
const body = (response: { body?: string } | null | undefined) => JSON.parse(response?.body ?? '{}');

afterEach(() => {
  flushedMetrics();
});

describe('errorContract', () => {
  it('answers an AppError with its status and stable code, under the answer headers of earlier steps', async () => {
    const request = failing(new ValidationError('bad thing', 'BAD_THING'), { 'ratelimit-remaining': '9' });

    const returned = await errorContract().onError?.(request);

    // Set, not returned: the onError steps outside this one (headers, metrics, logger) still run.
    expect(returned).toBeUndefined();
    expect(request.response).toMatchObject({ statusCode: 400, headers: { 'ratelimit-remaining': '9' } });
    expect(body(request.response)).toEqual({
      error: 'Bad Request',
      message: 'bad thing',
      code: 'BAD_THING',
      requestId: 'req-1',
    });
  });
  it('adds Allow to a 405 and Retry-After to a 429, over the rate limiter’s own', async () => {
    const notAllowed = failing(new MethodNotAllowedError(['GET', 'POST']));
    await errorContract().onError?.(notAllowed);
    expect(notAllowed.response?.headers?.allow).toBe('GET, POST');

    const limited = failing(new TooManyRequestsError('slow down', 7), { 'retry-after': '3' });
    await errorContract().onError?.(limited);
    expect(limited.response).toMatchObject({ statusCode: 429, headers: { 'retry-after': '7' } });
  });
  it('answers anything else with a generic 500 that leaks nothing, and logs it in full', async () => {
    const output = captureOutput();
    const request = failing(new Error('secret detail at /var/task/index.js'));
    try {
      await errorContract().onError?.(request);
    } finally {
      output.stop();
    }
    expect(request.response?.statusCode).toBe(500);
    expect(body(request.response)).toEqual({
      error: 'Internal Server Error',
      message: 'An unexpected error occurred. Quote the request id when you report it.',
      code: 'INTERNAL',
      requestId: 'req-1',
    });
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Unhandled error',
        routeKey: 'GET /api/things',
        error: expect.objectContaining({ message: 'secret detail at /var/task/index.js' }),
      }),
    );
  });
  it('answers DynamoDB refusing an item over 400 KB with 413, from a write, a transaction or wrapped', async () => {
    const named = (name: string, message: string, extra: object = {}) =>
      Object.assign(new Error(message), { name, ...extra });
    const refusals = [
      named('ValidationException', 'Item size has exceeded the maximum allowed size'),
      named('ValidationException', 'Item size to update has exceeded the maximum allowed size'),
      named('TransactionCanceledException', 'Transaction cancelled', {
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' },
        ],
      }),
      new Error('could not save', {
        cause: named('ValidationException', 'Item size has exceeded the maximum allowed size'),
      }),
    ];
    for (const refusal of refusals) {
      const request = failing(refusal);
      await errorContract().onError?.(request);
      expect(request.response?.statusCode).toBe(413);
      expect(body(request.response)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxItemBytes: 409_600 } });
    }
    // Another ValidationException is still our fault.
    const output = captureOutput();
    const other = failing(named('ValidationException', 'One or more parameter values were invalid'));
    try {
      await errorContract().onError?.(other);
    } finally {
      output.stop();
    }
    expect(other.response?.statusCode).toBe(500);
  });
  it('counts a CSRF refusal with its code', async () => {
    flushedMetrics();
    await errorContract().onError?.(failing(new CsrfError('no token', 'CSRF_TOKEN_INVALID')));
    expect(flushedMetrics()).toContainEqual(
      expect.objectContaining({ csrfCode: 'CSRF_TOKEN_INVALID', CsrfRejections: 1 }),
    );
  });
});
