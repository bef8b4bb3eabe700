/**
 * The declared answers of docs/openapi.json against the real ones: each route with a declared
 * success answer is called through the typed client (test/support/api-client.ts), which fails
 * the call when the status or the body does not fit the contract. The contacts and campaign
 * journeys have their own files (contacts.test.ts, campaigns.test.ts) that call through it too;
 * this one covers the rest of the declared routes, one after another as a new user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { mailedToken } from '../support/accounts';
import { apiClient, expectData } from '../support/api-client';
import { eventually, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
});
afterAll(async () => {
  await runtime?.stop();
});

/** A browser-like caller: the cookies it was given, and the CSRF token it was told. */
function browser() {
  const jar = new Map<string, string>();
  let csrf = '';
  const headers = () => ({
    cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    'x-csrf-token': csrf,
    origin: runtime.url,
  });
  const api = apiClient(() => runtime.url, headers);
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
  };
  return { api, keep, useCsrf: (token: string) => (csrf = token) };
}

describe('the declared answers, as the API gives them', () => {
  const email = `contract-${Date.now()}@example.com`;
  const password = 'a sturdy contract passphrase';
  const caller = browser();
  const { api } = caller;

  it('identity: sign-up, me, log-out, log-in', async () => {
    expect(expectData(await api.GET('/api/health'), 200).status).toBe('healthy');
    expect(expectData(await api.GET('/'), 200)).toContain('<');
    const token = await api.GET('/api/csrf-token');
    caller.keep(token.response);
    caller.useCsrf(expectData(token, 200).token);

    const signedUp = await api.POST('/api/auth/signup', {
      body: { email, password, name: 'Contract', organizationName: 'Contract org' },
    });
    caller.keep(signedUp.response);
    caller.useCsrf(expectData(signedUp, 201).csrfToken);
    const me = expectData(await api.GET('/api/auth/me'), 200);
    expect(me.user.email).toBe(email);
    expect(me.memberships).toHaveLength(1);

    const out = await api.POST('/api/auth/logout');
    expect(out.status).toBe(204);
    caller.keep(out.response);
    expect((await api.GET('/api/auth/me')).status).toBe(401);

    const loggedIn = await api.POST('/api/auth/login', { body: { email, password } });
    caller.keep(loggedIn.response);
    caller.useCsrf(expectData(loggedIn, 200).csrfToken);
    expect(expectData(await api.GET('/api/auth/me'), 200).user.email).toBe(email);
  });

  it('contacts: import, export, consent, enrolments', async () => {
    const report = expectData(
      await api.POST('/api/contacts/import', {
        body: 'email,firstName,tags\nada@example.com,Ada,vip\nnot-an-address,X,\n',
        headers: { 'content-type': 'text/csv' },
        params: { query: { consentSource: 'import' } },
      }),
      200,
    );
    expect(report).toMatchObject({ rows: 2, created: 1, failed: 1 });
    const csv = expectData(await api.GET('/api/contacts/export', { params: { query: { tag: 'vip' } } }), 200);
    expect(csv).toContain('ada@example.com');
    const { contacts } = expectData(await api.GET('/api/contacts/list', { params: { query: { tag: 'vip' } } }), 200);
    const path = { id: contacts[0]?.contactId as string };
    expect(expectData(await api.GET('/api/contacts/{id}/consent', { params: { path } }), 200).consent).toHaveLength(1);
    expect(expectData(await api.GET('/api/contacts/{id}/enrolments', { params: { path } }), 200).enrolments).toEqual(
      [],
    );
  });

  it('email templates: create, list, read, change, preview, broadcast, delete', async () => {
    const body = {
      name: 'Contract news',
      category: 'marketing' as const,
      subject: 'News for {{ contact.firstName | default: "you" }}',
      html: '<p>Hi</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
    };
    const created = expectData(await api.POST('/api/email-templates', { body }), 201);
    const path = { id: created.template.templateId };
    expect(expectData(await api.GET('/api/email-templates'), 200).templates).toHaveLength(1);
    expect(expectData(await api.GET('/api/email-templates/{id}', { params: { path } }), 200).template.version).toBe(1);
    const saved = expectData(
      await api.PUT('/api/email-templates/{id}', { params: { path }, body: { ...body, expectedVersion: 1 } }),
      200,
    );
    expect(saved.template.version).toBe(2);
    const preview = expectData(
      await api.POST('/api/email-templates/{id}/preview', {
        params: { path },
        body: { contact: { firstName: 'Ada' } },
      }),
      200,
    );
    expect(preview.subject).toBe('News for Ada');

    const setting = await api.PUT('/api/settings/{key}', {
      params: { path: { key: 'email.postal_address' } },
      body: { value: '1 Main Street, Springfield' },
    });
    expect(setting.status).toBe(201);
    // A broadcast mails people: not before the address is verified (docs/IDENTITY.md, "Unverified
    // accounts mail no one"; webhook-token-verified-email.test.ts calls every such route).
    const early = await api.POST('/api/email-templates/{id}/send', {
      params: { path },
      body: { audience: { tag: 'vip' } },
    });
    expect(early.response.status).toBe(403);
    expect((early.error as { code?: string } | undefined)?.code).toBe('EMAIL_NOT_VERIFIED');
    const token = await mailedToken(runtime, email, /confirm your email/i);
    expect((await api.POST('/api/auth/verify-email', { body: { token } })).status).toBe(204);
    const queued = expectData(
      await api.POST('/api/email-templates/{id}/send', { params: { path }, body: { audience: { tag: 'vip' } } }),
      202,
    );
    const progress = await api.GET('/api/email-broadcasts/{id}', { params: { path: { id: queued.broadcastId } } });
    expect(expectData(progress, 200).broadcast.templateId).toBe(path.id);
    expect((await api.DELETE('/api/email-templates/{id}', { params: { path } })).status).toBe(204);
  });

  it('campaigns: the lifecycle, its secrets, stats and enrolments', async () => {
    const created = expectData(
      await api.POST('/api/campaigns', {
        body: {
          name: 'Contract journey',
          journey: {
            nodes: [
              { id: 'start', kind: 'trigger', on: { type: 'webhook' }, next: 'wait' },
              { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'done' },
              { id: 'done', kind: 'exit' },
            ],
          },
        },
      }),
      201,
    );
    const path = { id: created.campaign.campaignId };
    expect(expectData(await api.GET('/api/campaigns/list'), 200).campaigns.map((c) => c.campaignId)).toContain(path.id);
    expect(expectData(await api.GET('/api/campaigns/{id}', { params: { path } }), 200).campaign.status).toBe('draft');
    const renamed = await api.PATCH('/api/campaigns/{id}', { params: { path }, body: { name: 'Renamed' } });
    expect(expectData(renamed, 200).campaign.name).toBe('Renamed');
    // The address was verified above (a webhook token is access handed out: not before it is).
    const hook = expectData(await api.POST('/api/campaigns/{id}/webhook-token', { params: { path } }), 201);
    expect(expectData(await api.POST('/api/campaigns/{id}/signing-secret', { params: { path } }), 201).secret).toMatch(
      /^whsec_/,
    );
    expect(expectData(await api.POST('/api/campaigns/{id}/publish', { params: { path } }), 200).campaign.status).toBe(
      'active',
    );

    const { contacts } = expectData(await api.GET('/api/contacts/list'), 200);
    const contactId = contacts[0]?.contactId as string;
    const enrolled = expectData(
      await api.POST('/api/campaigns/{id}/enrol', { params: { path }, body: { contactIds: [contactId] } }),
      202,
    );
    expect(enrolled).toEqual({ queued: 1, suppressed: 0 });
    const viaHook = await api.POST('/api/hooks/campaigns/{id}/{token}', {
      params: { path: { id: path.id, token: hook.token } },
      body: { contactId },
    });
    expect(expectData(viaHook, 202).contactId).toBe(contactId);
    const enrolment = await eventually(async () => {
      const found = expectData(await api.GET('/api/campaigns/{id}/enrolments', { params: { path } }), 200);
      return found.enrolments.find((e) => e.status === 'waiting');
    });
    const exited = await api.POST('/api/campaigns/{id}/enrolments/{contactId}/exit', {
      params: { path: { id: path.id, contactId: enrolment.contactId } },
    });
    expect(expectData(exited, 200).enrolment.status).toBe('exited');
    // Only a failed enrolment can be given another go: an exited one is a 409 naming why.
    const retried = await api.POST('/api/campaigns/{id}/enrolments/{contactId}/retry', {
      params: { path: { id: path.id, contactId: enrolment.contactId } },
    });
    expect(retried.response.status).toBe(409);
    expect(retried.error).toMatchObject({ code: 'ENROLMENT_NOT_RETRYABLE' });
    const page = await api.GET('/api/campaigns/{id}/enrolments', { params: { path } });
    expect(expectData(page, 200).enrolments).toEqual(expect.any(Array));
    expect(expectData(await api.GET('/api/campaigns/{id}/stats', { params: { path } }), 200).stats).toBeDefined();

    expect(expectData(await api.POST('/api/campaigns/{id}/pause', { params: { path } }), 200).campaign.status).toBe(
      'paused',
    );
    expect(expectData(await api.POST('/api/campaigns/{id}/resume', { params: { path } }), 200).campaign.status).toBe(
      'active',
    );
    expect(expectData(await api.POST('/api/campaigns/{id}/archive', { params: { path } }), 200).campaign.status).toBe(
      'archived',
    );
    const draft = expectData(
      await api.POST('/api/campaigns', {
        body: {
          name: 'Scrapped',
          journey: {
            nodes: [
              { id: 'start', kind: 'trigger', next: 'done' },
              { id: 'done', kind: 'exit' },
            ],
          },
        },
      }),
      201,
    );
    const deleted = await api.DELETE('/api/campaigns/{id}', { params: { path: { id: draft.campaign.campaignId } } });
    expect(expectData(deleted, 200).campaign.status).toBe('archived');
  });

  it('account: sessions, devices, password reset request, API keys (the address was verified above)', async () => {
    // A second session (its cookie not kept), then revoked from this one.
    expect((await api.POST('/api/auth/login', { body: { email, password } })).status).toBe(200);
    const sessions = expectData(await api.GET('/api/auth/sessions'), 200).sessions;
    const other = sessions.find((x) => !x.current);
    expect(other).toBeDefined();
    const revoked = await api.DELETE('/api/auth/sessions/{sessionId}', {
      params: { path: { sessionId: other?.id as string } },
    });
    expect(revoked.status).toBe(204);
    expect(expectData(await api.GET('/api/auth/devices'), 200).devices).toHaveLength(1);
    expect(expectData(await api.POST('/api/auth/password-reset', { body: { email } }), 202).message).toEqual(
      expect.any(String),
    );
    const created = expectData(
      await api.POST('/api/security/api-keys', { body: { name: 'contract', scopes: ['contacts:read'] } }),
      201,
    );
    expect(created.key).toMatch(/^uh_/);
    const keys = expectData(await api.GET('/api/security/api-keys'), 200).apiKeys;
    expect(keys.map((k) => k.keyId)).toEqual([created.apiKey.keyId]);
    const path = { keyId: created.apiKey.keyId };
    expect((await api.DELETE('/api/security/api-keys/{keyId}', { params: { path } })).status).toBe(204);
    expect(expectData(await api.GET('/api/security/audit-log'), 200).entries.length).toBeGreaterThan(0);
    expect(expectData(await api.GET('/api/security/alerts'), 200).alerts).toEqual(expect.any(Array));
    expect(expectData(await api.GET('/api/settings'), 200).settings.map((x) => x.key)).toContain(
      'email.postal_address',
    );
    const key = { key: 'contract.note' };
    expect((await api.PUT('/api/settings/{key}', { params: { path: key }, body: { value: { a: 1 } } })).status).toBe(
      201,
    );
    expect((await api.DELETE('/api/settings/{key}', { params: { path: key } })).status).toBe(204);
  });

  it('workspaces: list, create, read, rename, members, invites, roles', async () => {
    const [mine] = expectData(await api.GET('/api/workspaces'), 200).workspaces;
    const path = { workspaceId: mine?.workspaceId as string };
    expect(expectData(await api.POST('/api/workspaces', { body: { name: 'Second' } }), 201).workspace.name).toBe(
      'Second',
    );
    expect(expectData(await api.GET('/api/workspaces/{workspaceId}', { params: { path } }), 200).role).toBe('owner');
    const renamed = await api.PATCH('/api/workspaces/{workspaceId}', { params: { path }, body: { name: 'Renamed' } });
    expect(expectData(renamed, 200).workspace.name).toBe('Renamed');
    const members = expectData(await api.GET('/api/workspaces/{workspaceId}/members', { params: { path } }), 200);
    expect(members.members).toHaveLength(1);
    const invite = await api.POST('/api/workspaces/{workspaceId}/invites', {
      params: { path },
      body: { email: `invitee-${Date.now()}@example.com`, role: 'member' },
    });
    expect(expectData(invite, 201).invite.role).toBe('member');
    expect(
      expectData(await api.GET('/api/workspaces/{workspaceId}/invites', { params: { path } }), 200).invites,
    ).toHaveLength(1);
    expect(
      expectData(await api.GET('/api/workspaces/{workspaceId}/roles', { params: { path } }), 200).roles.length,
    ).toBeGreaterThan(1);
    const role = { ...path, roleName: 'helper' };
    const saved = await api.PUT('/api/workspaces/{workspaceId}/roles/{roleName}', {
      params: { path: role },
      body: { permissions: ['contacts:read'] },
    });
    expect(expectData(saved, 200).role.permissions).toEqual(['contacts:read']);
    expect(
      (await api.DELETE('/api/workspaces/{workspaceId}/roles/{roleName}', { params: { path: role } })).status,
    ).toBe(204);
  });

  it('scoring, sending and AI: scores, rules, hot leads, status, one-off send, usage, queued calls', async () => {
    const { contacts } = expectData(await api.GET('/api/contacts/list'), 200);
    const path = { id: contacts[0]?.contactId as string };
    expect(expectData(await api.GET('/api/contacts/{id}/score', { params: { path } }), 200).contactId).toBe(path.id);
    expect(expectData(await api.GET('/api/contacts/hot-leads'), 200).contacts).toEqual(expect.any(Array));
    const rules = expectData(await api.GET('/api/scoring/rules'), 200);
    const replaced = await api.PUT('/api/scoring/rules', {
      // The rules as they came back: the answer's schema names fewer fields than the request's checks.
      body: { rules: rules.rules as never, expectedVersion: rules.version },
    });
    expect(expectData(replaced, 202).version).toBe(rules.version + 1);

    expect(expectData(await api.GET('/api/emails/sending'), 200).paused).toBe(false);
    expect(expectData(await api.POST('/api/emails/sending/resume'), 200).resumed).toBe(false);
    const sent = await api.POST('/api/emails/send', {
      body: { to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>', category: 'transactional' },
    });
    expect(expectData(sent, 202).sendId).toEqual(expect.any(String));

    expect(expectData(await api.GET('/api/ai/usage'), 200).usage.exceeded).toBe(false);
    const queued = expectData(
      await api.POST('/api/ai/calls', { body: { agent: 'contact-intelligence', input: { contactId: path.id } } }),
      202,
    );
    const call = await api.GET('/api/ai/calls/{id}', { params: { path: { id: queued.callId } } });
    expect(expectData(call, 200).call.agent).toBe('contact-intelligence');
    const preview = await api.POST('/api/ai/preview', {
      body: {
        agent: 'email-intent',
        input: { from: 'ada@example.com', subject: 'Demo?', body: 'Can we meet on Tuesday?' },
      },
    });
    expect(expectData(preview, 200).agent).toBe('email-intent');
  });
});
