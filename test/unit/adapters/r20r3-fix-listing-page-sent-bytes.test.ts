// Review round 20: this test failed at 27bc9a0.
// Only collected listing pages were bounded by their weight as sent: one Query page (pagedQuery without `collect`:
// campaigns, enrolments, score ledger...), the timeline's first page, the API keys page and a node's AI drafts were
// answered whole, bounded only by DynamoDB's 1 MB of raw items per Query: up to 7 MB as sent (`<` leaves as `\u003c`,
// escaped again in the result's JSON string), a 5xx past a Lambda's 6 MB.
import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { pagedQuery } from '../../../shared/adapters/dynamo/query';
import { dynamoApiKeys } from '../../../shared/adapters/dynamo-api-keys';
import { dynamoCampaignAiDrafts } from '../../../shared/adapters/dynamo-campaign-ai-drafts';
import { dynamoInteractions } from '../../../shared/adapters/dynamo-interactions';
import {
  API_KEY_GSI1_PREFIX,
  CONTACT_HEAD_SK,
  campaignAiDraftSk,
  INTERACTION_PREFIX,
  interactionPk,
  workspacePk,
} from '../../../shared/adapters/keys';
import { SECURITY_HEADERS } from '../../../shared/http/security-headers';
import { toApiResult } from '../../../shared/http/to-api-result';

const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;
const HTML = '<'.repeat(100_000);

type Row = Record<string, unknown>;

/**
 * One partition as DynamoDB queries it: sorted by `sortKey` (backwards when asked), from the start key, at most
 * `Limit` items or 1 MB of them (the item that passes it included), a LastEvaluatedKey when it stopped at either.
 * The key condition: `:head` (the timeline's first page) admits the contact head, `:before` ends the range.
 */
function partition(rows: readonly Row[], sortKey: 'sk' | 'gsi1sk', keyNames: readonly string[]) {
  return {
    send: async (command: QueryCommand) => {
      const { Limit, ExclusiveStartKey, ScanIndexForward, ExpressionAttributeValues: values = {} } = command.input;
      const inRange = (row: Row) =>
        (row.sk !== CONTACT_HEAD_SK || ':head' in values) &&
        (values[':before'] === undefined || String(row[sortKey]) <= String(values[':before']));
      const sorted = rows.filter(inRange).sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])));
      if (ScanIndexForward === false) sorted.reverse();
      const from = ExclusiveStartKey ? sorted.findIndex((r) => r[sortKey] === ExclusiveStartKey[sortKey]) + 1 : 0;
      const read: Row[] = [];
      let bytes = 0;
      for (const row of sorted.slice(from)) {
        if (read.length === Limit || bytes >= 1_000_000) break;
        read.push(row);
        bytes += Buffer.byteLength(JSON.stringify(row));
      }
      const last = read.at(-1);
      const stopped = last && (read.length === Limit || bytes >= 1_000_000);
      return {
        Items: read,
        ...(stopped ? { LastEvaluatedKey: Object.fromEntries(keyNames.map((k) => [k, last[k]])) } : {}),
      };
    },
  } as unknown as DynamoDBDocumentClient;
}

/** What the function sends for an answer of `body`: the API result, as the Lambda runtime serialises it. */
const sent = (body: unknown) =>
  Buffer.byteLength(JSON.stringify(toApiResult({ status: 200, headers: { ...SECURITY_HEADERS }, body }, 'req-1')));

/** Every page of a listing, each checked to fit in what a function may answer. */
async function everyPage<T>(
  read: (cursor: string | undefined) => Promise<{ items: readonly T[]; cursor?: string | undefined }>,
) {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read(cursor);
    expect(sent({ items: page.items, nextCursor: page.cursor }), `page ${pages + 1}`).toBeLessThanOrEqual(
      LAMBDA_RESPONSE_MAX_BYTES,
    );
    expect(page.items.length).toBeGreaterThan(0);
    items.push(...page.items);
    cursor = page.cursor;
    pages += 1;
  } while (cursor && pages < 100);
  return { items, pages };
}

describe('r20r3: every listing page fits in what a function may answer, as sent', () => {
  it('one Query page (pagedQuery without collect): cut by weight, the cursor after the last item answered', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ pk: 'P', sk: `C#${String(i).padStart(3, '0')}`, html: HTML }));
    const db = partition(rows, 'sk', ['pk', 'sk']);
    const shape = { equals: { pk: 'P' }, within: { sk: { prefix: 'C#' } } };
    const { items, pages } = await everyPage((cursor) =>
      pagedQuery(db, { TableName: 't' }, { limit: 25, cursor, shape }),
    );
    expect(items.map((i) => i.sk)).toEqual(rows.map((r) => r.sk));
    expect(pages).toBeGreaterThan(3);
  });

  it("a contact's timeline, first page (its own Query, with the head) and later ones", async () => {
    const pk = interactionPk('ws', 'c1');
    const rows: Row[] = Array.from({ length: 40 }, (_, i) => {
      const occurredAt = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      return {
        pk,
        sk: `${INTERACTION_PREFIX}${occurredAt}#i${i}`,
        type: 'interaction',
        type_: 'note',
        interactionId: `i${i}`,
        workspaceId: 'ws',
        contactId: 'c1',
        occurredAt,
        metadata: { note: HTML.slice(0, 40_000) },
        source: 'api',
      };
    });
    rows.push({ pk, sk: CONTACT_HEAD_SK, deleted: false });
    const store = dynamoInteractions(partition(rows, 'sk', ['pk', 'sk']), 't');
    const { items } = await everyPage(async (cursor) => {
      const page = await store.timeline('ws', 'c1', { limit: 100, ...(cursor ? { cursor } : {}) });
      return { items: page.interactions, cursor: page.nextCursor };
    });
    expect(items.map((i) => i.interactionId)).toEqual(
      rows
        .slice(0, 40)
        .map((r) => r.interactionId)
        .reverse(),
    );
  });

  it('the API keys page', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => {
      const keyId = `k${String(i).padStart(3, '0')}`;
      return {
        pk: `APIKEY#hash${i}`,
        sk: 'APIKEY',
        gsi1pk: workspacePk('ws'),
        gsi1sk: `${API_KEY_GSI1_PREFIX}${keyId}`,
        keyId,
        workspaceId: 'ws',
        name: HTML,
        prefix: 'uh_abc',
        scopes: [],
        createdBy: 'u1',
        createdAt: '2026-01-01T00:00:00.000Z',
        isActive: true,
      };
    });
    const store = dynamoApiKeys(partition(rows, 'gsi1sk', ['gsi1pk', 'gsi1sk', 'pk', 'sk']), 't');
    const { items } = await everyPage(async (cursor) => {
      const page = await store.list('ws', 100, cursor);
      return { items: page.items, cursor: page.nextCursor };
    });
    expect(items.map((k) => k.keyId)).toEqual(rows.map((r) => r.keyId).reverse());
  });

  it("a node's AI drafts: the newest that fit", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => {
      const draftId = `d${String(i).padStart(3, '0')}`;
      const draft = { workspaceId: 'ws', campaignId: 'c1', nodeId: 'n1', draftId, html: HTML, body: 'b' };
      return {
        pk: workspacePk('ws'),
        sk: campaignAiDraftSk('c1', 'n1', draftId),
        type: 'campaign-ai-draft',
        draftJson: JSON.stringify(draft),
      };
    });
    const drafts = await dynamoCampaignAiDrafts(partition(rows, 'sk', ['pk', 'sk']), 't').list('ws', 'c1', 'n1', 50);
    expect(sent({ drafts })).toBeLessThanOrEqual(LAMBDA_RESPONSE_MAX_BYTES);
    expect(drafts[0]?.draftId).toBe('d019');
  });
});
