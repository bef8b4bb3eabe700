// Review round 19: this test failed at 24f06da.
// A cursor gate (decodeKeyCursor's `within`) must accept exactly the start keys DynamoDB accepts for
// the Query it resumes: it compared in UTF-16 order and some listings bounded it apart from the query.
/**
 * DynamoDB refuses an ExclusiveStartKey outside the Query's key condition (a ValidationException,
 * a 500), and orders strings by their UTF-8 bytes. So for every paginated listing, a cursor's key
 * passes the gate iff the listing's own KeyConditionExpression holds for it in that order. The
 * oracle below reads the condition the adapter actually sent (a fake client records it), so a
 * gate bounded apart from its query fails here whatever the bounds are.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANY_SORT_KEY,
  beginsWith,
  type CursorShape,
  compareKeys,
  decodeKeyCursor,
  encodeCursor,
  inKeyRange,
  type Key,
  type KeyRange,
  sortKeyCondition,
} from '../../../shared/adapters/dynamo/cursor';
import { pagedQuery } from '../../../shared/adapters/dynamo/query';
import { dynamoAlerts } from '../../../shared/adapters/dynamo-alerts';
import { dynamoAudit } from '../../../shared/adapters/dynamo-audit';
import { dynamoCampaignStore } from '../../../shared/adapters/dynamo-campaigns';
import { listQuery } from '../../../shared/adapters/dynamo-contact-list-query';
import { dynamoEmailTemplates } from '../../../shared/adapters/dynamo-email-templates';
import { campaignEnrolments, contactEnrolmentsPage, heldEnrolments } from '../../../shared/adapters/dynamo-enrolments';
import { dynamoInteractions } from '../../../shared/adapters/dynamo-interactions';
import { dynamoRecomputeStore } from '../../../shared/adapters/dynamo-recompute-store';
import { dynamoScoreReader } from '../../../shared/adapters/dynamo-score-reader';
import { InvalidCursorError } from '../../../shared/governance/paging';

/** DynamoDB's order of two strings: by their UTF-8 bytes. */
const utf8Compare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const utf8StartsWith = (value: string, prefix: string) => {
  const v = Buffer.from(value, 'utf8');
  const p = Buffer.from(prefix, 'utf8');
  return v.length >= p.length && v.subarray(0, p.length).equals(p);
};

/** Whether DynamoDB takes `key` as the ExclusiveStartKey of `input`: its key condition holds, in UTF-8 order. */
function conditionHolds(input: QueryCommandInput, key: Key): boolean {
  const names = input.ExpressionAttributeNames ?? {};
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, string>;
  const attr = (name: string) => names[name] ?? name;
  const expression = input.KeyConditionExpression ?? '';
  const whole = /^(\S+) = (:\w+)(?: AND (.+))?$/.exec(expression);
  if (!whole) throw new Error(`unread key condition: ${expression}`);
  const [, pkName = '', pkValue = '', sortPart] = whole;
  if (key[attr(pkName)] !== values[pkValue]) return false;
  if (!sortPart) return true;
  const prefix = /^begins_with\((\S+), (:\w+)\)$/.exec(sortPart);
  if (prefix) {
    const v = key[attr(prefix[1] as string)];
    return typeof v === 'string' && utf8StartsWith(v, values[prefix[2] as string] as string);
  }
  const between = /^(\S+) BETWEEN (:\w+) AND (:\w+)$/.exec(sortPart);
  if (between) {
    const v = key[attr(between[1] as string)];
    return (
      typeof v === 'string' &&
      utf8Compare(v, values[between[2] as string] as string) >= 0 &&
      utf8Compare(v, values[between[3] as string] as string) <= 0
    );
  }
  throw new Error(`unread sort-key condition: ${sortPart}`);
}

/** A client that answers every Query with no items and keeps its inputs. */
function recordingDb() {
  const inputs: QueryCommandInput[] = [];
  const db = {
    send: async (command: { input: QueryCommandInput }) => {
      inputs.push(command.input);
      return { Items: [] };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, inputs };
}

/** Characters around every boundary of UTF-16 and UTF-8 order: ASCII, 2/3-byte, the BMP's end, astral. */
const EDGE_CHARS = ['#', '$', '0', '9', 'A', 'z', '~', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000'];
const ASTRAL = ['\u{10000}', '\u{1F600}', '\u{10FFFF}'];
const ALPHABET = [...EDGE_CHARS, '\uffff', ...ASTRAL];

/** The bound strings themselves, their neighbours in both orders, and keys just past them. */
function keysAround(bounds: readonly string[]): string[] {
  const out = new Set<string>();
  for (const b of bounds) {
    const points = [...b];
    const last = points.at(-1)?.codePointAt(0) ?? 0;
    const stem = points.slice(0, -1).join('');
    out.add(b);
    out.add(stem);
    out.add(`${stem}${String.fromCodePoint(last + 1)}`); // the successor: begins_with's excluded end
    if (last > 0) out.add(`${stem}${String.fromCodePoint(last - 1)}`);
    for (const c of ALPHABET) {
      out.add(`${b}${c}`);
      out.add(`${stem}${c}`);
      out.add(`${b}\uffff${c}`);
    }
  }
  return [...out].filter((k) => k.length > 0);
}

const randomKeys = (bounds: readonly string[]) =>
  fc
    .sample(
      fc.tuple(
        fc.constantFrom(...bounds, ''),
        fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }).map((cs) => cs.join('')),
        fc.string({ unit: 'binary', maxLength: 6 }),
      ),
      { numRuns: 150, seed: 19 },
    )
    .map(([b, near, any]) => `${b}${near}${any}`)
    .filter((k) => k.length > 0 && Buffer.byteLength(k) <= 1024);

const stringsOf = (input: QueryCommandInput) =>
  Object.values(input.ExpressionAttributeValues ?? {}).filter((v): v is string => typeof v === 'string');

interface Listing {
  readonly name: string;
  /** Reads one page, resuming after `cursor`. */
  readonly read: (db: DynamoDBDocumentClient, cursor: string | undefined) => Promise<unknown>;
  /**
   * A key the listing could return (its Query's partition attribute is set from the Query sent);
   * `vary` is the attribute the forged cursors change.
   */
  readonly key: Key;
  readonly vary: string;
}

const WS = 'w1';
const listings: Listing[] = [
  {
    name: 'score ledger',
    read: (db, c) => dynamoScoreReader(db, 't').ledger(WS, 'c1', 10, c),
    key: { pk: `WS#${WS}#CONTACT#c1`, sk: 'LEDGER#2026-01-01T00:00:00.000Z#x' },
    vary: 'sk',
  },
  {
    name: 'hot leads (gsi2, no sort-key condition)',
    read: (db, c) => dynamoScoreReader(db, 't').hotLeads(WS, 10, c),
    key: { pk: `WS#${WS}`, sk: 'CONTACT#c1', gsi2pk: `WS#${WS}#TIER#hot`, gsi2sk: '008000#c1' },
    vary: 'gsi2sk',
  },
  {
    name: 'recompute contacts',
    read: (db, c) => dynamoRecomputeStore(db, 't').contacts(WS, 10, c),
    key: { pk: `WS#${WS}`, sk: 'CONTACT#c1' },
    vary: 'sk',
  },
  {
    name: 'interaction timeline',
    read: (db, c) => dynamoInteractions(db, 't').timeline(WS, 'c1', { limit: 10, cursor: c }),
    key: { pk: `WS#${WS}#CONTACT#c1`, sk: 'INTERACTION#2026-01-01T00:00:00.000Z#i1' },
    vary: 'sk',
  },
  {
    name: 'campaign enrolments',
    read: (db, c) => campaignEnrolments(db, 't', WS, 'k1', { limit: 10, cursor: c }),
    key: { pk: `WS#${WS}`, sk: 'ENROLMENT#k1#c1' },
    vary: 'sk',
  },
  {
    name: 'contact enrolments (gsi1, no sort-key condition)',
    read: (db, c) => contactEnrolmentsPage(db, 't', WS, 'c1', { limit: 10, cursor: c }),
    key: { pk: `WS#${WS}`, sk: 'ENROLMENT#k1#c1', gsi1pk: 'x', gsi1sk: 'k1' },
    vary: 'gsi1sk',
  },
  {
    name: 'held enrolments (gsi2, no sort-key condition)',
    read: (db, c) => heldEnrolments(db, 't', WS, 'k1', { limit: 10, cursor: c }),
    key: { pk: `WS#${WS}`, sk: 'ENROLMENT#k1#c1', gsi2pk: 'x', gsi2sk: 'c1' },
    vary: 'gsi2sk',
  },
  {
    name: 'email templates',
    read: (db, c) => dynamoEmailTemplates(db, 't').list(WS, { limit: 10, cursor: c }),
    key: { pk: `WS#${WS}`, sk: 'EMAILTEMPLATE#t1' },
    vary: 'sk',
  },
  {
    name: 'alerts',
    read: (db, c) => dynamoAlerts(db, 't').list({ workspaceId: WS, limit: 10, ...(c ? { cursor: c } : {}) }),
    key: { pk: `WS#${WS}`, sk: 'ALERT#2026-01-01T00:00:00.000Z#a1' },
    vary: 'sk',
  },
  {
    name: 'audit, a date range',
    read: (db, c) =>
      dynamoAudit(db, 't').list({
        workspaceId: WS,
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
        limit: 10,
        ...(c ? { cursor: c } : {}),
      }),
    key: { pk: `WS#${WS}`, sk: '2026-01-02T00:00:00.000Z#e1' },
    vary: 'sk',
  },
  {
    name: 'audit, unbounded',
    read: (db, c) => dynamoAudit(db, 't').list({ workspaceId: WS, limit: 10, ...(c ? { cursor: c } : {}) }),
    key: { pk: `WS#${WS}`, sk: '2026-01-02T00:00:00.000Z#e1' },
    vary: 'sk',
  },
  {
    name: 'campaigns',
    read: (db, c) => dynamoCampaignStore(db, 't').list(WS, { limit: 10, cursor: c }),
    key: { pk: `WS#${WS}`, sk: 'CAMPAIGN#k1' },
    vary: 'sk',
  },
  {
    name: 'contacts',
    read: (db, c) => contactList(db, {}, c),
    key: { pk: `WS#${WS}`, sk: 'CONTACT#c1' },
    vary: 'sk',
  },
  {
    name: 'contacts by tier (gsi2)',
    read: (db, c) => contactList(db, { tier: 'hot', minScore: 50, maxScore: 80 }, c),
    key: { pk: `WS#${WS}`, sk: 'CONTACT#c1', gsi2pk: `WS#${WS}#TIER#hot`, gsi2sk: '006000#c1' },
    vary: 'gsi2sk',
  },
];

function contactList(db: DynamoDBDocumentClient, filter: Parameters<typeof listQuery>[2], cursor: string | undefined) {
  const query = listQuery('t', WS, filter, { limit: 10, cursor });
  return pagedQuery(db, query.input, { limit: 10, cursor, shape: query.shape });
}

/** The Query a listing sends, after `cursor`. */
async function queryOf(listing: Listing, cursor: string | undefined): Promise<QueryCommandInput> {
  const { db, inputs } = recordingDb();
  await listing.read(db, cursor);
  const input = inputs.at(-1);
  if (!input) throw new Error(`${listing.name}: no Query`);
  return input;
}

/** Whether the listing's gate lets `key` through to the store. */
async function gateAccepts(listing: Listing, key: Key): Promise<boolean> {
  const { db, inputs } = recordingDb();
  try {
    await listing.read(db, encodeCursor(key));
  } catch (error) {
    if (error instanceof InvalidCursorError) return false;
    throw error;
  }
  expect(inputs.at(-1)?.ExclusiveStartKey).toEqual(key);
  return true;
}

describe('every listing’s cursor gate accepts exactly the start keys its Query takes (UTF-8 order)', () => {
  it.each(listings.map((l) => [l.name, l] as const))('%s', async (_name, listing) => {
    // The partition the Query names, from a first page's Query.
    const first = await queryOf(listing, undefined);
    const pkName = /^(\S+) = (:\w+)/.exec(first.KeyConditionExpression ?? '');
    const pkAttr = first.ExpressionAttributeNames?.[pkName?.[1] ?? ''] ?? pkName?.[1] ?? '';
    const base: Key = { ...listing.key, [pkAttr]: first.ExpressionAttributeValues?.[pkName?.[2] ?? ''] };
    expect(await gateAccepts(listing, base), `${listing.name}: a key it returns`).toBe(true);
    // The Query a cursor resumes (the interaction timeline's first page reads another range).
    const input = await queryOf(listing, encodeCursor(base));

    const bounds = [...stringsOf(input), String(listing.key[listing.vary])];
    const candidates = [...new Set([...keysAround(bounds), ...randomKeys(bounds)])];
    const wrong: string[] = [];
    for (const value of candidates) {
      const key = { ...base, [listing.vary]: value };
      if ((await gateAccepts(listing, key)) !== conditionHolds(input, key)) wrong.push(JSON.stringify(value));
    }
    expect(wrong, `${listing.name}: gate and key condition disagree`).toEqual([]);
  });
});

describe('decodeKeyCursor against a BETWEEN range, in UTF-8 order', () => {
  it('accepts a random key iff DynamoDB’s BETWEEN holds for it', () => {
    const bounds = ['010000#\uffff', 'CONTACT#', 'CONTACT#\uffff', '0', '9999~', 'a\u{1F600}', 'a\uffff'];
    fc.assert(
      fc.property(
        fc.constantFrom(...bounds),
        fc.constantFrom(...bounds),
        fc.constantFrom(...keysAround(bounds), ...randomKeys(bounds)),
        (low, high, sk) => {
          const shape: CursorShape = { equals: { pk: 'P' }, within: { sk: [low, high] } };
          const input = {
            TableName: 't',
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: { ':pk': 'P', ':lo': low, ':hi': high },
          };
          const key = { pk: 'P', sk };
          expect(gateAcceptsKey(shape, key)).toBe(conditionHolds(input, key));
        },
      ),
      { numRuns: 2000, seed: 19 },
    );
  });
});

function gateAcceptsKey(shape: CursorShape, key: Key): boolean {
  try {
    return decodeKeyCursor(encodeCursor(key), shape) !== undefined;
  } catch (error) {
    if (error instanceof InvalidCursorError) return false;
    throw error;
  }
}

describe('one KeyRange makes both the key condition and the cursor check', () => {
  const prefixes = ['CONTACT#', 'LEDGER#', 'a\u{1F600}', 'x\uffff', '\u00e9#', 'ENROLMENT#k1#'];
  const bounds = ['010000#\uffff', '0', '9999~', 'a\u{1F600}', 'a\uffff', 'CONTACT#', 'CONTACT$'];
  const ranges: Array<[string, KeyRange]> = [
    ...prefixes.map((p): [string, KeyRange] => [`beginsWith(${JSON.stringify(p)})`, beginsWith(p)]),
    ...bounds.flatMap((lo) => bounds.map((hi): [string, KeyRange] => [`[${lo}, ${hi}]`, [lo, hi]])),
    ['any', ANY_SORT_KEY],
  ];
  const keys = [...new Set([...keysAround([...prefixes, ...bounds]), ...randomKeys([...prefixes, ...bounds])])];

  it('accepts a random key (astral-plane characters, the bounds themselves) iff the condition holds in UTF-8 order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ranges), fc.constantFrom(...keys), ([, range], sk) => {
        const sort = sortKeyCondition('sk', range);
        const input = {
          TableName: 't',
          KeyConditionExpression: sort.expression ? `pk = :pk AND ${sort.expression}` : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'P', ...sort.values },
        };
        const key = { pk: 'P', sk };
        expect(gateAcceptsKey({ equals: { pk: 'P' }, within: { sk: range } }, key)).toBe(conditionHolds(input, key));
      }),
      { numRuns: 5000, seed: 19 },
    );
  });

  it('puts a prefix’s successor outside begins_with, and a key past U+FFFF inside it', () => {
    const shape: CursorShape = { equals: { pk: 'P' }, within: { sk: beginsWith('LEDGER#') } };
    expect(gateAcceptsKey(shape, { pk: 'P', sk: 'LEDGER$' })).toBe(false);
    expect(gateAcceptsKey(shape, { pk: 'P', sk: 'LEDGER#' })).toBe(true);
    expect(gateAcceptsKey(shape, { pk: 'P', sk: 'LEDGER#\u{1F600}' })).toBe(true);
    expect(gateAcceptsKey(shape, { pk: 'P', sk: 'LEDGER' })).toBe(false);
  });

  it('orders like DynamoDB: UTF-8 bytes, where a character past U+FFFF sorts above U+FFFF', () => {
    expect(compareKeys('\u{1F600}', '\uffff')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uffff').toBe(true); // JavaScript's order, which the gate no longer uses
    expect(inKeyRange('010000#\u{1F600}', ['000000#', '010000#\uffff'])).toBe(false);
  });
});
