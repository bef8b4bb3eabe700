/**
 * Five faults of the campaign routes found in review 7, each proven here through the whole local
 * runtime (one runtime for the file) and now fixed:
 *
 * 1. GET /api/contacts/{id}/enrolments answered 200 `{"enrolments": []}` for another workspace's
 *    contact (and for an id naming no contact), where every other contact route answers 404
 *    CONTACT_NOT_FOUND: the route queried the contact's enrolment index without reading the
 *    contact. Fixed: it reads the contact first (getContact, as the other contact routes do), so a
 *    foreign, missing or deleted contact is 404.
 * 2. GET /api/campaigns/{id}/stats described the *draft* journey: a PATCH to an active campaign's
 *    draft dropped the running A/B split from `stats.splits` and the nodes contacts wait at from
 *    `stats.nodes`. Fixed: stats are built over the journey contacts run on (runningJourney,
 *    shared/campaigns/campaign.ts, through runningStats in promotion.ts, which auto-promotion reads
 *    too), the published version.
 * 3. POST /api/hooks/campaigns/{id}/{token} with an Idempotency-Key already used for another body
 *    answered 202 and enrolled the other contact: the key only derived the launch id, no body was
 *    compared. Fixed: the hook goes through runOnce with the body's fingerprint (the derived launch
 *    id is the plan): the other body is 422 IDEMPOTENCY_KEY_REUSED, an identical retry answers the
 *    first 202 again with `idempotent-replayed: true`. Keys belong to one campaign's hook.
 * 4. Publishing a draft whose notify-user node names a member removed after the save answered 200
 *    (the campaign went active), though saving that journey is 400 INVALID_JOURNEY naming the node:
 *    the member check ran on create and update only. Fixed: publish re-checks the draft's
 *    references outside the campaign (members, as it checks templates) before freezing.
 * 5. Campaign names (and email-template names) took CR/LF, NUL, bidi overrides and lone
 *    surrogates; the name is the Subject of every notify-user mail. Fixed: both are singleLineText
 *    (shared/security/single-line-text.ts), the rule of contact and workspace names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;

beforeAll(async () => {
  // TIME_SCALE: the 300-day waits below still hold contacts for minutes of real time.
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '100', TIME_SCALE: '43200' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  body: any;
}

/** A JSON request as `user` (session + CSRF), the answer's status, headers and parsed body. */
async function call(
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user, extra),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** trigger -> wait `days` -> exit: an enrolment stays `waiting` and visible. */
const waitingJourney = (on?: unknown, days = 300) => ({
  nodes: [
    { id: 'start', kind: 'trigger', ...(on ? { on } : {}), next: 'hold' },
    { id: 'hold', kind: 'wait', for: { type: 'duration', duration: { days } }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
});

async function eventuallyTrue(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const newContact = async (user: TestUser, label: string) => {
  const created = await call(user, 'POST', '/api/contacts', { email: `${label}-${Date.now()}@example.com` });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.contact.contactId as string;
};

describe('1. GET /api/contacts/{id}/enrolments with an id that is no live contact of the workspace', () => {
  it('is 404 CONTACT_NOT_FOUND, as every other contact route answers; a live contact of yours is 200', async () => {
    const alice = await newUser(runtime, 'r7-alice');
    const bob = await newUser(runtime, 'r7-bob');
    const foreignId = await newContact(bob, 'bob-contact');

    // The contact routes agree it does not exist for Alice...
    expect((await call(alice, 'GET', `/api/contacts/${foreignId}`)).status).toBe(404);
    expect((await call(alice, 'GET', `/api/contacts/${foreignId}/timeline`)).status).toBe(404);
    // ...and so does the enrolments route (it answered 200 with an empty list).
    const foreign = await call(alice, 'GET', `/api/contacts/${foreignId}/enrolments`);
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(404);
    expect(foreign.body.code).toBe('CONTACT_NOT_FOUND');

    const missing = await call(alice, 'GET', '/api/contacts/no-such-contact-anywhere/enrolments');
    expect(missing.status, JSON.stringify(missing.body)).toBe(404);
    expect(missing.body.code).toBe('CONTACT_NOT_FOUND');

    // Bob's own contact: 200 (no enrolments yet); once deleted, 404 like GET /api/contacts/{id}.
    const own = await call(bob, 'GET', `/api/contacts/${foreignId}/enrolments`);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.enrolments).toEqual([]);
    expect((await call(bob, 'DELETE', `/api/contacts/${foreignId}`)).status).toBeLessThan(300);
    expect((await call(bob, 'GET', `/api/contacts/${foreignId}`)).status).toBe(404);
    const deleted = await call(bob, 'GET', `/api/contacts/${foreignId}/enrolments`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(404);
    expect(deleted.body.code).toBe('CONTACT_NOT_FOUND');
  });
});

const hold = (id: string) => ({ id, kind: 'wait', for: { type: 'duration', duration: { days: 300 } }, next: 'done' });

describe('2. stats of an active campaign whose draft was edited', () => {
  it('still describe the running version (its split and nodes), and promotion still finds its node', async () => {
    const owner = await newUser(runtime, 'r7-stats');
    const running = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'ab' },
        {
          id: 'ab',
          kind: 'split',
          arms: [
            { id: 'a', percent: 50, next: 'holdA' },
            { id: 'b', percent: 50, next: 'holdB' },
          ],
        },
        hold('holdA'),
        hold('holdB'),
        { id: 'done', kind: 'exit' },
      ],
    };
    const created = await call(owner, 'POST', '/api/campaigns', { name: 'AB', journey: running });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.campaign.campaignId as string;
    expect((await call(owner, 'POST', `/api/campaigns/${id}/publish`)).status).toBe(200);

    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(await newContact(owner, `ab${i}`));
    expect((await call(owner, 'POST', `/api/campaigns/${id}/enrol`, { contactIds: ids })).status).toBe(202);
    const waiting = await eventuallyTrue(async () => {
      const s = await call(owner, 'GET', `/api/campaigns/${id}/stats`);
      return s.body.stats?.totals?.waiting === 4;
    });
    expect(waiting, 'fixture: 4 contacts wait in the running version').toBe(true);
    const before = (await call(owner, 'GET', `/api/campaigns/${id}/stats`)).body.stats;
    expect(Object.keys(before.splits)).toEqual(['ab']);

    // Edit the draft only: the next version will have no split.
    const draft = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'done' },
        { id: 'done', kind: 'exit' },
      ],
    };
    const patched = await call(owner, 'PATCH', `/api/campaigns/${id}`, { journey: draft });
    expect(patched.status).toBe(200);
    expect(patched.body.campaign.publishedVersion).toBe(1);

    const after = await call(owner, 'GET', `/api/campaigns/${id}/stats`);
    expect(after.status).toBe(200);
    expect((after.body.counters['arm:ab:a'] ?? 0) + (after.body.counters['arm:ab:b'] ?? 0)).toBe(4);
    // The stats still show the running split and the nodes where the 4 contacts wait.
    expect(Object.keys(after.body.stats.splits), 'running split gone from stats').toEqual(['ab']);
    expect(after.body.stats.splits).toEqual(before.splits);
    expect(Object.keys(after.body.stats.nodes).sort()).toEqual(['ab', 'done', 'holdA', 'holdB', 'start']);
    expect(after.body.stats.totals.waiting).toBe(4);

    // The running split can still be promoted (checked against the published version too).
    const promoted = await call(owner, 'POST', `/api/campaigns/${id}/nodes/ab/promote`, { arm: 'a' });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    const withPromotion = await call(owner, 'GET', `/api/campaigns/${id}/stats`);
    expect(withPromotion.body.stats.splits.ab.promotion.arm).toBe('a');
  });
});

describe('3. webhook trigger and Idempotency-Key', () => {
  it('replays the first 202 to the same body, refuses another body with 422 and enrols nobody for it', async () => {
    const owner = await newUser(runtime, 'r7-hook', { verified: true });
    const hooked = async (name: string) => {
      const created = await call(owner, 'POST', '/api/campaigns', {
        name,
        journey: waitingJourney({ type: 'webhook' }),
        rules: { timeZone: 'UTC', reentry: { mode: 'always' } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.campaign.campaignId as string;
      expect((await call(owner, 'POST', `/api/campaigns/${id}/publish`)).status).toBe(200);
      const { path } = (await call(owner, 'POST', `/api/campaigns/${id}/webhook-token`)).body as { path: string };
      return { id, path };
    };
    const one = await hooked('Hooked');
    const first = await newContact(owner, 'first');
    const second = await newContact(owner, 'second');

    const hook = (path: string, body: unknown, key = 'order-42') =>
      fetch(`${runtime.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const answered = await hook(one.path, { contactId: first });
    expect(answered.status).toBe(202);
    expect(answered.headers.get('idempotent-replayed')).toBeNull();
    const firstBody = await answered.json();
    expect(firstBody).toEqual({ queued: 1, contactId: first });

    // The same body again: the first answer, marked as a replay.
    const replay = await hook(one.path, { contactId: first });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(firstBody);

    // Another body under the key: refused, as every route taking a key refuses it.
    const reused = await hook(one.path, { contactId: second });
    const answer = await reused.text();
    expect(reused.status, answer).toBe(422);
    expect(JSON.parse(answer).code).toBe('IDEMPOTENCY_KEY_REUSED');

    const enrolmentsOf = async (campaignId: string) =>
      (await call(owner, 'GET', `/api/campaigns/${campaignId}/enrolments`)).body.enrolments as {
        contactId: string;
        runs?: number;
      }[];
    const enrolled = (campaignId: string, contactId: string) => async () =>
      (await enrolmentsOf(campaignId)).some((e) => e.contactId === contactId);
    expect(await eventuallyTrue(enrolled(one.id, first)), 'the first body enrols its contact').toBe(true);
    expect(await eventuallyTrue(enrolled(one.id, second), 3_000), 'the reused key enrolled another contact').toBe(
      false,
    );
    expect((await enrolmentsOf(one.id)).filter((e) => e.contactId === first)).toHaveLength(1);

    // A key belongs to one campaign's hook: the same key on another campaign's hook is a new request.
    const two = await hooked('Hooked too');
    const elsewhere = await hook(two.path, { contactId: second });
    expect(elsewhere.status, await elsewhere.clone().text()).toBe(202);
    expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();
    expect(await eventuallyTrue(enrolled(two.id, second)), 'the other hook enrols its contact').toBe(true);
  });
});

describe('4. publish of a journey that notifies someone no longer in the workspace', () => {
  it('is 400 INVALID_JOURNEY naming the node, as the same journey is on save; nothing is frozen', async () => {
    const owner = await newUser(runtime, 'r7-owner');
    const member = await newUser(runtime, 'r7-member');
    await addMember(runtime, owner.workspaceId, owner.organizationId, member, 'member');
    const journey = {
      nodes: [
        { id: 'start', kind: 'trigger', next: 'tell' },
        {
          id: 'tell',
          kind: 'action',
          action: { type: 'notify-user', userId: member.userId, message: 'A lead arrived' },
          next: 'done',
        },
        { id: 'done', kind: 'exit' },
      ],
    };
    const created = await call(owner, 'POST', '/api/campaigns', { name: 'Lead alert', journey });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.campaign.campaignId as string;

    const removed = await call(owner, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${member.userId}`);
    expect(removed.status, JSON.stringify(removed.body)).toBeLessThan(300);
    // Saving the journey now is refused, naming the node...
    const resaved = await call(owner, 'PATCH', `/api/campaigns/${id}`, { journey });
    expect(resaved.status).toBe(400);
    expect(resaved.body.details.problems[0].node).toBe('tell');

    // ...and so is publishing the very same draft (it went through, and the campaign went active).
    const published = await call(owner, 'POST', `/api/campaigns/${id}/publish`);
    expect(published.status, JSON.stringify(published.body.campaign?.status ?? published.body)).toBe(400);
    expect(published.body.code).toBe('INVALID_JOURNEY');
    expect(published.body.details.problems[0].node).toBe('tell');
    const after = (await call(owner, 'GET', `/api/campaigns/${id}`)).body.campaign;
    expect(after.status).toBe('draft');
    expect(after.publishedVersion).toBeUndefined();
  });
});

describe('5. campaign and email-template names are single lines', () => {
  const INJECTED = 'Spring sale\r\nBcc: everyone@example.com';
  const BAD = [INJECTED, 'ok\u0000nul', 'abc\u202Egpj.exe', 'lone \uD800 surrogate', 'tab\there'];

  it('refuses control, line-break and bidi characters in a campaign name on create and on PATCH (400)', async () => {
    const owner = await newUser(runtime, 'r7-name');
    for (const name of BAD) {
      const created = await call(owner, 'POST', '/api/campaigns', { name, journey: waitingJourney() });
      expect(created.status, `create ${JSON.stringify(name)}: ${JSON.stringify(created.body.campaign?.name)}`).toBe(
        400,
      );
      expect(created.body.code).toBe('VALIDATION_FAILED');
    }
    const fine = await call(owner, 'POST', '/api/campaigns', { name: '  Fine 🌱 é  ', journey: waitingJourney() });
    expect(fine.status).toBe(201);
    expect(fine.body.campaign.name).toBe('Fine 🌱 é');
    const patched = await call(owner, 'PATCH', `/api/campaigns/${fine.body.campaign.campaignId}`, { name: INJECTED });
    expect(patched.status, 'PATCH with a CRLF name').toBe(400);
  });

  it('refuses the same in an email-template name on create and on a new version (400)', async () => {
    const owner = await newUser(runtime, 'r7-template-name');
    const template = (name: string) => ({ name, category: 'transactional', subject: 'Hi', html: '<p>Hello</p>' });
    for (const name of BAD) {
      const created = await call(owner, 'POST', '/api/email-templates', template(name));
      expect(created.status, `create ${JSON.stringify(name)}`).toBe(400);
    }
    const fine = await call(owner, 'POST', '/api/email-templates', template('Welcome'));
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
    const saved = await call(
      owner,
      'PUT',
      `/api/email-templates/${fine.body.template.templateId}`,
      template(INJECTED),
      {
        'if-match': '"1"',
      },
    );
    expect(saved.status, 'a new version with a CRLF name').toBe(400);
  });
});
