// Review round 20: this test failed at 27bc9a0.
// A filtered listing that collects matches (audit by actor or resource, alerts by status, hot leads, a creator's
// API keys) took the LastEvaluatedKey of the Query page it stopped in for "more": DynamoDB gives one whenever a
// Query stops at its Limit, even at the partition's end, so a page filled by the last match answered a cursor to
// an empty page.
import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type CursorShape, encodeCursor } from '../../../shared/adapters/dynamo/cursor';
import { pagedQuery } from '../../../shared/adapters/dynamo/query';

type Row = { pk: string; sk: string; match: boolean };

/** A partition queried with a filter: `Limit` items evaluated, the matches answered, a LastEvaluatedKey when stopped at it. */
function filtered(rows: readonly Row[]) {
  const reads: number[] = [];
  const db = {
    send: async (command: QueryCommand) => {
      const { Limit, ExclusiveStartKey } = command.input;
      const from = ExclusiveStartKey ? rows.findIndex((r) => r.sk === ExclusiveStartKey.sk) + 1 : 0;
      const evaluated = rows.slice(from, from + (Limit ?? rows.length));
      reads.push(evaluated.length);
      const last = evaluated.at(-1);
      const stopped = last && evaluated.length === Limit;
      return {
        Items: evaluated.filter((r) => r.match),
        ...(stopped ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
      };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, reads };
}

const shape: CursorShape = { equals: { pk: 'P' }, within: { sk: ['a', 'z'] } };
const keyOf = (item: Record<string, unknown>) => ({ pk: item.pk, sk: item.sk });

async function allPages(db: DynamoDBDocumentClient, limit: number) {
  const pages: Array<{ sks: string[]; cursor?: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await pagedQuery(
      db,
      { TableName: 't', FilterExpression: 'match = :m', Limit: 2 },
      { limit, cursor, shape, collect: { maxPages: 10, keyOf } },
    );
    pages.push({ sks: page.items.map((i) => String(i.sk)), ...(page.cursor ? { cursor: page.cursor } : {}) });
    cursor = page.cursor;
  } while (cursor && pages.length < 10);
  return pages;
}

/** a..f, Query pages of two: [a b] [c d] [e f]; the matches are b, d and f (the last item of each page). */
const rows: Row[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((sk, i) => ({ pk: 'P', sk, match: i % 2 === 1 }));

describe('r20r3: a collected page filled by the last match answers no cursor', () => {
  it('the last match fills the page at the end of a Query page stopped at its Limit: no cursor', async () => {
    expect(await allPages(filtered(rows).db, 3)).toEqual([{ sks: ['b', 'd', 'f'] }]);
  });

  it('a match after the page: a cursor after its last item, and the next page holds it', async () => {
    expect(await allPages(filtered(rows).db, 2)).toEqual([
      { sks: ['b', 'd'], cursor: encodeCursor({ pk: 'P', sk: 'd' }) },
      { sks: ['f'] },
    ]);
  });

  it('no match after the page, only items that do not match: no cursor', async () => {
    const tail = rows.map((r) => (r.sk === 'f' ? { ...r, match: false } : r));
    expect(await allPages(filtered(tail).db, 2)).toEqual([{ sks: ['b', 'd'] }]);
  });

  it('a page filled in the middle of a Query page reads no further', async () => {
    const all = rows.map((r) => ({ ...r, match: true }));
    const { db, reads } = filtered(all);
    const page = await pagedQuery(
      db,
      { TableName: 't', FilterExpression: 'match = :m', Limit: 4 },
      { limit: 3, cursor: undefined, shape, collect: { maxPages: 10, keyOf } },
    );
    expect(page).toEqual({ items: all.slice(0, 3), cursor: encodeCursor({ pk: 'P', sk: 'c' }) });
    expect(reads).toEqual([4]);
  });

  it('a lookup (no cursor wanted: an alert found by id) stops at the Query page that holds its match', async () => {
    const { db, reads } = filtered(rows.map((r) => ({ ...r, match: r.sk === 'b' })));
    const page = await pagedQuery(
      db,
      { TableName: 't', FilterExpression: 'id = :id', Limit: 2 },
      { limit: 1, cursor: undefined, shape, collect: { maxPages: 10, keyOf, lookup: true } },
    );
    expect(page.items.map((i) => i.sk)).toEqual(['b']);
    expect(reads).toEqual([2]);
  });
});
