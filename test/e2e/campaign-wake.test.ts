/**
 * Waking held enrolments through the whole local runtime: a contact's domain event (tag added,
 * interaction recorded) reaches the drip-steps queue through the declared EventBridge rule, and
 * the drip-step worker re-runs the contact's waiting enrolments it could move, so a goal met, an
 * awaited interaction or a reply is seen within seconds instead of at the node's next timer.
 *
 * Timing. TIME_SCALE=60 runs campaign time a minute per wall-clock second. Each journey holds
 * for 30 days: a goal and a wait for an event look again every 12 h of campaign time (a 12th of
 * the window, at most 12 h: execute-node.ts), a duration wait only at its end. Without the wake
 * the next look would come 12 h / 60 = 720 s of real time later at the soonest (the local
 * runtime chains SQS delays of at most 15 min, which is later still); the test reads each
 * enrolment's due time to check that premise, then wants the change seen within 20 s, and at a
 * campaign time before that due time. One runtime for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

const TIME_SCALE = 60;
/** Well inside the 720 s a poll would take, well above a slow machine's event path. */
const SEEN_WITHIN_MS = 20_000;

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, {
    RATE_LIMITS: 'off',
    TIME_SCALE: String(TIME_SCALE),
    LOG_LEVEL: 'WARN',
  });
  owner = await newUser(runtime, 'wake');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) => requestAs(runtime, () => owner)(method, path, body);
const ok = okJson;

/** Campaign time now, from the origin the runtime set. */
const campaignNow = () => {
  const [realMs, clockMs] = (process.env.CLOCK_ORIGIN ?? '').split(':').map(Number) as [number, number];
  return clockMs + (Date.now() - realMs) * TIME_SCALE;
};

type Enrolment = { campaignId: string; node: string; status: string; dueAt?: string; endedAt?: string };
const enrolmentOf = async (contactId: string, campaignId: string): Promise<Enrolment | undefined> =>
  ((await json(await api('GET', `/api/contacts/${contactId}/enrolments`))).enrolments as Enrolment[]).find(
    (e) => e.campaignId === campaignId,
  );

/** A published campaign of `holding` after the trigger, with the contact enrolled and waiting there. */
async function holdingAt(run: string, holding: Record<string, unknown>) {
  const contact = (await ok(await api('POST', '/api/contacts', { email: `${holding.id}.${run}@example.com` }), 201))
    .contact.contactId as string;
  const created = await ok(
    await api('POST', '/api/campaigns', {
      name: `Wake ${holding.id}`,
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', next: holding.id },
          { ...holding, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
    }),
    201,
  );
  const campaignId = created.campaign.campaignId as string;
  await ok(await api('POST', `/api/campaigns/${campaignId}/publish`));
  await ok(await api('POST', `/api/campaigns/${campaignId}/enrol`, { contactIds: [contact] }), 202);
  const held = await eventually(async () => {
    const e = await enrolmentOf(contact, campaignId);
    return e?.status === 'waiting' ? e : undefined;
  }, 20_000);
  expect(held).toMatchObject({ node: holding.id, status: 'waiting' });
  const dueAt = Date.parse(held.dueAt as string);
  // The premise: without a wake, nothing looks at it again for minutes of real time.
  const untilPollMs = (dueAt - campaignNow()) / TIME_SCALE;
  expect(untilPollMs).toBeGreaterThan(10 * SEEN_WITHIN_MS);
  return { contact, campaignId, dueAt };
}

/** Waits for the enrolment to end, at most SEEN_WITHIN_MS of real time, before its due time. */
async function endsSoon(held: { contact: string; campaignId: string; dueAt: number }) {
  const ended = await eventually(async () => {
    const e = await enrolmentOf(held.contact, held.campaignId);
    return e && e.status !== 'waiting' ? e : undefined;
  }, SEEN_WITHIN_MS);
  expect(Date.parse(ended.endedAt as string)).toBeLessThan(held.dueAt);
  return ended;
}

describe('held enrolments wake on their contact’s events', () => {
  it('a goal met (a tag added) is seen within seconds, not at the next poll', async () => {
    const run = `goal${Date.now()}`;
    const held = await holdingAt(run, {
      id: 'goal',
      kind: 'goal',
      if: { type: 'tag', tag: `customer-${run}` },
      within: { days: 30 },
    });
    expect(held.dueAt - campaignNow()).toBeLessThanOrEqual(12 * 3_600_000);

    await ok(await api('PATCH', `/api/contacts/${held.contact}`, { tags: [`customer-${run}`] }));
    expect(await endsSoon(held)).toMatchObject({ status: 'completed', converted: true });
  }, 60_000);

  it('a wait for an event moves on when that interaction is recorded', async () => {
    const run = `event${Date.now()}`;
    const held = await holdingAt(run, {
      id: 'form',
      kind: 'wait',
      for: { type: 'event', interaction: 'form_submit', timeout: { days: 30 } },
    });

    await ok(await api('POST', `/api/contacts/${held.contact}/interactions`, { type: 'form_submit' }), 201);
    expect(await endsSoon(held)).toMatchObject({ status: 'completed', exitReason: 'completed' });
  }, 60_000);

  it('a reply ends an enrolment in a 30-day wait at once', async () => {
    const run = `reply${Date.now()}`;
    const held = await holdingAt(run, { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 30 } } });

    await ok(await api('POST', `/api/contacts/${held.contact}/interactions`, { type: 'email_replied' }), 201);
    expect(await endsSoon(held)).toMatchObject({ status: 'exited', exitReason: 'replied' });
  }, 60_000);
});
