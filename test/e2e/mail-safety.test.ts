/**
 * What reaches a mailbox, read back from the local SES outbox: every link starts with the one
 * configured public base URL whatever Host / X-Forwarded-Host / Forwarded the request claimed
 * (finding 6), and names that would carry a line break into a subject are refused at the edge
 * (finding 7a). Also: no deprecated X-XSS-Protection header on any answer (finding 8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, rawRequest, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
});
afterAll(async () => {
  await runtime?.stop();
});

interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

const outbox = async () =>
  ((await (await fetch(`${runtime.endpoints.ses}/store`)).json()) as { emails: StoredMail[] }).emails;
/** Waits for the `n`-th mail to `to` (1-based) and returns it. */
const nthMailTo = (to: string, n: number) =>
  eventually(async () => (await outbox()).filter((m) => m.destination.to.includes(to))[n - 1]);

const decodeHtml = (html: string) =>
  html
    .replace(/&#x2F;/g, '/')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** Every absolute URL in the text part and every href of the HTML part. */
function linksIn(mail: StoredMail): string[] {
  const text = mail.body.text?.match(/https?:\/\/[^\s"<>]+/g) ?? [];
  const html = [...decodeHtml(mail.body.html ?? '').matchAll(/href="([^"]*)"/g)].map((m) => m[1] as string);
  return [...text, ...html];
}

/** Asserts the mail links only to `<base>/<page>#token=...` and names no hostile host anywhere. */
function expectOnlyConfiguredLinks(mail: StoredMail, page: string) {
  const links = linksIn(mail);
  expect(links.length, JSON.stringify(mail)).toBeGreaterThan(0);
  for (const link of links) {
    expect(link.startsWith(`${runtime.publicBaseUrl}/${page}#token=`), link).toBe(true);
    const url = new URL(link);
    expect(url.origin).toBe(new URL(runtime.publicBaseUrl).origin);
    expect(url.search).toBe('');
  }
  expect(JSON.stringify(mail)).not.toMatch(/evil/i);
}

/** Header sets a hostile client may send to steer a link; each is tried on every mailing route. */
let mailbox = 0;
/** A fresh address that names nothing hostile (the checks look for "evil" anywhere in a mail). */
const freshAddress = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++mailbox}@example.com`;

const HOSTILE: Record<string, Record<string, string>> = {
  'Host: evil.example': { host: 'evil.example' },
  'Host with a path and query': { host: 'login.evil.example/sso?next=' },
  'Host with user info': { host: 'app@evil.example' },
  'X-Forwarded-Host': { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
  'Forwarded and X-Original-Host': {
    forwarded: 'host=evil.example;proto=https',
    'x-original-host': 'evil.example',
    'x-host': 'evil.example',
  },
  'everything at once': {
    host: 'evil.example:443',
    'x-forwarded-host': 'login.evil.example/sso?next=',
    forwarded: 'host=evil.example',
  },
};

/** A request through node:http, so Host can be anything (fetch refuses to set it). */
async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await rawRequest(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { ...res, json: res.body.startsWith('{') ? JSON.parse(res.body) : undefined };
}

/** An anonymous double-submit CSRF pair, fetched with the same hostile headers. */
async function anonymousCsrf(headers: Record<string, string>) {
  const res = await send('GET', '/api/csrf-token', headers);
  const token = res.json.token as string;
  return { cookie: `csrf-token=${token}`, 'x-csrf-token': token };
}

/** A fresh user whose address is verified (the link from their sign-up mail), as inviters must be. */
async function verifiedUser(label: string): Promise<TestUser> {
  const user = await newUser(runtime, label, { verified: false });
  const token = /#token=([A-Za-z0-9_-]+)/.exec(linksIn(await nthMailTo(user.email, 1))[0] ?? '')?.[1];
  const res = await send('POST', '/api/auth/verify-email', as(user), { token });
  expect(res.status, res.body).toBe(204);
  return user;
}

describe('mailed links come from the configured base only', () => {
  it('uses the printed local URL as that base', () => {
    expect(runtime.publicBaseUrl).toBe(runtime.url);
    expect(runtime.publicBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(Object.entries(HOSTILE))(
    'sign-up and password reset with %s mail links to the configured base',
    async (_label, hostile) => {
      const email = freshAddress('links');
      const signup = await send(
        'POST',
        '/api/auth/signup',
        { ...hostile, ...(await anonymousCsrf(hostile)) },
        {
          email,
          password: 'a sturdy passphrase 42',
          name: 'Link Tester',
        },
      );
      expect(signup.status, signup.body).toBe(201);
      expectOnlyConfiguredLinks(await nthMailTo(email, 1), 'verify-email');

      const reset = await send(
        'POST',
        '/api/auth/password-reset',
        { ...hostile, ...(await anonymousCsrf(hostile)) },
        {
          email,
        },
      );
      expect(reset.status, reset.body).toBe(202);
      expectOnlyConfiguredLinks(await nthMailTo(email, 2), 'reset-password');
    },
  );

  describe('invites', () => {
    let owner: TestUser;
    beforeAll(async () => {
      owner = await verifiedUser('link-owner');
    });

    it.each(Object.entries(HOSTILE))('an invite sent with %s links to the configured base', async (_label, hostile) => {
      const invitee = freshAddress('invitee');
      const res = await send(
        'POST',
        `/api/workspaces/${owner.workspaceId}/invites`,
        { ...as(owner), ...hostile },
        {
          email: invitee,
          role: 'member',
        },
      );
      expect(res.status, res.body).toBe(201);
      const mail = await nthMailTo(invitee, 1);
      expectOnlyConfiguredLinks(mail, 'invites/accept');
      expect(mail.subject).not.toMatch(/[\r\n]/);
    });
  });
});

describe('names that reach email subjects are single lines', () => {
  let owner: TestUser;
  beforeAll(async () => {
    owner = await verifiedUser('names');
  });

  const BAD_NAMES = [
    'Acme\r\nBcc: victim@example.com',
    'Acme\nX-Injected: yes',
    'Acme\r',
    '\nAcme',
    'Acme\u2028Corp',
    'Acme\u2029Corp',
    'Acme\u0085Corp',
    'Acme\u0000',
    'Acme\tCorp',
    'Acme\u202eevil',
  ];

  /** 400 VALIDATION_FAILED whose details name `field` in the body. */
  const expectRefused = (res: { status: number; body: string; json?: Record<string, unknown> }, field: string) => {
    expect(res.status, res.body).toBe(400);
    expect(res.json?.code).toBe('VALIDATION_FAILED');
    expect(res.json?.details).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body', path: field })]));
  };

  it.each(BAD_NAMES)('refuses workspace name %j on create and rename', async (name) => {
    expectRefused(await send('POST', '/api/workspaces', as(owner), { name }), 'name');
    expectRefused(await send('PATCH', `/api/workspaces/${owner.workspaceId}`, as(owner), { name }), 'name');
  });

  it.each(BAD_NAMES)('refuses display and organisation name %j at sign-up', async (bad) => {
    const csrf = await anonymousCsrf({});
    const base = { email: freshAddress('names'), password: 'a sturdy passphrase 42' };
    expectRefused(await send('POST', '/api/auth/signup', csrf, { ...base, name: bad }), 'name');
    expectRefused(
      await send('POST', '/api/auth/signup', csrf, { ...base, name: 'Fine', organizationName: bad }),
      'organizationName',
    );
  });

  it.each(BAD_NAMES)('refuses API key name and contact names %j', async (bad) => {
    expectRefused(
      await send('POST', '/api/security/api-keys', as(owner), { name: bad, scopes: ['contacts:read'] }),
      'name',
    );
    const contact = await send(
      'POST',
      '/api/contacts',
      { ...as(owner), 'x-workspace-id': owner.workspaceId },
      {
        email: freshAddress('contact'),
        firstName: bad,
      },
    );
    expectRefused(contact, 'firstName');
  });

  it('keeps a good name, trimmed, and mails it in a one-line subject', async () => {
    const renamed = await send('PATCH', `/api/workspaces/${owner.workspaceId}`, as(owner), { name: '  Zoë & Co  ' });
    expect(renamed.status, renamed.body).toBe(200);
    expect(renamed.json.workspace.name).toBe('Zoë & Co');
    const invitee = freshAddress('subject');
    const sent = await send('POST', `/api/workspaces/${owner.workspaceId}/invites`, as(owner), {
      email: invitee,
      role: 'viewer',
    });
    expect(sent.status, sent.body).toBe(201);
    expect((await nthMailTo(invitee, 1)).subject).toBe('You are invited to Zoë & Co on Unite-Hub');
  });
});

describe('security headers', () => {
  it('never sends the deprecated X-XSS-Protection header, on success or error', async () => {
    for (const path of ['/api/health', '/api/csrf-token', '/api/nope', '/api/auth/me']) {
      const res = await fetch(`${runtime.url}${path}`);
      expect(res.headers.get('x-xss-protection'), path).toBeNull();
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
    }
    const body = await json(await fetch(`${runtime.url}/api/auth/me`));
    expect(body.code).toBeDefined();
  });
});
