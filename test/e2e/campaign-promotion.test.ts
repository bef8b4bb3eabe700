/**
 * Promoting an A/B winner through the local runtime: a split published, its arm `b` promoted
 * (status codes for an unknown node, a bad arm, an archived campaign), the promotion persisted
 * on the campaign, every contact enrolled afterwards mailed through arm `b`, the stats showing
 * the stated test and the promotion, and the undo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { outbox } from '../support/accounts';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '100' });
  owner = await newUser(runtime, 'promoter');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);

const template = async (subject: string) =>
  (
    await okJson(
      await api('POST', '/api/email-templates', {
        name: subject,
        category: 'marketing',
        subject,
        html: `<p>${subject}</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>`,
      }),
      201,
    )
  ).template.templateId as string;

describe('promoting the winner of a split', () => {
  it('promotes, persists, sends new arrivals to the winner, shows it in stats, and undoes', async () => {
    const run = `ab${Date.now()}`;
    await api('PUT', '/api/settings/email.postal_address', { value: '1 Main Street, Springfield' });
    const a = await template(`Arm A ${run}`);
    const b = await template(`Arm B ${run}`);
    const created = await okJson(
      await api('POST', '/api/campaigns', {
        name: 'A/B',
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'ab' },
            {
              id: 'ab',
              kind: 'split',
              arms: [
                { id: 'a', percent: 50, next: 'mail-a' },
                { id: 'b', percent: 50, next: 'mail-b' },
              ],
            },
            { id: 'mail-a', kind: 'email', templateId: a, next: 'end' },
            { id: 'mail-b', kind: 'email', templateId: b, next: 'end' },
            { id: 'end', kind: 'exit' },
          ],
        },
      }),
      201,
    );
    const id = created.campaign.campaignId as string;
    await okJson(await api('POST', `/api/campaigns/${id}/publish`));
    const promote = `/api/campaigns/${id}/nodes/ab/promote`;

    expect((await api('POST', `/api/campaigns/${id}/nodes/nope/promote`, { arm: 'a' })).status).toBe(404);
    const badArm = await api('POST', promote, { arm: 'z' });
    expect(badArm.status).toBe(400);
    expect(await json(badArm)).toMatchObject({ code: 'UNKNOWN_ARM' });
    expect((await api('POST', promote, { variant: 0 })).status).toBe(400);

    const promoted = await okJson(await api('POST', promote, { arm: 'b' }));
    expect(promoted.campaign.promotions.ab).toMatchObject({ arm: 'b', by: `user:${owner.userId}` });
    const read = await okJson(await api('GET', `/api/campaigns/${id}`));
    expect(read.campaign.promotions.ab).toMatchObject({ arm: 'b' });

    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const contact = await okJson(await api('POST', '/api/contacts', { email: `p${i}.${run}@example.com` }), 201);
      ids.push(contact.contact.contactId);
    }
    await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { contactIds: ids }), 202);
    const mailed = await eventually(async () => {
      const mine = (await outbox(runtime)).filter((m) => m.subject.endsWith(run));
      return mine.length >= 6 ? mine : undefined;
    }, 20_000);
    expect(new Set(mailed.map((m) => m.subject))).toEqual(new Set([`Arm B ${run}`]));

    const stats = await okJson(await api('GET', `/api/campaigns/${id}/stats`));
    expect(stats.stats.splits.ab).toMatchObject({
      arms: { a: { entered: 0 }, b: { entered: 6 } },
      test: { metric: 'converted', enoughData: false, verdict: { status: 'too-few' } },
      promotion: { arm: 'b' },
    });
    expect(stats.stats.splits.ab.test.verdict.text).toMatch(/^Not enough data/);

    const undone = await okJson(await api('DELETE', promote));
    expect(undone.campaign.promotions.ab).toMatchObject({ arm: 'b', undone: { by: `user:${owner.userId}` } });

    await okJson(await api('POST', `/api/campaigns/${id}/archive`));
    const archived = await api('POST', promote, { arm: 'a' });
    expect(archived.status).toBe(409);
    expect(await json(archived)).toMatchObject({ code: 'CAMPAIGN_ARCHIVED' });
  }, 90_000);
});
