/**
 * Stored templates and broadcasts through the whole local runtime (HTTP edge -> template
 * store; send -> email-sends queue -> sender -> the SES outbox):
 * - create, save versions with If-Match (409 on a stale one), read the latest and an older
 *   version, list, preview for made-up fields and for a contact, with lint findings;
 * - the lint: a marketing template without its unsubscribe link or postal address is 400
 *   `TEMPLATE_LINT_FAILED` naming both; one that does not parse is 400 `TEMPLATE_INVALID`
 *   naming the line;
 * - a send by template to a contactId (the contact's fields rendered, the postal address
 *   shown, the unsubscribe headers present); a deleted contact 404; a marketing send in a
 *   workspace without a postal address 400 `POSTAL_ADDRESS_MISSING`;
 * - a broadcast to 30 tagged contacts arriving exactly once each (counted by recipient), the
 *   untagged ones receiving nothing, progress `done` with the total; redelivered page messages
 *   (the same page, and one the sender never recorded) doubling nothing.
 * One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import type { AudiencePageMessage } from '../../shared/email/send-request';
import { outbox } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let sqs: SQSClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '50' });
  owner = await newUser(runtime, 'templater');
  sqs = new SQSClient(localClientConfig(runtime.endpoints.sqs));
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
});

const POSTAL = '1 Main Street, Springfield 4000, Australia';
const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, user = owner) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user, headers),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const marketing = {
  name: 'Spring news',
  category: 'marketing',
  subject: 'News for {{ contact.firstName | default: "you" }}',
  html: '<p>Hello {{ contact.firstName }} of {{ contact.company }}</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
  topic: 'news',
};
type Header = { name?: string; key?: string; value: string };
const mailsTo = async (to: string) =>
  (await outbox(runtime)).filter((m) => m.destination.to.includes(to)) as unknown as Array<{
    subject: string;
    body: { html?: string; text?: string };
    headers?: Header[];
  }>;
const headerOf = (mail: { headers?: Header[] } | undefined, name: string) =>
  mail?.headers?.find((h) => (h.name ?? h.key ?? '').toLowerCase() === name.toLowerCase())?.value;
const settle = () => new Promise((r) => setTimeout(r, 2_500));
const setPostalAddress = async (user: TestUser) => {
  const res = await api('PUT', '/api/settings/email.postal_address', { value: POSTAL }, {}, user);
  expect([200, 201]).toContain(res.status);
};
const newContact = async (fields: Record<string, unknown>) => {
  const res = await api('POST', '/api/contacts', fields);
  expect(res.status).toBe(201);
  return (await json(res)).contact as { contactId: string; email: string };
};
const newTemplate = async (body: unknown = marketing, user = owner) => {
  const res = await api('POST', '/api/email-templates', body, {}, user);
  expect(res.status).toBe(201);
  return (await json(res)).template as { templateId: string; version: number };
};

describe('stored templates', () => {
  it('refuses a marketing template without its unsubscribe link and postal address, naming each', async () => {
    const res = await api('POST', '/api/email-templates', { ...marketing, html: '<p>Buy now</p>' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.code).toBe('TEMPLATE_LINT_FAILED');
    expect(body.details.map((d: { item: string }) => d.item)).toEqual(['unsubscribe_link', 'postal_address']);
    expect(body.message).toMatch(/unsubscribe link.*postal address/);
  });

  it('refuses a template that does not parse, naming the line', async () => {
    const res = await api('POST', '/api/email-templates', {
      ...marketing,
      html: `${marketing.html}\n<p>\n{% if contact.firstName %}unclosed</p>`,
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.code).toBe('TEMPLATE_INVALID');
    expect(body.message).toMatch(/line \d+/);
    expect(body.details[0]).toMatchObject({ path: 'html', line: expect.any(Number) });
  });

  it('creates, versions, reads, lists and previews a template', async () => {
    // Create
    const created = await api('POST', '/api/email-templates', marketing);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const v1 = (await json(created)).template;
    expect(v1).toMatchObject({ version: 1, latestVersion: 1, name: 'Spring news', topic: 'news' });
    // A new version with If-Match; a stale If-Match is 409
    const saved = await api(
      'PUT',
      `/api/email-templates/${v1.templateId}`,
      { ...marketing, subject: 'Second news for {{ contact.firstName }}' },
      { 'if-match': '"1"' },
    );
    expect(saved.status).toBe(200);
    expect((await json(saved)).template).toMatchObject({ version: 2, latestVersion: 2 });
    const stale = await api('PUT', `/api/email-templates/${v1.templateId}`, marketing, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect((await json(stale)).code).toBe('TEMPLATE_VERSION_CONFLICT');
    // Read the latest and the first
    const latest = await api('GET', `/api/email-templates/${v1.templateId}`);
    expect((await json(latest)).template).toMatchObject({
      version: 2,
      subject: 'Second news for {{ contact.firstName }}',
    });
    const first = await api('GET', `/api/email-templates/${v1.templateId}?version=1`);
    expect((await json(first)).template).toMatchObject({ version: 1, latestVersion: 2, subject: marketing.subject });
    expect((await api('GET', `/api/email-templates/${v1.templateId}?version=9`)).status).toBe(404);
    // List
    const listed = await json(await api('GET', '/api/email-templates?limit=100'));
    expect(listed.templates.map((t: { templateId: string }) => t.templateId)).toContain(v1.templateId);
    // Preview with made-up fields: the postal address is not set yet, a finding says so
    const preview = await api('POST', `/api/email-templates/${v1.templateId}/preview`, {
      contact: { firstName: 'Ada', company: 'Engines' },
    });
    expect(preview.status).toBe(200);
    const shown = await json(preview);
    expect(shown).toMatchObject({ subject: 'Second news for Ada', version: 2 });
    expect(shown.html).toContain('Hello Ada of Engines');
    expect(shown.text).toContain('Hello Ada of Engines');
    expect(shown.findings.map((f: { item: string }) => f.item)).toEqual(['postal_address_setting']);
    // Preview for a contact, after the postal address is set: no findings, the address shown
    await setPostalAddress(owner);
    const grace = await newContact({
      email: `grace-${randomUUID().slice(0, 6)}@example.com`,
      firstName: 'Grace',
      company: 'Navy',
    });
    const forContact = await json(
      await api('POST', `/api/email-templates/${v1.templateId}/preview`, { contactId: grace.contactId, version: 1 }),
    );
    expect(forContact).toMatchObject({ subject: 'News for Grace', version: 1, findings: [] });
    expect(forContact.html).toContain(POSTAL);
    // Delete: gone for reads
    expect((await api('DELETE', `/api/email-templates/${v1.templateId}`)).status).toBe(204);
    expect((await api('GET', `/api/email-templates/${v1.templateId}`)).status).toBe(404);
  });
});

describe('POST /api/emails/send by template', () => {
  it('mails a contact the template rendered with its fields, the postal address and the unsubscribe headers', async () => {
    // Prepare
    await setPostalAddress(owner);
    const template = await newTemplate();
    const ada = await newContact({
      email: `ada-${randomUUID().slice(0, 6)}@example.com`,
      firstName: 'Ada',
      company: 'Engines',
    });
    // Act
    const res = await api(
      'POST',
      '/api/emails/send',
      { templateId: template.templateId, contactId: ada.contactId },
      {
        'idempotency-key': `tpl-${randomUUID()}`,
      },
    );
    // Assess
    expect(res.status).toBe(202);
    const [mail] = await eventually(async () => {
      const found = await mailsTo(ada.email);
      return found.length > 0 ? found : undefined;
    });
    expect(mail?.subject).toBe('News for Ada');
    expect(mail?.body.html).toContain('Hello Ada of Engines');
    expect(mail?.body.html).toContain(POSTAL);
    expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    await settle();
    expect(await mailsTo(ada.email)).toHaveLength(1);
  });

  it('answers 404 for a deleted contact or template, and 400 POSTAL_ADDRESS_MISSING without an address', async () => {
    const template = await newTemplate();
    const gone = await newContact({ email: `gone-${randomUUID().slice(0, 6)}@example.com` });
    expect((await api('DELETE', `/api/contacts/${gone.contactId}`)).status).toBe(204);
    const toDeleted = await api('POST', '/api/emails/send', {
      templateId: template.templateId,
      contactId: gone.contactId,
    });
    expect(toDeleted.status).toBe(404);
    const unknown = await api('POST', '/api/emails/send', { templateId: 'no-such-template', to: 'x@example.com' });
    expect(unknown.status).toBe(404);
    // Another workspace, without a postal address: a marketing send is refused with how to fix it.
    const other = await newUser(runtime, 'nopostal');
    const theirs = await newTemplate(marketing, other);
    const refused = await api(
      'POST',
      '/api/emails/send',
      { templateId: theirs.templateId, to: 'y@example.com' },
      {},
      other,
    );
    expect(refused.status).toBe(400);
    const body = await json(refused);
    expect(body.code).toBe('POSTAL_ADDRESS_MISSING');
    expect(body.message).toContain('/api/settings/email.postal_address');
    const broadcast = await api('POST', `/api/email-templates/${theirs.templateId}/send`, {}, {}, other);
    expect(broadcast.status).toBe(400);
  });
});

describe('broadcasts', () => {
  it('mails 30 tagged contacts exactly once each; redelivered pages double nothing', async () => {
    // Prepare: 30 contacts with the tag, 5 without.
    await setPostalAddress(owner);
    const tag = `wave-${randomUUID().slice(0, 6)}`;
    const tagged: string[] = [];
    const untagged: string[] = [];
    for (let i = 0; i < 35; i++) {
      const email = `${tag}-${i}@example.com`;
      await newContact({ email, firstName: `N${i}`, ...(i < 30 ? { tags: [tag] } : {}) });
      (i < 30 ? tagged : untagged).push(email);
    }
    const template = await newTemplate();
    // Act
    const res = await api('POST', `/api/email-templates/${template.templateId}/send`, { audience: { tag } });
    // Assess
    expect(res.status).toBe(202);
    const { broadcastId, status } = await json(res);
    expect(status).toBe('queued');
    const progress = await eventually(async () => {
      const p = (await json(await api('GET', `/api/email-broadcasts/${broadcastId}`))).broadcast;
      return p.status === 'done' ? p : undefined;
    }, 30_000);
    expect(progress).toMatchObject({ enqueued: 30, total: 30, pages: 1, templateId: template.templateId, version: 1 });
    const countByRecipient = async () => {
      const mails = await outbox(runtime);
      const counts = new Map<string, number>();
      for (const m of mails)
        for (const to of m.destination.to) if (to.startsWith(tag)) counts.set(to, (counts.get(to) ?? 0) + 1);
      return counts;
    };
    await eventually(async () => ((await countByRecipient()).size >= 30 ? true : undefined), 30_000);
    // Redeliver: the same first page (recorded: skipped), and a page the sender never recorded
    // (fans the same contacts out again: every ledger key is sent already).
    const page: AudiencePageMessage = {
      kind: 'audience-page',
      workspaceId: owner.workspaceId,
      broadcastId,
      templateId: template.templateId,
      version: 1,
      audience: { tag },
      workspace: { name: 'x', postalAddress: POSTAL },
      page: 0,
    };
    const queueUrl = runtime.queues['email-sends']?.url as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(page) }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ ...page, page: 41, limit: 15 }) }),
    );
    await eventually(async () => {
      const p = (await json(await api('GET', `/api/email-broadcasts/${broadcastId}`))).broadcast;
      return p.pages >= 3 ? true : undefined;
    }, 30_000);
    await settle();
    const counts = await countByRecipient();
    expect([...counts.keys()].sort()).toEqual([...tagged].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const email of untagged) expect(counts.has(email)).toBe(false);
    const [one] = await mailsTo(tagged[7] as string);
    expect(one?.subject).toBe('News for N7');
    expect(headerOf(one, 'List-Unsubscribe')).toMatch(/^<http/);
  }, 90_000);
});
