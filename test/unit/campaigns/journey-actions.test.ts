/**
 * Campaign `action` nodes beyond tags and fields:
 * - adjust-score: once per step key (a replay changes nothing), a ledger entry naming the
 *   campaign and node, a tier crossing published like any score change;
 * - webhook: a real HTTP server on 127.0.0.1 receives a signed POST (the Standard Webhooks HMAC
 *   recomputed here);
 *   408/429/5xx/no answer are retried (not an ActionFailedError), other answers fail the
 *   enrolment, and so does a retryable failure on the last attempt; private hosts are refused at
 *   save and, resolved, at send;
 * - notify-user: one transactional send per step key to a member; a non-member is refused at
 *   save (naming the node) and fails the enrolment at run time.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchWebhookPoster } from '../../../shared/adapters/fetch-webhook-poster';
import { type Campaign, createCampaign } from '../../../shared/campaigns/campaign';
import { type Journey, type JourneyAction, journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import { journeyProblems, STRICT_JOURNEY_POLICY } from '../../../shared/campaigns/journey-rules';
import { assertNotifiedMembers } from '../../../shared/campaigns/notify-member';
import { ActionFailedError, type ActionTarget, ContactDeletedError } from '../../../shared/campaigns/ports';
import {
  type CampaignSigningSecrets,
  rotateSigningSecret,
  signingSecretOf,
} from '../../../shared/campaigns/signing-secret';
import { type WebhookPoster, WebhookRetryError } from '../../../shared/campaigns/webhook-action';
import { isPrivateAddress } from '../../../shared/campaigns/webhook-url';
import type { Contact } from '../../../shared/crm/model';
import { THRESHOLD_EVENT } from '../../../shared/crm/scoring/score-interaction';
import type { EmailSendMessage } from '../../../shared/email/send-request';
import { renderTemplate } from '../../../shared/email/templates';
import { ValidationError } from '../../../shared/errors';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';

const WS = 'ws-actions';
/** `v1,<base64 HMAC-SHA256 of "<id>.<t>.<body>">` keyed by the bytes after `whsec_`. */
const standardSignature = (secret: string, id: unknown, t: string, body: string) =>
  `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${String(id)}.${t}.${body}`)
    .digest('base64')}`;

const NOW = new Date('2026-03-02T10:00:00Z');

const contactOf = (over: Partial<Contact> = {}): Contact => ({
  contactId: 'c-1',
  workspaceId: WS,
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  status: 'lead',
  tags: ['vip'],
  customFields: { plan: 'pro' },
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

const targetOf = (over: Partial<ActionTarget> = {}): ActionTarget => ({
  workspaceId: WS,
  campaignId: 'camp-1',
  contactId: 'c-1',
  nodeId: 'act',
  version: 2,
  run: 1,
  step: 3,
  idempotencyKey: 'campaign#camp-1#c-1#1#act#3',
  ...over,
});

class MemorySecrets implements CampaignSigningSecrets {
  readonly items = new Map<string, string>();
  async get(_ws: string, campaignId: string) {
    return this.items.get(campaignId);
  }
  async put(_ws: string, campaignId: string, secret: string, _at: string, onlyIfAbsent: boolean) {
    if (onlyIfAbsent && this.items.has(campaignId)) return false;
    this.items.set(campaignId, secret);
    return true;
  }
}

interface World {
  contacts: Map<string, Contact>;
  scores: MemoryScoreStore;
  events: MemoryEvents;
  secrets: MemorySecrets;
  mail: EmailSendMessage[];
  members: Set<string>;
}

function world(): World {
  return {
    contacts: new Map([['c-1', contactOf()]]),
    scores: new MemoryScoreStore(),
    events: new MemoryEvents(),
    secrets: new MemorySecrets(),
    mail: [],
    members: new Set(['u-owner']),
  };
}

function performer(w: World, options: { poster?: WebhookPoster; finalAttempt?: boolean; realNow?: () => Date } = {}) {
  return journeyActions({
    ...(options.realNow ? { realNow: options.realNow } : {}),
    contacts: {
      get: async (_ws, id) => w.contacts.get(id),
      update: async (contact, patch) => {
        const next = { ...contact, ...patch } as Contact;
        w.contacts.set(contact.contactId, next);
        return next;
      },
    },
    now: () => NOW,
    scoring: { store: w.scores, events: w.events, now: () => NOW },
    webhooks: {
      secrets: w.secrets,
      poster: options.poster ?? fetchWebhookPoster({ policy: { allowPrivate: true }, timeoutMs: 300 }),
    },
    notify: {
      members: {
        find: async (_ws, userId) =>
          w.members.has(userId)
            ? { workspaceId: WS, organizationId: 'o-1', userId, role: 'member', joinedAt: '2026-01-01T00:00:00Z' }
            : undefined,
      },
      users: {
        findUser: async (userId) =>
          w.members.has(userId) || userId === 'u-outsider'
            ? {
                userId,
                email: `${userId}@team.example.com`,
                name: userId,
                emailVerified: true,
                defaultWorkspaceId: WS,
                createdAt: '2026-01-01T00:00:00Z',
              }
            : undefined,
      },
      queue: { send: async (m) => void w.mail.push(m as EmailSendMessage) },
      from: 'no-reply@unite-hub.local',
      campaignName: async () => 'Spring <launch>',
      workspaceName: async () => 'Acme',
    },
    ...(options.finalAttempt ? { finalAttempt: true } : {}),
  });
}

describe('adjust-score', () => {
  it('adds the points once per step key, with a ledger entry naming the campaign and node', async () => {
    const w = world();
    const actions = performer(w);
    const action: JourneyAction = { type: 'adjust-score', points: 100 };

    await actions.perform(action, targetOf());
    await actions.perform(action, targetOf()); // the same step, replayed

    expect(w.scores.commits).toBe(1);
    const state = w.scores.states.get('c-1');
    expect(state?.groups).toBeDefined();
    expect(state?.engagementRaw).toBe(100);
    // Default weights: engagement 0.6 of the composite.
    expect(state?.score).toBe(60);
    const entry = w.scores.ledger.find((e) => e.campaignId);
    expect(entry).toMatchObject({
      campaignId: 'camp-1',
      nodeId: 'act',
      group: 'engagement',
      points: 100,
      scoreBefore: 0,
      scoreAfter: 60,
      rule: 'campaign camp-1 node act: +100',
    });
    expect(entry?.interactionType).toBeUndefined();
    expect(state?.counters).toEqual({});
    expect(state?.lastInteractionAt).toBeUndefined();
  });

  it('publishes the tier crossing like any score change, and a later run adjusts again', async () => {
    const w = world();
    const actions = performer(w);
    await actions.perform({ type: 'adjust-score', points: 100 }, targetOf());
    expect(w.events.published).toEqual([
      expect.objectContaining({
        type: THRESHOLD_EVENT,
        detail: expect.objectContaining({ contactId: 'c-1', fromTier: 'cold', toTier: 'warm', score: 60 }),
      }),
    ]);

    await actions.perform(
      { type: 'adjust-score', points: -50 },
      targetOf({ run: 2, step: 3, idempotencyKey: 'campaign#camp-1#c-1#2#act#3' }),
    );
    expect(w.scores.commits).toBe(2);
    expect(w.scores.states.get('c-1')?.score).toBe(30);
    expect(w.events.published.at(-1)).toMatchObject({ detail: { fromTier: 'warm', toTier: 'cold' } });
  });

  it('exits the enrolment (contact-deleted, not failed) for a contact that is gone', async () => {
    const w = world();
    w.contacts.set('c-1', contactOf({ deletedAt: '2026-03-01T00:00:00Z' }));
    await expect(performer(w).perform({ type: 'adjust-score', points: 5 }, targetOf())).rejects.toBeInstanceOf(
      ContactDeletedError,
    );
    expect(w.scores.commits).toBe(0);
  });
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  /** What the next request is answered with; `hang` never answers. */
  let answer: number | 'hang' | 'redirect' = 200;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (answer === 'hang') return;
        if (answer === 'redirect') {
          res.writeHead(302, { Location: `${base}/elsewhere` }).end();
          return;
        }
        res.writeHead(answer, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  beforeEach(() => {
    received.length = 0;
    answer = 200;
  });

  const hook = (): JourneyAction => ({ type: 'webhook', url: `${base}/hooks/crm` });

  it('signs with the wall clock when the journey runs on an accelerated one (TIME_SCALE)', async () => {
    const w = world();
    const wall = new Date(NOW.getTime() - 40 * 86_400_000);
    await performer(w, { realNow: () => wall }).perform(hook(), targetOf());
    const [got] = received as [Received];
    // The receiver checks the timestamp against its own clock; the payload keeps the journey's time.
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(wall.getTime() / 1000)));
    expect(JSON.parse(got.body).occurredAt).toBe(NOW.toISOString());
  });

  it('POSTs the enrolment as JSON, signed with the campaign secret, keyed by the step', async () => {
    const w = world();
    await performer(w).perform(hook(), targetOf());

    expect(received).toHaveLength(1);
    const [got] = received as [Received];
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe('campaign#camp-1#c-1#1#act#3');
    expect(got.headers['idempotency-key']).toBe('campaign#camp-1#c-1#1#act#3');
    const t = String(Math.floor(NOW.getTime() / 1000));
    expect(got.headers['webhook-timestamp']).toBe(t);
    // The receiver's check (Standard Webhooks): HMAC-SHA256 of "<id>.<t>.<raw body>", keyed by the
    // secret's base64 bytes (test/unit/campaigns/r22d-fix-webhook-signed-id.test.ts runs the docs' one).
    const secret = w.secrets.items.get('camp-1') as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(got.headers['webhook-signature']).toBe(standardSignature(secret, got.headers['webhook-id'], t, got.body));
    expect(got.headers['x-unitehub-signature']).toBe(got.headers['webhook-signature']);
    expect(got.headers['webhook-signature']).not.toBe(
      standardSignature('whsec_b3RoZXI=', got.headers['webhook-id'], t, got.body),
    );

    expect(JSON.parse(got.body)).toEqual({
      event: 'campaign.action',
      occurredAt: NOW.toISOString(),
      workspaceId: WS,
      campaignId: 'camp-1',
      contactId: 'c-1',
      node: { id: 'act' },
      enrolment: { version: 2, run: 1, step: 3 },
      contact: {
        contactId: 'c-1',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        status: 'lead',
        tags: ['vip'],
        customFields: { plan: 'pro' },
        score: 0,
        tier: 'cold',
      },
    });
  });

  it('signs every webhook of a campaign with one secret until it is rotated', async () => {
    const w = world();
    const actions = performer(w);
    await actions.perform(hook(), targetOf());
    await actions.perform(hook(), targetOf()); // a replay: at least once, the same key for the receiver
    const first = w.secrets.items.get('camp-1');
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([
      'campaign#camp-1#c-1#1#act#3',
      'campaign#camp-1#c-1#1#act#3',
    ]);

    const campaign = { campaignId: 'camp-1', status: 'active' } as Campaign;
    const campaigns = { get: async () => campaign } as never;
    const rotated = await rotateSigningSecret(WS, 'camp-1', { campaigns, secrets: w.secrets, now: () => NOW });
    expect(rotated).toEqual({ secret: expect.stringMatching(/^whsec_/), header: 'X-UniteHub-Signature' });
    expect(rotated.secret).not.toBe(first);
    expect(await signingSecretOf(WS, 'camp-1', { secrets: w.secrets, now: () => NOW })).toBe(rotated.secret);

    await actions.perform(hook(), targetOf());
    const last = received.at(-1) as Received;
    const t = String(Math.floor(NOW.getTime() / 1000));
    expect(last.headers['webhook-signature']).toBe(
      standardSignature(rotated.secret, last.headers['webhook-id'], t, last.body),
    );
  });

  it.each([408, 429, 500, 503])('retries a %i (not an ActionFailedError)', async (status) => {
    answer = status;
    const error = await performer(world())
      .perform(hook(), targetOf())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookRetryError);
    expect(error).not.toBeInstanceOf(ActionFailedError);
    expect((error as Error).message).toContain(`answered ${status}`);
  });

  it.each([400, 401, 404, 410, 422])('fails the enrolment on a %i', async (status) => {
    answer = status;
    await expect(performer(world()).perform(hook(), targetOf())).rejects.toThrow(
      new ActionFailedError(`The webhook answered ${status}`),
    );
  });

  it('does not follow a redirect: a 3xx fails the enrolment', async () => {
    answer = 'redirect';
    await expect(performer(world()).perform(hook(), targetOf())).rejects.toThrow(
      new ActionFailedError('The webhook answered 302'),
    );
    expect(received).toHaveLength(1);
  });

  it('retries a receiver that does not answer in time, or cannot be reached', async () => {
    answer = 'hang';
    const slow = await performer(world())
      .perform(hook(), targetOf())
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(WebhookRetryError);
    expect((slow as Error).message).toContain('no answer within 300 ms');

    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await performer(world())
      .perform({ type: 'webhook', url: `http://127.0.0.1:${port}/` }, targetOf())
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WebhookRetryError);
    expect((refused as Error).message).toContain('ECONNREFUSED');
  });

  it('fails the enrolment, with the reason, when its last attempt would be retried', async () => {
    answer = 503;
    await expect(performer(world(), { finalAttempt: true }).perform(hook(), targetOf())).rejects.toThrow(
      new ActionFailedError('The webhook failed on its last attempt (answered 503)'),
    );
  });

  it('where private webhooks are not allowed, sends nothing to a private address, literal or resolved', async () => {
    const strict = (resolve: (host: string) => Promise<string[]>) =>
      fetchWebhookPoster({ policy: { allowPrivate: false }, timeoutMs: 300, resolve });
    const literal = await performer(world(), { poster: strict(async () => []) })
      .perform(hook(), targetOf())
      .catch((e: unknown) => e);
    expect(literal).toBeInstanceOf(ActionFailedError);
    expect((literal as Error).message).toContain('must be https');

    const resolved = await performer(world(), { poster: strict(async () => ['93.184.215.14', '10.0.0.7']) })
      .perform({ type: 'webhook', url: 'https://hooks.example.test/crm' }, targetOf())
      .catch((e: unknown) => e);
    expect(resolved).toBeInstanceOf(ActionFailedError);
    expect((resolved as Error).message).toContain('resolves to a private address (10.0.0.7)');
    expect(received).toHaveLength(0);
  });
});

describe('notify-user', () => {
  it('queues one transactional mail to the member per step key, naming the contact and campaign', async () => {
    const w = world();
    const actions = performer(w);
    const action: JourneyAction = { type: 'notify-user', userId: 'u-owner', message: 'Call <Ada> {{ today }}' };
    await actions.perform(action, targetOf());
    await actions.perform(action, targetOf()); // replayed

    expect(w.mail).toHaveLength(2);
    const [first, again] = w.mail as [EmailSendMessage, EmailSendMessage];
    // The sender's ledger sends a key once: a replay queues the very same send.
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    expect(again.sendId).toBe(first.sendId);
    expect(first).toMatchObject({
      workspaceId: WS,
      idempotencyKey: 'campaign#camp-1#c-1#1#act#3',
      category: 'transactional',
      to: 'u-owner@team.example.com',
    });
    expect(first.headers).toBeUndefined(); // no unsubscribe: transactional
    // The message and names are data, escaped in HTML and never run as template code.
    const mail = await renderTemplate(first.content, first.context);
    expect(mail.subject).toBe('Spring <launch>: ada@example.com');
    expect(mail.html).toContain('Call &lt;Ada&gt; {{ today }}');
    expect(mail.html).toContain('Ada Lovelace &lt;ada@example.com&gt;');
    expect(mail.text).toContain('node act');
  });

  it('fails the enrolment when the user is not a member of the workspace', async () => {
    const w = world();
    await expect(
      performer(w).perform({ type: 'notify-user', userId: 'u-outsider', message: 'hi' }, targetOf()),
    ).rejects.toThrow(new ActionFailedError('User "u-outsider" is not a member of this workspace'));
    expect(w.mail).toHaveLength(0);
  });

  it('is refused at save, naming the node, for a user who is not a member', async () => {
    const w = world();
    const find = async (_ws: string, userId: string) =>
      w.members.has(userId)
        ? { workspaceId: WS, organizationId: 'o', userId, role: 'member' as const, joinedAt: '' }
        : undefined;
    const error = await assertNotifiedMembers(
      WS,
      journeyWith({ type: 'notify-user', userId: 'u-stranger', message: 'hi' }),
      { find },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'INVALID_JOURNEY',
      message: 'Node "act": Notifies "u-stranger", who is not a member of this workspace',
    });
    await expect(
      assertNotifiedMembers(WS, journeyWith({ type: 'notify-user', userId: 'u-owner', message: 'hi' }), { find }),
    ).resolves.toBeUndefined();
  });
});

function journeyWith(action: JourneyAction): Journey {
  return journeySchema.parse({
    nodes: [
      { id: 'start', kind: 'trigger', next: 'act' },
      { id: 'act', kind: 'action', action, next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  });
}

describe('saving a journey with these actions', () => {
  const local = { webhooks: { allowPrivate: true } };

  it('accepts adjust-score, webhook and notify-user (no longer "not available")', () => {
    expect(journeyProblems(journeyWith({ type: 'adjust-score', points: -20 }))).toEqual([]);
    expect(journeyProblems(journeyWith({ type: 'webhook', url: 'https://hooks.example.com/crm' }))).toEqual([]);
    expect(journeyProblems(journeyWith({ type: 'notify-user', userId: 'u-1', message: 'Hot lead' }))).toEqual([]);
  });

  it('names the node of an invalid action', () => {
    expect(journeyProblems(journeyWith({ type: 'adjust-score', points: 0 }))).toEqual([
      { node: 'act', message: 'Adjusts the score by 0 points' },
    ]);
    expect(journeyProblems(journeyWith({ type: 'notify-user', userId: 'u-1', message: '  ' }))).toEqual([
      { node: 'act', message: 'Notifies with an empty message' },
    ]);
  });

  it.each([
    ['http://127.0.0.1:8080/h', 'must be https'],
    ['https://127.0.0.1/h', 'private or loopback address (127.0.0.1)'],
    ['https://2130706433/h', 'private or loopback address (127.0.0.1)'],
    ['https://localhost/h', 'local host (localhost)'],
    ['https://api.localhost/h', 'local host'],
    ['https://10.1.2.3/h', 'private or loopback'],
    ['https://172.20.0.1/h', 'private or loopback'],
    ['https://192.168.1.10/h', 'private or loopback'],
    ['https://169.254.169.254/latest/meta-data', 'private or loopback'],
    ['https://[::1]/h', 'private or loopback'],
    ['https://[fd00::1]/h', 'private or loopback'],
    ['https://[fe80::1]/h', 'private or loopback'],
    ['https://[::ffff:127.0.0.1]/h', 'private or loopback'],
    ['http://hooks.example.com/h', 'must be https'],
    ['https://user:pw@hooks.example.com/h', 'credentials'],
  ])('refuses %s unless private webhooks are allowed', (url, why) => {
    const problems = journeyProblems(journeyWith({ type: 'webhook', url }), STRICT_JOURNEY_POLICY);
    expect(problems).toEqual([{ node: 'act', message: expect.stringContaining(why) }]);
    expect(problems[0]?.message).toMatch(/^Webhook: /);
  });

  it('allows loopback and plain http where private webhooks are allowed (the local runtime)', () => {
    expect(journeyProblems(journeyWith({ type: 'webhook', url: 'http://127.0.0.1:8080/h' }), local)).toEqual([]);
    expect(journeyProblems(journeyWith({ type: 'webhook', url: 'http://localhost:3000/h' }), local)).toEqual([]);
  });

  it('refuses a private webhook when a campaign is created under the strict policy', async () => {
    const deps = { campaigns: { create: async () => undefined } as never, now: () => NOW, newId: () => 'camp-x' };
    const body = {
      name: 'SSRF',
      journey: journeyWith({ type: 'webhook', url: 'https://169.254.169.254/' }),
      rules: { timeZone: 'UTC', reentry: { mode: 'never' as const } },
    };
    await expect(createCampaign(WS, 'u-owner', body, deps)).rejects.toMatchObject({
      code: 'INVALID_JOURNEY',
      message: expect.stringMatching(/^Node "act": Webhook: Its URL names a private or loopback address/),
    });
    await expect(
      createCampaign(WS, 'u-owner', body, { ...deps, journeyPolicy: { webhooks: { allowPrivate: true } } }),
    ).resolves.toMatchObject({ campaignId: 'camp-x' });
  });

  it('knows public from private addresses', () => {
    for (const ip of ['8.8.8.8', '93.184.215.14', '2606:4700::1111', '172.32.0.1'])
      expect(isPrivateAddress(ip)).toBe(false);
    for (const ip of ['0.0.0.0', '100.64.0.1', '::', '::ffff:a00:1', '224.0.0.1'])
      expect(isPrivateAddress(ip)).toBe(true);
  });

  it('checks an IPv4 address carried inside IPv6 as the IPv4 address it reaches', () => {
    const inward = [
      '64:ff9b::a9fe:a9fe', // NAT64 to 169.254.169.254 (the instance metadata service)
      '64:ff9b::10.0.0.1',
      '2002:a00:1::1', // 6to4 through 10.0.0.1
      '2002:7f00:1::', // 6to4 through 127.0.0.1
      '::127.0.0.1', // IPv4-compatible (deprecated)
      '::ffff:0:a9fe:a9fe', // SIIT
      '[::ffff:127.0.0.1]',
      '2001:0:4136:e378:8000:63bf:f5ff:fffe', // Teredo, client 10.0.0.1
      '64:ff9b:1::8.8.8.8', // NAT64 for local use
      '2001:db8::1', // documentation
      'fec0::1', // site-local
    ];
    for (const ip of inward) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['64:ff9b::808:808', '2002:808:808::1', '::ffff:8.8.8.8', '2a00:1450:4001:82a::200e'])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });
});
