/**
 * (e) A campaign through the whole local runtime: BENCH_CAMPAIGN_CONTACTS (default 400; the issue's
 * 10,000 by setting it) contacts imported with the CSV import route (timed apart: not part of the campaign numbers),
 * a 3-email journey with two 1-hour waits on a clock running at TIME_SCALE=3600 (a wait is 1 s
 * of real time), enrolled by tag through the campaign-launch state machine (pages of 100), steps
 * run by the drip-step worker, mails through the email pipeline into the SES emulator with the
 * pace far above the pipeline (EMAIL_MAX_SEND_RATE=10000, fraction 1).
 *
 * Measured: enrol request -> every contact entered (the campaign's `entered` counter); enrol
 * request -> the last email accepted (the ledger's `sentAtMs`), so emails/s through the whole
 * pipeline; per contact, the step latency of emails 2 and 3 = the gap between two accepted
 * emails minus the 1 s wait (timer fired -> step run -> email queued -> sender -> SES), and enrol
 * request -> first email. Bounded: gives up after DRAIN_TIMEOUT_MS.
 *
 * `npm run bench -- campaigns` runs only this; add `--write` to put its section into docs/BENCHMARKS.md.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import {
  type BenchContext,
  type BenchResult,
  callsPer,
  distribution,
  formatCalls,
  headers,
  progress,
  round,
  runBench,
  withCpu,
} from './harness';

// The issue asks for 10,000 contacts: `BENCH_CAMPAIGN_CONTACTS=10000 npm run bench -- campaigns
// --write` (about 10 minutes here: 30,000 emails at ~55/s). The default, 400 (1,200 emails), keeps
// a full `npm run bench` short; docs/BENCHMARKS.md records which size its numbers come from.
const CONTACTS = Number(process.env.BENCH_CAMPAIGN_CONTACTS ?? 400);
const EMAILS = 3;
const TIME_SCALE = 3600;
const WAIT_REAL_MS = 1000; // a 1-hour wait at TIME_SCALE=3600
const TARGET_RATE = 200;
// Bounded however large the run: at least 20 emails/s (a third of what this machine does), or give up.
const DRAIN_TIMEOUT_MS = Math.max(170_000, CONTACTS * EMAILS * 80);

const api = async (ctx: BenchContext, method: string, path: string, body?: unknown, status = 200) => {
  const res = await fetch(`${ctx.runtime.url}${path}`, {
    method,
    headers: headers(ctx.user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 400)}`);
  return text ? JSON.parse(text) : {};
};

function csv(rows: number): string {
  const lines = ['email,first_name,last_name,tags'];
  for (let i = 0; i < rows; i++) lines.push(`reader-${i}@bench.example.com,Reader${i},Bench,bench;journey`);
  return `${lines.join('\r\n')}\r\n`;
}

async function importContacts(ctx: BenchContext): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${ctx.runtime.url}/api/contacts/import`, {
    method: 'POST',
    headers: headers(ctx.user, 'text/csv'),
    body: csv(CONTACTS),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${text.slice(0, 400)}`);
  const report = JSON.parse(text) as { created?: number; report?: { created: number } };
  const created = report.created ?? report.report?.created;
  if (created !== CONTACTS)
    throw new Error(`import created ${created} contacts, expected ${CONTACTS}: ${text.slice(0, 300)}`);
  return (performance.now() - t0) / 1000;
}

async function template(ctx: BenchContext, n: number): Promise<string> {
  const body = await api(
    ctx,
    'POST',
    '/api/email-templates',
    {
      name: `Step ${n}`,
      category: 'marketing',
      subject: `Step ${n} for {{ contact.firstName }}`,
      html: `<p>Hi {{ contact.firstName }}, step ${n}.</p><p><a href="https://example.com/offer">Offer</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>`,
    },
    201,
  );
  return body.template.templateId as string;
}

interface Sent {
  readonly contactId: string;
  readonly node: string;
  readonly sentAtMs: number;
}

/** The campaign's ledger records that were accepted (one Query, paged). */
async function ledger(ctx: BenchContext, campaignId: string): Promise<Sent[]> {
  const out: Sent[] = [];
  let start: Record<string, unknown> | undefined;
  const prefix = emailSendSk(`campaign#${campaignId}#`);
  do {
    const page = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.runtime.tables.core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': workspacePk(ctx.user.workspaceId), ':prefix': prefix },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.state !== 'sent' || typeof item.sentAtMs !== 'number') continue;
      // campaign#<campaign>#<contact>#<run>#<node>#<step>
      const [, , contactId, , node] = String(item.sk).slice(emailSendSk('').length).split('#');
      out.push({ contactId: contactId as string, node: node as string, sentAtMs: item.sentAtMs });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

async function stats(ctx: BenchContext, campaignId: string) {
  const body = await api(ctx, 'GET', `/api/campaigns/${campaignId}/stats`);
  return body.stats.totals as { entered: number; sent: number; completed: number; waiting: number };
}

/** Time the functions' AWS clients spend per operation (the module-scope clients they share). */
async function timeClients(): Promise<() => Record<string, { n: number; ms: number }>> {
  const spent: Record<string, { n: number; ms: number }> = {};
  const { dynamodb } = await import('../../shared/aws/dynamodb');
  const { sqs } = await import('../../shared/aws/sqs');
  const add =
    (service: string) =>
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      const t = performance.now();
      try {
        return await next(args);
      } finally {
        const op = `${service} ${String(context.commandName ?? '?').replace(/Command$/, '')}`;
        const entry = spent[op] ?? { n: 0, ms: 0 };
        spent[op] = entry;
        entry.n += 1;
        entry.ms += performance.now() - t;
      }
    };
  // biome-ignore lint/suspicious/noExplicitAny: the two clients' middleware stacks differ only in their types
  (dynamodb.middlewareStack as any).add(add('DynamoDB'), { step: 'initialize', name: 'benchTimer' });
  // biome-ignore lint/suspicious/noExplicitAny: as above
  (sqs.middlewareStack as any).add(add('SQS'), { step: 'initialize', name: 'benchTimer' });
  return () => structuredClone(spent);
}

async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

await runBench(
  'campaigns',
  async (ctx): Promise<BenchResult> => {
    const t0 = performance.now();
    const sqs = new SQSClient(localClientConfig(ctx.runtime.endpoints.sqs));
    try {
      progress(`importing ${CONTACTS.toLocaleString('en-US')} contacts (CSV import route)`);
      const importSeconds = await importContacts(ctx);
      progress(`imported in ${importSeconds.toFixed(1)} s`);
      await api(ctx, 'PUT', '/api/settings/email.postal_address', { value: '1 Bench Street, Springfield' }, 201);
      const templates = [await template(ctx, 1), await template(ctx, 2), await template(ctx, 3)];
      const created = await api(
        ctx,
        'POST',
        '/api/campaigns',
        {
          name: 'Bench journey',
          journey: {
            nodes: [
              { id: 'start', kind: 'trigger', next: 'e1' },
              { id: 'e1', kind: 'email', templateId: templates[0], next: 'w1' },
              { id: 'w1', kind: 'wait', for: { type: 'duration', duration: { hours: 1 } }, next: 'e2' },
              { id: 'e2', kind: 'email', templateId: templates[1], next: 'w2' },
              { id: 'w2', kind: 'wait', for: { type: 'duration', duration: { hours: 1 } }, next: 'e3' },
              { id: 'e3', kind: 'email', templateId: templates[2], next: 'done' },
              { id: 'done', kind: 'exit' },
            ],
          },
        },
        201,
      );
      const campaignId = created.campaign.campaignId as string;
      await api(ctx, 'POST', `/api/campaigns/${campaignId}/publish`);

      progress(`enrolling the ${CONTACTS.toLocaleString('en-US')} contacts by tag`);
      const spent = await timeClients();
      const before = ctx.dynamoCalls();
      const beforeByFunction = ctx.dynamoCallsByFunction();
      const run = await withCpu(async () => {
        const enrolAt = Date.now();
        const launched = await api(
          ctx,
          'POST',
          `/api/campaigns/${campaignId}/enrol`,
          { filter: { tag: 'journey' } },
          202,
        );
        let enrolledAt: number | undefined;
        let completedAt: number | undefined;
        let last = '';
        const deadline = enrolAt + DRAIN_TIMEOUT_MS;
        while (Date.now() < deadline) {
          const t = await stats(ctx, campaignId);
          if (enrolledAt === undefined && t.entered >= CONTACTS) {
            enrolledAt = Date.now();
            progress(`all entered after ${((enrolledAt - enrolAt) / 1000).toFixed(1)} s`);
          }
          if (t.completed >= CONTACTS) {
            completedAt = Date.now();
            break;
          }
          const launch = (await api(ctx, 'GET', launched.progress as string)).launch as {
            status: string;
            queued: number;
          };
          const line = `launch ${launch.status} (${launch.queued} queued); entered ${t.entered}, emails queued ${t.sent}, waiting ${t.waiting}, completed ${t.completed}`;
          if (line !== last) progress(line);
          last = line;
          await new Promise((r) => setTimeout(r, 1000));
        }
        if (completedAt === undefined) throw new Error(`not done after ${DRAIN_TIMEOUT_MS / 1000} s: ${last}`);
        // Every step is done; wait until the ledger has every email sent. Not until the email-sends
        // queue is empty: a duplicate of a send (a step message delivered twice under load) waits
        // there, delayed, until it finds its send done, minutes after the last email went out.
        for (;;) {
          const sentCount = (await ledger(ctx, campaignId)).length;
          if (sentCount >= CONTACTS * EMAILS) break;
          if (Date.now() > deadline) throw new Error(`${sentCount} of ${CONTACTS * EMAILS} emails sent in time`);
          progress(`${sentCount} of ${CONTACTS * EMAILS} emails sent`);
          await new Promise((r) => setTimeout(r, 5_000));
        }
        const leftOnQueue = await queueDepth(sqs, ctx.runtime.queues['email-sends']?.url as string);
        return { enrolAt, enrolledAt: enrolledAt as number, completedAt, leftOnQueue };
      });
      const perContact = callsPer(before, ctx.dynamoCalls(), CONTACTS);
      const perContactByFunction = callsPer(beforeByFunction, ctx.dynamoCallsByFunction(), CONTACTS);
      const clientTime = Object.entries(spent())
        .sort(([, a], [, b]) => b.ms - a.ms)
        .map(([op, t]) => `${op} ${t.n} × ${(t.ms / t.n).toFixed(1)} ms`)
        .join(', ');
      const wallMs = run.value.completedAt - run.value.enrolAt;
      const { enrolAt, enrolledAt } = run.value;
      const sent = await ledger(ctx, campaignId);
      if (sent.length !== CONTACTS * EMAILS)
        throw new Error(`the ledger holds ${sent.length} sent, expected ${CONTACTS * EMAILS}`);
      const byContact = new Map<string, number[]>();
      for (const s of sent) byContact.set(s.contactId, [...(byContact.get(s.contactId) ?? []), s.sentAtMs]);
      const firstEmail: number[] = [];
      const stepLatency: number[] = [];
      for (const times of byContact.values()) {
        times.sort((a, b) => a - b);
        firstEmail.push((times[0] as number) - enrolAt);
        for (let i = 1; i < times.length; i++)
          stepLatency.push((times[i] as number) - (times[i - 1] as number) - WAIT_REAL_MS);
      }
      const lastSent = Math.max(...sent.map((s) => s.sentAtMs));
      const firstSent = Math.min(...sent.map((s) => s.sentAtMs));
      const totalSeconds = (lastSent - enrolAt) / 1000;
      const rate = sent.length / totalSeconds;
      const enrolSeconds = (enrolledAt - enrolAt) / 1000;
      const steps = distribution(stepLatency);
      const first = distribution(firstEmail);
      progress(`DynamoDB calls per contact, by function: ${formatCalls(perContactByFunction)}`);
      progress(
        `${sent.length} emails in ${totalSeconds.toFixed(1)} s (${Math.round(rate)}/s); all entered after ${enrolSeconds.toFixed(1)} s; step p95 ${steps.p95} ms`,
      );
      const n = CONTACTS.toLocaleString('en-US');
      return {
        name: 'campaigns',
        title: 'A campaign through the local runtime',
        method:
          `${n} contacts imported through \`POST /api/contacts/import\` (timed apart, not part of the campaign numbers), a published journey ` +
          'trigger -> email -> wait 1 h -> email -> wait 1 h -> email -> exit on a clock at TIME_SCALE=3600 (a wait is 1 s of real time; ' +
          'SQS DelaySeconds, whole seconds), enrolled by tag with one `POST /api/campaigns/{id}/enrol`: the campaign-launch state machine queues ' +
          'pages of 100, the drip-step worker runs the steps, the email pipeline sends into the SES emulator with EMAIL_MAX_SEND_RATE=10000 and ' +
          'EMAIL_RATE_FRACTION=1 (the pipeline, not the pacer, sets the pace). Times are wall clock: the enrol request, the stats counter ' +
          "`entered` polled each second, and the ledger's `sentAtMs` of every email. Step latency = the gap between a contact's consecutive " +
          'emails minus the 1 s wait: timer fired -> step run -> email queued -> claimed, rendered, sent.',
        metrics: [
          { label: `${n} contacts: enrol request -> all entered`, value: round(enrolSeconds, 1), unit: 's' },
          {
            label: `${(CONTACTS * EMAILS).toLocaleString('en-US')} emails: enrol request -> last accepted`,
            value: round(totalSeconds, 1),
            unit: 's',
          },
          {
            label: 'emails/s through the whole pipeline',
            value: round(rate),
            unit: 'emails/s',
            target: `>= ${TARGET_RATE} emails/s`,
            pass: rate >= TARGET_RATE,
          },
          { label: 'step latency p95 (wait over -> email accepted)', value: steps.p95, unit: 'ms' },
        ],
        distributions: {
          'step latency (emails 2 and 3)': steps,
          'enrol request -> first email accepted': first,
        },
        calls: { 'per contact (3 emails)': perContact },
        notes: [
          `Import of ${n} contacts: ${importSeconds.toFixed(1)} s (CSV import route, not counted above). All ${n} entered ${enrolSeconds.toFixed(1)} s ` +
            `after the enrol request; the first email was accepted after ${((firstSent - enrolAt) / 1000).toFixed(2)} s, the last after ${totalSeconds.toFixed(1)} s: ` +
            `${Math.round(rate)} emails/s over the whole run, ${Math.round(sent.length / ((lastSent - firstSent) / 1000))} emails/s from the first accepted to the last.`,
          `Messages still on email-sends when the last email was in the ledger: ${run.value.leftOnQueue} (duplicates of sends made, ` +
            'delayed until they find their send done; each sends nothing).',
          `DynamoDB calls per contact by the functions (launch page, 3 drip-step messages, 3 sends, the API polling of stats included): ${formatCalls(perContact)}; ` +
            `by function: ${formatCalls(perContactByFunction)}. ` +
            `CPU of the process during the run: ${run.cpu} cores (the functions, the local Step Functions interpreter, the HTTP host and this client on the main thread; ` +
            'the emulators on their worker thread).',
          `Where the time goes: the functions' AWS calls during the run, by operation, count × mean latency: ${clientTime} ` +
            `(the run took ${(wallMs / 1000).toFixed(1)} s of wall clock; calls of concurrent records overlap).`,
          ...(rate >= TARGET_RATE
            ? []
            : [
                `Below the ${TARGET_RATE}/s target, and why: the process (all its threads: the functions, the Step Functions interpreter, ` +
                  `the HTTP host and this client on the main thread, the emulators on a worker) used ${run.cpu} cores over the run, ` +
                  `${Math.round((run.cpu * wallMs) / sent.length)} ms of CPU per email accepted (its drip step, its send, its provider events, ` +
                  `its share of the launch): with both cores to itself it could not pass ~${Math.round(2000 / ((run.cpu * wallMs) / sent.length))} emails/s, ` +
                  'and the cores are shared with other work (load average above). CPU, not waiting, sets the pace. ' +
                  'A step due after its wait queues behind the backlog of the launch on the same queue (10 batches in flight), which is ' +
                  'most of the step latency above (the step itself is a few tens of ms of calls). In the cloud each batch runs on its own ' +
                  'Lambda instance; lib/model/ puts the cloud bounds at the launch loop, CreateSchedule and SES.',
                'Where the CPU goes is not measured by this script: `BENCH_CAMPAIGN_CONTACTS=1500 node --cpu-prof --import tsx ' +
                  "test/bench/campaigns.bench.ts` writes one profile per thread (the main thread; the emulators' worker). No profile " +
                  'is committed, so no shares are quoted here. The email pipeline alone (the email-send section, measured apart) is ' +
                  'the ceiling under this campaign run.',
              ]),
        ],
        durationSeconds: round((performance.now() - t0) / 1000),
      };
    } finally {
      sqs.destroy();
    }
  },
  { TIME_SCALE: String(TIME_SCALE), EMAIL_MAX_SEND_RATE: '10000', EMAIL_RATE_FRACTION: '1' },
);
