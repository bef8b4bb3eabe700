import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../shared/resilience/classify-error';
import { httpError, networkError } from './provider-errors';

const now = Date.UTC(2025, 0, 1);

describe('classifyError', () => {
  it.each([408, 429, 500, 502, 503, 504, 529])('retries HTTP %i', (status) => {
    expect(classifyError(httpError(status))).toEqual({ retryable: true, kind: 'http', status });
  });

  it.each([400, 401, 403, 404, 409, 422])('does not retry the caller fault HTTP %i', (status) => {
    expect(classifyError(httpError(status))).toEqual({ retryable: false, kind: 'http', status });
  });

  it.each([
    ['statusCode', { statusCode: 503 }],
    ['response.status', { response: { status: 503 } }],
    ['$metadata.httpStatusCode (AWS SDK)', { $metadata: { httpStatusCode: 503 } }],
  ])('reads the status from %s', (_, shape) => {
    expect(classifyError(Object.assign(new Error('x'), shape)).status).toBe(503);
  });

  it('retries an AWS throttling error even though its status is 400', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      $metadata: { httpStatusCode: 400 },
      $retryable: { throttling: true },
    });
    expect(classifyError(throttled).retryable).toBe(true);
  });

  it('retries an AWS SDK error it marks $retryable even without a status', () => {
    expect(classifyError(Object.assign(new Error('socket hang up'), { $retryable: {} })).retryable).toBe(true);
  });

  it('reads Retry-After seconds from a Headers instance and from a plain object, any case', () => {
    expect(classifyError(httpError(429, new Headers({ 'Retry-After': '7' }))).retryAfterMs).toBe(7000);
    expect(classifyError(httpError(429, { 'Retry-After': '7' })).retryAfterMs).toBe(7000);
    expect(
      classifyError(Object.assign(new Error('x'), { response: { status: 503, headers: { 'retry-after': '2' } } }))
        .retryAfterMs,
    ).toBe(2000);
  });

  it('prefers the millisecond retry-after-ms header the AI providers send', () => {
    const error = httpError(429, { 'retry-after-ms': '1500', 'retry-after': '2' });
    expect(classifyError(error).retryAfterMs).toBe(1500);
  });

  it('turns an HTTP-date Retry-After into a delay from now, never negative', () => {
    const later = httpError(503, { 'retry-after': new Date(now + 12_000).toUTCString() });
    const past = httpError(503, { 'retry-after': new Date(now - 12_000).toUTCString() });
    expect(classifyError(later, { now }).retryAfterMs).toBe(12_000);
    expect(classifyError(past, { now }).retryAfterMs).toBe(0);
  });

  it('ignores a Retry-After it cannot parse', () => {
    expect(classifyError(httpError(503, { 'retry-after': 'soon' }))).toEqual({
      retryable: true,
      kind: 'http',
      status: 503,
    });
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET'])(
    'retries the network error %s',
    (code) => {
      expect(classifyError(networkError(code))).toEqual({ retryable: true, kind: 'network' });
    },
  );

  it('retries a fetch failure, found through the cause chain too', () => {
    expect(classifyError(new TypeError('fetch failed')).kind).toBe('network');
    const wrapped = new Error('Connection error.', {
      cause: new TypeError('x', { cause: networkError('ECONNRESET') }),
    });
    expect(classifyError(wrapped)).toEqual({ retryable: true, kind: 'network' });
  });

  it('recognises the Anthropic SDK connection and timeout errors by class', () => {
    class APIConnectionError extends Error {}
    class APIConnectionTimeoutError extends APIConnectionError {}
    class APIUserAbortError extends Error {}
    expect(classifyError(new APIConnectionError('Connection error.'))).toEqual({ retryable: true, kind: 'network' });
    expect(classifyError(new APIConnectionTimeoutError('Request timed out.'))).toEqual({
      retryable: true,
      kind: 'timeout',
    });
    expect(classifyError(new APIUserAbortError('Request was aborted.'))).toEqual({ retryable: false, kind: 'aborted' });
  });

  it('retries a timeout, and an AbortError unless the caller aborted', () => {
    const abortError = new DOMException('aborted', 'AbortError');
    expect(classifyError(new DOMException('timed out', 'TimeoutError')).retryable).toBe(true);
    expect(classifyError(abortError, { signal: new AbortController().signal }).retryable).toBe(true);
    expect(classifyError(abortError, { signal: AbortSignal.abort() })).toEqual({ retryable: false, kind: 'aborted' });
  });

  it('does not retry errors it does not recognise (bugs, parse failures)', () => {
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'text')"))).toEqual({
      retryable: false,
      kind: 'unknown',
    });
    expect(classifyError('a string')).toEqual({ retryable: false, kind: 'unknown' });
    expect(classifyError(undefined)).toEqual({ retryable: false, kind: 'unknown' });
  });
});
