/**
 * `npm run model:campaigns [-- --contacts 1000000 --ses-rate 200]`: the campaign engine's
 * capacity and cost model (lib/model/): prices and quotas, the hand count of one enrolment of
 * a 5-email journey with 2-day waits, the bill for the campaign, and a simulation of the fan-out
 * against the quotas. Arithmetic, not a measurement; prints Markdown.
 */
import { parseArgs } from 'node:util';
import {
  campaignCost,
  DEFAULT_ASSUMPTIONS,
  DELIVERY_COUNT_ITEMS,
  DELIVERY_EVENT,
  DYNAMO_PRICES_BEFORE_2024_11,
  enrolmentCalls,
  type JourneyShape,
  LAUNCH_BEGIN,
  LAUNCH_CONTACT,
  launchExecutionCount,
  launchOperations,
  launchPage,
  PAGES_PER_EXECUTION,
  PRICE_SOURCE,
  PRICES,
  QUOTAS,
  sumCalls,
  WITH_FIXES,
} from '../lib/model/campaign-costs';
import { type FanOutParams, simulateFanOut } from '../lib/model/fan-out-simulation';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    'ses-rate': { type: 'string', default: '200' },
  },
});
const contacts = Number(values.contacts);
const sesRate = Number(values['ses-rate']);
if (!Number.isInteger(contacts) || contacts < 1 || !(sesRate > 0)) {
  console.error('--contacts must be a positive integer and --ses-rate a positive number');
  process.exit(2);
}
const journey: JourneyShape = { emails: 5, waitsMinutes: [2880, 2880, 2880, 2880] };
const TARGET = 10;
const usd = (n: number) => `$${n < 1 ? n.toFixed(3) : n.toFixed(2)}`;
const duration = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;
const out: string[] = [];
const say = (...lines: string[]) => out.push(...lines);

say(
  `# Campaign capacity and cost: ${contacts.toLocaleString('en-US')} contacts, ${journey.emails} emails, waits of 2 days, SES at ${sesRate}/s`,
  '',
  `Prices: ${PRICE_SOURCE}`,
  '',
  '| price | per unit |',
  '| --- | --- |',
  ...Object.values(PRICES).map((p) => `| ${p.unit} | $${p.usd.toPrecision(3)} |`),
  '',
  `Quotas (default, us-east-1): ${Object.entries(QUOTAS)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ')}.`,
  '',
  '## One enrolment, counted from the code',
  '',
  '| message | call | where | RRU | WRU | SQS req | schedules | bus events |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const m of enrolmentCalls(journey)) {
  if (m.message.startsWith('email-sender, email') && !m.message.endsWith(' 1')) continue;
  // The email-sender and the provider events are the same for every email: shown for the first.
  if (/(Send event|Delivery event|domain event on drip-steps), email /.test(m.message) && !m.message.endsWith(' 1'))
    continue;
  for (const c of m.calls) {
    const o = c.ops;
    say(
      `| ${m.message} | ${c.what} | ${c.where} | ${o.rru ?? ''} | ${o.wru ?? ''} | ${o.sqsRequests?.toFixed(2) ?? ''} | ${o.schedules ?? ''} | ${o.busEvents ?? ''} |`,
    );
  }
}
const per = sumCalls(enrolmentCalls(journey));
say(
  '',
  `Per enrolment (the email-sender and provider-event rows count ${journey.emails} times): ` +
    `${per.rru} RRU, ${per.wru} WRU, ${per.sqsRequests.toFixed(1)} SQS requests, ${per.lambdaInvocations.toFixed(1)} Lambda invocations ` +
    `(batches of ${DEFAULT_ASSUMPTIONS.batchSize}), ${per.schedules} schedules, ${per.busEvents} custom bus events, ${per.emails} emails. ` +
    'Opens, clicks, bounces and complaints come on top, as recipients make them.',
);

const launch = launchOperations(contacts);
say(
  '',
  '## The launch, counted from the code',
  '',
  '| per | call | where | RRU | WRU | SQS req |',
  '| --- | --- | --- | --- | --- | --- |',
  ...[
    ...launchPage().map((c) => ['page', c] as const),
    ...LAUNCH_CONTACT.map((c) => ['contact', c] as const),
    ['launch', LAUNCH_BEGIN] as const,
  ].map(
    ([unit, c]) =>
      `| ${unit} | ${c.what} | ${c.where} | ${c.ops.rru ?? ''} | ${c.ops.wru ?? ''} | ${c.ops.sqsRequests?.toFixed(1) ?? ''} |`,
  ),
  '',
  `The launch of ${contacts.toLocaleString('en-US')} contacts: ${launch.rru.toLocaleString('en-US')} RRU, ` +
    `${launch.wru.toLocaleString('en-US')} WRU, ${launch.sqsRequests.toLocaleString('en-US')} SQS requests, ` +
    `${launch.transitions.toLocaleString('en-US')} state transitions.`,
);

const cost = campaignCost(contacts, journey);
const old = campaignCost(contacts, journey, DEFAULT_ASSUMPTIONS, DYNAMO_PRICES_BEFORE_2024_11);
say('', '## The bill', '', '| service | volume | cost |', '| --- | --- | --- |');
for (const l of cost.lines) say(`| ${l.service} | ${l.volume} | ${usd(l.usd)} |`);
say(
  `| **beyond SES fees** | | **${usd(cost.beyondSes)}** (${usd(cost.beyondSesPerMillion)} per million contacts) |`,
  `| SES | ${cost.total.emails.toLocaleString('en-US')} emails | ${usd(cost.ses)} |`,
  '',
  `Target <= $${TARGET} per million contacts beyond SES: **${cost.beyondSesPerMillion <= TARGET ? 'met' : 'MISSED'}** ` +
    `(${usd(cost.beyondSesPerMillion)}). Largest term: ${cost.dominant.service}, ${(cost.dominant.share * 100).toFixed(0)}% of it. ` +
    `At DynamoDB's pre-2024-11 prices ($1.25 / $0.25 per M) it would be ${usd(old.beyondSesPerMillion)}.`,
);

// Where the WRU go, per enrolment, by part of the pipeline.
const parts = (a = DEFAULT_ASSUMPTIONS) => {
  const calls = enrolmentCalls(journey, a);
  const of = (test: (m: string) => boolean) => sumCalls(calls.filter((m) => test(m.message)));
  return [
    ['drip steps (engine)', of((m) => m.startsWith('enrol') || m.startsWith('step'))],
    ['email-sender', of((m) => m.startsWith('email-sender'))],
    ['provider events (Send, Delivery, its domain event)', of((m) => /event/.test(m))],
  ] as const;
};
const fixed = campaignCost(contacts, journey, WITH_FIXES);
// The floor of this design per email: the move, the claim and the mark-sent; one queue message
// with its receive and delete, each a tenth of a batched call.
const FLOOR_WRU_PER_EMAIL = 3;
const FLOOR_SQS_PER_EMAIL = 0.3;
const floorEmails =
  journey.emails * (FLOOR_WRU_PER_EMAIL * PRICES.dynamoWru.usd + FLOOR_SQS_PER_EMAIL * PRICES.sqsRequest.usd);
const longWaits = journey.waitsMinutes.filter((m) => m * 60 > QUOTAS.sqsMaxDelaySeconds).length;
say(
  '',
  '| per enrolment | RRU | WRU | SQS requests | DynamoDB cost per million contacts |',
  '| --- | --- | --- | --- | --- |',
  ...parts().map(
    ([name, o]) =>
      `| ${name} | ${o.rru} | ${o.wru.toFixed(1)} | ${o.sqsRequests.toFixed(1)} | ${usd((o.wru * PRICES.dynamoWru.usd + o.rru * PRICES.dynamoRru.usd) * 1e6)} |`,
  ),
  '',
  'Built already and counted above: the campaign counters of a batch of drip steps are summed into one UpdateItem per stats item ' +
    '(one item per subject: the campaign-wide counters and each node entered or sent from, 3 or 4 a move), and the sent-per-hour counter of a batch of ' +
    'sends into one, each sent at most once so an SDK retry never applies it twice (~0.1 WRU an item a save, or a send, instead of 1), and frozen campaign and template versions ' +
    'are read once per container. ' +
    'What would bring it down further (the model with these changes: `WITH_FIXES` in lib/model/campaign-costs.ts): ' +
    '(1) gsi1 (contact -> enrolments) with a KEYS_ONLY ' +
    'projection: its entry is not rewritten when only non-key attributes change: 1 WRU -> 0 per save; (2) the pacer taking the ' +
    'tokens of a whole batch in one compare-and-set (dynamo-send-pacer.ts already coalesces the takes of concurrent sends in rounds; ' +
    'counted above as one take per send, an upper bound until measured): 1 WRU + 1 RRU per send -> a tenth. ' +
    `With them: ${usd(fixed.beyondSesPerMillion)} ` +
    `per million (${fixed.perEnrolment.wru.toFixed(1)} WRU per enrolment), largest term ${fixed.dominant.service}. ` +
    `Provider events (a Delivery's send record, timeline transaction and campaign count transaction, its marker and ${DELIVERY_COUNT_ITEMS} stats items: ${sumCalls([{ calls: DELIVERY_EVENT }]).wru} WRU) and SQS requests (${per.sqsRequests.toFixed(1)} per enrolment, mostly the provider events' and the schedules' messages) are what remains.`,
  '',
  `The target cannot be met by trimming: per email, the least this design (the drip step queues, the email pipeline sends) writes is the enrolment's move ` +
    `(1 WRU as a plain conditional put), the ledger's claim and its mark-sent (2 WRU), and one message on email-sends with its ` +
    `receive and delete, batched by ten (~${FLOOR_SQS_PER_EMAIL} SQS requests): ${journey.emails} emails x (${FLOOR_WRU_PER_EMAIL} WRU x ${usd(PRICES.dynamoWru.usd * 1e6)} + ${FLOOR_SQS_PER_EMAIL} x ${usd(PRICES.sqsRequest.usd * 1e6)}) per million = ` +
    `${usd(floorEmails * 1e6)} per million contacts before a single read, ` +
    `schedule or event. The issue's own timer design adds one EventBridge Scheduler at() schedule per wait longer than ${QUOTAS.sqsMaxDelaySeconds / 60} minutes ` +
    `(${longWaits} here, ${usd(PRICES.schedulerInvocation.usd * 1e6)} per million each): ` +
    `${usd((floorEmails + longWaits * PRICES.schedulerInvocation.usd) * 1e6)} ` +
    `per million before a read or a provider event. $10 per million holds for journeys of about 3 emails, not for ${journey.emails} emails with ${longWaits} long waits.`,
  '',
  `Not built, and the only way found under $10 for 5 emails: the drip step sends itself, with the enrolment as the ledger ` +
    `(the move's conditional write claims the send, the next move marks it sent; no email-sends message): ~2 WRU and ~1.2 SQS ` +
    `requests per email, ${usd(journey.emails * (2 * PRICES.dynamoWru.usd + 1.2 * PRICES.sqsRequest.usd) * 1e6)} per million contacts ` +
    'before reads, schedules and events, so it also needs timers shared by the enrolments due together and provider events ' +
    'counted in batches. It gives up what the email pipeline gives every mail (pacing, provider failover, one ledger and one ' +
    'suppression check at the moment of sending) or has to rebuild it inside the drip step.',
);

const params: FanOutParams = { contacts, sesRatePerSecond: sesRate };
const base = simulateFanOut(params);
const split = simulateFanOut({ ...params, launchExecutions: 10 });
const parallel = simulateFanOut({ ...params, statsShards: 80, launchExecutions: 10 });
const dominantBound = (r: typeof base) => Object.entries(r.boundSeconds).sort(([, x], [, y]) => y - x)[0]?.[0] ?? '?';
say(
  '',
  '## Fan-out, simulated against the quotas (1 s ticks)',
  '',
  '`npx tsx bin/model-campaigns.ts` simulates the first wave: the launch loop queues enrol messages (a chain of ' +
    `${launchExecutionCount(contacts)} executions of at most ${PAGES_PER_EXECUTION.toLocaleString('en-US')} pages, each continued as new by the one before), the drip-step ` +
    'event source scales up (+300 concurrent a minute from 5), each enrolment passes the stats item and CreateSchedule, ' +
    `its first email waits for SES at ${sesRate}/s.`,
  '',
  '| second | queued | enrolled | first emails sent | Lambda concurrency | holding back |',
  '| --- | --- | --- | --- | --- | --- |',
  ...base.rows.map(
    (r) =>
      `| ${r.second} | ${r.queued.toLocaleString('en-US')} | ${r.enrolled.toLocaleString('en-US')} | ${r.emailsSent.toLocaleString('en-US')} | ${r.concurrency} | ${r.bound} |`,
  ),
  '',
  '| variant | all enrolled after | first emails sent after | bound most of the time |',
  '| --- | --- | --- | --- |',
  ...(
    [
      [
        `as built (1 launch: a chain of executions of ${PAGES_PER_EXECUTION.toLocaleString('en-US')} pages, stats over 8 shards)`,
        base,
      ],
      ['audience split over 10 launches side by side', split],
      ['split over 10 launches, stats over 80 shards', parallel],
    ] as const
  ).map(
    ([name, r]) => `| ${name} | ${duration(r.enrolledAfter)} | ${duration(r.firstEmailsAfter)} | ${dominantBound(r)} |`,
  ),
  '',
  `Time to send: ${cost.total.emails.toLocaleString('en-US')} emails at ${sesRate}/s is ${duration(cost.total.emails / sesRate)} ` +
    `of sending (${duration(contacts / sesRate)} per wave), plus the ${journey.waitsMinutes.length} waits of 2 days.`,
);
console.log(out.join('\n'));
