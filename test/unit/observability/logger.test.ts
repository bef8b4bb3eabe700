import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { logger } from '../../../shared/observability/logger';

const context = {
  functionName: 'unite-hub-system',
  awsRequestId: 'aws-req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:unite-hub-system',
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
} as Context;

/** Powertools prints through its own Console on process.stdout/stderr: capture those writes. */
function capture(stream: NodeJS.WriteStream): { lines: () => Record<string, unknown>[]; spy: MockInstance } {
  const chunks: string[] = [];
  const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, spy };
}

describe('logger', () => {
  let stdout: ReturnType<typeof capture>;
  let stderr: ReturnType<typeof capture>;

  beforeEach(() => {
    stdout = capture(process.stdout);
    stderr = capture(process.stderr);
    logger.addContext(context);
    logger.setCorrelationId('api-req-7');
  });

  afterEach(() => {
    logger.resetKeys();
    vi.restoreAllMocks();
  });

  it('prints JSON with secrets and email addresses redacted', () => {
    logger.info('Signed in ann@example.com', { password: 'x', headers: { authorization: 'Bearer abc' } });

    const raw = stdout.spy.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(raw).not.toContain('ann@example.com');
    expect(raw).not.toContain('Bearer abc');
    expect(raw).not.toMatch(/"password":"x"/);
    const [line] = stdout.lines();
    expect(line).toMatchObject({
      message: 'Signed in [email]',
      password: '[REDACTED]',
      headers: { authorization: '[REDACTED]' },
    });
  });

  it('keeps the standard Powertools keys, the correlation id and the persistent keys', () => {
    logger.info('hello');

    const [line] = stdout.lines();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'hello',
      service: expect.any(String),
      cold_start: expect.any(Boolean),
      function_name: 'unite-hub-system',
      function_request_id: 'aws-req-1',
      correlation_id: 'api-req-7',
      stage: expect.any(String),
      version: expect.any(String),
    });
    expect(Date.parse(String(line?.timestamp))).not.toBeNaN();
  });

  it('redacts errors: message, stack, cause and own properties, keeping the Powertools error shape', () => {
    const cause = new Error('token lookup for bob@example.com');
    const error = Object.assign(new Error('Cannot reach ann@example.com', { cause }), { apiKey: 'uh_secret' });

    logger.error('Unhandled error', { error });

    const raw = stderr.spy.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(raw).not.toMatch(/example\.com|uh_secret/);
    const [line] = stderr.lines();
    expect(line?.error).toMatchObject({
      name: 'Error',
      location: expect.any(String),
      message: 'Cannot reach [email]',
      stack: expect.stringContaining('Cannot reach [email]'),
      apiKey: '[REDACTED]',
      cause: { message: 'token lookup for [email]' },
    });
  });

  it('redacts keys appended for the whole invocation', () => {
    logger.appendKeys({ session: 'sess-1', tenant: 't-1' });

    logger.warn('slow');

    const [line] = stderr.lines();
    expect(line).toMatchObject({ session: '[REDACTED]', tenant: 't-1' });
  });
});
