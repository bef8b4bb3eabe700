// Review round 18: this test failed at 842d566.
// The scoring function and the recompute worker judged scores on the real clock while the contacts
// function stamps interactions (and scores them) on the campaign clock: under TIME_SCALE the score
// read was taken before the interactions it shows, so no decay was ever shown, and a recompute's
// ledger entries were dated before the interactions they follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  // A day of campaign time per real second.
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', TIME_SCALE: '86400' });
  owner = await newUser(runtime, 'scaled-scorer');
});
afterAll(async () => {
  await runtime?.stop();
});

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${runtime.url}${path}`, {
    method: init.method ?? 'GET',
    headers: as(owner),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

describe('scores under an accelerated campaign clock (TIME_SCALE)', () => {
  it('are read, decayed and recomputed on the campaign clock the interactions were stamped with', async () => {
    const created = await api('/api/contacts', { method: 'POST', body: { email: `scaled-${Date.now()}@acme.test` } });
    expect(created.status).toBe(201);
    const { contactId } = (await json(created)).contact;
    expect(
      (await api(`/api/contacts/${contactId}/interactions`, { method: 'POST', body: { type: 'meeting' } })).status,
    ).toBe(201);
    const first = await json(await api(`/api/contacts/${contactId}/score`));
    const meeting = first.ledger.find((e: { ruleId: string }) => e.ruleId === 'meeting');
    expect(Date.parse(first.asOf)).toBeGreaterThanOrEqual(Date.parse(meeting.at));
    // Two real seconds: two campaign days. The meeting's 25 engagement points have decayed.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const later = await json(await api(`/api/contacts/${contactId}/score`));
    expect(later.groups.engagement).toBeLessThan(first.groups.engagement);

    const rules = {
      ...DEFAULT_SCORING_RULES,
      interactionRules: DEFAULT_SCORING_RULES.interactionRules.map((r) =>
        r.type === 'meeting' ? { ...r, points: 50 } : r,
      ),
    };
    expect((await api('/api/scoring/rules', { method: 'PUT', body: { rules } })).status).toBe(202);
    const recomputed = await eventually(async () => {
      const score = await json(await api(`/api/contacts/${contactId}/score`));
      return score.ledger[0]?.ruleId === 'recompute' ? score : undefined;
    }, 30_000);
    expect(Date.parse(recomputed.ledger[0].at)).toBeGreaterThan(Date.parse(meeting.at));
  });
});
