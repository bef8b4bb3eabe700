/**
 * One page of a workspace's pending invites, through its gsi1 listing (`WS#<id>` /
 * `INVITE#<createdAt>#<inviteId>`, oldest first), filtered to those still pending and unexpired.
 * An invite's table key is the hash of its token, so the cursor holds no table key: it is
 * `{after: "<createdAt>#<inviteId>"}`, the index sort key of the last invite answered (or read),
 * and the next page's Query starts at that key (skipping it).
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../governance/paging';
import { decodeCursor, encodeCursor } from './dynamo/cursor';
import type { Item } from './dynamo/item';
import { collectPages, withinAnswer } from './dynamo/query';
import { INVITE_GSI1_PREFIX, workspacePk } from './keys';

/** Items read per Query page (DynamoDB limits before the filter), and pages at most per request. */
const PAGE_SIZE = 200;
const MAX_PAGES = 10;
/** The first sort key past every `INVITE#…` one (`$` follows `#`). */
const PAST_INVITES = `${INVITE_GSI1_PREFIX.slice(0, -1)}${String.fromCharCode(INVITE_GSI1_PREFIX.charCodeAt(INVITE_GSI1_PREFIX.length - 1) + 1)}`;
/** An index sort key without its prefix: an ISO instant and an invite id. */
const AFTER = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z#[A-Za-z0-9_-]{1,64}$/;

/**
 * The workspace's invites pending and unexpired at `now` (ISO), at most `limit` after `cursor`, and
 * the cursor of the next page when more may follow; the page is cut to what a function may answer.
 * @throws InvalidCursorError for a cursor this listing did not hand out.
 */
export async function pendingInvitesPage(
  db: DynamoDBDocumentClient,
  table: string,
  workspaceId: string,
  now: string,
  { limit, cursor }: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<{ items: Item[]; nextCursor?: string }> {
  const after = afterOf(cursor);
  const from = after === undefined ? undefined : `${INVITE_GSI1_PREFIX}${after}`;
  const query: QueryCommandInput = {
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: from
      ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to'
      : 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
    FilterExpression: '#status = :pending AND expiresAtIso > :now AND workspaceId = :ws',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':pk': workspacePk(workspaceId),
      ':pending': 'pending',
      ':now': now,
      ':ws': workspaceId,
      ...(from ? { ':from': from, ':to': PAST_INVITES } : { ':prefix': INVITE_GSI1_PREFIX }),
    },
    Limit: PAGE_SIZE,
  };
  const { items, nextKey } = await collectPages(
    async (start) => {
      const out = await db.send(new QueryCommand({ ...query, ExclusiveStartKey: start }));
      // BETWEEN takes its low end: the cursor's own invite, answered on the page before.
      const found = (out.Items ?? []).filter((item) => item.gsi1sk !== from);
      return { items: found, lastKey: out.LastEvaluatedKey };
    },
    { limit, maxPages: MAX_PAGES, keyOf: (item) => item },
  );
  const shown = withinAnswer(items);
  // After the last invite answered, or, when the pages ran out first, the last one read.
  const resume = shown.cut ? shown.items.at(-1) : nextKey;
  const at = resume && String(resume.gsi1sk).slice(INVITE_GSI1_PREFIX.length);
  return at ? { items: shown.items, nextCursor: encodeCursor({ after: at }) as string } : { items: shown.items };
}

/** The listing's cursor: `{after: "<createdAt>#<inviteId>"}`. */
function afterOf(cursor: string | undefined): string | undefined {
  const decoded = decodeCursor(cursor);
  if (!decoded) return undefined;
  const { after } = decoded;
  if (typeof after !== 'string' || !AFTER.test(after) || Object.keys(decoded).length !== 1) {
    throw new InvalidCursorError();
  }
  return after;
}
