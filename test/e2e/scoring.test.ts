/**
 * Lead scoring as a new user meets it on `npm start`: opens and clicks raise the score and
 * the ledger explains each step; a contact crossing the hot threshold shows in hot leads
 * and on the local event bus; a rules PUT recomputes the workspace in the background.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'scorer');
  stranger = await newUser(runtime, 'stranger');
});
afterAll(async () => {
  await runtime?.stop();
});

const api = (user: TestUser, path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${runtime.url}${path}`, {
    method: init.method ?? 'GET',
    headers: as(user),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

const THRESHOLD = 'contact.score_threshold_crossed';

describe('lead scoring', () => {
  let contactId: string;

  it('raises the score with opens and clicks, explains it, and lists a hot contact with its event', async () => {
    const created = await api(owner, '/api/contacts', {
      method: 'POST',
      body: {
        email: `ceo-${Date.now()}@acme.test`,
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Acme',
        jobTitle: 'CEO',
        phone: '+1 555 010 0200',
        customFields: { companySize: 500 },
      },
    });
    expect(created.status).toBe(201);
    contactId = (await json(created)).contact.contactId;

    const scores: number[] = [];
    for (const type of ['email_opened', 'email_opened', 'email_clicked', 'email_clicked', 'meeting', 'meeting']) {
      const res = await api(owner, `/api/contacts/${contactId}/interactions`, { method: 'POST', body: { type } });
      expect(res.status).toBe(201);
      const score = await json(await api(owner, `/api/contacts/${contactId}/score`));
      scores.push(score.score);
    }
    // Fit 100 (senior title, company, size, phone, title) is 40 points of the composite.
    expect(scores.every((s, i) => i === 0 || s > (scores[i - 1] ?? 0))).toBe(true);
    expect(scores[0]).toBeCloseTo(43, 0);
    expect(scores.at(-1)).toBeCloseTo(88, 0);

    const body = await json(await api(owner, `/api/contacts/${contactId}/score`));
    expect(body).toMatchObject({ tier: 'hot', model: 'rules' });
    expect(body.groups.fit).toBe(100);
    expect(body.groups.engagement).toBeCloseTo(80, 0);
    // Newest first: the last meeting, ... the first open, then the fit from the profile.
    expect(body.ledger.map((e: { ruleId: string }) => e.ruleId)).toEqual([
      'meeting',
      'meeting',
      'email-clicked',
      'email-clicked',
      'email-opened',
      'email-opened',
      'profile',
    ]);
    const lastMeeting = body.ledger[0];
    expect(lastMeeting).toMatchObject({ group: 'engagement', points: 25 });
    expect(lastMeeting.after - lastMeeting.before).toBeCloseTo(25, 1);
    expect(lastMeeting.scoreAfter).toBeGreaterThanOrEqual(80);
    expect(lastMeeting.scoreBefore).toBeLessThan(80);

    const hot = await json(await api(owner, '/api/contacts/hot-leads'));
    expect(hot.contacts).toEqual([
      expect.objectContaining({
        contactId,
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Acme',
        score: expect.any(Number),
      }),
    ]);

    const events = runtime.events({ detailType: THRESHOLD, workspaceId: owner.workspaceId });
    expect(events.map((e) => [e.detail.fromTier, e.detail.toTier])).toEqual([
      ['cold', 'lukewarm'],
      ['lukewarm', 'warm'],
      ['warm', 'hot'],
    ]);
    expect(events.at(-1)?.detail).toMatchObject({ contactId, toTier: 'hot' });
  });

  it('answers 404 for another workspace’s contact and shows it nothing', async () => {
    expect((await api(stranger, `/api/contacts/${contactId}/score`)).status).toBe(404);
    expect((await json(await api(stranger, '/api/contacts/hot-leads'))).contacts).toEqual([]);
  });

  it('recomputes after a rules PUT, in the background, and says so on the rules', async () => {
    const before = await json(await api(owner, '/api/scoring/rules'));
    expect(before).toMatchObject({ version: 0, rules: { tiers: { hot: 80, warm: 60, lukewarm: 40 } } });

    const rules = {
      ...DEFAULT_SCORING_RULES,
      interactionRules: DEFAULT_SCORING_RULES.interactionRules.map((r) =>
        r.type === 'meeting' ? { ...r, points: 5 } : r,
      ),
    };
    const put = await api(owner, '/api/scoring/rules', { method: 'PUT', body: { rules, expectedVersion: 0 } });
    expect(put.status).toBe(202);
    const { version, recompute } = await json(put);
    expect(version).toBe(1);

    const done = await eventually(async () => {
      const view = await json(await api(owner, '/api/scoring/rules'));
      return view.recompute?.status === 'completed' ? view : undefined;
    }, 30_000);
    expect(done.recompute).toMatchObject({ jobId: recompute.jobId, contacts: 1, pages: 1 });

    // Replayed: opens 10 + clicks 20 + meetings 10 = 40 engagement -> 40 + 24 = 64, warm.
    const score = await json(await api(owner, `/api/contacts/${contactId}/score`));
    expect(score).toMatchObject({ tier: 'warm', rulesVersion: 1 });
    expect(score.score).toBeCloseTo(64, 0);
    expect(score.ledger[0]).toMatchObject({ ruleId: 'recompute', group: 'engagement' });
    expect((await json(await api(owner, '/api/contacts/hot-leads'))).contacts).toEqual([]);
    const last = runtime.events({ detailType: THRESHOLD, workspaceId: owner.workspaceId }).at(-1);
    expect(last?.detail).toMatchObject({ contactId, fromTier: 'hot', toTier: 'warm' });

    const stale = await api(owner, '/api/scoring/rules', { method: 'PUT', body: { rules, expectedVersion: 0 } });
    expect(stale.status).toBe(409);
    const invalid = await api(owner, '/api/scoring/rules', {
      method: 'PUT',
      body: { rules: { ...rules, tiers: { hot: 10, warm: 60, lukewarm: 40 } } },
    });
    expect(invalid.status).toBe(400);
  });
});
