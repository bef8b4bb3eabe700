/**
 * The capacity and cost model (lib/model/): its per-enrolment counts against a hand count of
 * tiny journeys, its bill against the price table, and the fan-out simulation against each quota.
 */
import { describe, expect, it } from 'vitest';
import {
  campaignCost,
  DEFAULT_ASSUMPTIONS,
  enrolmentCalls,
  launchExecutionCount,
  launchOperations,
  PAGES_PER_EXECUTION,
  PRICES,
  QUOTAS,
  sumCalls,
  WITH_FIXES,
} from '../../../lib/model/campaign-costs';
import { simulateFanOut } from '../../../lib/model/fan-out-simulation';

const noEvents = { ...DEFAULT_ASSUMPTIONS, providerEvents: false };

describe('operations per enrolment', () => {
  it('matches a hand count for trigger -> email -> exit', () => {
    // Prepare: one message runs the whole journey; the email-sender sends once.
    const ops = sumCalls(enrolmentCalls({ emails: 1, waitsMinutes: [] }, noEvents));
    // Assess. Step: 1 consistent enrolment read, the campaign 1 (consistent; its frozen version is
    // kept per container: 0), contact 1 (consistent), timeline 1 (consistent), 3 consistent suppressions
    // (workspace, global, the contact's own opt-outs), the template 0.5 (its saved version kept per
    // container: 0); the sender profile is remembered per container (0).
    // Sender: 3 consistent suppressions and the contact (its CRM status), the campaign fence's
    // enrolment and campaign items (consistent: 2), gate 0.5, pacer read 1.
    expect(ops.rru).toBe(1 + 1 + 1 + 1 + 3 + 0.5 + (4 + 2 + 0.5 + 1));
    // Step: enrolment Put 1, an ADD to each of the 4 stats items its counters touch (campaign-wide,
    // the trigger's, the email's, the exit's), each summed over a batch of 10 (4 x 0.1), gsi1 1, no
    // due index, send log 1. Sender: claim 1, pacer 1, markSent 1 (the state; a campaign key fits the
    // ledger tag, so no message-id pointer) and the hour counter summed over a batch of 10 (0.1).
    expect(ops.wru).toBeCloseTo(1 + 4 * 0.1 + 1 + 1 + (1 + 1 + 1 + 0.1));
    // Each queue: receive + delete per batch of 10 (0.2); the email message shares a
    // SendMessageBatch with the other 9 records' (0.1).
    expect(ops.sqsRequests).toBeCloseTo(0.2 + 0.1 + 0.2);
    expect(ops.lambdaInvocations).toBeCloseTo(0.2);
    expect(ops).toMatchObject({ schedules: 0, emails: 1, transitions: 0 });
  });

  it("counts an email's provider events by hand: Send, Delivery and the delivery's domain event", () => {
    const journey = { emails: 1, waitsMinutes: [] };
    const events = sumCalls(enrolmentCalls(journey));
    const without = sumCalls(enrolmentCalls(journey, noEvents));
    const delta = (k: 'rru' | 'wru' | 'sqsRequests' | 'busEvents' | 'lambdaInvocations') => events[k] - without[k];
    // Send: none (acknowledgeSent reads, finds it sent). Delivery: markDelivery 1, the timeline
    // transaction (interaction + contact: 2 x 2), the campaign's count (marker + the campaign-wide
    // stats item's ADD + the node's: 3 x 2).
    expect(delta('wru')).toBeCloseTo(1 + 4 + 6);
    // Send: acknowledgeSent's consistent read (1). Delivery: the send names its contact (no lookup
    // by address); score state, claim, contact consistent (3). Domain event: gsi1 Query 0.5, the
    // enrolment re-read 1, the trigger index 0.5.
    expect(delta('rru')).toBeCloseTo(1 + 3 + (0.5 + 1 + 0.5));
    // Three messages, each sent by a rule (1) and received and deleted a batch at a time (0.2).
    expect(delta('sqsRequests')).toBeCloseTo(3 * (1 + 0.2));
    expect(delta('lambdaInvocations')).toBeCloseTo(3 * 0.1);
    expect(delta('busEvents')).toBe(1);
  });

  it('turns a wait over 15 minutes into one schedule and a short one into an SQS delay', () => {
    const long = sumCalls(enrolmentCalls({ emails: 2, waitsMinutes: [24 * 60] }, noEvents));
    const short = sumCalls(enrolmentCalls({ emails: 2, waitsMinutes: [10] }, noEvents));
    expect(long.schedules).toBe(1);
    expect(short.schedules).toBe(0);
    // Either way one message comes back to drip-steps: the schedule's target sends it alone (1),
    // the delayed send shares a SendMessageBatch with the batch's other timers (0.1).
    expect(long.sqsRequests - short.sqsRequests).toBeCloseTo(1 - 0.1);
    // The due index is added by the wait and removed at the end (1 + 1).
    // Two saves (Put 1, gsi1 1; stats: the first move 4 items, campaign-wide, trigger, email, wait;
    // the second 3, campaign-wide, email, exit; 0.1 each), two send logs, two sends (claim, pacer,
    // markSent 1.1).
    expect(long.wru).toBeCloseTo(2 * (1 + 1) + (4 + 3) * 0.1 + 1 + 1 + 2 * 1 + 2 * (1 + 1 + 1.1));
  });

  it('counts the campaign goal kept after the end: a deadline timer, the due index kept, one more step', () => {
    const plain = sumCalls(enrolmentCalls({ emails: 1, waitsMinutes: [] }, noEvents));
    const goal = sumCalls(enrolmentCalls({ emails: 1, waitsMinutes: [], goalMinutesAfterEnd: 6 * 24 * 60 }, noEvents));
    // The end's save adds the due-index entry (1); the deadline's step removes it (1) with its Put
    // (1) and gsi1 rewrite (1); judged without a conversion, it adds no counter (no stats ADD).
    expect(goal.wru - plain.wru).toBeCloseTo(1 + (1 + 1 + 1));
    // The deadline's step reads as any step: enrolment 1, campaign 1, contact 1, timeline 1, suppressions 3.
    expect(goal.rru - plain.rru).toBeCloseTo(1 + 1 + 1 + 1 + 3);
    // A deadline days away is one schedule, whose firing sends the step (1); that message is received
    // and deleted a batch at a time (0.2).
    expect(goal.schedules - plain.schedules).toBe(1);
    expect(goal.sqsRequests - plain.sqsRequests).toBeCloseTo(1 + 0.2);
    expect(goal.lambdaInvocations - plain.lambdaInvocations).toBeCloseTo(0.1);
    expect(goal.emails).toBe(plain.emails);
  });

  it('refuses a journey whose waits do not sit between its emails', () => {
    expect(() => enrolmentCalls({ emails: 2, waitsMinutes: [] })).toThrow(/one wait/);
  });
});

describe('the bill', () => {
  it('prices every operation from the one price table', () => {
    const report = campaignCost(1_000, { emails: 1, waitsMinutes: [] }, noEvents);
    const t = report.total;
    const expected =
      t.transitions * PRICES.sfnTransition.usd +
      t.schedules * PRICES.schedulerInvocation.usd +
      t.sqsRequests * PRICES.sqsRequest.usd +
      t.lambdaInvocations * PRICES.lambdaRequest.usd +
      t.lambdaGbSeconds * PRICES.lambdaGbSecondArm.usd +
      t.wru * PRICES.dynamoWru.usd +
      t.rru * PRICES.dynamoRru.usd;
    expect(report.beyondSes).toBeCloseTo(expected, 10);
    expect(report.ses).toBeCloseTo(1_000 * PRICES.sesEmail.usd);
    expect(report.beyondSesPerMillion).toBeCloseTo(expected * 1_000, 6);
  });

  it('counts the launch loop as two transitions a page and one at the end', () => {
    expect(launchOperations(1_000).transitions).toBe(10 * 2 + 1);
    expect(launchOperations(1_001).lambdaInvocations).toBe(11);
  });

  it("counts a launch's DynamoDB calls by hand, page by page and contact by contact", () => {
    // 1,000 contacts: 10 pages of 100.
    const ops = launchOperations(1_000);
    // Per page: the marker Put with its 100 contact ids (~3.9 KB: 4 WRU), then the count's
    // transaction, the marker Update (2 x 4) and the launch record Update (< 1 KB: 2). Once: the
    // first page's begin (1).
    expect(ops.wru).toBe(10 * (4 + 2 * 4 + 2) + 1);
    // Per page: the marker read (consistent, 1) and the audience Query (25 x 4 KB, eventual: 12.5).
    // Per contact: its item (consistent, 1) and 3 consistent suppressions (workspace, global, its own opt-outs).
    expect(ops.rru).toBe(10 * (1 + 12.5) + 1_000 * (1 + 3));
    // The enrol messages, 10 a SendMessageBatch.
    expect(ops.sqsRequests).toBe(100);
  });

  it('counts a large launch as a chain of executions of PAGES_PER_EXECUTION pages, each continued one ending in 2 more transitions', () => {
    // 1,000,000 contacts: 10,000 pages of 100, 10 executions of 1,000 pages; 9 of them continue as new.
    expect(PAGES_PER_EXECUTION).toBe(1_000);
    expect(launchExecutionCount(1_000_000)).toBe(10);
    expect(launchOperations(1_000_000).transitions).toBe(10_000 * 2 + 1 + 9 * 2);
    // One page past a full execution takes a second one; exactly full takes one.
    expect(launchExecutionCount(100_000)).toBe(1);
    expect(launchExecutionCount(100_001)).toBe(2);
    expect(launchOperations(100_001).transitions).toBe(1_001 * 2 + 1 + 2);
  });

  it('names the dominant term, and the proposed fixes lower the writes', () => {
    const journey = { emails: 5, waitsMinutes: [2880, 2880, 2880, 2880] };
    const built = campaignCost(1_000_000, journey);
    const fixed = campaignCost(1_000_000, journey, WITH_FIXES);
    expect(built.dominant.service).toBe('DynamoDB writes');
    expect(fixed.perEnrolment.wru).toBeLessThan(built.perEnrolment.wru);
    expect(fixed.beyondSes).toBeLessThan(built.beyondSes);
  });
});

describe('the fan-out simulation', () => {
  it.each([
    { launchExecutions: 1, statsShards: 1 },
    { launchExecutions: 20, statsShards: 1 },
    { launchExecutions: 20, statsShards: 10 },
  ])('stays within every quota ($launchExecutions executions, $statsShards stats shards)', (variant) => {
    const sesRate = 150;
    const r = simulateFanOut({ contacts: 200_000, sesRatePerSecond: sesRate, ...variant });
    expect(r.rows.at(-1)?.enrolled).toBe(200_000);
    expect(r.rows.at(-1)?.emailsSent).toBe(200_000);
    expect(r.peaks.createSchedulePerSecond).toBeLessThanOrEqual(QUOTAS.schedulerCreateSchedulePerSecond);
    expect(r.peaks.statsWruPerSecond).toBeLessThanOrEqual(QUOTAS.dynamoItemWruPerSecond);
    expect(r.peaks.concurrency).toBeLessThanOrEqual(QUOTAS.lambdaAccountConcurrency);
    expect(r.peaks.transitionsPerSecond).toBeLessThanOrEqual(QUOTAS.sfnStateTransitionRefillPerSecond);
    expect(r.peaks.sesPerSecond).toBeLessThanOrEqual(sesRate);
    // SES is the floor of the first wave.
    expect(r.firstEmailsAfter).toBeGreaterThanOrEqual(200_000 / sesRate);
  });

  it('says which quota binds: a single stats item once the launch is parallel, CreateSchedule with the 8 shards as built', () => {
    const hot = simulateFanOut({ contacts: 300_000, sesRatePerSecond: 10_000, launchExecutions: 50, statsShards: 1 });
    const asBuilt = simulateFanOut({ contacts: 300_000, sesRatePerSecond: 10_000, launchExecutions: 50 });
    const top = (r: typeof hot) => Object.entries(r.boundSeconds).sort(([, a], [, b]) => b - a)[0]?.[0];
    expect(top(hot)).toBe('stats item WRU/s');
    expect(hot.peaks.enrolPerSecond).toBe(QUOTAS.dynamoItemWruPerSecond);
    expect(top(asBuilt)).toBe('CreateSchedule TPS');
    expect(asBuilt.peaks.enrolPerSecond).toBe(QUOTAS.schedulerCreateSchedulePerSecond);
  });

  it("paces one launch's page loop with a pause at each continued execution, and queues every contact", () => {
    // 1,000 pages run in one execution; the 1,001st waits for the next execution's start.
    const a = { ...DEFAULT_ASSUMPTIONS, audiencePageMs: 900 };
    const r = simulateFanOut({ contacts: 100_100, sesRatePerSecond: 100_000, transitionSeconds: 0.05, assumptions: a });
    expect(r.rows.at(-1)?.queued).toBe(100_100);
    // 1,000 pages of 1 s, then the chain's 0.15 s, then one more page: done in the 1,002nd second.
    expect(r.enrolledAfter).toBe(1_002);
  });
});
