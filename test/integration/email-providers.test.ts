/**
 * The Resend and SMTP providers against the local stand-ins, and the SES fault switch through
 * the real SES v2 client: messages arrive with their headers, and every failure is classified
 * by `classifyProviderError` as the failover chain needs (throttled / rejected / unavailable).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, localClientConfig, startEmulators } from '../../lib/local/emulators';
import type { ResendEmailRecord } from '../../lib/local/emulators/resend-server';
import type { SmtpMessage } from '../../lib/local/emulators/smtp-sink';
import { resendProvider } from '../../shared/adapters/resend-email';
import { smtpProvider } from '../../shared/adapters/smtp-email';
import type { EmailProvider, OutgoingEmail } from '../../shared/email/ports';
import { classifyProviderError, type ProviderFault } from '../../shared/email/provider-failover';

let dataDir: string;
let emulators: Emulators;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'uh-email-providers-'));
  // aws-ses-v2-local answers GetAccount from this variable (the runtime sets a fuller one).
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'MARKETING',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'test',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: false,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  });
  emulators = await startEmulators({ dataDir });
});

afterAll(async () => {
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: 'Unite-Hub <no-reply@unite-hub.local>',
  to: 'ada@example.com',
  subject: 'Hello Ada',
  html: '<p>Hello Ada</p><a href="https://x.test/u/tok">Unsubscribe</a>',
  text: 'Hello Ada\n\nUnsubscribe: https://x.test/u/tok',
  headers: {
    'List-Unsubscribe': '<https://x.test/u/tok>, <mailto:unsubscribe@unite-hub.local?subject=tok>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  tags: { workspace: 'ws_01J', campaign: 'cmp#1' },
  ...overrides,
});

async function faultOf(provider: EmailProvider, message: OutgoingEmail): Promise<ProviderFault> {
  try {
    await provider.send(message);
  } catch (error) {
    return classifyProviderError(error);
  }
  throw new Error('expected the send to fail');
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

async function setFault(endpoint: string, mode: string): Promise<void> {
  const res = await fetch(`${endpoint}/_local/fault`, { method: 'PUT', body: mode });
  expect(res.status).toBe(200);
}

describe('resendProvider against the Resend stand-in', () => {
  const resend = () => resendProvider({ apiKey: emulators.resend.apiKey, baseUrl: emulators.resend.endpoint });
  const store = async () =>
    (await getJson<{ emails: ResendEmailRecord[] }>(`${emulators.resend.endpoint}/store`)).emails;

  beforeEach(async () => {
    await setFault(emulators.resend.endpoint, 'off');
    await fetch(`${emulators.resend.endpoint}/clear-store`, { method: 'POST' });
  });

  it('delivers the message with its headers and tags, and answers its id', async () => {
    const { providerMessageId } = await resend().send(email());
    const [stored, ...rest] = await store();
    expect(rest).toHaveLength(0);
    expect(stored?.id).toBe(providerMessageId);
    expect(stored?.to).toEqual(['ada@example.com']);
    expect(stored?.subject).toBe('Hello Ada');
    expect(stored?.headers['List-Unsubscribe']).toContain('<https://x.test/u/tok>');
    expect(stored?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // Resend allows only [A-Za-z0-9_-] in tags: the provider replaces the rest.
    expect(stored?.tags).toEqual([
      { name: 'workspace', value: 'ws_01J' },
      { name: 'campaign', value: 'cmp_1' },
    ]);
  });

  it('sends an idempotency key as Idempotency-Key: the same send twice is one email', async () => {
    const message = { ...email(), idempotencyKey: 'ws_01J:campaign#e1#n1#v1' };
    const first = await resend().send(message);
    const second = await resend().send(message);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    const stored = await store();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.idempotency_key).toBe('ws_01J:campaign#e1#n1#v1');
  });

  it('classifies Resend errors for the failover chain', async () => {
    // 422 validation_error: the message is at fault.
    expect(await faultOf(resend(), email({ to: 'not an address' }))).toBe('rejected');
    // 403 invalid_api_key: the account is at fault, fail over.
    const badKey = resendProvider({ apiKey: 're_wrong', baseUrl: emulators.resend.endpoint });
    expect(await faultOf(badKey, email())).toBe('unavailable');
    // 429 rate_limit_exceeded.
    await setFault(emulators.resend.endpoint, 'throttle');
    expect(await faultOf(resend(), email())).toBe('throttled');
    // 500 internal_server_error.
    await setFault(emulators.resend.endpoint, 'fail');
    expect(await faultOf(resend(), email())).toBe('unavailable');
    // Nothing listening: the SDK resolves statusCode null; a network failure.
    const nowhere = resendProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    expect(await faultOf(nowhere, email())).toBe('unavailable');
    expect(await store()).toHaveLength(0);
  });

  it('refuses a header value with a line break before calling Resend (rejected)', async () => {
    expect(await faultOf(resend(), email({ headers: { 'X-Test': 'a\r\nBcc: eve@example.com' } }))).toBe('rejected');
    expect(await store()).toHaveLength(0);
  });
});

describe('smtpProvider against the SMTP sink', () => {
  const providers: Array<{ close(): void }> = [];
  const smtp = (url = emulators.smtp.url) => {
    const provider = smtpProvider({ url });
    providers.push(provider);
    return provider;
  };
  const store = async () => (await getJson<{ messages: SmtpMessage[] }>(`${emulators.smtp.outboxUrl}store`)).messages;

  beforeEach(async () => {
    await fetch(`${emulators.smtp.outboxUrl}clear-store`, { method: 'POST' });
  });
  afterAll(() => {
    for (const provider of providers) provider.close();
  });

  it('delivers the message with List-Unsubscribe headers, text and html', async () => {
    const keyed = { ...email(), idempotencyKey: 'ws:key-1' };
    const { providerMessageId } = await smtp().send(keyed);
    const [message, ...rest] = await store();
    expect(rest).toHaveLength(0);
    expect(message?.envelope).toEqual({ from: 'no-reply@unite-hub.local', to: ['ada@example.com'] });
    expect(message?.messageId).toBe(providerMessageId);
    // A stable Message-ID per idempotency key, at the sender's domain.
    expect(providerMessageId).toMatch(/^<[0-9a-f]{32}@unite-hub\.local>$/);
    const header = (name: string) => message?.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    expect(header('List-Unsubscribe')).toBe('<https://x.test/u/tok>, <mailto:unsubscribe@unite-hub.local?subject=tok>');
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(message?.subject).toBe('Hello Ada');
    expect(message?.text?.trim()).toBe('Hello Ada\n\nUnsubscribe: https://x.test/u/tok');
    expect(message?.html).toContain('<p>Hello Ada</p>');
  });

  it.each([
    ['smtp-550@example.com', 'rejected'],
    ['smtp-553@example.com', 'rejected'],
    ['smtp-452@example.com', 'throttled'],
    ['smtp-421@example.com', 'throttled'], // "rate limited" in the reply
    ['smtp-451@example.com', 'unavailable'],
    ['smtp-450@example.com', 'unavailable'],
  ] as const)('a relay refusing %s is %s', async (to, fault) => {
    expect(await faultOf(smtp(), email({ to }))).toBe(fault);
    expect(await store()).toHaveLength(0);
  });

  it('wrong credentials (535) and an unreachable relay are unavailable (fail over)', async () => {
    const wrong = emulators.smtp.url.replace(/:\/\/[^@]+@/, '://local:wrong@');
    expect(await faultOf(smtp(wrong), email())).toBe('unavailable');
    expect(await faultOf(smtp('smtp://127.0.0.1:9'), email())).toBe('unavailable');
  });
});

describe('the SES fault switch, through @aws-sdk/client-sesv2', () => {
  let ses: SESv2Client;
  beforeAll(() => {
    ses = new SESv2Client({ ...localClientConfig(emulators.ses.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    await setFault(emulators.ses.endpoint, 'off');
    ses.destroy();
  });
  const send = (abortSignal?: AbortSignal) =>
    ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@unite-hub.local',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } } } },
      }),
      abortSignal ? { abortSignal } : {},
    );
  const failure = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      return error as Error & { $metadata?: { httpStatusCode?: number } };
    }
    throw new Error('expected a failure');
  };

  it('throttle: sends get 429 TooManyRequestsException (throttled); GetAccount still answers', async () => {
    await setFault(emulators.ses.endpoint, 'throttle');
    const error = await failure(() => send());
    expect(error.name).toBe('TooManyRequestsException');
    expect(error.message).toBe('Maximum sending rate exceeded.');
    expect(error.$metadata?.httpStatusCode).toBe(429);
    expect(classifyProviderError(error)).toBe('throttled');
    const account = await ses.send(new GetAccountCommand({}));
    expect(account.SendQuota).toBeDefined();
  });

  it('fail: every call gets 500 InternalFailure (unavailable)', async () => {
    await setFault(emulators.ses.endpoint, 'fail');
    const error = await failure(() => send());
    expect(error.$metadata?.httpStatusCode).toBe(500);
    expect(error.name).toBe('InternalFailure');
    expect(classifyProviderError(error)).toBe('unavailable');
    expect(classifyProviderError(await failure(() => ses.send(new GetAccountCommand({}))))).toBe('unavailable');
  });

  it('hang: no answer until the caller gives up (unavailable)', async () => {
    await setFault(emulators.ses.endpoint, 'hang');
    const error = await failure(() => send(AbortSignal.timeout(300)));
    expect(classifyProviderError(error)).toBe('unavailable');
  });

  it('flips from a file in the data dir too, and off sends again', async () => {
    await setFault(emulators.ses.endpoint, 'off');
    expect((await send()).MessageId).toBeTruthy();
    await writeFile(join(dataDir, 'ses-fault'), 'throttle\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(classifyProviderError(await failure(() => send()))).toBe('throttled');
    expect(await getJson(`${emulators.ses.endpoint}/_local/fault`)).toEqual({ mode: 'throttle' });
    await writeFile(join(dataDir, 'ses-fault'), 'off');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await send()).MessageId).toBeTruthy();
  });

  it('refuses an unknown mode', async () => {
    const res = await fetch(`${emulators.ses.endpoint}/_local/fault`, { method: 'PUT', body: 'explode' });
    expect(res.status).toBe(400);
    expect(await getJson(`${emulators.ses.endpoint}/_local/fault`)).toEqual({ mode: 'off' });
  });
});
