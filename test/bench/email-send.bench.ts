/**
 * (d) Email sends through the local pipeline, end to end: messages put on the `email-sends`
 * queue with the real SQS client, consumed by the local event source, sent by `email-sender`
 * (claim, suppressions, gate, render, pace, SES v2 emulator, record). Two runs, each in a
 * process of its own, because the sender reads its pace from the environment once, when it loads:
 *
 * - throughput: BENCH_EMAILS (default 2,000) sends with the pace far above what the pipeline can
 *   do (EMAIL_MAX_SEND_RATE=10000, fraction 1), so the pipeline is measured, not the pacer; from
 *   the first enqueue to the last `sentAtMs` in the ledger. Latency = `sentAtMs` - enqueue time.
 * - pacing: BENCH_PACED_EMAILS (default 500) sends at EMAIL_MAX_SEND_RATE=50, fraction 1 (rate 50/s,
 *   burst 50: ~10 s of sends); every 1-second window of the ledger's accept times must hold at most
 *   rate + burst.
 *
 * `npm run bench -- email` runs only this; add `--write` to put its section into docs/BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import type { EmailSendMessage } from '../../shared/email/send-request';
import {
  type BenchContext,
  type BenchResult,
  callsPer,
  distribution,
  formatCalls,
  headers,
  mapLimit,
  progress,
  report,
  round,
  runBench,
  withCpu,
} from './harness';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 2_000);
const PACED_EMAILS = Number(process.env.BENCH_PACED_EMAILS ?? 500);
const PACED_RATE = 50;
const TARGET_RATE = 200;
const ENQUEUE_IN_FLIGHT = 4;
const DRAIN_TIMEOUT_MS = 120_000;

interface Sent {
  readonly key: string;
  readonly state: string;
  readonly provider?: string;
  readonly sentAtMs?: number;
  /** When the (last, successful) claim was made: just before the pace was taken. */
  readonly claimedAtMs?: number;
  readonly attempts: number;
  /** Why the sender closed it without mail (state `closed`). */
  readonly reason?: string;
}

/** The contacts the sends go to: real ones, as the sender reads each named contact at send time. */
const READERS = 100;
interface Reader {
  readonly contactId: string;
  readonly email: string;
}
let readers: readonly Reader[] = [];

/**
 * Creates the {@link READERS} contacts through `POST /api/contacts` (not timed): the sender closes a
 * send whose contact is gone or no longer at its address (send-email.ts), so made-up ids would
 * measure closes, not sends.
 */
async function createReaders(ctx: BenchContext): Promise<readonly Reader[]> {
  return mapLimit(
    Array.from({ length: READERS }, (_, n) => n),
    8,
    async (n) => {
      const email = `reader-${n}@bench.example.com`;
      const res = await fetch(`${ctx.runtime.url}/api/contacts`, {
        method: 'POST',
        headers: headers(ctx.user),
        body: JSON.stringify({ email, firstName: `Reader${n}` }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`POST /api/contacts answered ${res.status}: ${text.slice(0, 300)}`);
      return { contactId: (JSON.parse(text) as { contact: { contactId: string } }).contact.contactId, email };
    },
  );
}

/** A marketing send as campaign steps will queue it (rendered inputs, List-Unsubscribe headers, tags, its contact). */
function message(workspaceId: string, run: string, i: number): EmailSendMessage {
  const sendId = `${run}-${i}`;
  return {
    workspaceId,
    sendId,
    idempotencyKey: `bench#${run}#${i}`,
    category: 'marketing',
    to: (readers[i % READERS] as Reader).email,
    content: {
      subject: 'Hello {{ contact.firstName }}',
      html: '<p>Hi {{ contact.firstName }},</p><p>News from {{ workspace.name }}.</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      text: 'Hi {{ contact.firstName }}, news from {{ workspace.name }}. Unsubscribe: {{ unsubscribe_url }}',
    },
    context: {
      contact: { email: (readers[i % READERS] as Reader).email, firstName: `Reader${i}` },
      workspace: { name: 'Bench Co' },
      unsubscribe_url: `http://127.0.0.1/u/bench-${sendId}`,
    },
    headers: {
      'List-Unsubscribe': `<http://127.0.0.1/u/bench-${sendId}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    tags: { campaign: 'bench', send: sendId },
    // As campaign steps will: the contact is named, so tracking needs no lookup by address.
    contactId: (readers[i % READERS] as Reader).contactId,
    campaignId: 'bench',
    attempt: 0,
  };
}

/** Queues `count` sends, 10 per SendMessageBatch, a few calls in flight; returns each key's enqueue time (epoch ms). */
async function enqueue(sqs: SQSClient, queueUrl: string, workspaceId: string, run: string, count: number) {
  const enqueuedAt = new Map<string, number>();
  const batches = Array.from({ length: Math.ceil(count / 10) }, (_, b) =>
    Array.from({ length: Math.min(10, count - b * 10) }, (_, j) => message(workspaceId, run, b * 10 + j)),
  );
  await mapLimit(batches, ENQUEUE_IN_FLIGHT, async (batch) => {
    const at = Date.now();
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
      }),
    );
    if (out.Failed?.length) throw new Error(`SendMessageBatch refused ${out.Failed.length} message(s)`);
    for (const m of batch) enqueuedAt.set(m.idempotencyKey, at);
  });
  return enqueuedAt;
}

/** The run's ledger records (one Query, paged). */
async function ledger(ctx: BenchContext, workspaceId: string, run: string): Promise<Sent[]> {
  const out: Sent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.runtime.tables.core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': workspacePk(workspaceId), ':prefix': emailSendSk(`bench#${run}#`) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      out.push({
        key: String(item.sk).slice(emailSendSk('').length),
        state: String(item.state),
        ...(typeof item.provider === 'string' ? { provider: item.provider } : {}),
        ...(typeof item.sentAtMs === 'number' ? { sentAtMs: item.sentAtMs } : {}),
        ...(typeof item.claimedAtMs === 'number' ? { claimedAtMs: item.claimedAtMs } : {}),
        attempts: Number(item.attempts ?? 0),
        ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/**
 * Waits until the queue holds nothing (visible, in flight or delayed) and the ledger shows every
 * send `sent`. The queue is watched (cheap) and the ledger read only when the queue looks empty,
 * so watching does not load the emulator the pipeline runs on.
 */
async function drained(
  ctx: BenchContext,
  sqs: SQSClient,
  queueUrl: string,
  workspaceId: string,
  run: string,
  count: number,
) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let lastProgress = Date.now();
  while (Date.now() < deadline) {
    const { Attributes: a = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    const left =
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
    if (left === 0) {
      const records = await ledger(ctx, workspaceId, run);
      if (records.filter((r) => r.state === 'sent').length >= count) return records;
      // A closed send never becomes sent: say why at once rather than at the deadline.
      const closed = records.find((r) => r.state === 'closed');
      if (closed) throw new Error(`the sender closed ${closed.key} without mail: ${closed.reason ?? '?'}`);
    } else if (Date.now() - lastProgress > 5000) {
      progress(`${left} message(s) still on the queue`);
      lastProgress = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const records = await ledger(ctx, workspaceId, run);
  const states = records.reduce<Record<string, number>>((acc, r) => {
    acc[r.state] = (acc[r.state] ?? 0) + 1;
    return acc;
  }, {});
  throw new Error(`not drained after ${DRAIN_TIMEOUT_MS / 1000} s: ledger ${JSON.stringify(states)} of ${count}`);
}

/** Emails the SES emulator holds whose subject the run wrote. */
async function sesOutboxCount(ctx: BenchContext): Promise<number> {
  const store = (await (await fetch(new URL('/store', ctx.runtime.outboxes.ses))).json()) as {
    emails: Array<{ destination: { to: string[] } }>;
  };
  return store.emails.filter((e) => e.destination.to.some((to) => to.endsWith('@bench.example.com'))).length;
}

/** Most accept times in any window [t, t + 1000) starting at an accept time. */
function maxInAnySecond(sorted: readonly number[]): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

async function throughput(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now();
  const { workspaceId } = ctx.user;
  const sqs = new SQSClient(localClientConfig(ctx.runtime.endpoints.sqs));
  const queueUrl = ctx.runtime.queues['email-sends']?.url as string;
  try {
    readers = await createReaders(ctx);
    progress('warm-up: 20 sends');
    await enqueue(sqs, queueUrl, workspaceId, 'warm', 20);
    await drained(ctx, sqs, queueUrl, workspaceId, 'warm', 20);

    progress(`queueing ${EMAILS} sends`);
    const before = ctx.dynamoCalls();
    const run = await withCpu(async () => {
      const firstEnqueue = Date.now();
      const enqueuedAt = await enqueue(sqs, queueUrl, workspaceId, 'run', EMAILS);
      const enqueueMs = Date.now() - firstEnqueue;
      progress(`queued in ${enqueueMs} ms; waiting for the ledger`);
      const records = await drained(ctx, sqs, queueUrl, workspaceId, 'run', EMAILS);
      return { firstEnqueue, enqueueMs, enqueuedAt, records };
    });
    const perSend = callsPer(before, ctx.dynamoCalls(), EMAILS);
    const { firstEnqueue, enqueueMs, enqueuedAt, records } = run.value;
    const sentAt = records.map((r) => r.sentAtMs as number);
    const lastSent = Math.max(...sentAt);
    const seconds = (lastSent - firstEnqueue) / 1000;
    const rate = EMAILS / seconds;
    const latency = distribution(records.map((r) => (r.sentAtMs as number) - (enqueuedAt.get(r.key) as number)));
    const providers = records.reduce<Record<string, number>>((acc, r) => {
      acc[r.provider ?? '?'] = (acc[r.provider ?? '?'] ?? 0) + 1;
      return acc;
    }, {});
    const retried = records.filter((r) => r.attempts > 1).length;
    const outbox = await sesOutboxCount(ctx);
    progress(`${EMAILS} sent in ${seconds.toFixed(2)} s: ${Math.round(rate)} emails/s, p50 ${latency.p50} ms`);
    if (outbox < EMAILS + 20) throw new Error(`the SES outbox holds ${outbox} bench emails, expected ${EMAILS + 20}`);
    return {
      name: 'email-send',
      title: 'Email sends through the local pipeline',
      method: '',
      metrics: [
        { label: `${EMAILS.toLocaleString('en-US')} sends, enqueue to last sent`, value: round(seconds, 2), unit: 's' },
        {
          label: 'pipeline throughput (pace far above it)',
          value: round(rate),
          unit: 'emails/s',
          target: `>= ${TARGET_RATE} emails/s`,
          pass: rate >= TARGET_RATE,
        },
        // Less sensitive to what else the machine runs than emails/s: sends per second of CPU this process used.
        {
          label: 'emails per CPU-second of the process',
          value: round(EMAILS / ((run.cpu * run.ms) / 1000)),
          unit: 'count',
        },
        { label: 'enqueue -> sent p50', value: latency.p50, unit: 'ms' },
        { label: 'enqueue -> sent p99', value: latency.p99, unit: 'ms' },
      ],
      distributions: { [`enqueue -> sent, ${EMAILS.toLocaleString('en-US')} sends`]: latency },
      calls: { 'per send': perSend },
      notes: [
        `${EMAILS.toLocaleString('en-US')} sends queued in ${(enqueueMs / 1000).toFixed(2)} s (SendMessageBatch of 10, ${ENQUEUE_IN_FLIGHT} in flight), ` +
          `all \`sent\` ${seconds.toFixed(2)} s after the first enqueue: ${Math.round(rate)} emails/s; providers ${JSON.stringify(providers)}, ` +
          `${retried} needed more than one claim; the SES outbox holds every one (${outbox} with the 20 warm-up sends).`,
        `DynamoDB calls per send by the functions: ${formatCalls(perSend)}. CPU of the process during the run: ${run.cpu} cores ` +
          '(the functions, the HTTP host and this client on the main thread; the emulators on their worker thread).',
      ],
      durationSeconds: round((performance.now() - t0) / 1000),
    };
  } finally {
    sqs.destroy();
  }
}

async function pacing(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now();
  const { workspaceId } = ctx.user;
  const sqs = new SQSClient(localClientConfig(ctx.runtime.endpoints.sqs));
  const queueUrl = ctx.runtime.queues['email-sends']?.url as string;
  const burst = PACED_RATE; // policyForQuota: bursts of one second's worth
  try {
    progress('warm-up: 5 sends, then a pause so the bucket is full again');
    readers = await createReaders(ctx);
    await enqueue(sqs, queueUrl, workspaceId, 'warm', 5);
    await drained(ctx, sqs, queueUrl, workspaceId, 'warm', 5);
    await new Promise((r) => setTimeout(r, 1500));

    progress(`queueing ${PACED_EMAILS} sends at ${PACED_RATE}/s`);
    await enqueue(sqs, queueUrl, workspaceId, 'paced', PACED_EMAILS);
    const records = await drained(ctx, sqs, queueUrl, workspaceId, 'paced', PACED_EMAILS);
    const sorted = records.map((r) => r.sentAtMs as number).sort((a, b) => a - b);
    const first = sorted[0] as number;
    const last = sorted[sorted.length - 1] as number;
    const maxWindow = maxInAnySecond(sorted);
    const perSecond = new Map<number, number>();
    for (const t of sorted)
      perSecond.set(Math.floor((t - first) / 1000), (perSecond.get(Math.floor((t - first) / 1000)) ?? 0) + 1);
    const spanSeconds = (last - first) / 1000;
    const meanRate = (sorted.length - 1) / spanSeconds;
    // The refill rate actually achieved: the least-squares slope of the accept times after the
    // initial burst (sends per second), insensitive to when the burst itself was accepted.
    const steady = sorted.slice(burst);
    const steadyRate = slope(steady.map((t) => t / 1000));
    // Accept times trail the grants by claim -> accept time, which varies (the burst's 50
    // provider calls at once take longer than later single ones): a window of accept times can
    // then hold a few grants more than any window of grants did.
    const claimToAccept = distribution(records.map((r) => (r.sentAtMs as number) - (r.claimedAtMs as number)));
    const requeued = records.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0);
    progress(
      `max in any 1 s window ${maxWindow} (limit ${PACED_RATE + burst}); mean ${meanRate.toFixed(1)}/s, after the burst ${steadyRate.toFixed(1)}/s; claim -> accept p50 ${claimToAccept.p50} ms, max ${claimToAccept.max} ms`,
    );
    return {
      name: 'email-send',
      title: 'Email sends through the local pipeline',
      method: '',
      metrics: [
        {
          label: `paced at ${PACED_RATE}/s (burst ${burst}): most sends in any 1 s window`,
          value: maxWindow,
          unit: 'count',
          target: `<= ${PACED_RATE + burst}`,
          pass: maxWindow <= PACED_RATE + burst,
        },
        { label: `paced at ${PACED_RATE}/s: mean rate, first to last send`, value: round(meanRate), unit: 'emails/s' },
        { label: `paced at ${PACED_RATE}/s: rate after the burst (slope)`, value: round(steadyRate), unit: 'emails/s' },
      ],
      distributions: {},
      notes: [
        `Pacing: ${PACED_EMAILS} sends queued at once with EMAIL_MAX_SEND_RATE=${PACED_RATE}, EMAIL_RATE_FRACTION=1 (a bucket of ${burst}, refilled at ${PACED_RATE}/s), ` +
          `accepted over ${spanSeconds.toFixed(2)} s. Most accepts in any 1-second window (sliding, from each accept time in the ledger): ${maxWindow}, against a ceiling of rate + burst = ${PACED_RATE + burst}. ` +
          `Per second from the first accept: ${[...perSecond.values()].join(', ')}. Mean ${meanRate.toFixed(1)}/s from first to last send (the initial burst included); ` +
          `after the burst ${steadyRate.toFixed(1)}/s (least-squares slope of the accept times) against ${PACED_RATE}/s configured.`,
        `Claim -> provider accept (suppressions, gate, render, pace, the SES call): p50 ${claimToAccept.p50} ms, p99 ${claimToAccept.p99} ms, ` +
          `min ${claimToAccept.min} ms, max ${claimToAccept.max} ms. The pacer counts grants; the ledger records accepts, which trail them by this much, ` +
          `so a window of accepts can hold up to about rate × (max - min) / 1000 = ${Math.ceil((PACED_RATE * (claimToAccept.max - claimToAccept.min)) / 1000)} more than a window of grants. ` +
          'SES counts on its side as the ledger does: at EMAIL_RATE_FRACTION=1 such jitter can meet its throttling (answered with a backoff, never a loss); the default fraction 0.8 leaves the margin.',
        ...(steadyRate < PACED_RATE * 0.95
          ? [
              `In this run the pipeline itself (the machine's load, see above) could not keep ${PACED_RATE}/s: the pace was not the limit, ` +
                'so this run shows the ceiling holds but not how closely the pace is followed.',
            ]
          : []),
        `${requeued} extra claims: a send refused a token waits for its turn in the invocation (up to 2 s; longer waits go back to the queue with a delay), and each retry claims the send again.`,
      ],
      durationSeconds: round((performance.now() - t0) / 1000),
    };
  } finally {
    sqs.destroy();
  }
}

const phase = process.env.BENCH_EMAIL_PHASE;
if (phase === 'throughput') {
  await runBench('email-send', throughput, { EMAIL_MAX_SEND_RATE: '10000', EMAIL_RATE_FRACTION: '1' });
} else if (phase === 'pacing') {
  await runBench('email-pacing', pacing, { EMAIL_MAX_SEND_RATE: String(PACED_RATE), EMAIL_RATE_FRACTION: '1' });
} else {
  // Each run in its own process: the sender's pace is configuration, read once when it loads.
  const t0 = performance.now();
  const parts: BenchResult[] = [];
  for (const name of ['throughput', 'pacing'] as const) {
    const file = path.join(os.tmpdir(), `uh-bench-email-${process.pid}-${name}.json`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, BENCH_EMAIL_PHASE: name, BENCH_RESULT_FILE: file },
      });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
      child.on('error', () => resolve(1));
    });
    if (code !== 0 || !fs.existsSync(file)) {
      progress(`the ${name} run failed (exit code ${code})`);
      process.exit(1);
    }
    parts.push(JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult);
    fs.rmSync(file, { force: true });
  }
  report({
    name: 'email-send',
    title: 'Email sends through the local pipeline',
    method:
      `Messages put on the \`email-sends\` queue with the real SQS client (SendMessageBatch of 10, ${ENQUEUE_IN_FLIGHT} calls in flight), ` +
      'consumed by the local event source and sent by `email-sender` (claim, suppressions, gate, render, pace, SES v2 emulator, mark sent); ' +
      "each send is a marketing email with List-Unsubscribe headers and tags. Times are the ledger's `sentAtMs` (set when the provider " +
      `accepted). Throughput: ${EMAILS.toLocaleString('en-US')} sends after 20 warm-up ones, with EMAIL_MAX_SEND_RATE=10000 and EMAIL_RATE_FRACTION=1 ` +
      'so the pipeline, not the pacer, sets the pace; from the first enqueue to the last send accepted. Pacing: a second runtime (the pace is ' +
      `read when the sender loads) at EMAIL_MAX_SEND_RATE=${PACED_RATE}, EMAIL_RATE_FRACTION=1, ${PACED_EMAILS} sends queued at once.`,
    metrics: parts.flatMap((p) => p.metrics),
    distributions: Object.assign({}, ...parts.map((p) => p.distributions)),
    calls: Object.assign({}, ...parts.map((p) => p.calls ?? {})),
    notes: parts.flatMap((p) => p.notes),
    durationSeconds: round((performance.now() - t0) / 1000),
  });
  process.exit(0);
}

/** Least-squares slope of index over time: events per unit of `times`. */
function slope(times: readonly number[]): number {
  const n = times.length;
  const meanT = times.reduce((a, t) => a + t, 0) / n;
  const meanI = (n - 1) / 2;
  let num = 0;
  let den = 0;
  times.forEach((t, i) => {
    num += (t - meanT) * (i - meanI);
    den += (t - meanT) ** 2;
  });
  return num / den;
}
