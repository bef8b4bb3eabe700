/**
 * Open and click tracking, topic preferences and the consent record through the whole local
 * runtime: a marketing send's HTML carries the open pixel and wrapped links (the unsubscribe
 * link untouched); the pixel answers a GIF and puts `email_opened` on the timeline; a click
 * redirects to its target and puts `email_clicked` there; a scanner's click is kept, flagged;
 * a tampered link answers 400 and records nothing. Topic opt-outs block that topic only, and
 * the one-click POST still unsubscribes from all. One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import { outbox } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '50' });
  owner = await newUser(runtime, 'tracker');
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
  db = DynamoDBDocumentClient.from(raw);
  sqs = new SQSClient(localClientConfig(runtime.endpoints.sqs));
}, 60_000);
afterAll(async () => {
  raw?.destroy();
  sqs?.destroy();
  await runtime?.stop();
});

const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
type Header = { name?: string; key?: string; value: string };
type Mail = { subject: string; body: { html?: string }; headers?: Header[] };
const mailsTo = async (to: string) =>
  (await outbox(runtime)).filter((m) => m.destination.to.includes(to)) as unknown as Mail[];
const headerOf = (mail: Mail | undefined, name: string) =>
  mail?.headers?.find((h) => (h.name ?? h.key ?? '').toLowerCase() === name.toLowerCase())?.value;
const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(owner, headers),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const newContact = async (prefix: string) => {
  const to = `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
  const created = await api('POST', '/api/contacts', { email: to, consent: { source: 'form' } });
  expect(created.status).toBe(201);
  return { to, contactId: (await json(created)).contact.contactId as string };
};
const timelineOf = async (contactId: string) =>
  (await json(await api('GET', `/api/contacts/${contactId}/timeline`))).interactions as Array<{
    type: string;
    metadata: Record<string, unknown>;
  }>;
const ledger = async (key: string) =>
  (
    await db.send(
      new GetCommand({
        TableName: runtime.tables.core as string,
        Key: { pk: workspacePk(owner.workspaceId), sk: emailSendSk(key) },
      }),
    )
  ).Item;
const closedReason = (key: string) =>
  eventually(async () => {
    const item = await ledger(key);
    return item?.state === 'closed' ? (item.reason as string) : undefined;
  });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('open and click tracking', () => {
  it('instruments a marketing send, records opens and clicks, flags a scanner, refuses tampered links', async () => {
    // Prepare: a contact and a marketing send with two links and the unsubscribe link
    const { to, contactId } = await newContact('track');
    const html =
      '<p><a href="https://shop.example.com/offer?a=1&amp;b=2">Offer</a> <A HREF=\'https://example.org/x\'>X</A> <a href="mailto:help@example.com">Help</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';
    const sent = await api(
      'POST',
      '/api/emails/send',
      { to, subject: 'Offer', html, category: 'marketing' },
      { 'idempotency-key': `t-${randomUUID()}` },
    );
    expect(sent.status).toBe(202);
    const mail = await eventually(async () => (await mailsTo(to))[0]);
    const body = mail.body.html ?? '';

    // Assess the outbox HTML: pixel, wrapped links, mailto and unsubscribe untouched
    const pixel = /<img src="([^"]+\/t\/o\/[A-Za-z0-9_-]+)"/.exec(body)?.[1] as string;
    expect(pixel.startsWith(`${runtime.url}/t/o/`)).toBe(true);
    const clicks = [...body.matchAll(/href="([^"]+\/t\/c\/[A-Za-z0-9_-]+)"/gi)].map((m) => m[1] as string);
    expect(clicks).toHaveLength(2);
    expect(body).not.toContain('shop.example.com');
    expect(body).toContain('href="mailto:help@example.com"');
    const unsubscribe = /^<([^>]+)>/.exec(headerOf(mail, 'List-Unsubscribe') ?? '')?.[1] as string;
    expect(body).toContain(`href="${unsubscribe}"`);

    // Act + assess: the pixel is a GIF and an open lands on the timeline
    const gif = await fetch(pixel, { headers: { 'user-agent': BROWSER } });
    expect(gif.status).toBe(200);
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect(gif.headers.get('cache-control')).toContain('no-store');
    expect(
      Buffer.from(await gif.arrayBuffer())
        .subarray(0, 6)
        .toString('latin1'),
    ).toBe('GIF89a');
    await eventually(async () =>
      (await timelineOf(contactId)).some((i) => i.type === 'email_opened') ? true : undefined,
    );

    // A person's click, later than 2 s after sending: 302 to the target, recorded unflagged
    await pause(2_100);
    const click = await fetch(clicks[0] as string, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.example.com/offer?a=1&b=2');
    // A scanner's click: redirected too, recorded with the flag
    const scan = await fetch(clicks[1] as string, {
      redirect: 'manual',
      headers: { 'user-agent': 'Mozilla/5.0 (compatible; Mimecast-URL-Protect)' },
    });
    expect(scan.status).toBe(302);
    expect(scan.headers.get('location')).toBe('https://example.org/x');
    const clicked = await eventually(async () => {
      const found = (await timelineOf(contactId)).filter((i) => i.type === 'email_clicked');
      return found.length >= 2 ? found : undefined;
    });
    const person = clicked.find((i) => i.metadata.url === 'https://shop.example.com/offer?a=1&b=2');
    const scanner = clicked.find((i) => i.metadata.url === 'https://example.org/x');
    expect(person?.metadata.suspectedBot).toBeUndefined();
    expect(person?.metadata.sendId).toEqual(expect.any(String));
    expect(scanner?.metadata.suspectedBot).toContain('security-scanner');

    // A link checker's HEAD of a good link: the same redirect, recorded as a suspected bot
    const head = await fetch(clicks[0] as string, {
      method: 'HEAD',
      redirect: 'manual',
      headers: { 'user-agent': BROWSER },
    });
    expect(head.status).toBe(302);
    await eventually(async () =>
      (await timelineOf(contactId)).some((i) =>
        (i.metadata.suspectedBot as string[] | undefined)?.includes('head-request'),
      )
        ? true
        : undefined,
    );
    // Tampered and foreign tokens: a 400 page for clicks, the GIF for opens, nothing recorded
    const before = (await timelineOf(contactId)).length;
    const token = (clicks[0] as string).slice((clicks[0] as string).lastIndexOf('/') + 1);
    const flipped = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    const bad = await fetch(`${runtime.url}/t/c/${flipped}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER, accept: 'text/html,application/xhtml+xml' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    expect(await bad.text()).toContain('<p>This link is not valid.</p>');
    const badJson = await fetch(`${runtime.url}/t/c/${flipped}`, { redirect: 'manual' });
    expect(badJson.status).toBe(400);
    expect((await json(badJson)).code).toBe('INVALID_TRACKING_LINK');
    const badOpen = await fetch(`${runtime.url}/t/o/${flipped}`, { headers: { 'user-agent': BROWSER } });
    expect(badOpen.status).toBe(200);
    expect(badOpen.headers.get('content-type')).toBe('image/gif');
    // An unsubscribe token is no click token: never an open redirect
    const unsubToken = unsubscribe.slice(unsubscribe.lastIndexOf('/') + 1);
    expect((await fetch(`${runtime.url}/t/c/${unsubToken}`, { redirect: 'manual' })).status).toBe(400);
    await pause(500);
    expect((await timelineOf(contactId)).length).toBe(before);
  }, 60_000);
});

describe('topic preferences and consent', () => {
  it('opts out of one topic, keeps the others, and one-click still unsubscribes from all', async () => {
    // Prepare: the workspace's topics, a contact (consent given via the API) and a marketing send
    const put = await api('PUT', '/api/settings/email.topics', {
      value: [
        { id: 'news', label: 'Newsletter' },
        { id: 'product', label: 'Product updates' },
      ],
      isSecret: false,
    });
    expect(put.status).toBeLessThan(300);
    const { to, contactId } = await newContact('topics');
    const key = `p-${randomUUID()}`;
    expect(
      (
        await api(
          'POST',
          '/api/emails/send',
          { to, subject: 'Hello', html: '<p>Hi</p>', category: 'marketing' },
          { 'idempotency-key': key },
        )
      ).status,
    ).toBe(202);
    const mail = await eventually(async () => (await mailsTo(to))[0]);
    const link = /^<([^>]+)>/.exec(headerOf(mail, 'List-Unsubscribe') ?? '')?.[1] as string;

    // The page lists the topics with checkboxes and "unsubscribe from all"
    const page = await (await fetch(link, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('name="topic" value="news"> Newsletter');
    expect(page).toContain('value="product"> Product updates');
    expect(page).toContain('Unsubscribe from all');
    expect(page).not.toContain('<script');

    // Act: opt out of news only
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const topics = await fetch(link, { method: 'POST', headers: form, body: 'topic=news&scope=topics' });
    expect(topics.status).toBe(200);
    expect(await json(topics)).toEqual({ unsubscribed: false, topics: ['news'] });

    // Assess: a news send is closed, a product send goes out
    const queue = runtime.queues['email-sends']?.url as string;
    const message = (topic: string) => {
      const id = `topic#${topic}#${randomUUID()}`;
      return {
        id,
        body: JSON.stringify({
          workspaceId: owner.workspaceId,
          sendId: id,
          idempotencyKey: id,
          category: 'marketing',
          to,
          topic,
          content: { subject: `About ${topic}`, html: `<p>${topic}</p>` },
          context: { contact: { email: to }, workspace: { name: 'Acme' } },
          attempt: 0,
        }),
      };
    };
    const news = message('news');
    const product = message('product');
    for (const m of [news, product]) await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: m.body }));
    expect(await closedReason(news.id)).toBe('suppressed: unsubscribe:topic:news');
    await eventually(async () => ((await mailsTo(to)).some((m) => m.subject === 'About product') ? true : undefined));
    const again = await (await fetch(link, { headers: { accept: 'text/html' } })).text();
    expect(again).toContain('Newsletter (unsubscribed)');

    // The one-click POST unsubscribes from all marketing: product is blocked now too
    const oneClick = await fetch(link, { method: 'POST', headers: form, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await json(oneClick)).toEqual({ unsubscribed: true });
    const later = message('product');
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: later.body }));
    expect(await closedReason(later.id)).toBe('suppressed: unsubscribe');

    // The consent record: given (form, with the caller's address), then two withdrawals
    const consent = await api('GET', `/api/contacts/${contactId}/consent`);
    expect(consent.status).toBe(200);
    const records = (await json(consent)).consent as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.action, r.source, r.scope])).toEqual([
      ['given', 'form', undefined],
      ['withdrawn', 'unsubscribe', ['news']],
      ['withdrawn', 'unsubscribe', 'all'],
    ]);
    expect(records[0]?.ip).toEqual(expect.any(String));
    expect((await api('GET', `/api/contacts/${randomUUID()}/consent`)).status).toBe(404);
  }, 60_000);
});
