/**
 * (c) A burst of 1,000 `POST /api/contacts/{id}/interactions`, 10 in flight, over 100
 * contacts created through the API (10 interactions each, in random order). Every request
 * records the interaction and scores it: one transaction (marker, score state, contact,
 * ledger entries) plus the reads around it, and a domain event when a tier is crossed.
 *
 * Baselines: the same requests one at a time (100), and the scoring transaction's shape
 * sent straight to the emulator, 10 in flight, to show what the emulator alone allows.
 *
 * BENCH_INTERACTIONS overrides the burst size for a quick run.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact } from '../../shared/crm/model';
import {
  type BenchContext,
  type BenchResult,
  callsPer,
  distribution,
  formatCalls,
  headers,
  mapLimit,
  progress,
  round,
  runBench,
  timed,
  withCpu,
} from './harness';

const BURST = Number(process.env.BENCH_INTERACTIONS ?? 1_000);
const CONCURRENCY = 10;
const CONTACTS = 100;
const SEQUENTIAL = 100;
const TYPES = ['email_opened', 'email_clicked', 'page_visit', 'form_submit', 'email_replied', 'meeting'] as const;

async function interaction(ctx: BenchContext, contactId: string, type: string) {
  const res = await fetch(`${ctx.runtime.url}/api/contacts/${contactId}/interactions`, {
    method: 'POST',
    headers: headers(ctx.user),
    body: JSON.stringify({ type, metadata: { bench: true } }),
  });
  const body = await res.text();
  return { status: res.status, body };
}

await runBench('interactions', async (ctx): Promise<BenchResult> => {
  const t0 = performance.now();
  progress(`creating ${CONTACTS} contacts through the API`);
  const contacts = await mapLimit(
    Array.from({ length: CONTACTS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const res = await fetch(`${ctx.runtime.url}/api/contacts`, {
        method: 'POST',
        headers: headers(ctx.user),
        body: JSON.stringify({ email: `burst-${i}@bench.example.com`, firstName: `Burst${i}`, company: 'Acme' }),
      });
      if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { contact: Contact }).contact.contactId;
    },
  );
  const eventsBefore = ctx.runtime.events().length;

  // Warm-up on a contact of its own, then the sequential baseline on the burst's contacts.
  for (let i = 0; i < 5; i++) await interaction(ctx, contacts[0] as string, 'note');
  const sequential: number[] = [];
  const seqCallsBefore = ctx.dynamoCalls();
  const sequentialRun = await withCpu(async () => {
    for (let i = 0; i < SEQUENTIAL; i++) {
      const { value, ms } = await timed(() => interaction(ctx, contacts[i % CONTACTS] as string, 'page_visit'));
      if (value.status !== 201) throw new Error(`interaction answered ${value.status}: ${value.body.slice(0, 300)}`);
      sequential.push(ms);
    }
  });
  const perInteraction = callsPer(seqCallsBefore, ctx.dynamoCalls(), SEQUENTIAL);
  progress(`one at a time x${SEQUENTIAL}: p50 ${distribution(sequential).p50} ms`);

  const plan = Array.from({ length: BURST }, (_, i) => ({
    contactId: contacts[i % CONTACTS] as string,
    type: TYPES[i % TYPES.length] as string,
  })).sort(() => Math.random() - 0.5);
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let done = 0;
  const burstCallsBefore = ctx.dynamoCalls();
  const burst = await withCpu(() =>
    mapLimit(plan, CONCURRENCY, async ({ contactId, type }) => {
      const { value, ms } = await timed(() => interaction(ctx, contactId, type));
      statuses.set(value.status, (statuses.get(value.status) ?? 0) + 1);
      if (value.status === 201) latencies.push(ms);
      else if ((statuses.get(value.status) ?? 0) <= 3)
        progress(`interaction answered ${value.status}: ${value.body.slice(0, 200)}`);
      done += 1;
      if (done % 250 === 0) progress(`burst: ${done} / ${BURST}`);
    }),
  );
  const burstCalls = callsPer(burstCallsBefore, ctx.dynamoCalls(), BURST);
  const burstSeconds = burst.ms / 1000;
  const ok = statuses.get(201) ?? 0;
  const throughput = ok / burstSeconds;
  const events = ctx.runtime.events().slice(eventsBefore);
  const eventTypes = Object.entries(
    events.reduce<Record<string, number>>((acc, e) => {
      acc[e['detail-type']] = (acc[e['detail-type']] ?? 0) + 1;
      return acc;
    }, {}),
  );
  progress(
    `burst of ${BURST} in ${burstSeconds.toFixed(2)} s: ${Math.round(throughput)} req/s, p95 ${latencies.length ? distribution(latencies).p95 : '-'} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${events.length} domain events`,
  );
  if (ok === 0) throw new Error('no interaction succeeded');

  // The scoring transaction's shape (marker, state, contact update, 2 ledger entries), alone.
  const table = ctx.runtime.tables.core as string;
  const raw = await timed(() =>
    mapLimit(
      Array.from({ length: 500 }, (_, i) => i),
      CONCURRENCY,
      (i) =>
        ctx.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: `WS#raw#C#${i}`, sk: 'SCORED#x', at: 'x' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { pk: `WS#raw#C#${i}`, sk: 'SCORE', version: 1, score: 10 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: table, Item: { pk: 'WS#raw', sk: `CONTACT#${i}`, score: 10, tier: 'cold' } } },
              { Put: { TableName: table, Item: { pk: `WS#raw#C#${i}`, sk: 'LEDGER#1', points: 5 } } },
              { Put: { TableName: table, Item: { pk: `WS#raw#C#${i}`, sk: 'LEDGER#2', points: 5 } } },
            ],
          }),
        ),
    ),
  );
  const rawTps = 500 / (raw.ms / 1000);
  progress(`raw TransactWriteItems (5 items) x500, ${CONCURRENCY} in flight: ${Math.round(rawTps)} tx/s`);

  const d = distribution(latencies);
  const seq = distribution(sequential);
  return {
    name: 'interactions',
    title: `Burst of ${BURST.toLocaleString('en-US')} interactions, ${CONCURRENCY} in flight`,
    method:
      `${CONTACTS} contacts created through the API; then ${BURST.toLocaleString('en-US')} \`POST /api/contacts/{id}/interactions\` ` +
      `(${TYPES.join(', ')}; 10 per contact, shuffled) with ${CONCURRENCY} requests in flight, each timed from send to full response; ` +
      `throughput = successful requests / wall time of the burst. Baselines: ${SEQUENTIAL} requests one at a time, and 500 transactions ` +
      "of the scoring transaction's shape (5 items) sent straight to the emulator, 10 in flight.",
    metrics: [
      { label: 'burst throughput', value: round(throughput), unit: 'req/s' },
      { label: 'burst p50', value: d.p50, unit: 'ms' },
      { label: 'burst p95', value: d.p95, unit: 'ms' },
      { label: 'burst wall time', value: round(burstSeconds, 2), unit: 's' },
      { label: 'one at a time p50', value: seq.p50, unit: 'ms' },
      { label: 'emulator alone: scoring-shaped transactions', value: Math.round(rawTps), unit: 'req/s' },
      { label: 'domain events published during the burst', value: events.length, unit: 'count' },
    ],
    distributions: { 'interaction, burst (10 in flight)': d, 'interaction, one at a time': seq },
    calls: { 'per interaction, one at a time': perInteraction, 'per interaction, burst': burstCalls },
    notes: [
      `An interaction makes ${formatCalls(perInteraction)} one at a time (${formatCalls(burstCalls)} per request in the burst, retries included).`,
      `Statuses: ${[...statuses.entries()].map(([s, n]) => `${n} × ${s}`).join(', ')}. ` +
        `One at a time a request takes ${seq.p50} ms at the median (${Math.round(1000 / seq.mean)} req/s); with ${CONCURRENCY} in flight the throughput is ` +
        `${Math.round(throughput)} req/s, i.e. ×${(throughput / (1000 / seq.mean)).toFixed(1)}, while each request waits longer (p50 ${d.p50} ms).`,
      `CPU of the process: ${sequentialRun.cpu} cores one at a time, ${burst.cpu} cores during the burst. ` +
        'The client, the HTTP host and the function share the main JavaScript thread and the emulators share a worker thread, so more requests in flight mostly queue on those two.',
      "The emulator builds each transaction from dynalite's single-item operations, called in memory, and locks the items it touches: " +
        'transactions on distinct items run at once, those sharing an item one after the other ' +
        `(lib/local/emulators/dynamodb-transact.ts): scoring-shaped transactions on distinct contacts alone reach ${Math.round(rawTps)} tx/s at ${CONCURRENCY} in flight, ` +
        `and each interaction also makes ${formatCalls(perInteraction)} in all.`,
      `Domain events on the local bus during the burst: ${events.length}${eventTypes.length ? ` (${eventTypes.map(([t, n]) => `${n} × ${t}`).join(', ')})` : ''}.`,
    ],
    durationSeconds: round((performance.now() - t0) / 1000),
  };
});
