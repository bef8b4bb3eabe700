/**
 * (a) `GET /api/contacts/list?limit=25` in a workspace of 100,000 contacts.
 *
 * The contacts are seeded straight into DynamoDB with BatchWriteItem, in the item shape
 * shared/adapters/dynamo-contacts.ts writes (checked against a contact created through the
 * API before seeding), then the list is read 200 times: 100 first pages and 100 deep pages
 * (20 random positions across the whole workspace, each followed for 5 pages through the
 * returned `nextCursor`). Baselines split the latency: the same Query sent straight to the
 * emulator, and `GET /api/contacts/{id}` (the same edge, one GetItem).
 *
 * BENCH_CONTACTS overrides the count for a quick run (the report states the count used).
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { encodeCursor } from '../../shared/adapters/dynamo/cursor';
import { CONTACT_PREFIX, contactEmailSk, contactSk, tierGsi2, workspacePk } from '../../shared/adapters/keys';
import { searchText } from '../../shared/crm/contacts/search';
import { newContact } from '../../shared/crm/contacts/use-cases';
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

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const PAGE = 25;
const FIRST_PAGES = 100;
const DEEP_STARTS = 20;
const DEEP_FOLLOW = 5;
const SEED_CONCURRENCY = 8;
const TARGET_P95_MS = 50;

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Lee'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka'];

/** The input a contact is created from: the same fields for the API contact and the seeded ones. */
function input(i: number) {
  return {
    firstName: FIRST[i % FIRST.length] as string,
    lastName: LAST[(i * 7) % LAST.length] as string,
    email: `contact-${i}@bench.example.com`,
    phone: `+1415555${String(i % 10_000).padStart(4, '0')}`,
    company: COMPANIES[i % COMPANIES.length] as string,
    jobTitle: 'Engineer',
    status: 'lead' as const,
    tags: ['bench', `cohort-${i % 20}`],
    customFields: { plan: i % 3 === 0 ? 'pro' : 'free', seats: (i % 50) + 1 },
  };
}

/** The two items the contacts adapter writes for a new contact: the contact and its email claim. */
function items(c: Contact): [Record<string, unknown>, Record<string, unknown>] {
  const pk = workspacePk(c.workspaceId);
  return [
    {
      pk,
      sk: contactSk(c.contactId),
      type: 'contact',
      ...c,
      search: searchText(c),
      ...tierGsi2(c.workspaceId, c.tier, c.score, c.contactId),
    },
    {
      pk,
      sk: contactEmailSk(c.email),
      type: 'contactEmail',
      workspaceId: c.workspaceId,
      contactId: c.contactId,
      email: c.email,
    },
  ];
}

const attributeNames = (item: Record<string, unknown> | undefined) => Object.keys(item ?? {}).sort();

/** Creates one contact through the API and checks the seeded items have exactly its attributes. */
async function checkShape(ctx: BenchContext): Promise<void> {
  const res = await fetch(`${ctx.runtime.url}/api/contacts`, {
    method: 'POST',
    headers: headers(ctx.user),
    body: JSON.stringify(input(CONTACTS)), // an email no seeded contact has
  });
  if (res.status !== 201) throw new Error(`creating the reference contact answered ${res.status}: ${await res.text()}`);
  const { contact } = (await res.json()) as { contact: Contact };
  const table = ctx.runtime.tables.core as string;
  const pk = workspacePk(ctx.user.workspaceId);
  const stored = (
    await ctx.db.send(new GetCommand({ TableName: table, Key: { pk, sk: contactSk(contact.contactId) } }))
  ).Item;
  const claim = (
    await ctx.db.send(new GetCommand({ TableName: table, Key: { pk, sk: contactEmailSk(contact.email) } }))
  ).Item;
  const [seeded, seededClaim] = items(
    newContact(ctx.user.workspaceId, input(0), randomUUID(), new Date().toISOString()),
  );
  for (const [what, api, ours] of [
    ['contact', stored, seeded],
    ['email claim', claim, seededClaim],
  ] as const) {
    if (attributeNames(api).join() !== attributeNames(ours).join()) {
      throw new Error(
        `The seeded ${what} item differs from the API's: API ${attributeNames(api).join(',')} / seeded ${attributeNames(ours).join(',')}`,
      );
    }
  }
  progress(`seed shape matches the contacts adapter (contact: ${attributeNames(stored).length} attributes)`);
}

/** Seeds `count` contacts (2 items each) with BatchWriteItem, 25 items per call. */
async function seed(ctx: BenchContext, count: number): Promise<{ sks: string[]; seconds: number }> {
  const table = ctx.runtime.tables.core as string;
  const at = new Date().toISOString();
  const sks: string[] = [];
  const batches: Record<string, unknown>[][] = [];
  let batch: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const contact = newContact(ctx.user.workspaceId, input(i), randomUUID(), at);
    sks.push(contactSk(contact.contactId));
    for (const item of items(contact)) {
      batch.push(item);
      if (batch.length === 25) {
        batches.push(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) batches.push(batch);
  let written = 0;
  let nextReport = 10_000;
  const { ms } = await timed(() =>
    mapLimit(batches, SEED_CONCURRENCY, async (chunk) => {
      let pending: Record<string, unknown>[] = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 10) throw new Error('BatchWrite left items unprocessed after 10 retries');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const out = await ctx.db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
      written += chunk.length;
      if (written / 2 >= nextReport) {
        progress(
          `seeded ${Math.floor(written / 2).toLocaleString('en-US')} / ${count.toLocaleString('en-US')} contacts`,
        );
        nextReport += 10_000;
      }
    }),
  );
  return { sks: sks.sort(), seconds: ms / 1000 };
}

interface ListPage {
  contacts: Contact[];
  nextCursor?: string;
}

async function list(ctx: BenchContext, cursor?: string): Promise<{ page: ListPage; ms: number }> {
  const url = `${ctx.runtime.url}/api/contacts/list?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const { value, ms } = await timed(async () => {
    const res = await fetch(url, { headers: headers(ctx.user) });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`list answered ${res.status}: ${body.slice(0, 300)}`);
    return JSON.parse(body) as ListPage;
  });
  if (value.contacts.length !== PAGE) throw new Error(`a page held ${value.contacts.length} contacts, not ${PAGE}`);
  return { page: value, ms };
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;

await runBench('list', async (ctx): Promise<BenchResult> => {
  const t0 = performance.now();
  const table = ctx.runtime.tables.core as string;
  const pk = workspacePk(ctx.user.workspaceId);
  await checkShape(ctx);

  progress(`seeding ${CONTACTS.toLocaleString('en-US')} contacts (${(CONTACTS * 2).toLocaleString('en-US')} items)`);
  const seeded = await seed(ctx, CONTACTS);
  const seedRate = (CONTACTS * 2) / seeded.seconds;
  progress(`seeded in ${seeded.seconds.toFixed(1)} s (${Math.round(seedRate)} items/s)`);

  // A cursor the API returned must be the one we build for a deep position: {pk, sk}.
  const first = await list(ctx);
  const expected = encodeCursor({ pk, sk: contactSk(first.page.contacts.at(-1)?.contactId as string) });
  if (first.page.nextCursor !== expected)
    throw new Error('The API cursor is not the encoded {pk, sk} of the last contact');
  for (let i = 0; i < 10; i++) await list(ctx, i % 2 ? undefined : encodeCursor({ pk, sk: pick(seeded.sks) }));
  progress('warmed up (11 requests, not counted)');

  const firstPages: number[] = [];
  const deepPages: number[] = [];
  const depths: number[] = [];
  const callsBefore = ctx.dynamoCalls();
  const measured = await withCpu(async () => {
    for (let i = 0; i < FIRST_PAGES; i++) firstPages.push((await list(ctx)).ms);
    progress(`first page x${FIRST_PAGES}: p95 ${distribution(firstPages).p95} ms`);
    for (let s = 0; s < DEEP_STARTS; s++) {
      const position = Math.floor(Math.random() * (seeded.sks.length - PAGE * (DEEP_FOLLOW + 1)));
      depths.push(position);
      let cursor: string | undefined = encodeCursor({ pk, sk: seeded.sks[position] });
      for (let p = 0; p < DEEP_FOLLOW; p++) {
        const { page, ms } = await list(ctx, cursor);
        deepPages.push(ms);
        cursor = page.nextCursor;
      }
    }
  });
  const listCalls = callsPer(callsBefore, ctx.dynamoCalls(), firstPages.length + deepPages.length);
  progress(
    `deep pages x${deepPages.length} (from positions ${Math.min(...depths)}..${Math.max(...depths)}): p95 ${distribution(deepPages).p95} ms`,
  );

  // Baseline 1: the adapter's Query for one page, sent straight to the emulator.
  const query = (start?: Record<string, unknown>) =>
    ctx.db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'attribute_not_exists(deletedAt)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': CONTACT_PREFIX },
        Limit: PAGE + 1,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
  const rawQuery: number[] = [];
  for (let i = 0; i < 200; i++) {
    const { ms } = await timed(() => query(i % 2 ? { pk, sk: pick(seeded.sks) } : undefined));
    rawQuery.push(ms);
  }
  progress(`raw Query x200 on the emulator: p95 ${distribution(rawQuery).p95} ms`);

  // Baseline 2: the same edge (session, membership) and one GetItem.
  const getCallsBefore = ctx.dynamoCalls();
  const getOne: number[] = [];
  for (let i = 0; i < 100; i++) {
    const id = pick(seeded.sks).slice(CONTACT_PREFIX.length);
    const { ms } = await timed(async () => {
      const res = await fetch(`${ctx.runtime.url}/api/contacts/${id}`, { headers: headers(ctx.user) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`get answered ${res.status}`);
    });
    getOne.push(ms);
  }
  const getCalls = callsPer(getCallsBefore, ctx.dynamoCalls(), getOne.length);
  const rawGet: number[] = [];
  for (let i = 0; i < 100; i++) {
    rawGet.push(
      (await timed(() => ctx.db.send(new GetCommand({ TableName: table, Key: { pk, sk: pick(seeded.sks) } })))).ms,
    );
  }
  progress(
    `GET /api/contacts/{id} x100: p95 ${distribution(getOne).p95} ms; raw GetItem p95 ${distribution(rawGet).p95} ms`,
  );

  const all = distribution([...firstPages, ...deepPages]);
  const d = {
    'list, all 200 requests': all,
    'list, first page': distribution(firstPages),
    'list, deep pages (cursor)': distribution(deepPages),
    'raw Query on the emulator (26 items)': distribution(rawQuery),
    'GET /api/contacts/{id} (edge + 1 GetItem)': distribution(getOne),
    'raw GetItem on the emulator': distribution(rawGet),
  };
  const queryShare = d['raw Query on the emulator (26 items)'].p50 / all.p50;
  return {
    name: 'contacts-list',
    title: `List page latency, ${CONTACTS.toLocaleString('en-US')} contacts in one workspace`,
    method:
      `${CONTACTS.toLocaleString('en-US')} contacts (and their email claims: ${(CONTACTS * 2).toLocaleString('en-US')} items) seeded with BatchWriteItem ` +
      `(25 items per call, ${SEED_CONCURRENCY} calls in flight) in the contacts adapter's item shape, checked against a contact created through the API. ` +
      `Then, one request at a time after 11 warm-up requests: ${FIRST_PAGES} × \`GET /api/contacts/list?limit=${PAGE}\` (first page) and ` +
      `${DEEP_STARTS} random positions across the workspace × ${DEEP_FOLLOW} pages each, following \`nextCursor\` (${DEEP_STARTS * DEEP_FOLLOW} deep pages). ` +
      "Baselines: the adapter's Query sent straight to the emulator (200 times, half at random positions), and `GET /api/contacts/{id}`.",
    metrics: [
      { label: 'list p50', value: all.p50, unit: 'ms' },
      { label: 'list p95', value: all.p95, unit: 'ms', target: `< ${TARGET_P95_MS} ms`, pass: all.p95 < TARGET_P95_MS },
      { label: 'list p99', value: all.p99, unit: 'ms' },
      { label: 'raw Query p50 (emulator alone)', value: d['raw Query on the emulator (26 items)'].p50, unit: 'ms' },
      { label: 'seeding rate (BatchWriteItem)', value: Math.round(seedRate), unit: 'items/s' },
    ],
    distributions: d,
    calls: { 'per list request': listCalls, 'per GET /api/contacts/{id}': getCalls },
    notes: [
      `A list request makes ${formatCalls(listCalls)} (DynamoDB calls by the functions, counted on their client). ` +
        `Of a median list request (${all.p50} ms), the Query alone takes ${d['raw Query on the emulator (26 items)'].p50} ms on the emulator ` +
        `(${Math.round(queryShare * 100)}%); the rest is the HTTP host, the edge's reads (session, membership) and the JSON of 25 contacts. ` +
        `For comparison, GET /api/contacts/{id} (the same edge and one GetItem) takes ${d['GET /api/contacts/{id} (edge + 1 GetItem)'].p50} ms ` +
        `at the median, and a raw GetItem ${d['raw GetItem on the emulator'].p50} ms.`,
      `Deep pages: p50 ${d['list, deep pages (cursor)'].p50} ms against ${d['list, first page'].p50} ms for the first page. ` +
        'The cursor is the last key returned, so a deep page is a seek to that key (DynamoDB and the emulator alike), not a skip over the items before it.',
      `The process used ${measured.cpu} cores while the 200 requests ran one at a time: the client, the HTTP host and the function share the main thread, dynalite runs on the emulators' worker thread.`,
      `Seeding: ${(CONTACTS * 2).toLocaleString('en-US')} items in ${seeded.seconds.toFixed(1)} s = ${Math.round(seedRate)} items/s ` +
        `through dynalite (LevelDB) with ${SEED_CONCURRENCY} BatchWriteItem calls in flight.`,
    ],
    durationSeconds: round((performance.now() - t0) / 1000),
  };
});
