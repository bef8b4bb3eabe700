import { describe, expect, it } from 'vitest';
import { isSensitiveKey, redact, redactQueryString, redactString } from '../../../shared/observability/redact';

const API_KEY = `uh_${'0123456789abcdef'.repeat(2)}`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl';

describe('redactString', () => {
  it.each([
    ['an email in a message', 'Signed in ann@example.com', 'Signed in [email]'],
    ['several emails, mixed case', 'From Ann.Lee+crm@Mail.Example.co.uk to bob@x.io', 'From [email] to [email]'],
    ['a URL-encoded email', '/unsubscribe?e=ann%40example.com', '/unsubscribe?e=[email]'],
    ['a bearer token', 'header was Bearer abc.def-123', 'header was Bearer [REDACTED]'],
    ['a lower-case bearer token', 'bearer s3cr3t', 'bearer [REDACTED]'],
    ['an API key', `key ${API_KEY} rejected`, 'key [REDACTED] rejected'],
    ['a JWT', `id token ${JWT}`, 'id token [REDACTED]'],
    [
      'URL token, code and state',
      '/cb?code=abc&state=xyz&page=2&token=t1',
      '/cb?code=[REDACTED]&state=[REDACTED]&page=2&token=[REDACTED]',
    ],
    [
      'a presigned S3 URL',
      'https://b.s3/x?X-Amz-Signature=ff00&X-Amz-Date=1',
      'https://b.s3/x?X-Amz-Signature=[REDACTED]&X-Amz-Date=1',
    ],
    ['password=... in prose', 'login failed password=hunter2 user=7', 'login failed password=[REDACTED] user=7'],
    [
      'a JSON body as text',
      '{"email":"a@b.co","password": "hunter2","n":1}',
      '{"email":"[email]","password": "[REDACTED]","n":1}',
    ],
  ])('redacts %s', (_, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    ['a status code in prose', 'upstream failed with code=503'],
    ['a plain sentence', 'Contact 42 moved to stage Won'],
    ['token counts', 'used inputTokens=120 outputTokens=80'],
    ['an id that looks like hex', `uh_${'0'.repeat(31)}`],
  ])('leaves %s alone', (_, input) => {
    expect(redactString(input)).toBe(input);
  });

  it('stays fast on long hostile input (no catastrophic backtracking)', () => {
    const hostile = `${'a'.repeat(200_000)}@${'b'.repeat(200_000)}`;
    const started = performance.now();
    redactString(hostile);
    // An unbounded email pattern takes minutes here; the bounded one well under a second.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('redactQueryString', () => {
  it('redacts secret parameters of a bare query string', () => {
    expect(redactQueryString('token=abc&page=2&key=k&email=ann%40example.com')).toBe(
      'token=[REDACTED]&page=2&key=[REDACTED]&email=[email]',
    );
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'password',
    'Passwd',
    'dbPassword',
    'secret',
    'clientSecret',
    'client_secret',
    'token',
    'csrfToken',
    'accessToken',
    'refresh_token',
    'idToken',
    'x-csrf-token',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'cookies',
    'Set-Cookie',
    'apiKey',
    'api_key',
    'X-API-Key',
    'session',
    'sessionId',
    'x-origin-verify',
    'privateKey',
    'code_verifier',
    'secretAccessKey',
  ])('%s is sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['email', 'message', 'inputTokens', 'tokens', 'routeId', 'code', 'status', 'tokenExpiresAt'])(
    '%s is not',
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
    },
  );
});

describe('redact', () => {
  it.each<[string, unknown, unknown]>([
    ['a top-level secret', { password: 'x', id: 1 }, { password: '[REDACTED]', id: 1 }],
    [
      'nested keys in any case',
      { headers: { Authorization: 'Bearer abc', Cookie: 'sid=1', 'X-Api-Key': API_KEY, accept: 'json' } },
      { headers: { Authorization: '[REDACTED]', Cookie: '[REDACTED]', 'X-Api-Key': '[REDACTED]', accept: 'json' } },
    ],
    [
      'secrets inside arrays',
      [{ refresh_token: 'r' }, 'mail ann@example.com', 7],
      [{ refresh_token: '[REDACTED]' }, 'mail [email]', 7],
    ],
    ['a whole object under a sensitive key', { session: { id: 's', user: 'u' } }, { session: '[REDACTED]' }],
    ['an email used as a key', { 'ann@example.com': 3 }, { '[email]': 3 }],
    [
      'Maps and Sets',
      {
        m: new Map<string, unknown>([
          ['token', 't'],
          ['to', 'bob@x.io'],
        ]),
        s: new Set(['c@d.io']),
      },
      { m: { token: '[REDACTED]', to: '[email]' }, s: ['[email]'] },
    ],
    ['binary data', { file: Buffer.from('secret bytes') }, { file: '[Binary 12 bytes]' }],
    ['a URL instance', { url: new URL('https://x.io/cb?code=abc') }, { url: 'https://x.io/cb?code=[REDACTED]' }],
    ['primitives', [null, undefined, true, 1.5, 10n], [null, undefined, true, 1.5, 10n]],
  ])('redacts %s', (_, input, expected) => {
    expect(redact(input)).toEqual(expected);
  });

  it('does not mutate its input', () => {
    const input = { password: 'x', nested: { to: 'ann@example.com' } };
    redact(input);
    expect(input).toEqual({ password: 'x', nested: { to: 'ann@example.com' } });
  });

  it('turns an Error into a redacted plain object, cause and own properties included', () => {
    const cause = new Error('lookup of bob@example.com failed');
    const error = Object.assign(new Error('Cannot sign in ann@example.com', { cause }), {
      statusCode: 401,
      authorization: 'Bearer abc',
    });

    const out = redact({ error }) as { error: Record<string, unknown> };

    expect(out.error).toMatchObject({
      name: 'Error',
      message: 'Cannot sign in [email]',
      statusCode: 401,
      authorization: '[REDACTED]',
      cause: { name: 'Error', message: 'lookup of [email] failed' },
    });
    expect(out.error.stack).toMatch(/^Error: Cannot sign in \[email\]/);
    expect(JSON.stringify(out)).not.toMatch(/example\.com|Bearer abc/);
  });

  it('uses a custom error serializer and still redacts its output', () => {
    const out = redact(new Error('ann@example.com'), { serializeError: (e) => ({ kind: e.name, text: e.message }) });
    expect(out).toEqual({ kind: 'Error', text: '[email]' });
  });

  it('marks cycles but keeps shared (non-cyclic) references', () => {
    const shared = { n: 1 };
    const node: Record<string, unknown> = { name: 'root', a: shared, b: shared };
    node.self = node;

    expect(redact(node)).toEqual({ name: 'root', a: { n: 1 }, b: { n: 1 }, self: '[Circular]' });
  });

  it('truncates beyond ten levels', () => {
    let deep: Record<string, unknown> = { password: 'x' };
    for (let i = 0; i < 12; i++) deep = { child: deep };

    const text = JSON.stringify(redact(deep));

    expect(text).toContain('[Truncated]');
    expect(text).not.toContain('"x"');
  });

  it('survives an object whose getter throws', () => {
    const hostile = {
      get boom(): never {
        throw new Error('nope');
      },
    };
    expect(redact({ ok: 1, hostile })).toEqual({ ok: 1, hostile: '[Unserializable]' });
  });
});
