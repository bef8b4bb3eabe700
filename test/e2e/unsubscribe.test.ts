/**
 * RFC 8058 one-click unsubscribe through the whole local runtime: a marketing send carries
 * List-Unsubscribe / List-Unsubscribe-Post, the one-click POST to its link answers 200 at
 * once, the next marketing send to the address is closed `suppressed: unsubscribe` with no
 * mail, a transactional send still goes out, the contact's timeline shows `unsubscribed`,
 * and a tampered link answers 400. One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import { outbox } from '../support/accounts';
import { as, newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '50' });
  owner = await newUser(runtime, 'unsubscriber');
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
  db = DynamoDBDocumentClient.from(raw);
}, 60_000);
afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

type Header = { name?: string; key?: string; value: string };
const sesMailsTo = async (to: string) =>
  (await outbox(runtime)).filter((m) => m.destination.to.includes(to)) as unknown as Array<{
    subject: string;
    headers?: Header[];
  }>;
const headerOf = (mail: { headers?: Header[] } | undefined, name: string) =>
  mail?.headers?.find((h) => (h.name ?? h.key ?? '').toLowerCase() === name.toLowerCase())?.value;
const send = (body: unknown, key: string) =>
  fetch(`${runtime.url}/api/emails/send`, {
    method: 'POST',
    headers: as(owner, { 'idempotency-key': key }),
    body: JSON.stringify(body),
  });
const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);
const ledger = async (key: string) =>
  (
    await db.send(
      new GetCommand({
        TableName: runtime.tables.core as string,
        Key: { pk: workspacePk(owner.workspaceId), sk: emailSendSk(key) },
      }),
    )
  ).Item;
const settle = () => new Promise((r) => setTimeout(r, 2_500));

describe('one-click unsubscribe (RFC 8058)', () => {
  it('honours the List-Unsubscribe POST at once: no more marketing mail, transactional still delivered', async () => {
    // Prepare: a contact, and a marketing send to it
    const to = `unsub-${randomUUID().slice(0, 8)}@example.com`;
    const created = await api('POST', '/api/contacts', { email: to });
    expect(created.status).toBe(201);
    const { contact } = await json(created);
    const marketing = { to, subject: 'News', html: '<p>News</p>', category: 'marketing' };
    expect((await send(marketing, 'm-1')).status).toBe(202);
    const first = await eventually(async () => (await sesMailsTo(to))[0]);
    // Assess the headers
    expect(headerOf(first, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = /^<([^>]+)>/.exec(headerOf(first, 'List-Unsubscribe') ?? '')?.[1];
    expect(link).toMatch(/\/u\/[A-Za-z0-9_-]+$/);
    expect(link?.startsWith(runtime.url)).toBe(true);

    // Act: the one-click POST as a mail provider sends it (form-encoded, no cookie, no CSRF token)
    const page = await fetch(link as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const click = await fetch(link as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);
    const again = await fetch(link as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(again.status).toBe(200);

    // Assess: a second marketing send is closed without mail; a transactional one is delivered
    expect((await send({ ...marketing, subject: 'More news' }, 'm-2')).status).toBe(202);
    const closed = await eventually(async () => {
      const item = await ledger('api#client#m-2');
      return item?.state === 'closed' ? item : undefined;
    });
    expect(closed.reason).toBe('suppressed: unsubscribe');
    const receipt = { to, subject: 'Receipt', html: '<p>Paid</p>', category: 'transactional' };
    expect((await send(receipt, 't-1')).status).toBe(202);
    await eventually(async () => ((await sesMailsTo(to)).length >= 2 ? true : undefined));
    await settle();
    const mails = await sesMailsTo(to);
    expect(mails.map((m) => m.subject)).toEqual(['News', 'Receipt']);
    expect(headerOf(mails[1], 'List-Unsubscribe')).toBeUndefined();

    // Assess: the timeline shows it once
    const timeline = await json(await api('GET', `/api/contacts/${contact.contactId}/timeline`));
    const types = (timeline.interactions as Array<{ type: string }>).map((i) => i.type);
    expect(types.filter((t) => t === 'unsubscribed')).toHaveLength(1);
  }, 60_000);

  it('shows a person who opted out under another address as unsubscribed, on the page of any of their links', async () => {
    // Prepare: one contact, a marketing mail to its first address, then one to its new address
    const first = `was-${randomUUID().slice(0, 8)}@example.com`;
    const second = `now-${randomUUID().slice(0, 8)}@example.com`;
    const { contact } = await json(await api('POST', '/api/contacts', { email: first }));
    const news = { subject: 'News', html: '<p>News</p>', category: 'marketing' };
    expect((await send({ ...news, contactId: contact.contactId }, 'moved-1')).status).toBe(202);
    const oldMail = await eventually(async () => (await sesMailsTo(first))[0]);
    expect((await api('PATCH', `/api/contacts/${contact.contactId}`, { email: second })).status).toBe(200);
    expect((await send({ ...news, contactId: contact.contactId }, 'moved-2')).status).toBe(202);
    const newMail = await eventually(async () => (await sesMailsTo(second))[0]);
    const linkOf = (mail: { headers?: Header[] }) =>
      /^<([^>]+)>/.exec(headerOf(mail, 'List-Unsubscribe') ?? '')?.[1] as string;

    // Act: the person unsubscribes through the old mail's link
    const click = await fetch(linkOf(oldMail), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);

    // Assess: the new mail's page says so (the person's opt-out stops mail to either address)
    const page = await fetch(linkOf(newMail), { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('<h1>Unsubscribed</h1>');
    expect(text).not.toContain('<form method="post"');
  }, 60_000);

  it('answers 400 with a code for a tampered or unknown token, never a 5xx', async () => {
    const to = `tamper-${randomUUID().slice(0, 8)}@example.com`;
    expect((await send({ to, subject: 'News', html: '<p>News</p>', category: 'marketing' }, 'm-t')).status).toBe(202);
    const mail = await eventually(async () => (await sesMailsTo(to))[0]);
    const link = /^<([^>]+)>/.exec(headerOf(mail, 'List-Unsubscribe') ?? '')?.[1] as string;
    const token = link.slice(link.lastIndexOf('/') + 1);
    const flipped = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
    for (const bad of [flipped, 'not-a-token', 'A'.repeat(300)]) {
      const post = await fetch(`${runtime.url}/u/${bad}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(post.status, bad).toBe(400);
      expect((await json(post)).code).toBe('INVALID_UNSUBSCRIBE_TOKEN');
      expect((await fetch(`${runtime.url}/u/${bad}`)).status).toBe(400);
      const page = await fetch(`${runtime.url}/u/${bad}`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('Invalid link');
    }
    // Still mailable: nothing was suppressed by the bad links.
    expect((await send({ to, subject: 'Later', html: '<p>x</p>', category: 'marketing' }, 'm-t2')).status).toBe(202);
    await eventually(async () => ((await sesMailsTo(to)).length >= 2 ? true : undefined));
  }, 60_000);
});
