/**
 * The pages the local API host serves beside the routes: the API reference at /docs, and the
 * pages mailed links open. A link page's flow is driven as a browser would: the page is fetched,
 * its CSP checked to allow its own inline script, and that script run (test/support/link-page.ts)
 * with a cookie jar and the page's Origin, a user filling in its forms.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsPages, scalarBundlePath } from '../../lib/local/docs-page';
import { REPO_ROOT, type Runtime } from '../../lib/local/runtime';
import { outbox } from '../support/accounts';
import { as, newUser } from '../support/identity';
import { browserFetch, runLinkPage } from '../support/link-page';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('the API reference at /docs', () => {
  it('answers an HTML page that loads the bundle and the document from this host only', async () => {
    const res = await fetch(runtime.docsUrl);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    expect(html).toContain('data-url="/docs/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves Scalar’s installed standalone bundle as JavaScript', async () => {
    const res = await fetch(`${runtime.url}/docs/scalar.js`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(fs.statSync(scalarBundlePath(REPO_ROOT)).size);
  });

  it('serves docs/openapi.json as JSON', async () => {
    const res = await fetch(`${runtime.docsUrl}/openapi.json`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const document = await json(res);
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/api/auth/verify-email');
  });
});

/** Whether the page's CSP hashes allow its own inline script and style (else a browser runs neither). */
function allowsItsInlineParts(html: string, csp: string) {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  return csp.includes(`script-src ${hash(script)}`) && csp.includes(`style-src ${hash(style)}`);
}

/** The newest mailed link to `to` about `about`, as the mail shows it. */
async function mailedLink(to: string, about: RegExp): Promise<URL> {
  return eventually(async () => {
    const mail = (await outbox(runtime))
      .filter((m) => m.destination.to.includes(to) && about.test(`${m.subject}\n${m.body.text ?? ''}`))
      .at(-1);
    const link = /https?:\/\/\S+#token=[A-Za-z0-9_%-]+/.exec(mail?.body.text ?? '')?.[0];
    return link ? new URL(link) : undefined;
  });
}

/** Opens a mailed link in a fresh "browser": the page it names, its script running. */
async function openLink(link: URL) {
  expect(link.origin).toBe(runtime.publicBaseUrl);
  const res = await fetch(link);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await res.text();
  expect(allowsItsInlineParts(html, res.headers.get('content-security-policy') ?? '')).toBe(true);
  return runLinkPage(html, link, browserFetch(runtime.url));
}

describe('pages for mailed links', () => {
  it('/verify-email confirms the address without a session, and takes the token out of the address bar', async () => {
    const user = await newUser(runtime, 'page-verify', { verified: false });

    const page = await openLink(await mailedLink(user.email, /confirm your email/i));

    expect((await page.shows(/confirmed|could not/)).className).toBe('ok');
    expect(page.calls).toEqual(['GET /api/csrf-token', 'POST /api/auth/verify-email']);
    expect(page.hash()).toBe('');
    const key = await fetch(`${runtime.url}/api/security/api-keys`, {
      method: 'POST',
      headers: as(user),
      body: JSON.stringify({ name: 'after verifying', scopes: ['contacts:read'] }),
    });
    expect(key.status).toBe(201);
  });

  it('/reset-password sets the new password, which then signs in', async () => {
    const user = await newUser(runtime, 'page-reset', { verified: false });
    const asker = browserFetch(runtime.url);
    const askCsrf = (await json(await asker('/api/csrf-token'))).token;
    const asked = await asker('/api/auth/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': askCsrf },
      body: JSON.stringify({ email: user.email }),
    });
    expect(asked.status).toBe(202);
    const page = await openLink(await mailedLink(user.email, /reset your password/i));

    page.submit('reset', { password: 'a new page-set passphrase', again: 'a new page-set passphrase' });

    expect((await page.shows(/changed|not changed/)).className).toBe('ok');
    expect(page.calls).toEqual(['GET /api/csrf-token', 'POST /api/auth/password-reset/confirm']);
    const login = await fetch(`${runtime.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': askCsrf, cookie: `csrf-token=${askCsrf}` },
      body: JSON.stringify({ email: user.email, password: 'a new page-set passphrase' }),
    });
    expect(login.status).toBe(200);
  });

  it('/reset-password refuses two different passwords before calling the API', async () => {
    const user = await newUser(runtime, 'page-reset-typo', { verified: false });
    const asker = browserFetch(runtime.url);
    const askCsrf = (await json(await asker('/api/csrf-token'))).token;
    await asker('/api/auth/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': askCsrf },
      body: JSON.stringify({ email: user.email }),
    });
    const page = await openLink(await mailedLink(user.email, /reset your password/i));

    page.submit('reset', { password: 'a new page-set passphrase', again: 'a new page-set passfrase' });

    expect((await page.shows(/differ/)).className).toBe('error');
    expect(page.calls).toEqual([]);
  });

  it('/invites/accept signs the invitee in when needed, then joins them to the workspace', async () => {
    const owner = await newUser(runtime, 'page-inviter', { verified: true });
    const invitee = await newUser(runtime, 'page-invitee', { verified: false });
    const sent = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/invites`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ email: invitee.email, role: 'member' }),
    });
    expect(sent.status).toBe(201);
    const page = await openLink(await mailedLink(invitee.email, /invited you/i));

    page.submit('accept', {});
    await page.shows(/Sign in/);
    page.submit('login', { email: invitee.email, password: invitee.password });

    const joined = await page.shows(
      new RegExp(`joined workspace ${owner.workspaceId} as member|not accepted|Could not`),
    );
    expect(joined.className).toBe('ok');
    expect(page.calls).toEqual([
      'GET /api/csrf-token',
      'POST /api/invites/accept',
      'GET /api/csrf-token',
      'POST /api/auth/login',
      'POST /api/invites/accept',
    ]);
    const members = await json(
      await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/members`, { headers: as(owner) }),
    );
    expect(members.members).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: invitee.userId, role: 'member' })]),
    );
  });

  it('says so when the link has lost its token', async () => {
    const page = await openLink(new URL(`${runtime.publicBaseUrl}/verify-email`));

    expect((await page.shows(/no token/)).className).toBe('error');
    expect(page.calls).toEqual([]);
  });
});

describe('docs/openapi.json is read when asked for', () => {
  it('serves the file as it is now, not as it was at start', async () => {
    const root = fs.mkdtempSync(path.join(runtime.dataDir, 'docs-root-'));
    fs.mkdirSync(path.join(root, 'docs'));
    const file = path.join(root, 'docs', 'openapi.json');
    const pages = docsPages(root);
    fs.writeFileSync(file, '{"openapi":"3.1.0","info":{"title":"before"}}');
    const before = await pages['/docs/openapi.json']?.();

    fs.writeFileSync(file, '{"openapi":"3.1.0","info":{"title":"after"}}');
    const after = await pages['/docs/openapi.json']?.();

    expect(JSON.parse(String(before?.body)).info.title).toBe('before');
    expect(JSON.parse(String(after?.body)).info.title).toBe('after');
    const noBundle = await pages['/docs/scalar.js']?.();
    expect(noBundle?.status).toBe(500);
    expect(String(noBundle?.body)).toContain('npm install');
  });
});
