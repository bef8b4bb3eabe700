import { describe, expect, it } from 'vitest';
import { auditQueryPlan } from '../../../shared/adapters/dynamo-audit';
import { encodeCursor, InvalidCursorError } from '../../../shared/adapters/keys';
import { ValidationError } from '../../../shared/errors';
import { listAuditLog } from '../../../shared/governance/audit-log';
import { collectPages, decodeKeyCursor, type Key } from '../../../shared/governance/paging';
import type { AuditQuery, AuditReader } from '../../../shared/governance/ports';
import { callerIn } from './memory-stores';

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
    expect(page.nextKey).toEqual({ sk: rows[10]?.sk });
    expect(query.calls()).toBe(3);
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

describe('decodeKeyCursor', () => {
  const shape = { equals: { pk: 'WS#a' }, within: { sk: ['0', '9999~'] as const } };

  it('accepts a cursor of the expected partition and range', () => {
    const key = { pk: 'WS#a', sk: '2026-01-01T00:00:00.000Z#1' };
    expect(decodeKeyCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it.each([
    ['another workspace', { pk: 'WS#b', sk: '2026-01-01T00:00:00.000Z#1' }],
    ['an extra attribute', { pk: 'WS#a', sk: '2026#1', gsi1pk: 'x' }],
    ['a sort key outside the range', { pk: 'WS#a', sk: 'ALERT#1' }],
    ['a non-string key', { pk: 'WS#a', sk: 5 }],
  ])('refuses %s', (_label, key) => {
    expect(() => decodeKeyCursor(encodeCursor(key), shape)).toThrow(InvalidCursorError);
  });

  it('refuses an unreadable cursor', () => {
    expect(() => decodeKeyCursor('not-base64-json', shape)).toThrow(InvalidCursorError);
  });
});

describe('auditQueryPlan', () => {
  const base: AuditQuery = { workspaceId: 'ws-a', limit: 50 };

  it('filters by type through gsi1 and by actor or resource with a filter', () => {
    const plan = auditQueryPlan('audit', { ...base, eventType: 'api-keys.create', actorId: 'u-1', resourceId: 'k-1' });

    expect(plan.input.IndexName).toBe('gsi1');
    expect(plan.input.ExpressionAttributeNames).toMatchObject({ '#pk': 'gsi1pk', '#sk': 'gsi1sk' });
    expect(plan.input.ExpressionAttributeValues[':pk']).toBe('WS#ws-a#TYPE#api-keys.create');
    expect(plan.input.FilterExpression).toBe('#actorId = :actorId AND #resourceId = :resourceId');
    expect(plan.input.ScanIndexForward).toBe(false);
    expect(plan.filtered).toBe(true);
  });

  it('reads the workspace partition without a filter when none is given', () => {
    const plan = auditQueryPlan('audit', base);

    expect(plan.input.IndexName).toBeUndefined();
    expect(plan.input.FilterExpression).toBeUndefined();
    expect(plan.input.ExpressionAttributeValues[':pk']).toBe('WS#ws-a');
    expect(plan.input.Limit).toBe(50);
  });

  it('includes entries made exactly at `to`', () => {
    const to = '2026-01-01T00:00:00.000Z';
    const plan = auditQueryPlan('audit', { ...base, from: to, to });
    const sk = `${to}#entry`;
    const low = plan.input.ExpressionAttributeValues[':low'] as string;
    const high = plan.input.ExpressionAttributeValues[':high'] as string;

    expect(sk >= low && sk <= high).toBe(true);
    expect('2026-01-01T00:00:00.001Z#later' <= high).toBe(false);
  });
});

describe('listAuditLog', () => {
  const caller = callerIn('ws-a', ['audit:read']);
  const recording = () => {
    const queries: AuditQuery[] = [];
    const reader: AuditReader = {
      list: async (query) => {
        queries.push(query);
        return { items: [] };
      },
    };
    return { reader, queries };
  };

  it("scopes the query to the caller's workspace and normalises the date range", async () => {
    const { reader, queries } = recording();

    await listAuditLog(
      caller,
      { eventType: 'settings.put', from: '2026-03-01T10:00:00+01:00', to: '2026-03-01T10:00:00Z', limit: 10 },
      reader,
    );

    expect(queries).toEqual([
      {
        workspaceId: 'ws-a',
        eventType: 'settings.put',
        from: '2026-03-01T09:00:00.000Z',
        to: '2026-03-01T10:00:00.000Z',
        limit: 10,
      },
    ]);
  });

  it('refuses a range that ends before it starts (400 INVALID_RANGE)', async () => {
    const { reader, queries } = recording();
    const attempt = listAuditLog(
      caller,
      { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z', limit: 10 },
      reader,
    );

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    expect(queries).toEqual([]);
  });

  it('answers a bad cursor with 400 INVALID_CURSOR', async () => {
    const reader: AuditReader = {
      list: async () => {
        throw new InvalidCursorError();
      },
    };
    await expect(listAuditLog(caller, { limit: 10, cursor: 'x' }, reader)).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_CURSOR',
    });
  });
});
