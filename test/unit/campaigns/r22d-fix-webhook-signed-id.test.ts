/**
 * Review round 22 (d), the class of test/unit/r22d-webhook-dedupe-key-unsigned.test.ts: a campaign
 * webhook is signed the Standard Webhooks way, the id receivers dedupe on inside the signed text.
 *
 * A real POST (fetchWebhookPoster to a node:http receiver on 127.0.0.1) is checked the two ways
 * docs/CAMPAIGNS.md ("Webhook contract") tells a receiver to: the node:crypto check, taken from the
 * docs' code block and run as written, and the `standardwebhooks` package (`Webhook#verify`). Both
 * accept the delivered request and refuse it replayed under another id, with another timestamp,
 * with another body, or late. The id stays the same across a retry of the effect (another round);
 * a secret made before round 22 (base64url) still signs, verified as it is by the docs' check and,
 * re-spelled as the docs say, by the library; a new secret is in the form the library reads.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// A dependency of resend and @anthropic-ai/sdk: the library a receiver would use.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWebhookPoster } from '../../../shared/adapters/fetch-webhook-poster';
import type { ActionTarget } from '../../../shared/campaigns/ports';
import { newSigningSecret } from '../../../shared/campaigns/signing-secret';
import { sendWebhook } from '../../../shared/campaigns/webhook-action';
import type { Contact } from '../../../shared/crm/model';

const docs = readFileSync(new URL('../../../docs/CAMPAIGNS.md', import.meta.url), 'utf8');

/** The receiver's check, exactly as the docs' code block has it. */
const recipe = (() => {
  const block = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((code) => code.includes("req.headers['webhook-signature']"));
  if (!block) throw new Error('docs/CAMPAIGNS.md has no webhook check');
  return new Function('req', 'rawBody', 'secret', 'createHmac', 'timingSafeEqual', `${block}\nreturn valid;`) as (
    req: { headers: IncomingHttpHeaders },
    rawBody: string,
    secret: string,
    hmac: typeof createHmac,
    equal: typeof timingSafeEqual,
  ) => boolean;
})();
const docsCheck = (headers: IncomingHttpHeaders, body: string, secret: string) =>
  recipe({ headers }, body, secret, createHmac, timingSafeEqual);

/** The docs' re-spelling of a secret made before round 22, as written. */
const respell = (() => {
  const [, expression] = /`('whsec_' \+ Buffer\.from\(old[^`]*)`/.exec(docs) ?? [];
  if (!expression) throw new Error('docs/CAMPAIGNS.md has no re-spelling of an old secret');
  return new Function('old', `return ${expression};`) as (old: string) => string;
})();

const libraryCheck = (headers: IncomingHttpHeaders, body: string, secret: string) => {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

const contact = {
  contactId: 'c-1',
  workspaceId: 'ws-1',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
} as unknown as Contact;

const target = (retry = 0): ActionTarget => ({
  workspaceId: 'ws-1',
  campaignId: 'camp-1',
  contactId: 'c-1',
  idempotencyKey: 'campaign#camp-1#c-1#1#hook#3',
  nodeId: 'hook',
  version: 1,
  run: 1,
  step: 3,
  retry,
});

let server: Server;
let url = '';
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm-hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const poster = fetchWebhookPoster({ policy: { allowPrivate: true }, timeoutMs: 2000 });

async function deliver(secret: string, options: { retry?: number; signedAt?: Date } = {}) {
  const signedAt = options.signedAt ?? new Date();
  await sendWebhook(url, target(options.retry), contact, {
    secret,
    poster,
    now: () => new Date('2026-03-02T10:00:00.000Z'),
    signedAt: () => signedAt,
  });
  const got = received.at(-1);
  if (!got) throw new Error('nothing received');
  return got;
}

const checks = { docs: docsCheck, library: libraryCheck };

describe('campaign webhook signature (Standard Webhooks)', () => {
  it.each(Object.entries(checks))('a delivered request passes the %s check', async (_name, check) => {
    const secret = newSigningSecret();
    const got = await deliver(secret);
    expect(got.headers['webhook-id']).toBe('campaign#camp-1#c-1#1#hook#3');
    expect(got.headers['webhook-id']).not.toContain('.');
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // The names of earlier versions carry the same id and signature.
    expect(got.headers['idempotency-key']).toBe(got.headers['webhook-id']);
    expect(got.headers['x-unitehub-signature']).toBe(got.headers['webhook-signature']);
    expect(check(got.headers, got.body, secret)).toBe(true);
    expect(check(got.headers, got.body, newSigningSecret())).toBe(false);
  });

  it.each(Object.entries(checks))('the %s check refuses a replay under another id', async (_name, check) => {
    const secret = newSigningSecret();
    const got = await deliver(secret);
    const replayed = { ...got.headers, 'webhook-id': 'campaign#camp-1#c-1#1#hook#4', 'idempotency-key': 'other' };
    expect(check(replayed, got.body, secret)).toBe(false);
    const stamped = { ...got.headers, 'webhook-timestamp': String(Number(got.headers['webhook-timestamp']) + 1) };
    expect(check(stamped, got.body, secret)).toBe(false);
    expect(check(got.headers, got.body.replace('ada@example.com', 'eve@example.com'), secret)).toBe(false);
  });

  it.each(Object.entries(checks))('the %s check refuses a request signed 10 minutes ago', async (_name, check) => {
    const secret = newSigningSecret();
    const got = await deliver(secret, { signedAt: new Date(Date.now() - 10 * 60_000) });
    expect(check(got.headers, got.body, secret)).toBe(false);
  });

  it("keeps the id across a retry of the effect (a person's retry of the enrolment)", async () => {
    const secret = newSigningSecret();
    const first = await deliver(secret);
    const again = await deliver(secret, { retry: 1, signedAt: new Date(Date.now() + 1000) });
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(again.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    expect(docsCheck(again.headers, again.body, secret)).toBe(true);
  });

  it('makes secrets the library reads; one made before round 22 (base64url) still signs', async () => {
    expect(newSigningSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const old = 'whsec_-g6nJHBao16y8X99jtCToBy_ud77GdIX3D13Rfc7umQ';
    expect(() => new Webhook(old)).toThrow(); // why the docs re-spell it for a library
    const got = await deliver(old);
    expect(docsCheck(got.headers, got.body, old)).toBe(true);
    const respelled = respell(old);
    expect(respelled).toBe('whsec_+g6nJHBao16y8X99jtCToBy/ud77GdIX3D13Rfc7umQ=');
    expect(libraryCheck(got.headers, got.body, respelled)).toBe(true);
    expect(docsCheck(got.headers, got.body, respelled)).toBe(true);
  });
});
