/**
 * Issue 12's acceptance, as a user would try it: 1,000 contacts imported by CSV, of which 20 are
 * SES mailbox-simulator bounces and 2 complaints; a marketing template broadcast to all of them
 * through the local runtime (default reputation lines: 0.1% complaints over at least 200 sends).
 * - every bounce address that was mailed ends suppressed (hard-bounce), every complaint address too;
 * - the complaint rate crosses 0.1%: marketing sending pauses, `GET /api/emails/sending` says
 *   why, a security alert is raised, and a marketing mail queued afterwards is held while a
 *   transactional one still leaves (complaints arrive after the sends, as they do for real: the
 *   broadcast itself may finish before they are counted);
 * - no contact ever gets two copies.
 * One runtime for the file.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import type { SuppressionReason } from '../../shared/email/suppression-rules';
import { outbox } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let raw: DynamoDBClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '400' });
  owner = await newUser(runtime, 'acceptance');
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
}, 60_000);
afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

const api = (method: string, path: string, body?: string | object, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(owner, headers),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

describe('a marketing broadcast with bounces and complaints', () => {
  it('suppresses bounces, pauses marketing at the complaint line with a reason and an alert, never doubles', async () => {
    const run = Date.now().toString(36);
    const rows = ['email,first_name'];
    for (let i = 0; i < 978; i += 1) rows.push(`person${i}.${run}@example.com,P${i}`);
    for (let i = 0; i < 20; i += 1) rows.push(`bounce+${run}${i}@simulator.amazonses.com,B${i}`);
    for (let i = 0; i < 2; i += 1) rows.push(`complaint+${run}${i}@simulator.amazonses.com,C${i}`);
    const imported = await api('POST', '/api/contacts/import', rows.join('\n'), { 'content-type': 'text/csv' });
    expect(imported.status).toBeLessThan(300);

    expect(
      (await api('PUT', '/api/settings/email.postal_address', { value: '1 Main Street, Springfield' })).status,
    ).toBeLessThan(300);
    const template = await json(
      await api('POST', '/api/email-templates', {
        name: 'Launch',
        category: 'marketing',
        subject: 'Our launch, {{ contact.firstName }}',
        html: '<p>News</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
      }),
    );
    const sent = await api('POST', `/api/email-templates/${template.template.templateId}/send`, { audience: {} });
    expect(sent.status).toBe(202);

    // Marketing pauses once the complaints are counted over at least 200 sends.
    const sending = await eventually(async () => {
      const body = await json(await api('GET', '/api/emails/sending'));
      return body.paused ? body : undefined;
    }, 60_000);
    expect(sending.reason).toMatch(/complaint rate .* reached 0\.10%/);

    const alerts = await json(await api('GET', '/api/security/alerts'));
    expect(JSON.stringify(alerts)).toMatch(/email\.reputation_paused|email_reputation/);

    // Bounces and complaints that were mailed before the pause are suppressed; nobody got two copies.
    const mine = (await outbox(runtime)).filter((m) => m.destination.to.some((to) => to.includes(run)));
    const perRecipient = new Map<string, number>();
    for (const m of mine) for (const to of m.destination.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    const bounced = [...perRecipient.keys()].filter((to) => to.startsWith('bounce+'));
    expect(bounced.length).toBeGreaterThan(0);

    // Every bounce and complaint address that was mailed is suppressed once its event is processed
    // (the pause may hold the rest of the broadcast before some of them are mailed).
    const suppressions = dynamoSuppressions(DynamoDBDocumentClient.from(raw), runtime.tables.core as string);
    const mailed = [...perRecipient.keys()];
    const expectations: Array<[string, SuppressionReason]> = [
      ...mailed.filter((to) => to.startsWith('bounce+')).map((to): [string, SuppressionReason] => [to, 'hard-bounce']),
      ...mailed.filter((to) => to.startsWith('complaint+')).map((to): [string, SuppressionReason] => [to, 'complaint']),
    ];
    expect(expectations.some(([, reason]) => reason === 'complaint')).toBe(true);
    for (const [address, reason] of expectations) {
      await eventually(
        async () => ((await suppressions.reasonsFor(owner.workspaceId, address)).includes(reason) ? true : undefined),
        30_000,
      );
    }

    // While paused, a new marketing mail is held; transactional mail still leaves.
    const later = `later.${run}@example.com`;
    const receipt = `receipt.${run}@example.com`;
    const oneOff = (to: string, category: string) =>
      api('POST', '/api/emails/send', { to, subject: 'Hello', html: '<p>Hi</p>', category });
    expect((await oneOff(later, 'marketing')).status).toBe(202);
    expect((await oneOff(receipt, 'transactional')).status).toBe(202);
    await eventually(async () =>
      (await outbox(runtime)).some((m) => m.destination.to.includes(receipt)) ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await outbox(runtime)).some((m) => m.destination.to.includes(later))).toBe(false);
  }, 180_000);
});
