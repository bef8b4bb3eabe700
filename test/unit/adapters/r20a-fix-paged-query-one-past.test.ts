// Review round 20: this test failed at 16f866a.
// pagedQuery (one Query page, no `collect`) read exactly `limit` items and took DynamoDB's
// LastEvaluatedKey, given whenever a Query stops at its Limit, for "more": a page holding a
// partition's last items answered a cursor to an empty page.
import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type CursorShape, encodeCursor, type Key } from '../../../shared/adapters/dynamo/cursor';
import { pagedQuery } from '../../../shared/adapters/dynamo/query';

/** A partition as DynamoDB queries it: `Limit` items from the start key, a LastEvaluatedKey when stopped at it. */
function partition(items: ReadonlyArray<Record<string, string>>, keyOf: (item: Record<string, string>) => Key) {
  const db = {
    send: async (command: QueryCommand) => {
      const { Limit, ExclusiveStartKey } = command.input;
      const start = ExclusiveStartKey ? items.findIndex((i) => i.sk === ExclusiveStartKey.sk) + 1 : 0;
      const read = items.slice(start, start + (Limit ?? items.length));
      const stopped = Limit !== undefined && read.length === Limit;
      const last = read.at(-1);
      return { Items: read, ...(stopped && last ? { LastEvaluatedKey: keyOf(last) } : {}) };
    },
  } as unknown as DynamoDBDocumentClient;
  return db;
}

const rows = ['a', 'b', 'c', 'd'].map((sk) => ({ pk: 'P', sk, gsi1pk: 'G', gsi1sk: `g${sk}`, other: 'x' }));

async function allPages(db: DynamoDBDocumentClient, limit: number, shape: CursorShape) {
  const pages: Array<{ sks: string[]; cursor?: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await pagedQuery(db, { TableName: 't' }, { limit, cursor, shape });
    pages.push({ sks: page.items.map((i) => String(i.sk)), ...(page.cursor ? { cursor: page.cursor } : {}) });
    cursor = page.cursor;
  } while (cursor && pages.length < 10);
  return pages;
}

describe('pagedQuery: a cursor only when an item past the page exists', () => {
  const table: CursorShape = { equals: { pk: 'P' }, within: { sk: ['a', 'z'] } };
  const index: CursorShape = { equals: { gsi1pk: 'G', pk: 'P' }, within: { gsi1sk: ['g', 'h'], sk: ['a', 'z'] } };
  const db = partition(rows, (i) => ({ pk: i.pk, sk: i.sk }));

  it('a page holding the last items answers none', async () => {
    expect(await allPages(db, 2, table)).toEqual([
      { sks: ['a', 'b'], cursor: encodeCursor({ pk: 'P', sk: 'b' }) },
      { sks: ['c', 'd'] },
    ]);
    expect(await allPages(db, 4, table)).toEqual([{ sks: ['a', 'b', 'c', 'd'] }]);
    expect(await allPages(db, 3, table)).toEqual([
      { sks: ['a', 'b', 'c'], cursor: encodeCursor({ pk: 'P', sk: 'c' }) },
      { sks: ['d'] },
    ]);
  });

  it("an index listing's cursor holds the index and table keys of the last item answered", async () => {
    const [first] = await allPages(db, 2, index);
    expect(first?.cursor).toBe(encodeCursor({ gsi1pk: 'G', pk: 'P', gsi1sk: 'gb', sk: 'b' }));
  });

  it('a Query stopped short of its Limit (its 1 MB) resumes where it stopped', async () => {
    const cut = {
      send: async () => ({ Items: [rows[0]], LastEvaluatedKey: { pk: 'P', sk: 'a' } }),
    } as unknown as DynamoDBDocumentClient;
    const page = await pagedQuery(cut, { TableName: 't' }, { limit: 3, cursor: undefined, shape: table });
    expect(page).toEqual({ items: [rows[0]], cursor: encodeCursor({ pk: 'P', sk: 'a' }) });
  });
});
