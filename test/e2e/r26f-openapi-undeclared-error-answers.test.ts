// Review round 26 (f): docs/openapi.json does not declare answers its routes really give.
/**
 * Review round 26 (f): the OpenAPI document (and docs/API.md, generated from the same lists) is
 * what an API client is generated from and codes its error handling against; it derives each
 * route's error answers from lib/api-docs/error-responses.ts, where the statuses come from the
 * route's declaration (`errorStatusesOf`, lib/api-docs/error-responses.ts:156: a 401 only for
 * `auth: 'user'` routes) and the codes from hand-kept lists (`ERROR_STATUSES`, `CONFLICTS`,
 * lib/api-docs/error-responses.ts:31 and :105). Both drift from what the handlers answer:
 *
 * - `POST /api/auth/login` with a wrong password answers 401 `INVALID_CREDENTIALS`
 *   (shared/identity/accounts/errors.ts:27); the route is `public`, so no 401 is declared at all.
 * - `POST /api/hooks/resend` with a bad signature answers 401 `INVALID_WEBHOOK_SIGNATURE`
 *   (functions/email-sending.ts:72); no 401 declared either.
 * - `POST /api/auth/login` after 5 failures answers 429 `LOGIN_THROTTLED`
 *   (shared/identity/accounts/errors.ts:8, docs/IDENTITY.md); the 429 lists only `RATE_LIMITED`.
 * - `POST /api/campaigns/{id}/publish` of a journey whose AI copy nobody approved answers 409
 *   `AI_COPY_NOT_APPROVED` (shared/campaigns/ai-copy-rules.ts:72, documented in docs/CAMPAIGNS.md,
 *   "AI copy"); `CONFLICTS['campaigns.publish']` lists only CAMPAIGN_ARCHIVED, CAMPAIGN_CHANGED.
 * - `DELETE /api/workspaces/{id}/members/{userId}` of the owner answers 403 `OWNER_IMMUTABLE`
 *   (shared/workspaces/use-cases.ts:259, documented in docs/IDENTITY.md); the 403 lists the CSRF,
 *   permission, key and verification codes only (nor `MEMBER_OUTRANKS_YOU`, `ROLE_EXCEEDS_YOURS`,
 *   `OWNER_NOT_ASSIGNABLE`, `INVITE_EMAIL_MISMATCH`).
 *
 * - Every 400 lists only VALIDATION_FAILED, INVALID_ID, UNKNOWN_OWNER, UNSENDABLE_EMAIL,
 *   TEMPLATE_TOO_LARGE, EXPORT_TOO_LARGE, INVALID_BODY_ENCODING (`ERROR_STATUSES['400']`), while the
 *   edge answers a malformed JSON body 400 `MALFORMED_JSON` (shared/security/sanitize-json.ts; the
 *   README names it) and a marketing template without its unsubscribe link 400
 *   `TEMPLATE_LINT_FAILED` (shared/email/stored-templates.ts:145; the WALKTHROUGH promises "a 400
 *   that says what to add"); nor are WEAK_PASSWORD, INVALID_JOURNEY, POSTAL_ADDRESS_MISSING,
 *   IMPORT_BAD_HEADER, IMPORT_EMPTY, ... anywhere in openapi.json.
 *
 * - Every 404 lists `NOT_FOUND` and `WORKSPACE_NOT_FOUND`; the records' own 404s carry their own
 *   codes (`CAMPAIGN_NOT_FOUND`, shared/campaigns/campaign.ts; CONTACT_NOT_FOUND, TEMPLATE_NOT_FOUND,
 *   MEMBER_NOT_FOUND, ... 18 in all), none of them in openapi.json.
 * - Every `sendsMail` route (emails.send, email-templates.send, campaigns publish / resume / enrol
 *   / launch-resume / retry: lib/definition/*-routes.ts) refuses a caller whose address is not
 *   verified with 403 `EMAIL_NOT_VERIFIED` (shared/http/middlewares/authentication.ts:27); the
 *   only words on it (the shared 403, lib/api-docs/error-responses.ts:52) say it happens "on a
 *   route that hands out access (API keys, invitations, webhook tokens)", and no operation's text
 *   says it needs a verified address, while each says which permission it needs.
 *
 * - The shared 413 says "1 MB ... unless the route says less", but the routes that take less
 *   (`maxBodyBytes` in lib/definition: hooks.campaign 4096, unsubscribe.confirm 4096,
 *   hooks.resend 256 KiB, campaigns.ai-drafts.approve 262,144) never say it in openapi.json or
 *   API.md (lib/api-docs/openapi.ts renders no `maxBodyBytes`); only docs/CAMPAIGNS.md names the
 *   hook's 4 KiB, and nothing names the approve route's 256 KiB (an edited draft's html over it is
 *   a 413 where POST /api/email-templates takes the same html).
 *
 * Severity MEDIUM: "docs match the code" is a product rule and openapi.json is the API's contract
 * (the README and API.md send clients to it; a client generated from it has no 401 branch for a
 * failed log-in, the commonest error of all). Fails at 1fcafc7.
 * Reached by: any API client (or generated SDK) reading docs/openapi.json / docs/API.md; every
 * request below is an ordinary one a signed-out or signed-in user makes.
 *
 * The test asks each route on a real runtime and checks that the answer's status is declared for
 * the operation and its code is one the declared answer names (an example of it, or in its text).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/definition';
import type { Runtime } from '../../lib/local/runtime';
import { anonymousCsrf } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { json, startTestRuntime } from '../support/local-runtime';

interface OpenApiResponse {
  $ref?: string;
  description?: string;
  content?: Record<string, { examples?: Record<string, { value?: { code?: string } }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
  components: { responses: Record<string, OpenApiResponse> };
}

const doc = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/openapi.json'), 'utf8'),
) as OpenApi;

/** `"<status> <code>"` of every error answer the document declares for the operation. */
function declaredAnswers(route: string, method: string): string[] {
  const responses = doc.paths[route]?.[method]?.responses;
  if (!responses) throw new Error(`docs/openapi.json has no ${method.toUpperCase()} ${route}`);
  return Object.entries(responses).flatMap(([status, declared]) => {
    const response = declared.$ref
      ? doc.components.responses[declared.$ref.replace('#/components/responses/', '')]
      : declared;
    const examples = Object.values(response?.content?.['application/json']?.examples ?? {}).map((e) => e.value?.code);
    const named = [...(response?.description ?? '').matchAll(/`([A-Z][A-Z0-9_]{3,})`/g)].map((m) => m[1]);
    return [...new Set([...examples, ...named])].map((code) => `${status} ${code}`);
  });
}

async function answered(res: Response): Promise<string> {
  const body = await json(res);
  return `${res.status} ${body.code}`;
}

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r26f-openapi', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

async function logIn(email: string, password: string): Promise<Response> {
  const token = await anonymousCsrf(runtime);
  return fetch(`${runtime.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` },
    body: JSON.stringify({ email, password }),
  });
}

describe('r26f: every error answer a route gives is declared in docs/openapi.json', () => {
  it('POST /api/auth/login with a wrong password: 401 INVALID_CREDENTIALS', async () => {
    const got = await answered(await logIn(owner.email, 'not the password at all'));
    expect(got).toBe('401 INVALID_CREDENTIALS');
    expect(declaredAnswers('/api/auth/login', 'post')).toContain(got);
  });

  it('POST /api/auth/login after the fifth failure: 429 LOGIN_THROTTLED', async () => {
    const user = await newUser(runtime, 'r26f-throttled', { verified: false });
    // The address's counter counts this file's other failed log-ins too: fail until refused.
    let res = await logIn(user.email, 'wrong password 0');
    for (let i = 1; i <= 5 && res.status === 401; i += 1) res = await logIn(user.email, `wrong password ${i}`);
    const got = await answered(res);
    expect(got).toBe('429 LOGIN_THROTTLED');
    expect(declaredAnswers('/api/auth/login', 'post')).toContain(got);
  });

  it('POST /api/hooks/resend with a bad signature: 401 INVALID_WEBHOOK_SIGNATURE', async () => {
    const res = await fetch(`${runtime.url}/api/hooks/resend`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'svix-id': 'msg_r26f',
        'svix-timestamp': String(Math.floor(Date.now() / 1000)),
        'svix-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      },
      body: JSON.stringify({ type: 'email.delivered', data: {} }),
    });
    const got = await answered(res);
    expect(got).toBe('401 INVALID_WEBHOOK_SIGNATURE');
    expect(declaredAnswers('/api/hooks/resend', 'post')).toContain(got);
  });

  it('POST /api/campaigns/{id}/publish with unapproved AI copy: 409 AI_COPY_NOT_APPROVED', async () => {
    const put = await fetch(`${runtime.url}/api/settings/email.postal_address`, {
      method: 'PUT',
      headers: as(owner),
      body: JSON.stringify({ value: '1 Main St, Springfield' }),
    });
    expect(put.status, await put.clone().text()).toBeLessThan(300);
    const template = await fetch(`${runtime.url}/api/email-templates`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({
        name: 'AI copy',
        category: 'marketing',
        subject: 'Hello {{ contact.firstName }}',
        html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
      }),
    });
    const { template: created } = await json(template);
    expect(template.status).toBe(201);
    const campaign = await fetch(`${runtime.url}/api/campaigns`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({
        name: 'AI copy campaign',
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'mail' },
            {
              id: 'mail',
              kind: 'email',
              templateId: created.templateId,
              aiCopy: { goal: 'Welcome new trial users' },
              next: 'done',
            },
            { id: 'done', kind: 'exit' },
          ],
        },
      }),
    });
    const body = await json(campaign);
    expect(campaign.status, JSON.stringify(body)).toBe(201);
    const res = await fetch(`${runtime.url}/api/campaigns/${body.campaign.campaignId}/publish`, {
      method: 'POST',
      headers: as(owner),
    });
    const got = await answered(res);
    expect(got).toBe('409 AI_COPY_NOT_APPROVED');
    expect(declaredAnswers('/api/campaigns/{id}/publish', 'post')).toContain(got);
  });

  it('POST /api/contacts with a malformed JSON body: 400 MALFORMED_JSON (the README names it)', async () => {
    const res = await fetch(`${runtime.url}/api/contacts`, { method: 'POST', headers: as(owner), body: '{"email":' });
    const got = await answered(res);
    expect(got).toBe('400 MALFORMED_JSON');
    expect(declaredAnswers('/api/contacts', 'post')).toContain(got);
  });

  it('POST /api/email-templates without an unsubscribe link: 400 TEMPLATE_LINT_FAILED', async () => {
    const res = await fetch(`${runtime.url}/api/email-templates`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ name: 'No link', category: 'marketing', subject: 'Hi', html: '<p>Hello</p>' }),
    });
    const got = await answered(res);
    expect(got).toBe('400 TEMPLATE_LINT_FAILED');
    expect(declaredAnswers('/api/email-templates', 'post')).toContain(got);
  });

  it('POST /api/emails/send by an unverified owner: 403 EMAIL_NOT_VERIFIED, and the mail routes say so', async () => {
    const unverified = await newUser(runtime, 'r26f-unverified', { verified: false });
    const res = await fetch(`${runtime.url}/api/emails/send`, {
      method: 'POST',
      headers: as(unverified),
      body: JSON.stringify({ to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>', category: 'transactional' }),
    });
    const got = await answered(res);
    expect(got).toBe('403 EMAIL_NOT_VERIFIED');
    // The 403's text names only "a route that hands out access (API keys, invitations, webhook
    // tokens)", and no operation says it needs a verified address: every sendsMail route should.
    const mailRoutes = routes.filter((r) => r.sendsMail);
    expect(mailRoutes.map((r) => r.id)).toContain('emails.send');
    const silent = mailRoutes
      .filter((r) => {
        const op = doc.paths[r.path]?.[r.method.toLowerCase()] as { description?: string } | undefined;
        return !/verified/i.test(op?.description ?? '');
      })
      .map((r) => `${r.method} ${r.path}`);
    expect(silent, 'mail-sending routes whose documentation never says a verified address is needed').toEqual([]);
  });

  it('GET /api/campaigns/{id} of an unknown campaign: 404 CAMPAIGN_NOT_FOUND', async () => {
    const res = await fetch(`${runtime.url}/api/campaigns/00000000-0000-4000-8000-000000000000`, {
      headers: as(owner),
    });
    const got = await answered(res);
    expect(got).toBe('404 CAMPAIGN_NOT_FOUND');
    expect(declaredAnswers('/api/campaigns/{id}', 'get')).toContain(got);
  });

  it('POST /api/hooks/campaigns/{id}/{token} with a 5 KB body: 413, at a limit the document states', async () => {
    const res = await fetch(`${runtime.url}/api/hooks/campaigns/00000000-0000-4000-8000-000000000000/abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', padding: 'x'.repeat(5000) }),
    });
    const got = await answered(res);
    expect(got).toBe('413 PAYLOAD_TOO_LARGE');
    // "1 MB ... unless the route says less" (the shared 413): the routes declaring less never say it.
    const smaller = routes.filter((r) => r.maxBodyBytes !== undefined && r.maxBodyBytes < 1_000_000);
    expect(smaller.map((r) => r.id)).toContain('hooks.campaign');
    const unstated = smaller
      .filter((r) => {
        const op = doc.paths[r.path]?.[r.method.toLowerCase()] as
          | { description?: string; requestBody?: { description?: string } }
          | undefined;
        const text = `${op?.description ?? ''} ${op?.requestBody?.description ?? ''}`;
        const n = r.maxBodyBytes as number;
        return ![String(n), n.toLocaleString('en-US'), `${n / 1024} KiB`, `${n / 1024} KB`].some((s) =>
          text.includes(s),
        );
      })
      .map((r) => `${r.method} ${r.path} (${r.maxBodyBytes} bytes)`);
    expect(unstated, 'routes with a smaller body limit than 1 MB whose documentation never states it').toEqual([]);
  });

  it('DELETE /api/workspaces/{workspaceId}/members/{userId} of the owner: 403 OWNER_IMMUTABLE', async () => {
    const res = await fetch(`${runtime.url}/api/workspaces/${owner.workspaceId}/members/${owner.userId}`, {
      method: 'DELETE',
      headers: as(owner),
    });
    const got = await answered(res);
    expect(got).toBe('403 OWNER_IMMUTABLE');
    expect(declaredAnswers('/api/workspaces/{workspaceId}/members/{userId}', 'delete')).toContain(got);
  });
});
