/**
 * Capacity and cost model of the campaign engine (`npm run model:campaigns`): list prices and
 * quotas in one table, the operations one enrolment costs (hand-counted from the code, each
 * count naming where it comes from), the launch's state-machine loop (a chain of executions of at
 * most PAGES_PER_EXECUTION pages), and a discrete-time
 * simulation of a fan-out against the quotas. Arithmetic and simulation only: nothing here
 * calls AWS, and nothing here is a measurement.
 */

/** us-east-1 list prices. Free tiers are ignored (a campaign of 1M contacts is past them). */
import { counterSubject } from '../../shared/adapters/dynamo-enrolments';
import { PAGES_PER_EXECUTION } from '../../shared/campaigns/launch-chain';

export { PAGES_PER_EXECUTION };

export const PRICES = {
  sfnTransition: { usd: 0.025 / 1_000, unit: 'Standard state transition' },
  schedulerInvocation: { usd: 1 / 1_000_000, unit: 'one-time schedule invocation (create/delete API calls are free)' },
  sqsRequest: { usd: 0.4 / 1_000_000, unit: 'standard-queue request (per 64 KB chunk)' },
  lambdaGbSecondArm: { usd: 0.0000133334, unit: 'GB-s, arm64 (x86: $0.0000166667)' },
  lambdaRequest: { usd: 0.2 / 1_000_000, unit: 'Lambda request' },
  dynamoWru: { usd: 0.625 / 1_000_000, unit: 'on-demand write request unit (1 KB; 2 per item in a transaction)' },
  dynamoRru: {
    usd: 0.125 / 1_000_000,
    unit: 'on-demand read request unit (4 KB strongly consistent; half for eventual)',
  },
  sesEmail: { usd: 0.1 / 1_000, unit: 'email sent through SES (reported apart: "beyond SES fees")' },
  busEvent: {
    usd: 1 / 1_000_000,
    unit: 'custom event published to an event bus (PutEvents, per 64 KB); AWS service events on the default bus are free',
  },
} as const;

/**
 * Where the prices come from. DynamoDB on-demand was cut by half on 1 November 2024 (from
 * $1.25 / $0.25 per million WRU / RRU, the figures older pages still quote).
 */
export const PRICE_SOURCE =
  'aws.amazon.com pricing pages of Step Functions, EventBridge (Scheduler), SQS, Lambda, DynamoDB and SES, us-east-1, ' +
  'as read on 2026-12-04 (DynamoDB on-demand after the 2024-11-01 reduction: $0.625 / M WRU, $0.125 / M RRU).';

/** The prices older documents quote for DynamoDB on-demand (before 2024-11-01), for comparison. */
export const DYNAMO_PRICES_BEFORE_2024_11 = { wru: 1.25 / 1_000_000, rru: 0.25 / 1_000_000 } as const;

/** Default account quotas (us-east-1) that bound a fan-out. Per second unless said otherwise. */
export const QUOTAS = {
  sfnOpenExecutions: 1_000_000,
  sfnStartExecutionRefillPerSecond: 300,
  sfnStateTransitionRefillPerSecond: 5_000,
  schedulerCreateSchedulePerSecond: 1_000,
  schedulerInvocationsPerSecond: 1_000,
  sqsMaxDelaySeconds: 900,
  lambdaAccountConcurrency: 1_000,
  /** An SQS event source adds at most this many concurrent invocations a minute (starts at 5). */
  lambdaSqsScaleUpPerMinute: 300,
  lambdaSqsInitialConcurrency: 5,
  /** One partition (so one item) takes at most this many WRU a second, whatever the table's mode. */
  dynamoItemWruPerSecond: 1_000,
} as const;

/** A journey of `emails` email nodes with a wait after every one but the last. */
export interface JourneyShape {
  readonly emails: number;
  /** The waits between emails, in minutes (length `emails - 1`). */
  readonly waitsMinutes: readonly number[];
  /**
   * Set when the campaign has a goal (`rules.goal`) whose window is still open when the journey
   * ends: the run stays eligible for the goal until the deadline (run-step.ts `judgeEndedGoal`),
   * its last save keeps a due-index entry and sets a deadline timer, and one more step judges it
   * there. The minutes from the end to the deadline. Absent: no goal, or its window closed by then.
   * Contact events while it is eligible are not counted: one that could meet the goal costs a wake
   * and a judgement's reads, with no write and no timer unless it converts (then that conversion's
   * Put stands for the deadline's); one that cannot reads nothing of the run.
   */
  readonly goalMinutesAfterEnd?: number;
}

/** Billable operations, as counts (RRU/WRU already in units). */
export interface Operations {
  rru: number;
  wru: number;
  sqsRequests: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  schedules: number;
  transitions: number;
  emails: number;
  /** Custom events published to the domain-events bus. */
  busEvents: number;
}

const zero = (): Operations => ({
  rru: 0,
  wru: 0,
  sqsRequests: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  schedules: 0,
  transitions: 0,
  emails: 0,
  busEvents: 0,
});

export function addOps(a: Operations, b: Partial<Operations>, times = 1): Operations {
  const out = { ...a };
  for (const [k, v] of Object.entries(b) as Array<[keyof Operations, number]>) out[k] += v * times;
  return out;
}

/** What the counts assume where the code does not fix a number. */
export interface Assumptions {
  /** Records per drip-step / email-sender invocation (the queues' batchSize). */
  readonly batchSize: number;
  /** Duration of one drip-step batch (BatchProcessor runs its 10 records concurrently). */
  readonly stepBatchMs: number;
  readonly sendBatchMs: number;
  readonly audiencePageMs: number;
  readonly memoryGb: number;
  /** Audience page size (functions/campaign-audience: 100). */
  readonly pageSize: number;
  /**
   * Whether each email's provider events are counted: its Send and Delivery events and the
   * delivery's domain event (opens, clicks, bounces and complaints come on top, per recipient).
   */
  readonly providerEvents: boolean;
  /**
   * WRU a save spends on each stats item its counters touch (one item per subject: the campaign-wide
   * counters' and each node's, arm's or subject line's, dynamo-enrolments.ts `counterSubject`): a
   * plain ADD of < 1 KB on one of 8 shards after the move (sent at most once: add-at-most-once.ts),
   * one per batch, campaign and item as built (the saves of a batch are summed: dynamo-enrolments.ts
   * `addMoved`), so 1 / batchSize when a batch's records are of one campaign at the same step.
   */
  readonly statsWruPerItem: number;
  /** WRU a save spends rewriting gsi1 (projection ALL): 1 as built; 0 with a KEYS_ONLY projection. */
  readonly gsi1WruPerSave: number;
  /** Sends per pacer compare-and-set: 1 as built; a batch taking its tokens at once: 10. */
  readonly sendsPerPacerTake: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  batchSize: 10,
  stepBatchMs: 300,
  sendBatchMs: 400,
  audiencePageMs: 600,
  memoryGb: 0.5,
  pageSize: 100,
  providerEvents: true,
  statsWruPerItem: 0.1,
  gsi1WruPerSave: 1,
  sendsPerPacerTake: 1,
};

/** The cheaper variant the model proposes (see bin/model-campaigns.ts): gsi1 and pacer changed (the counters are summed per batch as built). */
export const WITH_FIXES: Assumptions = {
  ...DEFAULT_ASSUMPTIONS,
  gsi1WruPerSave: 0,
  sendsPerPacerTake: 10,
};

/** One line of the hand count: a call in the code and what it costs. */
export interface CountedCall {
  readonly what: string;
  readonly where: string;
  readonly ops: Partial<Operations>;
}

const EVENTUAL_READ = 0.5;
const CONSISTENT_READ = 1;
/** A TransactWriteItems item costs 2 WRU a KB of the item (rounded up): 2 for one of <= 1 KB. */
const TX_ITEM = 2;

/**
 * Reads every drip-step message makes before its first node (run-step.ts `runStep`/`enrolContact`,
 * `advance`, `exitBeforeNode`).
 */
export const STEP_BASE: readonly CountedCall[] = [
  {
    what: 'enrolment GetItem, strongly consistent',
    where: 'dynamo-enrolments.ts get',
    ops: { rru: CONSISTENT_READ },
  },
  {
    what: 'campaign GetItem, strongly consistent (its frozen version is read once per container: ~0 a step)',
    where: 'dynamo-campaigns.ts dynamoCampaignVersions.load',
    ops: { rru: CONSISTENT_READ },
  },
  {
    what: 'contact GetItem, strongly consistent',
    where: 'dynamo-campaign-contacts.ts snapshot, dynamo-contacts.ts get',
    ops: { rru: CONSISTENT_READ },
  },
  {
    what: "timeline Query, strongly consistent, every page since the step's earliest window (min 1 RRU; more for contacts with history; skipped when the contact's latest interaction is older than the step looks back, e.g. a new contact's first step: counted on every step here)",
    where: 'dynamo-campaign-contacts.ts timelineSince',
    ops: { rru: CONSISTENT_READ },
  },
  {
    what: "suppressions, workspace + global + the contact's own opt-outs, strongly consistent (BatchGetItem)",
    where: 'dynamo-suppressions.ts reasonsFor',
    ops: { rru: 3 * CONSISTENT_READ },
  },
];

/**
 * The enrol message's launch check beyond the enrolment's record (run-step.ts `enrolContact`): the
 * record keeps its last 10 runs' launch ids, and an id a new run pushes out is claimed (one Put);
 * an enrol message whose id is not in the list of a contact past 10 runs reads the claims (one
 * strongly consistent GetItem). Nothing before a contact's 11th run of the campaign: 0 for the
 * one run counted here.
 */
export const LAUNCH_CLAIMS: CountedCall = {
  what: "launch claims: from the contact's 11th run of the campaign only (a Put per run, a consistent GetItem per enrol message of an unlisted launch id); none for a first run",
  where: 'run-step.ts enrolContact, dynamo-enrolments.ts claimLaunches/launchClaimed',
  ops: {},
};

/** The stats shards of a campaign (shared/adapters/keys.ts `CAMPAIGN_STATS_SHARDS`). */
export const STATS_SHARDS = 8;

/**
 * Bytes a stats item may take at most as the adapter writes it (dynamo-enrolments.ts
 * `counterUpdates`): its key (`WS#<uuid>`, `CAMPAIGNSTATS#<uuid>#<shard>#<subject>`) and a subject's
 * few counters (a node's kinds, an arm's families), or the campaign-wide ones. Checked against the
 * items the adapter writes in test/unit/model/r25j-fix-stats-items-cost.test.ts.
 */
export const STATS_ITEM_BYTES = 400;

/**
 * The stats items of a campaign whose counters touched `subjects` subjects besides the campaign-wide
 * counters: one item per shard and subject ({@link STATS_SHARDS} shards each).
 */
export const statsItems = (subjects: number): number => STATS_SHARDS * (1 + subjects);

/**
 * Read units of one Query of a campaign's stats items (dynamo-enrolments.ts `campaignCounters`,
 * eventually consistent): a Query is billed by the 4 KB of all the items it reads together, not
 * item by item (at least one unit).
 */
export const statsQueryRru = (items: number): number =>
  Math.max(1, Math.ceil((items * STATS_ITEM_BYTES) / 4096)) * EVENTUAL_READ;

/** The subjects of the A/B campaign the promotion rows assume: 5 nodes (trigger, split, 2 emails, exit) and 2 arms. */
export const AB_PROMOTION_SUBJECTS = 7;

/**
 * The `promote` rule's check (promotion.ts `autoPromoter`, wired in drip-step-worker.ts): while an
 * active campaign's running version has an A/B node with the rule still undecided (no promotion in
 * force or undone, nor a refusal for size at the campaign's revision), one Query of its stats items
 * (eventually consistent, {@link statsQueryRru}: 8 shards of the campaign-wide item and of each of
 * {@link AB_PROMOTION_SUBJECTS} subjects) per container, campaign and minute, shared by every step of
 * that minute; a step of a campaign with nothing undecided reads nothing. Its promotion, once per
 * node: {@link AB_PROMOTION_WRITE}. Not a per-step cost (the model's journeys have no A/B node):
 * {@link abPromotionCheckOps} gives it for a number of containers and minutes.
 */
export const AB_PROMOTION_CHECK: CountedCall = {
  what: `stats items Query (eventual, ${statsItems(AB_PROMOTION_SUBJECTS)} items of <= ${STATS_ITEM_BYTES} bytes), once a minute per container and campaign while a \`promote\` node is undecided`,
  where: 'promotion.ts autoPromoter, dynamo-enrolments.ts campaignCounters',
  ops: { rru: statsQueryRru(statsItems(AB_PROMOTION_SUBJECTS)) },
};

/** The campaign record the promotion rows assume: a journey of a few nodes, its rules, names and dates (< 2 KB). */
export const AB_PROMOTION_CAMPAIGN_KB = 2;

/**
 * The writing of one automatic promotion: the campaign and its version re-read (strongly
 * consistent, each under 4 KB), then one transaction of the campaign's conditional Update (2 WRU a
 * KB of the record, {@link AB_PROMOTION_CAMPAIGN_KB}) and the promotion's audit entry Put (< 1 KB:
 * 2). Several due at once share the reads and go in writes of at most `MAX_AUDIT_PER_CHANGE`
 * (ports.ts), each with one Update of the record and an entry a promotion.
 */
export const AB_PROMOTION_WRITE: CountedCall = {
  what: 'campaign GetItem + version GetItem (strongly consistent), the campaign Update and its audit entry Put in one transaction',
  where: 'promotion.ts autoPromoter write, dynamo-campaigns.ts get/version/replace',
  ops: { rru: 2 * CONSISTENT_READ, wru: TX_ITEM * AB_PROMOTION_CAMPAIGN_KB + TX_ITEM },
};

/** The checks of one undecided campaign over `minutes`, with `containers` drip-step containers running its steps. */
export const abPromotionCheckOps = (containers: number, minutes: number): Operations =>
  addOps(zero(), AB_PROMOTION_CHECK.ops, containers * minutes);

/** An email node (execute-node.ts `emailNode` -> campaign-mailer.ts `send`), without frequency cap (a capped one adds its send log Query and the cap lock's Put and Delete: 2 WRU, ~1 RRU). */
export const EMAIL_NODE: readonly CountedCall[] = [
  {
    what: 'template GetItem (a saved version is read once per container: ~0 an email)',
    where: 'stored-templates.ts getTemplate, dynamo-email-templates.ts version',
    ops: { rru: EVENTUAL_READ },
  },
  {
    what: 'workspace name + postal-address setting: remembered 60 s per container (one read a minute, ~0 per email)',
    where: 'drip-step-worker.ts profile (ttl-memo.ts)',
    ops: {},
  },
  {
    what: "email-sends message (< 64 KB), in one SendMessageBatch with the batch's other records' messages",
    where: 'sqs-email-sends.ts over coalesced-sends.ts',
    ops: { sqsRequests: 1 / DEFAULT_ASSUMPTIONS.batchSize },
  },
  {
    what: "marketing send log entry, in one BatchWriteItem with the batch's other records' entries (1 WRU an item)",
    where: 'dynamo-marketing-send-log.ts record',
    ops: { wru: 1 },
  },
];

/** The node ids the model's journeys are counted with: `start`, `email-<k>`, `wait-<k>`, `done` (k from 1). */
export const modelNodeIds = {
  trigger: 'start',
  email: (k: number) => `email-${k}`,
  wait: (k: number) => `wait-${k}`,
  exit: 'done',
};

/**
 * The counters the save of message `i` of `journey` adds (run-step.ts `enrolContact`/`advance`,
 * execute-node.ts: each node entered, the email's `sent`, the wait's `waiting` gauge, the end's
 * `completed`), by name, zeros left out; the goal's deadline adds none unless it converts. Checked
 * against the engine's own saves in test/unit/model/r25j-fix-stats-items-cost.test.ts.
 */
export function moveCounters(journey: JourneyShape, i: number): Record<string, number> {
  const { trigger, email, wait, exit } = modelNodeIds;
  if (i >= journey.emails) return {};
  const last = i === journey.emails - 1;
  const out: Record<string, number> = {};
  const add = (name: string, by = 1) => {
    out[name] = (out[name] ?? 0) + by;
    if (out[name] === 0) delete out[name];
  };
  if (i === 0) {
    add('entered');
    add(`node:${trigger}:entered`);
  } else add('waiting', -1);
  add(`node:${email(i + 1)}:entered`);
  add('sent');
  add(`node:${email(i + 1)}:sent`);
  if (last) {
    add(`node:${exit}:entered`);
    add('completed');
  } else {
    add(`node:${wait(i + 1)}:entered`);
    add('waiting');
  }
  return out;
}

/** The stats items `counters` go to (one per subject, dynamo-enrolments.ts `counterSubject`; none for none). */
export const statsItemsTouched = (counters: Readonly<Record<string, number>>): number =>
  new Set(
    Object.entries(counters)
      .filter(([, by]) => by !== 0)
      .map(([name]) => counterSubject(name) ?? ''),
  ).size;

/**
 * The state save of a message (dynamo-enrolments.ts `save`): the enrolment's conditional Put (1 WRU),
 * then the ADDs of its counters, one per stats item they touch ({@link statsItemsTouched}: the
 * campaign-wide item and one per node entered or sent from), each summed over the batch; plus the
 * enrolment's index entries, charged as ordinary writes: gsi1 rewritten (1), gsi2 (due index)
 * changed key (2: delete and put), added (1) or removed (1).
 */
export const saveOf = (
  gsi2: 'none' | 'add' | 'move' | 'remove',
  a: Assumptions = DEFAULT_ASSUMPTIONS,
  counters: Readonly<Record<string, number>> = {},
): CountedCall => {
  const items = statsItemsTouched(counters);
  return {
    what: `conditional Put of the enrolment, ${items} stats item ADD${items === 1 ? '' : 's'} (each at most once, shared by the batch), gsi1 rewrite, gsi2 ${gsi2}`,
    where: 'dynamo-enrolments.ts save, counterUpdates',
    ops: {
      wru: 1 + items * a.statsWruPerItem + a.gsi1WruPerSave + (gsi2 === 'move' ? 2 : gsi2 === 'none' ? 0 : 1),
    },
  };
};

/** A timer (step-timers.ts): SQS DelaySeconds under 15 minutes, else one Scheduler schedule. */
export const timerOf = (waitMinutes: number): CountedCall =>
  waitMinutes * 60 <= QUOTAS.sqsMaxDelaySeconds
    ? {
        what: "message with DelaySeconds, in one SendMessageBatch with the batch's other records' timers",
        where: 'step-timers.ts over coalesced-sends.ts',
        ops: { sqsRequests: 1 / DEFAULT_ASSUMPTIONS.batchSize },
      }
    : {
        what: 'CreateSchedule (at(), deleted after it fires); its firing sends to drip-steps',
        where: 'step-timers.ts',
        ops: { schedules: 1, sqsRequests: 1 },
      };

/** Receiving and deleting a message through the Lambda event source, a batch at a time. */
export const consumed = (a: Assumptions, batchMs: number): CountedCall => ({
  what: `ReceiveMessage + DeleteMessageBatch and one invocation per ${a.batchSize}`,
  where: 'Lambda SQS event source',
  ops: {
    sqsRequests: 2 / a.batchSize,
    lambdaInvocations: 1 / a.batchSize,
    lambdaGbSeconds: (batchMs / 1000) * a.memoryGb * (1 / a.batchSize),
  },
});

/** The email-sender for one send (shared/email/send-email.ts): claim, checks, pace, SES, mark sent. */
export const emailSend = (a: Assumptions = DEFAULT_ASSUMPTIONS): CountedCall[] => [
  { what: 'ledger claim UpdateItem', where: 'dynamo-send-ledger.ts claim', ops: { wru: 1 } },
  {
    what: "suppressions (workspace, global, the contact's own opt-outs) and the contact's item (live? its current address, its CRM status), strongly consistent, one BatchGetItem",
    where: 'dynamo-suppressions.ts reasonsFor, contactStatus',
    ops: { rru: 4 * CONSISTENT_READ },
  },
  {
    what: "the campaign fence: the run's enrolment item and the campaign item (a person's exit, an archive: closed; a pause: held), strongly consistent, in the same BatchGetItem (each under 4 KB)",
    where: 'send-fence.ts campaignSendFence, dynamo-campaign-send-fence.ts',
    ops: { rru: 2 * CONSISTENT_READ },
  },
  { what: 'sending gate GetItem', where: 'dynamo-sending-gate.ts', ops: { rru: EVENTUAL_READ } },
  {
    what: 'pacer bucket read + compare-and-set PutItem',
    where: 'dynamo-send-pacer.ts take',
    ops: { rru: CONSISTENT_READ / a.sendsPerPacerTake, wru: 1 / a.sendsPerPacerTake },
  },
  {
    what: 'markSent: conditional state UpdateItem (no message-id pointer: a campaign key fits the ledger tag); the hour counter ADD once per batch (workspace, hour), sent at most once',
    where: 'dynamo-send-ledger.ts markSent, countSent',
    ops: { wru: 1 + 1 / a.batchSize },
  },
  { what: 'the SES email', where: 'ses-provider.ts', ops: { emails: 1 } },
];

/**
 * The provider's Send event of one email (functions/email-events.ts -> process-event.ts
 * `acknowledge`): on the ordinary path markSent came first, so its conditional write fails.
 */
export const SEND_EVENT: readonly CountedCall[] = [
  {
    what: 'SES Send event -> default bus (free) -> email-events queue: the rule sends it (SendMessage)',
    where: 'lib/definition eventRules ses-events',
    ops: { sqsRequests: 1 },
  },
  {
    what: 'acknowledgeSent: the send record read (strongly consistent), found sent (markSent came first): no write',
    where: 'dynamo-send-ledger.ts acknowledgeSent',
    ops: { rru: CONSISTENT_READ },
  },
];

/** The stats items a delivery's count adds to: `delivered` (campaign-wide) and `node:<id>:delivered` (its node's). */
export const DELIVERY_COUNT_ITEMS = statsItemsTouched({ delivered: 1, 'node:email-1:delivered': 1 });

/**
 * The provider's Delivery event of one email (process-event.ts `processEmailEvent`, email-events.ts
 * `countForCampaign`): the send record, the contact's timeline (an interaction no default rule
 * scores), the domain event it publishes, the campaign's count.
 */
export const DELIVERY_EVENT: readonly CountedCall[] = [
  {
    what: 'SES Delivery event -> default bus (free) -> email-events queue (SendMessage)',
    where: 'lib/definition eventRules ses-events',
    ops: { sqsRequests: 1 },
  },
  {
    what: 'markDelivery: conditional UpdateItem of the send record its ledger tag names',
    where: 'dynamo-email-events.ts markDelivery',
    ops: { wru: 1 },
  },
  {
    what: 'the contact: the one the send names in its `contact` tag, read by the next row (no lookup by address, which costs a send without the tag 2 reads)',
    where: 'email-timeline.ts record',
    ops: {},
  },
  {
    what: 'score state, scoring claim and contact (BatchGetItem, strongly consistent)',
    where: 'dynamo-score-store.ts readForChange',
    ops: { rru: 3 * CONSISTENT_READ },
  },
  {
    what: "the interaction Put and the contact's lastInteractionAt in one transaction (unscored: no state or ledger)",
    where: 'dynamo-score-store.ts commit',
    ops: { wru: 2 * TX_ITEM },
  },
  {
    what: 'contact.interaction_recorded to the domain-events bus (PutEvents)',
    where: 'record-interaction.ts publishAll',
    ops: { busEvents: 1 },
  },
  {
    what: "the campaign count: a per-(send, kind) marker and an ADD to each stats item its counters touch (`delivered` on the campaign-wide item, `node:<id>:delivered` on the node's) in one transaction (counted once however the events arrive or are retried)",
    where: 'process-event.ts, dynamo-enrolments.ts dynamoCampaignEventCounter, countCampaignEventOnce',
    ops: { wru: TX_ITEM * (1 + DELIVERY_COUNT_ITEMS) },
  },
];

/**
 * That domain event on drip-steps (the campaign-triggers rule), handled by the drip-step worker:
 * the contact's waiting enrolments are looked at (none woken: a delivery moves no wait, goal or
 * exit of this journey) and the interaction's trigger index is read (no campaign starts on it).
 */
export const DELIVERY_DOMAIN_EVENT: readonly CountedCall[] = [
  {
    what: 'domain-events bus -> drip-steps queue: the rule sends it (SendMessage)',
    where: 'lib/definition eventRules campaign-triggers',
    ops: { sqsRequests: 1 },
  },
  {
    what: "the contact's waiting enrolments (gsi1 Query, eventual), each re-read by key (strongly consistent; one here)",
    where: 'wake-on-event.ts wakeOnEvent',
    ops: { rru: EVENTUAL_READ + CONSISTENT_READ },
  },
  {
    what: 'trigger index Query for the interaction type (eventual)',
    where: 'trigger-from-event.ts, dynamo-campaign-triggers.ts find',
    ops: { rru: EVENTUAL_READ },
  },
];

/** The hand count of one enrolment through `journey`, message by message. */
export function enrolmentCalls(
  journey: JourneyShape,
  a: Assumptions = DEFAULT_ASSUMPTIONS,
): Array<{ message: string; calls: CountedCall[] }> {
  if (journey.waitsMinutes.length !== journey.emails - 1) throw new Error('one wait between each two emails');
  const out: Array<{ message: string; calls: CountedCall[] }> = [];
  for (let i = 0; i < journey.emails; i += 1) {
    const last = i === journey.emails - 1;
    const wait = journey.waitsMinutes[i];
    const calls: CountedCall[] = [consumed(a, a.stepBatchMs), ...STEP_BASE, ...(i === 0 ? [LAUNCH_CLAIMS] : [])];
    // A wait that is due on arrival moves on in the same message (execute-node.ts waitNode).
    calls.push(...EMAIL_NODE);
    // The due index: added by the first wait, moved by each later one, removed at the end (kept
    // at the goal's deadline while the run stays eligible for the campaign goal).
    const goalAfter = last ? journey.goalMinutesAfterEnd : undefined;
    const kept = goalAfter !== undefined;
    const gsi2 = i === 0 ? (last && !kept ? 'none' : 'add') : last && !kept ? 'remove' : 'move';
    calls.push(saveOf(gsi2, a, moveCounters(journey, i)));
    if (!last) calls.push(timerOf(wait as number));
    if (goalAfter !== undefined) calls.push(timerOf(goalAfter));
    out.push({
      message:
        i === 0
          ? 'enrol (trigger, email 1, wait)'
          : `step ${i} (wait over, email ${i + 1}${last ? ', exit' : ', wait'})`,
      calls,
    });
  }
  if (journey.goalMinutesAfterEnd !== undefined) {
    // The deadline's step: the reads before any node (the goal judged as a waiting run's would
    // be), then the eligibility dropped (or the conversion recorded): one Put, out of the index.
    out.push({
      message: "campaign goal's deadline (after the end: judged, no node runs)",
      calls: [consumed(a, a.stepBatchMs), ...STEP_BASE, saveOf('remove', a, moveCounters(journey, journey.emails))],
    });
  }
  const sends: CountedCall[] = [consumed(a, a.sendBatchMs), ...emailSend(a)];
  for (let i = 0; i < journey.emails; i += 1) out.push({ message: `email-sender, email ${i + 1}`, calls: sends });
  // Each email's provider events: Send, then Delivery (whose interaction also reaches drip-steps).
  if (a.providerEvents) {
    for (let i = 0; i < journey.emails; i += 1) {
      out.push({ message: `Send event, email ${i + 1}`, calls: [consumed(a, a.stepBatchMs), ...SEND_EVENT] });
      out.push({ message: `Delivery event, email ${i + 1}`, calls: [consumed(a, a.stepBatchMs), ...DELIVERY_EVENT] });
      out.push({
        message: `its domain event on drip-steps, email ${i + 1}`,
        calls: [consumed(a, a.stepBatchMs), ...DELIVERY_DOMAIN_EVENT],
      });
    }
  }
  return out;
}

export function sumCalls(calls: ReadonlyArray<{ calls: readonly CountedCall[] }>): Operations {
  let ops = zero();
  for (const m of calls) for (const c of m.calls) ops = addOps(ops, c.ops);
  return ops;
}

/**
 * The executions a launch runs (shared/campaigns/launch-chain.ts): a chain, each of at most
 * PAGES_PER_EXECUTION pages, the next started by the one before as it ends (continue-as-new).
 */
export function launchExecutionCount(contacts: number, a: Assumptions = DEFAULT_ASSUMPTIONS): number {
  return Math.ceil(Math.max(1, Math.ceil(contacts / a.pageSize)) / PAGES_PER_EXECUTION);
}

/**
 * The size of a launch page's marker (dynamo-launches.ts `recordPage`), in bytes as DynamoDB counts
 * them: its key (`WS#<uuid>`, `CAMPAIGNLAUNCH#<uuid>#PAGE#<32 hex>`), type and expiry, the next
 * page's cursor (a base64url contact key, 134 characters) and the decision's contact ids (a list:
 * 3 bytes, and per id 1 byte and its 36 characters); ~330 bytes beside the ids. Checked against
 * the item the adapter writes in test/unit/model/launch-page-cost.test.ts.
 */
export const launchMarkerBytes = (pageSize: number): number => 330 + 37 * pageSize;

/** Write units of an item of `bytes`: one per KB, rounded up. */
const writeUnits = (bytes: number): number => Math.ceil(bytes / 1024);

/**
 * The calls of one page of a launch (enrol-audience-page.ts `enrolAudiencePage`, a first try: no
 * decision recorded yet), besides its contacts' ({@link LAUNCH_CONTACT}). The marker is written
 * twice: its Put with the decision, then its Update (`counted`) in the count's transaction, which
 * costs 2 WRU a KB of the item.
 */
export const launchPage = (a: Assumptions = DEFAULT_ASSUMPTIONS): CountedCall[] => {
  const marker = writeUnits(launchMarkerBytes(a.pageSize));
  return [
    {
      what: 'page marker GetItem, strongly consistent (absent on a first try: still 1 RRU)',
      where: 'enrol-audience-page.ts, dynamo-launches.ts page',
      ops: { rru: CONSISTENT_READ },
    },
    {
      what: `audience Query: ${a.pageSize} contacts of ~1 KB (a 4 KB read unit per 4 contacts, eventual)`,
      where: 'dynamo-campaigns.ts contactAudience, dynamo-contact-list-query.ts listQuery',
      ops: { rru: (a.pageSize / 4) * EVENTUAL_READ },
    },
    {
      what: `marker Put with the decision (${a.pageSize} contact ids, the next cursor: ~${(launchMarkerBytes(a.pageSize) / 1024).toFixed(1)} KB)`,
      where: 'dynamo-launches.ts recordPage',
      ops: { wru: marker },
    },
    {
      what: 'the count: the marker Update (`counted`) and the launch record Update (ADD the counts, the resume point; < 1 KB), one transaction',
      where: 'dynamo-launches.ts addPage',
      ops: { wru: TX_ITEM * marker + TX_ITEM },
    },
  ];
};

/** The calls of one contact of a launch page (enrol-audience-page.ts `judgeContacts`, the page's SendMessageBatch). */
export const LAUNCH_CONTACT: readonly CountedCall[] = [
  {
    what: 'contact GetItem, strongly consistent',
    where: 'enrol-audience-page.ts judgeContacts, dynamo-contacts.ts get',
    ops: { rru: CONSISTENT_READ },
  },
  {
    what: "suppressions, workspace + global + the contact's own opt-outs, strongly consistent (BatchGetItem)",
    where: 'enrol-by-ids.ts leftOutOfMarketing, dynamo-suppressions.ts reasonsFor',
    ops: { rru: 3 * CONSISTENT_READ },
  },
  {
    what: 'enrol message, in a SendMessageBatch of 10',
    where: 'sqs-step-queue.ts sendAll',
    ops: { sqsRequests: 1 / 10 },
  },
];

/** Once a launch: its first page writes the launch record where its starter did not (every attribute if absent). */
export const LAUNCH_BEGIN: CountedCall = {
  what: 'launch record UpdateItem (if_not_exists), first page only',
  where: 'enrol-audience-page.ts, dynamo-launches.ts begin',
  ops: { wru: 1 },
};

/**
 * A launch (campaign-launch.asl.json): per page a Task and a Choice; each execution but the last
 * ends in its ContinueAsNew task and a Succeed (2), the last in one Succeed. Starting the next
 * execution is not billed apart (StartExecution is an API call; only state transitions are).
 * DynamoDB and SQS: {@link launchPage} a page, {@link LAUNCH_CONTACT} a contact (the enrol messages'
 * batches rounded up), {@link LAUNCH_BEGIN} once.
 */
export function launchOperations(contacts: number, a: Assumptions = DEFAULT_ASSUMPTIONS): Operations {
  const pages = Math.max(1, Math.ceil(contacts / a.pageSize));
  const executions = launchExecutionCount(contacts, a);
  const perPage = sumCalls([{ calls: launchPage(a) }]);
  const perContact = sumCalls([{ calls: LAUNCH_CONTACT }]);
  return {
    ...zero(),
    transitions: pages * 2 + 1 + (executions - 1) * 2,
    lambdaInvocations: pages,
    lambdaGbSeconds: pages * (a.audiencePageMs / 1000) * a.memoryGb,
    rru: pages * perPage.rru + contacts * perContact.rru,
    wru: pages * perPage.wru + (LAUNCH_BEGIN.ops.wru ?? 0),
    sqsRequests: Math.ceil(contacts / 10),
  };
}

export interface CostLine {
  readonly service: string;
  readonly volume: string;
  readonly usd: number;
}

export interface CostReport {
  readonly contacts: number;
  readonly perEnrolment: Operations;
  readonly launch: Operations;
  readonly total: Operations;
  readonly lines: readonly CostLine[];
  /** Everything but SES's per-email fee. */
  readonly beyondSes: number;
  readonly beyondSesPerMillion: number;
  readonly ses: number;
  /** The line that costs most, and its share of `beyondSes`. */
  readonly dominant: { service: string; share: number };
}

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : `${n}`);

export function campaignCost(
  contacts: number,
  journey: JourneyShape,
  a: Assumptions = DEFAULT_ASSUMPTIONS,
  prices: { wru: number; rru: number } = { wru: PRICES.dynamoWru.usd, rru: PRICES.dynamoRru.usd },
): CostReport {
  const perEnrolment = sumCalls(enrolmentCalls(journey, a));
  const launch = launchOperations(contacts, a);
  const total = addOps(launch, perEnrolment, contacts);
  const lines: CostLine[] = [
    {
      service: 'Step Functions (launch loop)',
      volume: `${fmt(total.transitions)} transitions, ${launchExecutionCount(contacts, a)} executions`,
      usd: total.transitions * PRICES.sfnTransition.usd,
    },
    {
      service: 'EventBridge Scheduler',
      volume: `${fmt(total.schedules)} schedules`,
      usd: total.schedules * PRICES.schedulerInvocation.usd,
    },
    {
      service: 'SQS',
      volume: `${fmt(Math.round(total.sqsRequests))} requests`,
      usd: total.sqsRequests * PRICES.sqsRequest.usd,
    },
    {
      service: 'Lambda requests',
      volume: `${fmt(Math.round(total.lambdaInvocations))} invocations`,
      usd: total.lambdaInvocations * PRICES.lambdaRequest.usd,
    },
    {
      service: 'Lambda duration (arm64)',
      volume: `${fmt(Math.round(total.lambdaGbSeconds))} GB-s`,
      usd: total.lambdaGbSeconds * PRICES.lambdaGbSecondArm.usd,
    },
    { service: 'DynamoDB writes', volume: `${fmt(Math.round(total.wru))} WRU`, usd: total.wru * prices.wru },
    { service: 'DynamoDB reads', volume: `${fmt(Math.round(total.rru))} RRU`, usd: total.rru * prices.rru },
    {
      service: 'EventBridge custom events',
      volume: `${fmt(Math.round(total.busEvents))} events`,
      usd: total.busEvents * PRICES.busEvent.usd,
    },
  ];
  const beyondSes = lines.reduce((s, l) => s + l.usd, 0);
  const top = [...lines].sort((x, y) => y.usd - x.usd)[0] as CostLine;
  return {
    contacts,
    perEnrolment,
    launch,
    total,
    lines,
    beyondSes,
    beyondSesPerMillion: (beyondSes / contacts) * 1_000_000,
    ses: total.emails * PRICES.sesEmail.usd,
    dominant: { service: top.service, share: top.usd / beyondSes },
  };
}
