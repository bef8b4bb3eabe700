/** The toolkit's queries: filtered paging (DynamoDB limits before it filters), cursors, every page. */
import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { encodeCursor, type Key } from '../../../shared/adapters/dynamo/cursor';
import { collectPages, pagedQuery, prefixQuery, queryAll } from '../../../shared/adapters/dynamo/query';
import { InvalidCursorError } from '../../../shared/governance/paging';

interface Row extends Key {
  sk: string;
  actorId: string;
}

/** 30 rows, newest first; every 7th is by `bob`. */
const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({
  sk: `2026-01-01T00:00:${String(59 - i).padStart(2, '0')}.000Z#${i}`,
  actorId: i % 7 === 3 ? 'bob' : 'ann',
}));

/** DynamoDB's order of operations: `Limit` items are evaluated, then the filter drops some. */
function filteredQuery(match: (row: Row) => boolean, evaluated: number) {
  let calls = 0;
  const fetchPage = async (start: Key | undefined) => {
    calls++;
    const from = start ? rows.findIndex((r) => r.sk === start.sk) + 1 : 0;
    const slice = rows.slice(from, from + evaluated);
    const last = slice.at(-1);
    const more = from + evaluated < rows.length;
    return { items: slice.filter(match), ...(more && last ? { lastKey: { sk: last.sk } } : {}) };
  };
  return { fetchPage, calls: () => calls };
}

const keyOf = (row: Row): Key => ({ sk: row.sk });

describe('collectPages (limit applies before the filter)', () => {
  it('reads past pages without matches until the limit is filled', async () => {
    const query = filteredQuery((r) => r.actorId === 'bob', 5);

    const page = await collectPages(query.fetchPage, { limit: 2, maxPages: 10, keyOf });

    expect(page.items.map((r) => r.sk)).toEqual([rows[3]?.sk, rows[10]?.sk]);
    // Filled by the last match of the third page, the fourth is read to learn more follow (rows[17]);
    // the cursor resumes where that page starts.
    expect(page.nextKey).toEqual({ sk: rows[14]?.sk });
    expect(query.calls()).toBe(4);
  });

  it('pages through every match exactly once by following the cursor', async () => {
    const query = filteredQuery((r) => r.actorId === 'bob', 4);
    const seen: string[] = [];
    let startKey: Key | undefined;
    let pages = 0;
    do {
      const page = await collectPages(query.fetchPage, { limit: 2, maxPages: 10, keyOf, startKey });
      seen.push(...page.items.map((r) => r.sk));
      startKey = page.nextKey;
      pages++;
    } while (startKey && pages < 20);

    expect(seen).toEqual(rows.filter((r) => r.actorId === 'bob').map((r) => r.sk));
  });

  it('stops at the page cap and hands back a cursor after the last page read', async () => {
    const query = filteredQuery((r) => r.actorId === 'nobody', 3);

    const page = await collectPages(query.fetchPage, { limit: 10, maxPages: 2, keyOf });

    expect(page.items).toEqual([]);
    expect(page.nextKey).toEqual({ sk: rows[5]?.sk });
    expect(query.calls()).toBe(2);
  });

  it('gives no cursor when the data ends', async () => {
    const all = await collectPages(filteredQuery(() => true, 100).fetchPage, { limit: 30, maxPages: 10, keyOf });
    expect(all.items).toHaveLength(30);
    expect(all.nextKey).toBeUndefined();
  });
});

/** A stubbed client answering Query from `pages` by ExclusiveStartKey (its `sk` = the page to read). */
function pagedClient(pages: Array<Array<Record<string, unknown>>>) {
  const inputs: Array<Record<string, unknown>> = [];
  const db = {
    send: async (command: QueryCommand) => {
      inputs.push(command.input as Record<string, unknown>);
      const n = Number((command.input.ExclusiveStartKey as Key | undefined)?.sk ?? 0);
      return { Items: pages[n], ...(n + 1 < pages.length ? { LastEvaluatedKey: { pk: 'P', sk: String(n + 1) } } : {}) };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, inputs };
}

describe('prefixQuery', () => {
  it('queries a partition by sort-key prefix on the table or an index', () => {
    expect(prefixQuery('core', 'USER#u1', 'SESSION#', 'gsi1')).toEqual({
      TableName: 'core',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'USER#u1', ':prefix': 'SESSION#' },
    });
    expect(prefixQuery('core', 'WS#w', 'ROLE#').KeyConditionExpression).toBe('pk = :pk AND begins_with(sk, :prefix)');
  });
});

describe('queryAll', () => {
  it('follows LastEvaluatedKey to the last page', async () => {
    const { db, inputs } = pagedClient([[{ id: 1 }, { id: 2 }], [], [{ id: 3 }]]);
    expect(await queryAll(db, { TableName: 't' })).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(inputs.map((i) => i.ExclusiveStartKey)).toEqual([undefined, { pk: 'P', sk: '1' }, { pk: 'P', sk: '2' }]);
  });
});

describe('pagedQuery', () => {
  const shape = { equals: { pk: 'P' }, within: { sk: ['0', '9'] as const } };

  it('answers one page of `limit` items and the cursor of the next', async () => {
    const { db, inputs } = pagedClient([[{ id: 1 }], [{ id: 2 }]]);
    const first = await pagedQuery(db, { TableName: 't' }, { limit: 1, cursor: undefined, shape });
    expect(first).toEqual({ items: [{ id: 1 }], cursor: encodeCursor({ pk: 'P', sk: '1' }) });
    // One item past the page: read, it tells a next page exists (review round 20).
    expect(inputs[0]?.Limit).toBe(2);

    const second = await pagedQuery(db, { TableName: 't' }, { limit: 1, cursor: first.cursor, shape });
    expect(second).toEqual({ items: [{ id: 2 }] });
  });

  it('refuses a cursor of another partition before reading', async () => {
    const { db, inputs } = pagedClient([[{ id: 1 }]]);
    const foreign = encodeCursor({ pk: 'OTHER', sk: '1' });
    await expect(pagedQuery(db, { TableName: 't' }, { limit: 1, cursor: foreign, shape })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(inputs).toEqual([]);
  });

  it('collects across pages when asked, resuming after the last item answered', async () => {
    const { db } = pagedClient([
      [],
      [{ pk: 'P', sk: '7' }],
      [
        { pk: 'P', sk: '8' },
        { pk: 'P', sk: '9' },
      ],
    ]);
    const page = await pagedQuery(
      db,
      { TableName: 't', FilterExpression: 'x = :x' },
      { limit: 2, cursor: undefined, shape, collect: { maxPages: 5, keyOf: (i) => ({ pk: i.pk, sk: i.sk }) } },
    );
    expect(page).toEqual({
      items: [
        { pk: 'P', sk: '7' },
        { pk: 'P', sk: '8' },
      ],
      cursor: encodeCursor({ pk: 'P', sk: '8' }),
    });
  });

  // Review round 14: five collected pages of up to 1 MB each were answered whole, past the 6 MB a
  // function may answer (the campaign list by status, of large journeys).
  it('ends a collected page at maxBytes of items (the first always), resuming after the last answered', async () => {
    const big = (sk: string) => ({ pk: 'P', sk, body: 'x'.repeat(400) });
    const { db } = pagedClient([
      [big('1'), big('2')],
      [big('3'), big('4')],
    ]);
    const keyOf = (i: Record<string, unknown>) => ({ pk: i.pk as string, sk: i.sk as string });
    const options = { limit: 10, shape, collect: { maxPages: 5, keyOf }, maxBytes: 1000 };
    const page = await pagedQuery(
      db,
      { TableName: 't', FilterExpression: 'x = :x' },
      { ...options, cursor: undefined },
    );
    expect(page.items.map((i) => i.sk)).toEqual(['1', '2']);
    expect(page.cursor).toBe(encodeCursor({ pk: 'P', sk: '2' }));
    const one = await pagedQuery(
      pagedClient([[big('1'), big('2')]]).db,
      { TableName: 't', FilterExpression: 'x = :x' },
      { ...options, maxBytes: 10, cursor: undefined },
    );
    expect(one.items.map((i) => i.sk)).toEqual(['1']);
    expect(one.cursor).toBe(encodeCursor({ pk: 'P', sk: '1' }));
  });
});
