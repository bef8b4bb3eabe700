/**
 * The email routes bind an Idempotency-Key to the request it was first used with, through the
 * whole local runtime (review finding: another request under a used key was answered 202 and
 * silently dropped, or folded into the first broadcast):
 * - `POST /api/emails/send`: the same request twice, one 202 answered again
 *   (`idempotent-replayed`), one mail; another mail under the key 422 `IDEMPOTENCY_KEY_REUSED`,
 *   never sent; without a key, two sends;
 * - `POST /api/email-templates/{id}/send`: template B under template A's key 422, nothing of B
 *   recorded or mailed; A's retry the same 202 again; A's broadcast mails A only.
 * One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { outbox } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '100' });
  owner = await newUser(runtime, 'email-once');
}, 90_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown, key?: string) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(owner, key === undefined ? {} : { 'idempotency-key': key }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const settle = () => new Promise((r) => setTimeout(r, 3_000));
const mailsTo = async (to: string) => (await outbox(runtime)).filter((m) => m.destination.to.includes(to));

describe('POST /api/emails/send with an Idempotency-Key', () => {
  it('answers a retry the first 202 again and mails once; refuses another mail under the key with 422', async () => {
    // Prepare
    const run = randomUUID().slice(0, 8);
    const key = `once-${run}`;
    const mail = (to: string) => ({ to, subject: `Hi ${run}`, html: '<p>Hi</p>', category: 'transactional' });
    const first = `first-${run}@example.com`;
    const second = `second-${run}@example.com`;
    // Act
    const a = await api('POST', '/api/emails/send', mail(first), key);
    const b = await api('POST', '/api/emails/send', mail(first), key);
    const other = await api('POST', '/api/emails/send', mail(second), key);
    // Assess
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.headers.get('idempotent-replayed')).toBeNull();
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(b)).toEqual(await json(a));
    expect(other.status).toBe(422);
    expect((await json(other)).code).toBe('IDEMPOTENCY_KEY_REUSED');
    await eventually(async () => ((await mailsTo(first)).length > 0 ? true : undefined));
    await settle();
    expect(await mailsTo(first)).toHaveLength(1);
    expect(await mailsTo(second)).toHaveLength(0);
  });

  it('makes every request without a key a new send', async () => {
    const to = `nokey-${randomUUID().slice(0, 8)}@example.com`;
    const body = { to, subject: 'No key', html: '<p>Hi</p>', category: 'transactional' };
    const a = await api('POST', '/api/emails/send', body);
    const b = await api('POST', '/api/emails/send', body);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((await json(a)).sendId).not.toBe((await json(b)).sendId);
    await eventually(async () => ((await mailsTo(to)).length === 2 ? true : undefined));
  });
});

describe('POST /api/email-templates/{id}/send with an Idempotency-Key', () => {
  it('refuses another template under the key with 422 and mails only the first broadcast’s template', async () => {
    // Prepare
    const run = randomUUID().slice(0, 8);
    // A broadcast is of a marketing template (r19d: a transactional one is refused), which needs the postal address.
    const postal = await api('PUT', '/api/settings/email.postal_address', { value: '1 Main Street, Springfield' });
    expect(postal.status).toBeLessThan(300);
    const template = async (subject: string) => {
      const res = await api('POST', '/api/email-templates', {
        name: subject,
        category: 'marketing',
        subject,
        html: `<p>${subject}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>`,
      });
      expect(res.status).toBe(201);
      return (await json(res)).template.templateId as string;
    };
    const a = await template(`Template A ${run}`);
    const b = await template(`Template B ${run}`);
    for (const i of [1, 2]) {
      const res = await api('POST', '/api/contacts', { email: `bc${i}-${run}@example.com`, tags: [`t${run}`] });
      expect(res.status).toBe(201);
    }
    const key = `bcast-${run}`;
    const audience = { audience: { tag: `t${run}` } };
    // Act
    const first = await api('POST', `/api/email-templates/${a}/send`, audience, key);
    const other = await api('POST', `/api/email-templates/${b}/send`, audience, key);
    const retry = await api('POST', `/api/email-templates/${a}/send`, audience, key);
    // Assess
    expect(first.status).toBe(202);
    const { broadcastId } = await json(first);
    expect(other.status).toBe(422);
    expect((await json(other)).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(retry)).broadcastId).toBe(broadcastId);
    const done = await eventually(async () => {
      const got = await json(await api('GET', `/api/email-broadcasts/${broadcastId}`));
      return got.broadcast?.status === 'done' ? got.broadcast : undefined;
    }, 30_000);
    expect(done).toMatchObject({ templateId: a, total: 2 });
    await settle();
    const mails = (await outbox(runtime)).filter((m) =>
      m.destination.to.some((t) => t.endsWith(`-${run}@example.com`)),
    );
    expect(mails.map((m) => m.subject).sort()).toEqual([`Template A ${run}`, `Template A ${run}`]);
  });

  it('takes a retry spelling the audience tag in another Unicode form or case as the same broadcast', async () => {
    // Prepare: the tag as contacts hold it is NFC and lower-case ("café"); the retry sends "CAFÉ" decomposed.
    const run = randomUUID().slice(0, 8);
    const postal = await api('PUT', '/api/settings/email.postal_address', { value: '1 Main Street, Springfield' });
    expect(postal.status).toBeLessThan(300);
    const res = await api('POST', '/api/email-templates', {
      name: `Folded ${run}`,
      category: 'marketing',
      subject: `Folded ${run}`,
      html: '<p>Hi</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
    });
    expect(res.status).toBe(201);
    const templateId = (await json(res)).template.templateId as string;
    const created = await api('POST', '/api/contacts', { email: `fold-${run}@example.com`, tags: [`café-${run}`] });
    expect(created.status).toBe(201);
    const key = `fold-${run}`;
    // Act
    const first = await api(
      'POST',
      `/api/email-templates/${templateId}/send`,
      { audience: { tag: `café-${run}` } },
      key,
    );
    const retry = await api(
      'POST',
      `/api/email-templates/${templateId}/send`,
      { audience: { tag: `CAFE\u0301-${run}`.normalize('NFD') } },
      key,
    );
    // Assess
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect((await json(retry)).broadcastId).toBe((await json(first)).broadcastId);
  });
});
