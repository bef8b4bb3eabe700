// Review round 20: this test failed at 16f866a.
// A collected listing page (contacts, templates, campaigns, audit...) was bounded by its items' raw JSON (3 MB),
// not by what the function sends: the answer writes `<`, `>`, `&` as `\u003c` and the result's JSON escapes that
// again (7 bytes for 1), so contacts whose custom fields hold HTML made a 21 MB answer: a 5xx past Lambda's 6 MB.
import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Key } from '../../../shared/adapters/dynamo/cursor';
import { pagedQuery } from '../../../shared/adapters/dynamo/query';
import { SECURITY_HEADERS } from '../../../shared/http/security-headers';
import { toApiResult } from '../../../shared/http/to-api-result';

const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
const shape = { equals: { pk: 'P' }, within: { sk: ['0', '9'] as const } };

/** Store pages of `perPage` items each (as DynamoDB answers a filtered query, up to 1 MB a page), keyed by index. */
function client(items: Array<Record<string, unknown>>, perPage: number) {
  const db = {
    send: async (command: QueryCommand) => {
      const start = command.input.ExclusiveStartKey as Key | undefined;
      const from = start ? Number(start.sk) + 1 : 0;
      const page = items.slice(from, from + perPage);
      const last = page.at(-1);
      const more = from + perPage < items.length && last;
      return { Items: page, ...(more ? { LastEvaluatedKey: { pk: 'P', sk: last.sk } } : {}) };
    },
  } as unknown as DynamoDBDocumentClient;
  return db;
}

/** A contact whose 50 custom fields hold 1,000 characters of HTML each (a signature, a synced snippet). */
const contactItem = (i: number) => ({
  pk: 'P',
  sk: String(i).padStart(4, '0'),
  email: `p${i}@example.com`,
  customFields: Object.fromEntries(
    Array.from({ length: 50 }, (_, k) => [`html${k}`, `${'<b>&lt;hi&gt;</b>'.repeat(1000 / 17)}<br/>`]),
  ),
});

const sent = (body: unknown) =>
  Buffer.byteLength(JSON.stringify(toApiResult({ status: 200, headers: { ...SECURITY_HEADERS }, body }, 'req-1')));

describe('review 20a: a collected listing page fits in what a function may answer', () => {
  it('100 contacts of HTML custom fields: the page, as sent, stays within 6 MB; the rest follows by cursor', async () => {
    const items = Array.from({ length: 100 }, (_, i) => contactItem(i));
    const keyOf = (item: Record<string, unknown>) => ({ pk: item.pk as string, sk: item.sk as string });
    const read: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await pagedQuery(
        client(items, 20),
        { TableName: 't', FilterExpression: 'x = :x' },
        { limit: 100, cursor, shape, collect: { maxPages: 10, keyOf } },
      );
      expect(sent({ contacts: page.items, nextCursor: page.cursor })).toBeLessThanOrEqual(LAMBDA_RESPONSE_MAX_BYTES);
      read.push(...page.items.map((item) => item.sk));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(read).toEqual(items.map((item) => item.sk));
  });
});
