/**
 * Review round 22 (r22b, a suspicion of the reviewer's, confirmed): `POST
 * /api/campaigns/{id}/enrolments/{contactId}/exit` on an archived campaign answered 200 and recorded
 * `exited:manual` for an enrolment still held (a wait of days: the archive ends it at its next
 * step, as `archived`), although archived campaigns are documented read-only (409
 * `CAMPAIGN_ARCHIVED`). The route read no campaign at all. Now it refuses: 409 `CAMPAIGN_ARCHIVED`,
 * the enrolment left for the archive to end, nothing counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'exit-archived');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);

describe("a person's exit of an enrolment of an archived campaign", () => {
  it('is refused (409 CAMPAIGN_ARCHIVED) and records nothing', async () => {
    const created = await okJson(
      await api('POST', '/api/campaigns', {
        name: 'Held',
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'hold' },
            { id: 'hold', kind: 'wait', for: { type: 'duration', duration: { days: 30 } }, next: 'end' },
            { id: 'end', kind: 'exit' },
          ],
        },
      }),
      201,
    );
    const id = created.campaign.campaignId as string;
    await okJson(await api('POST', `/api/campaigns/${id}/publish`));
    const contact = await okJson(await api('POST', '/api/contacts', { email: `held.${Date.now()}@example.com` }), 201);
    const contactId = contact.contact.contactId as string;
    await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { contactIds: [contactId] }), 202);
    const enrolment = async () =>
      (
        (await json(await api('GET', `/api/contacts/${contactId}/enrolments`))).enrolments as {
          campaignId: string;
          status: string;
          exitReason?: string;
        }[]
      ).find((e) => e.campaignId === id);
    await eventually(async () => ((await enrolment())?.status === 'waiting' ? true : undefined), 20_000);

    await okJson(await api('POST', `/api/campaigns/${id}/archive`));
    const exit = await api('POST', `/api/campaigns/${id}/enrolments/${contactId}/exit`);
    expect({ status: exit.status, code: (await json(exit)).code }).toEqual({ status: 409, code: 'CAMPAIGN_ARCHIVED' });
    expect((await enrolment())?.exitReason).not.toBe('manual');
    const stats = await okJson(await api('GET', `/api/campaigns/${id}/stats`));
    expect(stats.stats.totals.exited.manual ?? 0).toBe(0);
  }, 60_000);
});
