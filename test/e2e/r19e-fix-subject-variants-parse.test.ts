// Review round 19: this test failed at d10baec.
// A campaign email node's A/B subject variants were never parsed at save, approval or publish: a
// variant with a refused tag or a syntax error showed only when its sends were quietly closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', LOCAL_AI: 'stand-in' });
  owner = await newUser(runtime, 'r19e-variants');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);

const journey = (templateId: string, subjectVariants: string[], extra: Record<string, unknown> = {}) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId, subjectVariants, next: 'end', ...extra },
    { id: 'end', kind: 'exit' },
  ],
});

describe('subject variants of a campaign email node', () => {
  it('are each parsed at save and approval: 400 naming the node and the variant', async () => {
    const { template } = await okJson(
      await api('POST', '/api/email-templates', {
        name: 'Base',
        category: 'marketing',
        subject: 'Base',
        html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
      }),
      201,
    );
    const templateId = template.templateId as string;

    for (const bad of ['{% include "package.json" %}', 'Hi {% if %}', 'Hi {{ contact.firstName ']) {
      const refused = await api('POST', '/api/campaigns', {
        name: 'A/B',
        journey: journey(templateId, ['Hello {{ contact.firstName }}', bad]),
      });
      const body = await json(refused);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(body.code).toBe('TEMPLATE_INVALID');
      expect(body.message).toContain('"mail"');
      expect(body.details[0]).toMatchObject({ node: 'mail', path: 'subjectVariants[1]' });
    }

    const created = await okJson(
      await api('POST', '/api/campaigns', { name: 'A/B', journey: journey(templateId, ['One', 'Two']) }),
      201,
    );
    const id = created.campaign.campaignId as string;
    const saved = await api('PATCH', `/api/campaigns/${id}`, {
      journey: journey(templateId, ['One', '{% render "x" %}']),
    });
    expect(saved.status).toBe(400);
    expect(await json(saved)).toMatchObject({ code: 'TEMPLATE_INVALID', details: [{ path: 'subjectVariants[1]' }] });

    // An AI copy approval's variants, parsed as the node's save parses them.
    const ai = await okJson(
      await api('POST', '/api/campaigns', {
        name: 'AI',
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'mail' },
            {
              id: 'mail',
              kind: 'email',
              templateId,
              aiCopy: { goal: 'Invite users to a demo', tone: 'professional' },
              next: 'end',
            },
            { id: 'end', kind: 'exit' },
          ],
        },
      }),
      201,
    );
    const drafts = `/api/campaigns/${ai.campaign.campaignId}/nodes/mail/ai-drafts`;
    const { draft } = await okJson(await api('POST', drafts), 201);
    const approval = await api('POST', `${drafts}/${draft.draftId}/approve`, {
      subjectVariants: ['See the demo', 'See {% layout "x" %}'],
    });
    expect(approval.status).toBe(400);
    expect(await json(approval)).toMatchObject({
      code: 'TEMPLATE_INVALID',
      details: [{ node: 'mail', path: 'subjectVariants[1]' }],
    });
  }, 60_000);
});
