/**
 * AI copy of a campaign email node through the local runtime, the provider stand-ins answering
 * (LOCAL_AI=stand-in): a draft written for the node's goal, publishing refused while nobody
 * approved it (409 naming the node), an approval failing the compliance lint (422 by field), a
 * good approval written into the node's template, then the publish. Another workspace sees 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', LOCAL_AI: 'stand-in' });
  owner = await newUser(runtime, 'ai-copywriter');
  stranger = await newUser(runtime, 'ai-copy-stranger');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);
const other = (method: string, path: string, body?: unknown) => requestAs(runtime, () => stranger)(method, path, body);

describe('AI copy of a campaign email node', () => {
  it('drafts, refuses publishing until a person approves lint-clean copy, then publishes it', async () => {
    await okJson(await api('PUT', '/api/settings/campaigns.forbidden_claims', { value: ['guaranteed results'] }), 201);
    const base = await okJson(
      await api('POST', '/api/email-templates', {
        name: 'Placeholder',
        category: 'marketing',
        subject: 'Placeholder',
        html: '<p>Soon</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
      }),
      201,
    );
    const created = await okJson(
      await api('POST', '/api/campaigns', {
        name: 'Spring launch',
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'mail' },
            {
              id: 'mail',
              kind: 'email',
              templateId: base.template.templateId,
              aiCopy: { goal: 'Invite trial users to a demo of the spring release', tone: 'professional' },
              next: 'end',
            },
            { id: 'end', kind: 'exit' },
          ],
        },
      }),
      201,
    );
    const id = created.campaign.campaignId as string;
    const drafts = `/api/campaigns/${id}/nodes/mail/ai-drafts`;

    const { draft } = await okJson(await api('POST', drafts), 201);
    expect(draft).toMatchObject({
      nodeId: 'mail',
      offline: false,
      model: expect.stringMatching(/-local$/),
      request: { goal: 'Invite trial users to a demo of the spring release', tone: 'professional' },
      lint: { ok: expect.any(Boolean), issues: expect.any(Array) },
    });
    expect(draft.subjectLines).toHaveLength(3);
    expect(draft.html).toContain('{{ unsubscribe_url }}');
    expect((await other('POST', drafts)).status).toBe(404);

    const refused = await api('POST', `/api/campaigns/${id}/publish`);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ code: 'AI_COPY_NOT_APPROVED', details: { nodes: ['mail'] } });

    const approve = `${drafts}/${draft.draftId}/approve`;
    const linted = await api('POST', approve, {
      subject: 'RE: Guaranteed results for your team',
      html: '<p>No footer here</p>',
    });
    expect(linted.status).toBe(422);
    const lintBody = await json(linted);
    expect(lintBody.code).toBe('COPY_LINT_FAILED');
    expect(lintBody.details.issues.map((i: { field: string; code: string }) => `${i.field}:${i.code}`)).toEqual([
      'html:unsubscribe_link',
      'html:postal_address',
      'subject:deceptive_subject_prefix',
      'subject:forbidden_claim',
    ]);

    const approved = await okJson(
      await api('POST', approve, { subjectVariants: ['See the spring release', 'Your spring demo'] }),
    );
    expect(approved.approval).toMatchObject({ draftId: draft.draftId, by: `user:${owner.userId}`, version: 1 });
    const node = approved.campaign.journey.nodes.find((n: { id: string }) => n.id === 'mail');
    expect(node).toMatchObject({
      templateId: approved.approval.templateId,
      version: 1,
      subjectVariants: ['See the spring release', 'Your spring demo'],
    });
    const written = await okJson(await api('GET', `/api/email-templates/${approved.approval.templateId}`));
    expect(written.template).toMatchObject({ subject: 'See the spring release', html: draft.html });

    const listed = await okJson(await api('GET', drafts));
    expect(listed).toMatchObject({ state: 'approved', approval: { draftId: draft.draftId } });
    expect(listed.drafts[0]).toMatchObject({ draftId: draft.draftId, approved: { by: `user:${owner.userId}` } });

    const published = await okJson(await api('POST', `/api/campaigns/${id}/publish`));
    expect(published.campaign).toMatchObject({ status: 'active', publishedVersion: 1 });
  });
});
