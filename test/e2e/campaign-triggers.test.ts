/**
 * Campaign triggers through the whole local runtime (TIME_SCALE as in campaigns.test.ts): a
 * contact's domain events reach the drip-steps queue through the declared EventBridge rule, and
 * the drip-step worker enrols the contact into the campaigns whose published trigger matches.
 * - tag-added: PATCH /api/contacts/{id} adding the tag enrols (re-entry `always`, so only the
 *   event design keeps a second PATCH from enrolling again);
 * - contact-created: POST /api/contacts enrols;
 * - webhook: a rotated token enrols by email; a wrong or old token is a 404; a paused campaign 409;
 * - interaction on email events: a campaign mail's delivery (provider event, email-events function)
 *   and its open (tracking pixel, emails function) publish contact.interaction_recorded and enrol
 *   the campaigns triggered by them; a mailing journey started by its own deliveries with re-entry
 *   `always` is refused on save (it would enrol the contact again on every mail).
 * One runtime for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { outbox } from '../support/accounts';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '100', TIME_SCALE: '43200' });
  owner = await newUser(runtime, 'triggers', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);
const ok = okJson;
/** A published campaign started by `on`: trigger -> wait a day -> exit, so an enrolment stays visible. */
const campaign = async (name: string, on: unknown) => {
  const created = await ok(
    await api('POST', '/api/campaigns', {
      name,
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', on, next: 'wait' },
          { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      rules: { timeZone: 'UTC', reentry: { mode: 'always' } },
    }),
    201,
  );
  const id = created.campaign.campaignId as string;
  await ok(await api('POST', `/api/campaigns/${id}/publish`));
  return id;
};
type Enrolment = { campaignId: string; run: number };
const enrolmentsOf = async (contactId: string, campaignId: string): Promise<Enrolment[]> =>
  ((await json(await api('GET', `/api/contacts/${contactId}/enrolments`))).enrolments as Enrolment[]).filter(
    (e) => e.campaignId === campaignId,
  );
const enrolledIn = (contactId: string, campaignId: string) =>
  eventually(async () => {
    const found = await enrolmentsOf(contactId, campaignId);
    return found.length > 0 ? found : undefined;
  }, 20_000);
const settle = () => new Promise((r) => setTimeout(r, 2_500));

describe('campaign triggers', () => {
  it('tag-added: adding the tag enrols the contact once; a second PATCH does not re-enrol', async () => {
    const run = `tag${Date.now()}`;
    const id = await campaign('VIP welcome', { type: 'tag-added', tag: `vip-${run}` });
    const contact = (await ok(await api('POST', '/api/contacts', { email: `a.${run}@example.com` }), 201)).contact;
    await settle();
    expect(await enrolmentsOf(contact.contactId, id)).toEqual([]);

    await ok(await api('PATCH', `/api/contacts/${contact.contactId}`, { tags: [`vip-${run}`] }));
    expect(await enrolledIn(contact.contactId, id)).toEqual([expect.objectContaining({ run: 1 })]);

    await ok(await api('PATCH', `/api/contacts/${contact.contactId}`, { tags: [`vip-${run}`], firstName: 'Ada' }));
    await settle();
    expect(await enrolmentsOf(contact.contactId, id)).toEqual([expect.objectContaining({ run: 1 })]);
  }, 60_000);

  it('contact-created: a new contact is enrolled', async () => {
    const run = `new${Date.now()}`;
    const id = await campaign('Hello', { type: 'contact-created' });
    const contact = (await ok(await api('POST', '/api/contacts', { email: `b.${run}@example.com` }), 201)).contact;
    expect(await enrolledIn(contact.contactId, id)).toHaveLength(1);
    // Archived: the trigger index forgets it, so the next contact is not enrolled.
    await ok(await api('POST', `/api/campaigns/${id}/archive`));
    const later = (await ok(await api('POST', '/api/contacts', { email: `c.${run}@example.com` }), 201)).contact;
    await settle();
    expect(await enrolmentsOf(later.contactId, id)).toEqual([]);
  }, 60_000);

  it('webhook: a good token enrols by email; a wrong, rotated or paused one does not', async () => {
    const run = `hook${Date.now()}`;
    const id = await campaign('Webhook', { type: 'webhook' });
    const contact = (await ok(await api('POST', '/api/contacts', { email: `d.${run}@example.com` }), 201)).contact;
    const first = await ok(await api('POST', `/api/campaigns/${id}/webhook-token`), 201);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hook = (token: string, body: unknown) =>
      fetch(`${runtime.url}/api/hooks/campaigns/${id}/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const wrong = await hook('x'.repeat(43), { email: contact.email });
    expect([wrong.status, (await json(wrong)).code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    const stranger = await hook(first.token, { email: `nobody.${run}@example.com` });
    expect([stranger.status, (await json(stranger)).code]).toEqual([404, 'CONTACT_NOT_FOUND']);

    const good = await hook(first.token, { email: contact.email.toUpperCase() });
    expect(good.status).toBe(202);
    expect(await enrolledIn(contact.contactId, id)).toHaveLength(1);

    const second = await ok(await api('POST', `/api/campaigns/${id}/webhook-token`), 201);
    expect((await hook(first.token, { contactId: contact.contactId })).status).toBe(404);
    await ok(await api('POST', `/api/campaigns/${id}/pause`));
    const paused = await hook(second.token, { contactId: contact.contactId });
    expect([paused.status, (await json(paused)).code]).toEqual([409, 'CAMPAIGN_NOT_ACTIVE']);
  }, 60_000);

  it('webhook: a retry with the same Idempotency-Key enrols once, even after the run ended under re-entry always', async () => {
    const run = `hookkey${Date.now()}`;
    const id = await campaign('Webhook retried', { type: 'webhook' });
    const contact = (await ok(await api('POST', '/api/contacts', { email: `k.${run}@example.com` }), 201)).contact;
    const { token } = await ok(await api('POST', `/api/campaigns/${id}/webhook-token`), 201);
    const hook = (key?: string) =>
      fetch(`${runtime.url}/api/hooks/campaigns/${id}/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        body: JSON.stringify({ contactId: contact.contactId }),
      });
    expect((await hook(`signup-${run}`)).status).toBe(202);
    // The run ends after its wait (a day: 2 s at this clock), then the sender retries after a lost 202.
    await eventually(async () => {
      const [first] = await enrolmentsOf(contact.contactId, id);
      return first && (first as Enrolment & { status: string }).status !== 'waiting' ? first : undefined;
    }, 20_000);
    expect((await hook(`signup-${run}`)).status).toBe(202);
    await settle();
    expect((await enrolmentsOf(contact.contactId, id)).map((e) => e.run)).toEqual([1]);
    // Another key (or none) is another request: re-entry always enrols again.
    expect((await hook(`signup-${run}-2`)).status).toBe(202);
    await eventually(async () => {
      const [latest] = await enrolmentsOf(contact.contactId, id);
      return latest?.run === 2 ? latest : undefined;
    }, 20_000);
    const malformed = await hook('x'.repeat(129));
    expect([malformed.status, (await json(malformed)).code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  }, 60_000);

  it('interaction: a campaign mail delivered and opened enrols the campaigns triggered by email_delivered and email_opened', async () => {
    const run = `mail${Date.now()}`;
    await ok(await api('PUT', '/api/settings/email.postal_address', { value: '1 Main Street, Springfield' }), 201);
    const template = (
      await ok(
        await api('POST', '/api/email-templates', {
          name: 'Hi',
          category: 'marketing',
          subject: `Hi ${run}`,
          html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
        }),
        201,
      )
    ).template.templateId as string;
    const contact = (await ok(await api('POST', '/api/contacts', { email: `m.${run}@example.com` }), 201)).contact;
    const onDelivered = await campaign('On delivered', { type: 'interaction', interaction: 'email_delivered' });
    const onOpened = await campaign('On opened', { type: 'interaction', interaction: 'email_opened' });
    const mailer = (
      await ok(
        await api('POST', '/api/campaigns', {
          name: 'Mailer',
          journey: {
            nodes: [
              { id: 'start', kind: 'trigger', next: 'mail' },
              { id: 'mail', kind: 'email', templateId: template, next: 'done' },
              { id: 'done', kind: 'exit' },
            ],
          },
        }),
        201,
      )
    ).campaign.campaignId as string;
    await ok(await api('POST', `/api/campaigns/${mailer}/publish`));
    await ok(await api('POST', `/api/campaigns/${mailer}/enrol`, { contactIds: [contact.contactId] }), 202);

    // The provider's delivery event lands on the timeline and starts the campaign waiting for it.
    expect(await enrolledIn(contact.contactId, onDelivered)).toHaveLength(1);
    expect(await enrolmentsOf(contact.contactId, onOpened)).toEqual([]);
    // A person opens the mail (the tracking pixel): the open starts the other one.
    const mail = await eventually(
      async () => (await outbox(runtime)).find((m) => m.destination.to.includes(contact.email)),
      20_000,
    );
    const pixel = /src="([^"]*\/t\/o\/[^"]+)"/.exec(mail.body.html ?? '')?.[1];
    expect(pixel).toBeDefined();
    const opened = await fetch(pixel as string, {
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0' },
    });
    expect(opened.status).toBe(200);
    expect(await enrolledIn(contact.contactId, onOpened)).toHaveLength(1);

    // Started by its own deliveries, with re-entry always, a mailing journey would never stop.
    const loop = await api('POST', '/api/campaigns', {
      name: 'Loop',
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', on: { type: 'interaction', interaction: 'email_delivered' }, next: 'mail' },
          { id: 'mail', kind: 'email', templateId: template, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      rules: { timeZone: 'UTC', reentry: { mode: 'always' } },
    });
    const refused = await json(loop);
    expect([loop.status, refused.code, refused.details.problems[0].node]).toEqual([400, 'INVALID_JOURNEY', 'start']);
  }, 90_000);
});
