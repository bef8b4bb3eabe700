/**
 * Review round 12: this test failed at eab1d13 (an unverified account got 201 and a webhook token
 * that enrolled contacts). Fixed at the root: routes declared `handsOutAccess` (API keys,
 * invitations, webhook tokens) are refused 403 EMAIL_NOT_VERIFIED by the authentication edge.
 *
 * The campaign webhook token is a bearer credential minted by an account whose
 * email address nobody has proved.
 *
 * SEVERITY: MEDIUM
 * AT FAULT: functions/campaigns.ts 'campaigns.webhook-token' -> shared/campaigns/campaign-webhook.ts
 *   rotateWebhookToken (no assertEmailVerified, unlike createApiKey and invite).
 * FIX: call assertEmailVerified(caller.userId, users, 'create webhook tokens') before rotating (403
 *   EMAIL_NOT_VERIFIED), as shared/governance/api-keys.ts does for API keys.
 *
 * docs/IDENTITY.md "Verified email addresses and pre-account takeover": "unverified accounts hand out
 * nothing". A squatter who signs up with a victim's address can mint a webhook token (anyone holding
 * it enrols the workspace's contacts into a live campaign, i.e. sends marketing mail, without any
 * session or key) and keep using it after the victim takes the account over with a password reset,
 * which revokes sessions and API keys but not webhook tokens. The token is exactly the kind of
 * access an unverified account must not be able to hand out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
type Answer = { status: number; body: any };

async function call(user: TestUser | undefined, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: user ? as(user) : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

const webhookJourney = {
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'webhook' }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

async function activeWebhookCampaign(user: TestUser): Promise<string> {
  const created = await call(user, 'POST', '/api/campaigns', { name: 'Hooked', journey: webhookJourney });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const campaignId = created.body.campaign.campaignId as string;
  const published = await call(user, 'POST', `/api/campaigns/${campaignId}/publish`);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return campaignId;
}

describe('POST /api/campaigns/{id}/webhook-token by an account whose email is not verified', () => {
  it('is 403 EMAIL_NOT_VERIFIED (no bearer credential is handed out), as API keys and invites are', async () => {
    const squatter = await newUser(runtime, 'r12-squatter', { verified: false }); // email never verified
    // An unverified account may not publish either (it sets mail going): the token is asked of its draft.
    const created = await call(squatter, 'POST', '/api/campaigns', { name: 'Hooked', journey: webhookJourney });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaignId = created.body.campaign.campaignId as string;
    const published = await call(squatter, 'POST', `/api/campaigns/${campaignId}/publish`);
    expect(published.status).toBe(403);
    expect(published.body.code).toBe('EMAIL_NOT_VERIFIED');
    const contact = await call(squatter, 'POST', '/api/contacts', { email: `victim-list-${Date.now()}@example.com` });
    expect(contact.status).toBe(201);

    // The comparison the product already makes for the other credentials it hands out:
    const key = await call(squatter, 'POST', '/api/security/api-keys', { name: 'k', scopes: ['contacts:read'] });
    expect(key.status).toBe(403);
    expect(key.body.code).toBe('EMAIL_NOT_VERIFIED');

    const minted = await call(squatter, 'POST', `/api/campaigns/${campaignId}/webhook-token`);
    if (minted.status === 201) {
      // What it buys today: a session-less, key-less enrolment that survives a password reset.
      const used = await call(undefined, 'POST', minted.body.path, { contactId: contact.body.contact.contactId });
      expect.soft(used.status, 'the unverified account’s token enrols contacts').not.toBe(202);
    }
    expect(minted.status, JSON.stringify(minted.body)).toBe(403);
    expect(minted.body.code).toBe('EMAIL_NOT_VERIFIED');
  });

  it('still works for a verified owner (control)', async () => {
    const owner = await newUser(runtime, 'r12-verified', { verified: true });
    const campaignId = await activeWebhookCampaign(owner);
    const minted = await call(owner, 'POST', `/api/campaigns/${campaignId}/webhook-token`);
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    expect(minted.body.path).toContain(`/api/hooks/campaigns/${campaignId}/`);
  });
});

/**
 * "Unverified accounts mail no one" (docs/IDENTITY.md): every workspace's mail leaves through one
 * sending account, so an address nobody has proved may not send a one-off, broadcast a template,
 * or set a campaign's mail going (publish, resume, enrol, a launch's resume, an enrolment's retry):
 * 403 EMAIL_NOT_VERIFIED at the edge, nothing queued; the same calls work once the address is
 * verified. Declared on the routes (`sendsMail`, test/unit/http/hands-out-access.test.ts).
 */
describe('routes that send mail, by an account whose email is not verified', () => {
  it('are 403 EMAIL_NOT_VERIFIED and queue nothing; the same calls pass once the address is verified', async () => {
    const user = await newUser(runtime, 'r25-unverified-sender', { verified: false });
    const contact = await call(user, 'POST', '/api/contacts', { email: `list-${Date.now()}@example.com` });
    expect(contact.status).toBe(201);
    const contactId = contact.body.contact.contactId as string;
    const template = await call(user, 'POST', '/api/email-templates', {
      name: 'Note',
      category: 'transactional',
      subject: 'Hello',
      html: '<p>Hello</p>',
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const campaign = await call(user, 'POST', '/api/campaigns', { name: 'Drip', journey: webhookJourney });
    expect(campaign.status).toBe(201);
    const campaignId = campaign.body.campaign.campaignId as string;
    const mail = {
      to: `someone-${Date.now()}@example.com`,
      subject: 'Hi',
      html: '<p>Hi</p>',
      category: 'transactional',
    };
    const attempts = {
      send: () => call(user, 'POST', '/api/emails/send', mail),
      broadcast: () => call(user, 'POST', `/api/email-templates/${template.body.template.templateId}/send`, {}),
      publish: () => call(user, 'POST', `/api/campaigns/${campaignId}/publish`),
      enrol: () => call(user, 'POST', `/api/campaigns/${campaignId}/enrol`, { contactIds: [contactId] }),
      resume: () => call(user, 'POST', `/api/campaigns/${campaignId}/resume`),
      retry: () => call(user, 'POST', `/api/campaigns/${campaignId}/enrolments/${contactId}/retry`),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const answer = await attempt();
      expect(answer.status, `${name}: ${JSON.stringify(answer.body)}`).toBe(403);
      expect(answer.body.code, name).toBe('EMAIL_NOT_VERIFIED');
    }
    const still = await call(user, 'GET', `/api/campaigns/${campaignId}`);
    expect(still.body.campaign.status).toBe('draft');

    // Verified (the mailed link, as the owner would): the same send and publish go through.
    const verified = await newUser(runtime, 'r25-verified-sender');
    const sent = await call(verified, 'POST', '/api/emails/send', mail);
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const own = await call(verified, 'POST', '/api/campaigns', { name: 'Drip', journey: webhookJourney });
    const published = await call(verified, 'POST', `/api/campaigns/${own.body.campaign.campaignId}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });
});
