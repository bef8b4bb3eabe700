// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (d): the key a webhook receiver is told to dedupe on is not signed.
 *
 * docs/CAMPAIGNS.md ("Webhook contract"): `v1` is HMAC-SHA256 of `<t>.<raw body>`; "Delivery is at
 * least once ... receivers dedupe on that key" (the `Idempotency-Key` header). The header is outside
 * the signed text (shared/campaigns/webhook-action.ts `sendWebhook`/`signWebhook`), and the body
 * carries no copy of it. So one signed request, replayed within the 5-minute window the docs
 * recommend with any other `Idempotency-Key`, passes the documented check and the documented
 * dedupe: the receiver acts twice on one effect. (The Standard Webhooks / Svix scheme this
 * project itself verifies for Resend signs the id for exactly this reason: webhook-signature.ts
 * signs `<svix-id>.<timestamp>.<body>`, and the event processor dedupes on that signed id.)
 *
 * The test posts the same effect's body under two keys at the same instant: a signature that
 * authenticated the key would differ between them; it is the same, so a captured signature is
 * valid whatever key is put beside it.
 */
import { describe, expect, it } from 'vitest';
import type { ActionTarget } from '../../shared/campaigns/ports';
import { sendWebhook, type WebhookPoster } from '../../shared/campaigns/webhook-action';
import type { Contact } from '../../shared/crm/model';

const NOW = new Date('2026-03-02T10:00:00.000Z');

const contact = {
  contactId: 'c-1',
  workspaceId: 'ws-1',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
} as unknown as Contact;

const target = (idempotencyKey: string): ActionTarget => ({
  workspaceId: 'ws-1',
  campaignId: 'camp-1',
  contactId: 'c-1',
  idempotencyKey,
  nodeId: 'hook',
  version: 1,
  run: 1,
  step: 3,
});

describe('campaign webhook signature', () => {
  it('authenticates the Idempotency-Key receivers dedupe on', async () => {
    const sent: { body: string; headers: Record<string, string> }[] = [];
    const poster: WebhookPoster = {
      async post(_url, body, headers) {
        sent.push({ body, headers: { ...headers } });
        return { kind: 'answered', status: 204 };
      },
    };
    const deps = { secret: 'whsec_test', poster, now: () => NOW };
    await sendWebhook('https://hooks.example.test/crm', target('campaign#camp-1#c-1#1#hook#3'), contact, deps);
    await sendWebhook('https://hooks.example.test/crm', target('replayed-with-another-key'), contact, deps);

    const [first, second] = sent as [(typeof sent)[0], (typeof sent)[0]];
    expect(first.headers['Idempotency-Key']).not.toBe(second.headers['Idempotency-Key']);
    const signatureOf = (s: (typeof sent)[0]) => s.headers['X-UniteHub-Signature'];
    expect(
      signatureOf(second),
      `one signature (${signatureOf(first)}) is valid beside Idempotency-Key "${first.headers['Idempotency-Key']}" ` +
        `and beside "${second.headers['Idempotency-Key']}": the dedupe key is not authenticated`,
    ).not.toBe(signatureOf(first));
  });
});
