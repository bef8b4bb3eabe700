/**
 * Review round 14: this test failed at cb20668 (an enrol message dead-lettered on its last delivery left no enrolment record: nothing listed, counted or retryable).
 *
 * Defect (review round 14, MEDIUM): an `enrol` message that fails on its last delivery (it goes to
 * the dead-letter queue next) leaves no enrolment record and no counter: the contact simply never
 * entered, and `GET /api/campaigns/{id}/enrolments` (nor the contact's enrolments) shows anything
 * to tell a person why. The same failure on a `step` message fails the enrolment with its reason
 * (`failStep`), visible and retryable through `POST .../enrolments/{contactId}/retry`.
 *
 * Reproduction: a published campaign trigger -> marketing mail -> exit in a workspace without a
 * postal address (marketing mail refused: ValidationError POSTAL_ADDRESS_MISSING, one of "our own"
 * errors that will be the same next time). The drip-step worker gets the contact's enrol message on
 * its last receive (ApproximateReceiveCount = maxReceiveCount = 5): the record is reported failed
 * (dead-lettered) and nothing at all is written for the contact.
 *
 * Root cause: functions/drip-step-worker.ts handler: on the last receive only `message.kind ===
 * 'step'` is failed (`failStep`); an `enrol` message's failure before its first save (run-step.ts
 * `enrolContact` -> `advance` runs trigger -> mail in memory and throws before any write) is just
 * rethrown. Correct: on the last receive of an enrol message whose error is ours (AppError), write
 * the enrolment as failed at the node it failed on, with the reason (as failStep does for a step),
 * so it is listed, counted (entered, exited:failed) and can be retried once the cause is fixed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import type { DripStepMessage, StepMessage } from '../../shared/campaigns/messages';
import type { StepDeps } from '../../shared/campaigns/ports';
import { as, newUser, type TestUser } from '../support/identity';
import { json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let triggerOwner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r14-dlq-enrol');
  triggerOwner = await newUser(runtime, 'r14-dlq-trigger');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const apiAs = (user: () => TestUser) => (method: string, path: string, body?: unknown) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user()),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const api = apiAs(() => owner);

type Listed = { contactId: string; status: string; node: string; failure?: string };
const enrolmentsOf = async (call: typeof api, campaignId: string, contactId: string) =>
  ((await okJson(await call('GET', `/api/campaigns/${campaignId}/enrolments`))).enrolments as Listed[]).filter(
    (e) => e.contactId === contactId,
  );
/** A published campaign: trigger (`on`, or a manual launch) -> marketing mail -> exit. */
const mailCampaign = async (call: typeof api, on?: unknown) => {
  const template = await okJson(
    await call('POST', '/api/email-templates', {
      name: 'Welcome',
      category: 'marketing',
      subject: 'Welcome',
      html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
    }),
    201,
  );
  const created = await okJson(
    await call('POST', '/api/campaigns', {
      name: `DLQ ${randomUUID().slice(0, 8)}`,
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', ...(on ? { on } : {}), next: 'mail' },
          { id: 'mail', kind: 'email', templateId: template.template.templateId, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
    }),
    201,
  );
  const campaignId = created.campaign.campaignId as string;
  await okJson(await call('POST', `/api/campaigns/${campaignId}/publish`));
  return campaignId;
};
const eventually = async <T>(read: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** An SQS event of one drip-steps record, on its `receiveCount`-th delivery. */
const sqsEvent = (body: unknown, receiveCount: number) => {
  const messageId = randomUUID();
  return {
    messageId,
    event: {
      Records: [
        {
          messageId,
          receiptHandle: `rh-${messageId}`,
          body: JSON.stringify(body),
          attributes: {
            ApproximateReceiveCount: String(receiveCount),
            SentTimestamp: String(Date.now()),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:drip-steps',
          awsRegion: 'us-east-1',
        },
      ],
    },
  };
};

describe('an enrol message dead-lettered after its last delivery', () => {
  it('leaves a failed enrolment with its reason, as a dead-lettered step does', async () => {
    // No postal address in this workspace: a marketing mail is refused (POSTAL_ADDRESS_MISSING).
    const template = await okJson(
      await api('POST', '/api/email-templates', {
        name: 'Welcome',
        category: 'marketing',
        subject: 'Welcome',
        html: '<p>Hi</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>',
      }),
      201,
    );
    const created = await okJson(
      await api('POST', '/api/campaigns', {
        name: `DLQ enrol ${randomUUID().slice(0, 8)}`,
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'mail' },
            { id: 'mail', kind: 'email', templateId: template.template.templateId, next: 'done' },
            { id: 'done', kind: 'exit' },
          ],
        },
        rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
      }),
      201,
    );
    const campaignId = created.campaign.campaignId as string;
    await okJson(await api('POST', `/api/campaigns/${campaignId}/publish`));
    const contact = await okJson(await api('POST', '/api/contacts', { email: `dlq-${randomUUID()}@example.com` }), 201);
    const contactId = contact.contact.contactId as string;

    // The contact's enrol message, on its last delivery (drip-steps maxReceiveCount is 5).
    const { messageId, event } = sqsEvent(
      { kind: 'enrol', workspaceId: owner.workspaceId, campaignId, contactId, launchId: 'launch-r14' },
      5,
    );
    const result = (await runtime.functions.invoke('drip-step-worker', event)) as {
      batchItemFailures: { itemIdentifier: string }[];
    };
    // It failed and goes to the dead-letter queue.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: messageId }]);

    // A person looking for why the contact never got the campaign must find it.
    const listed = await okJson(await api('GET', `/api/campaigns/${campaignId}/enrolments`));
    const enrolment = (listed.enrolments as { contactId: string; status: string; failure?: string }[]).find(
      (e) => e.contactId === contactId,
    );
    expect(enrolment, 'no enrolment record at all for the dead-lettered enrol').toMatchObject({
      status: 'failed',
      failure: expect.stringMatching(/postal address/i),
    });
    const stats = await json(await api('GET', `/api/campaigns/${campaignId}/stats`));
    expect(stats.counters).toMatchObject({ entered: 1, 'exited:failed': 1 });
    // At the node it failed on, with the reason a dead-lettered step gives.
    expect(enrolment).toMatchObject({ node: 'mail', failure: expect.stringMatching(/^Failed after 5 attempts: /) });

    // A redrive of the dead-lettered message (and any other copy): no second record, no counter.
    const redrive = sqsEvent(
      { kind: 'enrol', workspaceId: owner.workspaceId, campaignId, contactId, launchId: 'launch-r14' },
      5,
    );
    expect(await runtime.functions.invoke('drip-step-worker', redrive.event)).toEqual({ batchItemFailures: [] });
    expect(await enrolmentsOf(api, campaignId, contactId)).toEqual([
      expect.objectContaining({ status: 'failed', node: 'mail' }),
    ]);
    expect((await json(await api('GET', `/api/campaigns/${campaignId}/stats`))).counters).toMatchObject({
      entered: 1,
      'exited:failed': 1,
    });

    // Once the cause is fixed, the existing retry route gives it another go at the mail, and it ends.
    await okJson(await api('PUT', '/api/settings/email.postal_address', { value: '1 Main Street, Springfield' }), 201);
    const retried = await okJson(await api('POST', `/api/campaigns/${campaignId}/enrolments/${contactId}/retry`));
    expect(retried.enrolment).toMatchObject({ status: 'waiting', node: 'mail', retries: 1 });
    const done = await eventually(async () => {
      const [e] = await enrolmentsOf(api, campaignId, contactId);
      return e?.status === 'completed' ? e : undefined;
    });
    expect(done).toMatchObject({ status: 'completed', node: 'done' });
    const counters = (await json(await api('GET', `/api/campaigns/${campaignId}/stats`))).counters;
    expect(counters).toMatchObject({ entered: 1, completed: 1, 'exited:failed': 0, retried: 1 });
  }, 60_000);

  it('an enrolment a domain event starts, failing on the last delivery of the event, is failed the same way', async () => {
    const call = apiAs(() => triggerOwner);
    const tag = `dlq-${randomUUID().slice(0, 8)}`;
    const campaignId = await mailCampaign(call, { type: 'tag-added', tag });
    const contact = await okJson(
      await call('POST', '/api/contacts', { email: `dlq-${randomUUID()}@example.com` }),
      201,
    );
    const contactId = contact.contact.contactId as string;
    // The event as the bus delivers it (made here: the contact is never really tagged, so the
    // runtime's own delivery does not race this one).
    const envelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'contact.tag_added',
      source: 'unite-hub.crm',
      time: new Date().toISOString(),
      detail: { workspaceId: triggerOwner.workspaceId, contactId, tag, eventId: `ev-${randomUUID()}` },
    };
    const first = sqsEvent(envelope, 5);
    expect(await runtime.functions.invoke('drip-step-worker', first.event)).toEqual({
      batchItemFailures: [{ itemIdentifier: first.messageId }],
    });
    expect(await enrolmentsOf(call, campaignId, contactId)).toEqual([
      expect.objectContaining({ status: 'failed', node: 'mail', failure: expect.stringMatching(/postal address/i) }),
    ]);
    const counters = { entered: 1, 'exited:failed': 1 };
    expect((await json(await call('GET', `/api/campaigns/${campaignId}/stats`))).counters).toMatchObject(counters);

    // Its redrive finds this event's run: it claims the event and writes nothing more.
    const redrive = sqsEvent(envelope, 1);
    expect(await runtime.functions.invoke('drip-step-worker', redrive.event)).toEqual({ batchItemFailures: [] });
    expect(await enrolmentsOf(call, campaignId, contactId)).toHaveLength(1);
    expect((await json(await call('GET', `/api/campaigns/${campaignId}/stats`))).counters).toMatchObject(counters);
  }, 60_000);

  it('an earlier delivery writes nothing: the message comes back', async () => {
    const call = apiAs(() => triggerOwner);
    const campaignId = await mailCampaign(call);
    const contact = await okJson(
      await call('POST', '/api/contacts', { email: `dlq-${randomUUID()}@example.com` }),
      201,
    );
    const contactId = contact.contact.contactId as string;
    const { messageId, event } = sqsEvent(
      { kind: 'enrol', workspaceId: triggerOwner.workspaceId, campaignId, contactId, launchId: 'launch-early' },
      4,
    );
    expect(await runtime.functions.invoke('drip-step-worker', event)).toEqual({
      batchItemFailures: [{ itemIdentifier: messageId }],
    });
    expect(await enrolmentsOf(call, campaignId, contactId)).toEqual([]);
  }, 60_000);
});

describe('failing an enrolment on its last delivery (engine)', () => {
  const JOURNEY = {
    nodes: [
      { id: 'start', kind: 'trigger', next: 'mail' },
      { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
      { id: 'end', kind: 'exit' },
    ],
  };
  // Loaded once the runtime set the environment: the shared config is read on its first import,
  // and the runtime's functions share it.
  const engine = async () => ({
    ...(await import('../../shared/campaigns/run-step')),
    ...(await import('../unit/campaigns/campaign-world')),
    refused: () => new errors.ValidationError('Set a postal address', 'POSTAL_ADDRESS_MISSING'),
  });
  let errors: typeof import('../../shared/errors');
  beforeAll(async () => {
    errors = await import('../../shared/errors');
  });
  const CAMPAIGN = 'cmp1';
  const message = { workspaceId: 'ws1', campaignId: CAMPAIGN, contactId: 'p1', launchId: 'l1' };
  const brokenDeps = (deps: StepDeps, error: Error): StepDeps => ({
    ...deps,
    mailer: { ...deps.mailer, send: () => Promise.reject(error) },
  });
  const failureOf = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (error) {
      return error;
    }
    throw new Error('expected the run to fail');
  };

  it('fails at the node once: a second call, or a copy of the message, writes nothing more', async () => {
    const { campaignWorld, enrolContact, failEnrolment, refused, retryEnrolment, runStep } = await engine();
    const w = campaignWorld(JOURNEY);
    w.addContact('p1');
    const error = await failureOf(enrolContact({ kind: 'enrol', ...message }, brokenDeps(w.deps, refused()), 'm1'));
    expect(w.enrolments.size).toBe(0);
    expect(await failEnrolment(message, error, 'Failed after 5 attempts: Set a postal address')).toBe(true);
    const state = w.enrolments.get(`${CAMPAIGN}#p1`) as EnrolmentState;
    expect(state).toMatchObject({ status: 'failed', node: 'mail', failure: expect.stringMatching(/postal address/) });
    expect(await failEnrolment(message, error, 'again')).toBe(false);
    expect(await enrolContact({ kind: 'enrol', ...message }, w.deps, 'm2')).toMatchObject({ status: 'not-enrolled' });
    expect(Object.fromEntries(w.counters)).toMatchObject({ entered: 1, 'exited:failed': 1, 'node:mail:entered': 1 });
    expect(w.sends.size).toBe(0);
    // Retried after the fix: the mail goes once and the run completes; the counters still add up.
    const queued: DripStepMessage[] = [];
    const queue = { sendAll: async (m: readonly DripStepMessage[]) => void queued.push(...m) };
    expect(await retryEnrolment(state, { ...w.deps, queue })).toBe(true);
    expect(await runStep(queued[0] as StepMessage, w.deps)).toEqual({ status: 'ended', reason: 'completed' });
    expect(w.enrolments.get(`${CAMPAIGN}#p1`)).toMatchObject({ status: 'completed' });
    expect(w.sends.size).toBe(1);
    expect(Object.fromEntries(w.counters)).toMatchObject({ entered: 1, completed: 1, 'exited:failed': 0, waiting: 0 });
  });

  it('a copy that enrolled meanwhile wins: no second record, no counter moved', async () => {
    const { campaignWorld, enrolContact, failEnrolment, refused } = await engine();
    const w = campaignWorld(JOURNEY);
    w.addContact('p1');
    const error = await failureOf(enrolContact({ kind: 'enrol', ...message }, brokenDeps(w.deps, refused()), 'm1'));
    expect(await enrolContact({ kind: 'enrol', ...message }, w.deps, 'm2')).toMatchObject({ status: 'ended' });
    const before = Object.fromEntries(w.counters);
    expect(await failEnrolment(message, error, 'Failed after 5 attempts: Set a postal address')).toBe(false);
    expect(w.enrolments.get(`${CAMPAIGN}#p1`)).toMatchObject({ status: 'completed' });
    expect(Object.fromEntries(w.counters)).toEqual(before);
  });

  it('one error shared by the runs of several contacts fails each at its own run; an error from no node fails nothing', async () => {
    const { campaignWorld, enrolContact, failEnrolment, refused } = await engine();
    const w = campaignWorld(JOURNEY);
    w.addContact('p1');
    w.addContact('p2');
    const shared = refused();
    await failureOf(enrolContact({ kind: 'enrol', ...message }, brokenDeps(w.deps, shared)));
    await failureOf(enrolContact({ kind: 'enrol', ...message, contactId: 'p2' }, brokenDeps(w.deps, shared)));
    expect(await failEnrolment({ ...message, contactId: 'p2' }, shared, 'f2')).toBe(true);
    expect(await failEnrolment(message, shared, 'f1')).toBe(true);
    expect(w.enrolments.get(`${CAMPAIGN}#p1`)).toMatchObject({ status: 'failed', failure: 'f1' });
    expect(w.enrolments.get(`${CAMPAIGN}#p2`)).toMatchObject({ status: 'failed', failure: 'f2' });
    expect(await failEnrolment({ ...message, contactId: 'p3' }, refused(), 'f3')).toBe(false);
    expect(w.counters.get('entered')).toBe(2);
  });
});
