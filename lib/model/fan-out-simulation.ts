/**
 * A discrete-time simulation (1 s ticks, no AWS) of a campaign's first wave: the launch's page
 * loop queues `enrol` messages, the drip-step worker's SQS event source scales up and runs them,
 * each enrolment's save passes the campaign's stats items (one ADD on each item of a subject its
 * counters touch: one partition's WRU a second per item) and its long wait takes a CreateSchedule token, and its first email waits for the SES
 * pace. Every quota is a token bucket or a cap; the result says which one held each second back.
 */
import { type Assumptions, DEFAULT_ASSUMPTIONS, PAGES_PER_EXECUTION, QUOTAS } from './campaign-costs';

export interface FanOutParams {
  readonly contacts: number;
  /** SES sends a second granted to the account (the pacer uses 0.8 of it by default). */
  readonly sesRatePerSecond: number;
  /**
   * Launches running side by side over parts of the audience (the engine runs one per launch: a chain
   * of executions, one after another, of at most PAGES_PER_EXECUTION pages each).
   */
  readonly launchExecutions?: number;
  /** Stats items a campaign's counters are spread over (the engine has one). */
  readonly statsShards?: number;
  /** Step Functions overhead per transition, in seconds. */
  readonly transitionSeconds?: number;
  readonly assumptions?: Assumptions;
  /** Stops the simulation here, whatever is left (seconds). */
  readonly maxSeconds?: number;
}

export type Bound =
  | 'launch page loop'
  | 'Lambda concurrency (event-source scale-up)'
  | 'stats item WRU/s'
  | 'CreateSchedule TPS'
  | 'queue empty';

export interface FanOutRow {
  readonly second: number;
  readonly queued: number;
  readonly enrolled: number;
  readonly emailsSent: number;
  readonly concurrency: number;
  readonly bound: Bound;
}

export interface FanOutResult {
  /** Seconds until every contact was enrolled (its first step run, its wait scheduled). */
  readonly enrolledAfter: number;
  /** Seconds until every first email was accepted by SES. */
  readonly firstEmailsAfter: number;
  readonly rows: readonly FanOutRow[];
  /** Seconds each bound held the enrolment rate back. */
  readonly boundSeconds: Readonly<Record<Bound, number>>;
  /** Highest rate each quota saw (per second), to check none was exceeded. */
  readonly peaks: {
    readonly enrolPerSecond: number;
    readonly createSchedulePerSecond: number;
    readonly statsWruPerSecond: number;
    readonly startExecutionsPerSecond: number;
    readonly transitionsPerSecond: number;
    readonly concurrency: number;
    readonly sesPerSecond: number;
  };
}

/**
 * WRU one enrolment's save puts on each stats item it touches (a plain ADD after the move, item
 * <= 1 KB): its counters go to one item per subject (the campaign-wide one, each node's:
 * dynamo-enrolments.ts `counterSubject`), each subject spread over the same shards, so no item
 * takes more than one ADD a save and the bound per item is as if there were one subject.
 */
const STATS_WRU_PER_SAVE = 1;

export function simulateFanOut(p: FanOutParams): FanOutResult {
  const a = p.assumptions ?? DEFAULT_ASSUMPTIONS;
  const executions = p.launchExecutions ?? 1;
  // As built: the counters are spread over CAMPAIGN_STATS_SHARDS items (shared/adapters/keys.ts).
  const shards = p.statsShards ?? 8;
  const transition = p.transitionSeconds ?? 0.05;
  const maxSeconds = p.maxSeconds ?? 7 * 86_400;
  // One execution: a Task (the page) then a Choice, one after the other.
  const pageSeconds = a.audiencePageMs / 1000 + 2 * transition;
  // Every PAGES_PER_EXECUTION pages the execution continues as new: its ContinueAsNew task, its
  // Succeed, and the next execution's start (counted as one more transition).
  const chunkSeconds = PAGES_PER_EXECUTION * pageSeconds + 3 * transition;
  const pages = Math.ceil(p.contacts / a.pageSize);
  const perExecution = Math.ceil(pages / executions);

  let startTokens = 800; // StartExecution burst
  let started = 0;
  let queued = 0;
  let queue = 0;
  /** Messages left waiting after the previous second. */
  let backlog = 0;
  let enrolled = 0;
  let emailQueue = 0;
  let sent = 0;
  let concurrency: number = QUOTAS.lambdaSqsInitialConcurrency;
  let enrolledAfter = Number.NaN;
  const boundSeconds: Record<Bound, number> = {
    'launch page loop': 0,
    'Lambda concurrency (event-source scale-up)': 0,
    'stats item WRU/s': 0,
    'CreateSchedule TPS': 0,
    'queue empty': 0,
  };
  const peaks = {
    enrolPerSecond: 0,
    createSchedulePerSecond: 0,
    statsWruPerSecond: 0,
    startExecutionsPerSecond: 0,
    transitionsPerSecond: 0,
    concurrency: 0,
    sesPerSecond: 0,
  };
  const rows: FanOutRow[] = [];
  let nextRow = 0;
  const pagesDoneBy = (t: number) => {
    const chunks = Math.floor(t / chunkSeconds);
    const inChunk = Math.min(PAGES_PER_EXECUTION, Math.floor((t - chunks * chunkSeconds) / pageSeconds));
    return Math.min(perExecution, chunks * PAGES_PER_EXECUTION + inChunk);
  };

  let t = 0;
  for (; t < maxSeconds && sent < p.contacts; t += 1) {
    // Launches start as StartExecution tokens allow (refill 300/s).
    startTokens = Math.min(800, startTokens + QUOTAS.sfnStartExecutionRefillPerSecond);
    const starting = Math.min(executions - started, Math.floor(startTokens));
    startTokens -= starting;
    started += starting;
    peaks.startExecutionsPerSecond = Math.max(peaks.startExecutionsPerSecond, starting);
    // Pages of the running executions (each started at t = 0 here: the start is not the bound).
    const pagesNow = Math.min(pages, started * pagesDoneBy(t + 1));
    const pagesBefore = Math.min(pages, started * pagesDoneBy(t));
    peaks.transitionsPerSecond = Math.max(peaks.transitionsPerSecond, (pagesNow - pagesBefore) * 2);
    const nowQueued = Math.min(p.contacts, pagesNow * a.pageSize);
    queue += nowQueued - queued;
    queued = nowQueued;

    // The event source: +300 concurrent a minute while messages wait, up to the account's.
    if (backlog > 0) {
      concurrency = Math.min(QUOTAS.lambdaAccountConcurrency, concurrency + QUOTAS.lambdaSqsScaleUpPerMinute / 60);
    }
    const caps: Array<[Bound, number]> = [
      ['Lambda concurrency (event-source scale-up)', (Math.floor(concurrency) * a.batchSize * 1000) / a.stepBatchMs],
      ['stats item WRU/s', (shards * QUOTAS.dynamoItemWruPerSecond) / STATS_WRU_PER_SAVE],
      ['CreateSchedule TPS', QUOTAS.schedulerCreateSchedulePerSecond],
    ];
    const [tightest, cap] = caps.reduce((x, y) => (y[1] < x[1] ? y : x));
    const done = Math.floor(Math.min(queue, cap));
    if (queue === 0 || done === queue) {
      boundSeconds[queued < p.contacts ? 'launch page loop' : 'queue empty'] += enrolled < p.contacts ? 1 : 0;
    } else boundSeconds[tightest] += 1;
    queue -= done;
    backlog = queue;
    enrolled += done;
    peaks.enrolPerSecond = Math.max(peaks.enrolPerSecond, done);
    peaks.createSchedulePerSecond = Math.max(peaks.createSchedulePerSecond, done);
    peaks.statsWruPerSecond = Math.max(peaks.statsWruPerSecond, (done * STATS_WRU_PER_SAVE) / shards);
    peaks.concurrency = Math.max(peaks.concurrency, Math.floor(concurrency));
    if (enrolled >= p.contacts && Number.isNaN(enrolledAfter)) enrolledAfter = t + 1;

    emailQueue += done;
    const sending = Math.min(emailQueue, Math.floor(p.sesRatePerSecond));
    emailQueue -= sending;
    sent += sending;
    peaks.sesPerSecond = Math.max(peaks.sesPerSecond, sending);

    if (enrolled >= nextRow || sent >= p.contacts) {
      rows.push({
        second: t + 1,
        queued,
        enrolled,
        emailsSent: sent,
        concurrency: Math.floor(concurrency),
        bound: queue === 0 && done < cap ? (queued < p.contacts ? 'launch page loop' : 'queue empty') : tightest,
      });
      nextRow = enrolled + p.contacts / 10;
    }
  }
  return { enrolledAfter, firstEmailsAfter: sent >= p.contacts ? t : Number.NaN, rows, boundSeconds, peaks };
}
