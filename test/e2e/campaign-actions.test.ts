/**
 * Campaign action nodes through the whole local runtime: a journey adjusts the score, calls a
 * webhook (a node:http server on 127.0.0.1; the local stage allows loopback) and notifies the
 * owner. The webhook arrives signed with the secret the rotate route showed; the score ledger
 * names the campaign and node; the notification is in the SES outbox; the enrolment completes.
 * A journey notifying a non-member is refused at save, naming the node. A webhook the receiver
 * refuses fails the enrolment with the reason; once the receiver is fixed, a retry runs the
 * failed node again and goes on, without repeating what ran before it.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { outbox } from '../support/accounts';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let receiver: Server;
let hookUrl: string;
const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
/** The receiver's answer on /refusing until a test fixes it. */
let refusing = 403;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.url === '/refusing' ? refusing : 204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm-hook`;
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '100' });
  owner = await newUser(runtime, 'actions');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  receiver?.closeAllConnections();
  await new Promise((done) => receiver?.close(done));
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);
const journey = (userId: string, url = hookUrl) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'score' },
    { id: 'score', kind: 'action', action: { type: 'adjust-score', points: 40 }, next: 'hook' },
    { id: 'hook', kind: 'action', action: { type: 'webhook', url }, next: 'tell' },
    { id: 'tell', kind: 'action', action: { type: 'notify-user', userId, message: 'Call them today' }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
});

describe('campaign actions', () => {
  it('refuses to notify someone who is not a member, naming the node', async () => {
    const res = await api('POST', '/api/campaigns', { name: 'Stranger', journey: journey('u-not-a-member') });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'INVALID_JOURNEY', message: expect.stringContaining('Node "tell"') });
  });

  it('adjusts the score, posts a signed webhook and notifies the owner, once each', async () => {
    const run = `act${Date.now()}`;
    const created = await okJson(
      await api('POST', '/api/campaigns', { name: run, journey: journey(owner.userId) }),
      201,
    );
    const id = created.campaign.campaignId as string;
    const { secret } = await okJson(await api('POST', `/api/campaigns/${id}/signing-secret`), 201);
    await okJson(await api('POST', `/api/campaigns/${id}/publish`));
    const contact = (await okJson(await api('POST', '/api/contacts', { email: `${run}@example.com` }), 201)).contact;
    await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { contactIds: [contact.contactId] }), 202);

    const hook = await eventually(async () => received.find((r) => r.body.includes(contact.contactId)), 20_000);
    // Standard Webhooks: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">, keyed by the secret's bytes.
    const hookId = String(hook.headers['webhook-id']);
    const mac = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
      .update(`${hookId}.${hook.headers['webhook-timestamp']}.${hook.body}`)
      .digest('base64');
    expect(hook.headers['webhook-signature']).toBe(`v1,${mac}`);
    expect(hookId).toMatch(new RegExp(`^campaign#${id}#${contact.contactId}#1#hook#`));
    expect(hook.headers['idempotency-key']).toBe(hookId);
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'campaign.action', campaignId: id, node: { id: 'hook' } });

    const enrolment = await eventually(async () => {
      const list = (await json(await api('GET', `/api/contacts/${contact.contactId}/enrolments`))).enrolments;
      return list.find((e: { campaignId: string; status: string }) => e.campaignId === id && e.status === 'completed');
    }, 20_000);
    expect(enrolment).toBeTruthy();

    const score = await okJson(await api('GET', `/api/contacts/${contact.contactId}/score`));
    expect(score.ledger).toContainEqual(
      expect.objectContaining({ campaignId: id, nodeId: 'score', points: 40, group: 'engagement' }),
    );
    expect(score.score).toBeGreaterThan(0);

    const mail = await eventually(
      async () =>
        (await outbox(runtime)).find((m) => m.destination.to.includes(owner.email) && m.subject.includes(run)),
      20_000,
    );
    expect(mail.body.text ?? mail.body.html).toContain('Call them today');
    expect(received.filter((r) => r.body.includes(contact.contactId))).toHaveLength(1);
  }, 90_000);

  it('fails an enrolment whose webhook is refused, and a retry after the fix goes on from that node once', async () => {
    const run = `retry${Date.now()}`;
    const url = hookUrl.replace('/crm-hook', '/refusing');
    const created = await okJson(
      await api('POST', '/api/campaigns', { name: run, journey: journey(owner.userId, url) }),
      201,
    );
    const id = created.campaign.campaignId as string;
    await okJson(await api('POST', `/api/campaigns/${id}/publish`));
    const contact = (await okJson(await api('POST', '/api/contacts', { email: `${run}@example.com` }), 201)).contact;
    const enrolmentPath = `/api/campaigns/${id}/enrolments/${contact.contactId}`;

    // Only a failed enrolment can be retried: one still running (or unknown) cannot.
    const unknown = await api('POST', `${enrolmentPath}/retry`);
    expect(unknown.status).toBe(404);
    await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { contactIds: [contact.contactId] }), 202);
    const enrolmentOf = async () =>
      (await json(await api('GET', `/api/contacts/${contact.contactId}/enrolments`))).enrolments.find(
        (e: { campaignId: string }) => e.campaignId === id,
      );
    const failed = await eventually(async () => {
      const e = await enrolmentOf();
      return e?.status === 'failed' ? e : undefined;
    }, 20_000);
    expect(failed).toMatchObject({ node: 'hook', exitReason: 'failed', failure: 'The webhook answered 403' });
    const hooksOf = () => received.filter((r) => r.body.includes(contact.contactId));
    expect(hooksOf()).toHaveLength(1);

    refusing = 204;
    const retried = await okJson(await api('POST', `${enrolmentPath}/retry`));
    expect(retried.enrolment).toMatchObject({ status: 'waiting', node: 'hook', retries: 1 });
    expect(retried.enrolment.failure).toBeUndefined();
    // A second retry while it runs again is refused (it is no longer failed).
    const again = await api('POST', `${enrolmentPath}/retry`);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'ENROLMENT_NOT_RETRYABLE' });

    await eventually(async () => ((await enrolmentOf())?.status === 'completed' ? true : undefined), 20_000);
    // The webhook went again under the same idempotency key; the score before it was not adjusted twice.
    const hooks = hooksOf();
    expect(hooks).toHaveLength(2);
    expect(hooks[1]?.headers['idempotency-key']).toBe(hooks[0]?.headers['idempotency-key']);
    const score = await okJson(await api('GET', `/api/contacts/${contact.contactId}/score`));
    expect(score.ledger.filter((l: { campaignId?: string }) => l.campaignId === id)).toHaveLength(1);
    const stats = await okJson(await api('GET', `/api/campaigns/${id}/stats`));
    expect(stats.stats.totals).toMatchObject({ entered: 1, completed: 1, retried: 1, waiting: 0 });
    expect(stats.stats.totals.exited.failed ?? 0).toBe(0);
  }, 90_000);
});
