import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SentryErrorEvent, sentryBeforeSend } from '../../../shared/observability/sentry';

/** A stand-in SDK that counts how often the module itself is evaluated. */
const sdk = vi.hoisted(() => ({
  evaluations: 0,
  init: vi.fn(),
  captureException: vi.fn(),
  flush: vi.fn(async (_timeout?: number) => true),
}));

vi.mock('@sentry/aws-serverless', () => {
  sdk.evaluations += 1;
  return { init: sdk.init, captureException: sdk.captureException, flush: sdk.flush };
});

/** What the stubbed Secrets Manager holds, by secret id. */
const secretStore = vi.hoisted(() => new Map<string, string>());
const secretReads = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../../shared/aws/secrets-manager', async () => {
  const { ResourceNotFoundException, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  client.send = (async (command: { input: { SecretId: string } }) => {
    secretReads.count += 1;
    const value = secretStore.get(command.input.SecretId);
    if (value === undefined) throw new ResourceNotFoundException({ message: 'no such secret', $metadata: {} });
    return { SecretString: value };
  }) as never;
  return { secretsManager: client };
});

const DSN = 'https://public@o0.ingest.sentry.io/1';
const DSN_SECRET = 'unite-hub/prod/sentry-dsn';

/** Loads the module under a fresh environment: config is parsed once per module load, as at a cold start. */
async function coldStart(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('../../../shared/observability/sentry');
}

beforeEach(() => {
  secretStore.clear();
  secretReads.count = 0;
  sdk.evaluations = 0;
  sdk.init.mockClear();
  sdk.captureException.mockClear();
  sdk.flush.mockReset().mockResolvedValue(true);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('without a DSN', () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('SENTRY_DSN %s: disabled, and captureError resolves without loading the SDK', async (_, dsn) => {
    const sentry = await coldStart({ SENTRY_DSN: dsn });

    await expect(sentry.captureError(new Error('boom'), { requestId: 'r-1' })).resolves.toBeUndefined();
    await sentry.initSentry();

    expect(sentry.sentryEnabled()).toBe(false);
    expect(sdk.evaluations).toBe(0);
    expect(sdk.captureException).not.toHaveBeenCalled();
  });
});

describe('with a DSN', () => {
  it('initialises once, captures with the request tags and flushes before returning', async () => {
    const sentry = await coldStart({ SENTRY_DSN: DSN });
    const error = new Error('boom');

    await sentry.captureError(error, { requestId: 'r-1', routeKey: 'GET /api/health', functionName: 'system' });
    await sentry.captureError(new Error('again'), { requestId: 'r-2' });

    expect(sentry.sentryEnabled()).toBe(true);
    expect(sdk.init).toHaveBeenCalledTimes(1);
    expect(sdk.captureException).toHaveBeenNthCalledWith(1, error, {
      tags: { requestId: 'r-1', routeKey: 'GET /api/health', functionName: 'system' },
    });
    expect(sdk.captureException).toHaveBeenNthCalledWith(2, expect.any(Error), { tags: { requestId: 'r-2' } });
    expect(sdk.flush).toHaveBeenCalledWith(2000);
  });

  it('passes the configured rates and environment, no default PII and the scrubbing hooks', async () => {
    const sentry = await coldStart({
      SENTRY_DSN: DSN,
      STAGE: 'prod',
      SENTRY_SAMPLE_RATE: '0.5',
      SENTRY_TRACES_SAMPLE_RATE: '0.1',
    });

    await sentry.initSentry();
    await sentry.initSentry();

    expect(sdk.init).toHaveBeenCalledTimes(1);
    expect(sdk.init).toHaveBeenCalledWith(
      expect.objectContaining({
        dsn: DSN,
        environment: 'prod',
        sampleRate: 0.5,
        tracesSampleRate: 0.1,
        sendDefaultPii: false,
        beforeSend: expect.any(Function),
      }),
    );
    const options = sdk.init.mock.calls[0]?.[0] as { beforeSend: (e: SentryErrorEvent) => SentryErrorEvent };
    expect(options.beforeSend({ type: undefined, message: 'for ann@example.com' }).message).toBe('for [email]');
  });

  it('defaults: environment is the stage, every error is sent, no tracing', async () => {
    const sentry = await coldStart({
      SENTRY_DSN: DSN,
      STAGE: 'staging',
      SENTRY_ENVIRONMENT: undefined,
      SENTRY_SAMPLE_RATE: undefined,
      SENTRY_TRACES_SAMPLE_RATE: undefined,
    });

    const options = sentry.sentryOptions();

    expect(options).toMatchObject({ environment: 'staging', sampleRate: 1 });
    expect(options.tracesSampleRate).toBeUndefined();
  });

  it('SENTRY_ENVIRONMENT overrides the stage', async () => {
    const sentry = await coldStart({ SENTRY_DSN: DSN, STAGE: 'prod', SENTRY_ENVIRONMENT: 'prod-eu' });
    expect(sentry.sentryOptions().environment).toBe('prod-eu');
  });

  it('never throws when reporting fails', async () => {
    const sentry = await coldStart({ SENTRY_DSN: DSN });
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    sdk.flush.mockRejectedValue(new Error('network down'));

    await expect(sentry.captureError(new Error('boom'), { requestId: 'r-1' })).resolves.toBeUndefined();
  });

  it.each([
    ['a malformed DSN', { SENTRY_DSN: 'not a url' }, /SENTRY_DSN/],
    ['a sample rate above 1', { SENTRY_SAMPLE_RATE: '2' }, /SENTRY_SAMPLE_RATE/],
    ['a negative traces rate', { SENTRY_TRACES_SAMPLE_RATE: '-0.1' }, /SENTRY_TRACES_SAMPLE_RATE/],
  ])('refuses to start with %s', async (_, env, message) => {
    await expect(coldStart(env)).rejects.toThrow(message);
  });
});

describe('with the DSN in Secrets Manager (the cloud)', () => {
  it('reads the DSN from the secret named by SENTRY_DSN_SECRET_ID at the first report, once', async () => {
    // Prepare: the stack sets the secret's name, never the DSN.
    secretStore.set(DSN_SECRET, DSN);
    const sentry = await coldStart({ SENTRY_DSN: undefined, SENTRY_DSN_SECRET_ID: DSN_SECRET, STAGE: 'prod' });
    // Act
    await sentry.captureError(new Error('boom'), { requestId: 'r-1' });
    await sentry.captureError(new Error('again'), { requestId: 'r-2' });
    // Assess
    expect(sentry.sentryEnabled()).toBe(true);
    expect(sdk.init).toHaveBeenCalledTimes(1);
    expect(sdk.init).toHaveBeenCalledWith(expect.objectContaining({ dsn: DSN, environment: 'prod' }));
    expect(sdk.captureException).toHaveBeenCalledTimes(2);
    expect(secretReads.count).toBe(1);
  });

  it.each([
    ['does not exist', undefined],
    ['is empty', ''],
    ['holds no URL', 'not a dsn'],
  ])('stays off, loading no SDK, when the secret %s', async (_, value) => {
    if (value !== undefined) secretStore.set(DSN_SECRET, value);
    const sentry = await coldStart({ SENTRY_DSN: undefined, SENTRY_DSN_SECRET_ID: DSN_SECRET });
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);

    await expect(sentry.captureError(new Error('boom'), { requestId: 'r-1' })).resolves.toBeUndefined();

    expect(sdk.evaluations).toBe(0);
    expect(sdk.captureException).not.toHaveBeenCalled();
  });
});

describe('sentryBeforeSend', () => {
  const event = (): SentryErrorEvent => ({
    type: undefined,
    message: 'Sign-in failed for ann@example.com',
    request: {
      url: 'https://api.example.org/api/auth/callback?code=oauth-code&state=st4te&page=2',
      method: 'POST',
      cookies: { __Host_session: 'sess-cookie', csrf: 'csrf-cookie' },
      headers: {
        Cookie: '__Host-session=sess-cookie',
        Authorization: 'Bearer live-bearer',
        'x-csrf-token': 'csrf-header',
        'X-Api-Key': 'uh_0123456789abcdef0123456789abcdef',
        'x-origin-verify': 'origin-secret',
        'set-cookie': 'sid=set-cookie-value',
        'user-agent': 'Mozilla/5.0',
        referer: 'https://app.example.org/reset?token=reset-token',
      },
      query_string: 'token=query-token&key=signed-key&page=2',
      data: { email: 'ann@example.com', password: 'hunter2', note: 'call bob@example.com' },
    },
    user: { id: 'u-1', email: 'ann@example.com', ip_address: '203.0.113.9', username: 'ann@example.com' },
    exception: {
      values: [
        {
          type: 'Error',
          value: 'No contact ann@example.com (Bearer live-bearer)',
          stacktrace: {
            frames: [
              {
                function: 'signIn',
                vars: { password: 'hunter2', attempt: 2 },
                context_line: "  throw new Error('No contact ann@example.com');",
              },
            ],
          },
        },
      ],
    },
    breadcrumbs: [
      { category: 'console', message: 'looking up ann@example.com' },
      { category: 'http', data: { url: 'https://idp.example.org/token?refresh_token=rt-1', method: 'POST' } },
    ],
    extra: { body: '{"password":"hunter2"}', accessToken: 'at-1' },
    contexts: { lambda: { functionName: 'system' }, auth: { idToken: 'id-token-1', tenant: 't-1' } },
    tags: { requestId: 'r-1' },
  });

  const secrets = [
    'ann@example.com',
    'bob@example.com',
    'sess-cookie',
    'csrf-cookie',
    'live-bearer',
    'csrf-header',
    'uh_0123456789abcdef0123456789abcdef',
    'origin-secret',
    'set-cookie-value',
    'oauth-code',
    'st4te',
    'reset-token',
    'query-token',
    'signed-key',
    'hunter2',
    '203.0.113.9',
    'rt-1',
    'at-1',
    'id-token-1',
  ];

  it('strips every secret and email address from a realistic event', () => {
    const text = JSON.stringify(sentryBeforeSend(event()));

    for (const secret of secrets) expect(text, secret).not.toContain(secret);
  });

  it('removes cookies, credential headers, the user email and IP, and keeps what is useful', () => {
    const out = sentryBeforeSend(event());

    expect(out.request?.cookies).toBeUndefined();
    expect(Object.keys(out.request?.headers ?? {}).sort()).toEqual(['referer', 'user-agent']);
    expect(out.request?.headers?.referer).toBe('https://app.example.org/reset?token=[REDACTED]');
    expect(out.request?.url).toBe('https://api.example.org/api/auth/callback?code=[REDACTED]&state=[REDACTED]&page=2');
    expect(out.request?.query_string).toBe('token=[REDACTED]&key=[REDACTED]&page=2');
    expect(out.request?.data).toEqual({ email: '[email]', password: '[REDACTED]', note: 'call [email]' });
    expect(out.user).toEqual({ id: 'u-1', username: '[email]' });
    expect(out.message).toBe('Sign-in failed for [email]');
    expect(out.exception?.values?.[0]?.value).toBe('No contact [email] (Bearer [REDACTED])');
    expect(out.exception?.values?.[0]?.stacktrace?.frames?.[0]?.vars).toEqual({ password: '[REDACTED]', attempt: 2 });
    expect(out.breadcrumbs?.[0]?.message).toBe('looking up [email]');
    expect(out.contexts).toEqual({
      lambda: { functionName: 'system' },
      auth: { idToken: '[REDACTED]', tenant: 't-1' },
    });
    expect(out.tags).toEqual({ requestId: 'r-1' });
  });

  it('scrubs query strings given as objects or pairs', () => {
    const asObject = sentryBeforeSend({ type: undefined, request: { query_string: { code: 'c', page: '2' } } });
    const asPairs = sentryBeforeSend({
      type: undefined,
      request: {
        query_string: [
          ['state', 's'],
          ['q', 'x@y.io'],
        ],
      },
    });

    expect(asObject.request?.query_string).toEqual({ code: '[REDACTED]', page: '2' });
    expect(asPairs.request?.query_string).toEqual([
      ['state', '[REDACTED]'],
      ['q', '[email]'],
    ]);
  });

  it('does not mutate the event it is given', () => {
    const original = event();
    const snapshot = structuredClone(original);

    sentryBeforeSend(original);

    expect(original).toEqual(snapshot);
  });
});
