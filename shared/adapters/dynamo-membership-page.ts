/**
 * A user's memberships, a page at a time, through gsi1 (`USER#<id>` / `MEMBERSHIP#<ws>`): the listing
 * of `GET /api/workspaces` and the first page of `GET /api/auth/me`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../governance/paging';
import type { Membership } from '../identity/model';
import { RECORD_ID_PATTERN } from '../identity/tokens';
import { beginsWith, decodeCursor, encodeCursor } from './dynamo/cursor';
import { pagedQuery, rangeListing } from './dynamo/query';
import { toMembership } from './dynamo-memberships';
import { MEMBERSHIP_GSI1_PREFIX, memberSk, membershipGsi1, userPk, workspacePk } from './keys';

/** One page of a user's memberships, and the cursor of the next one when more follow. */
export interface MembershipPage {
  readonly memberships: Membership[];
  readonly nextCursor?: string;
}

/**
 * One page of the memberships of `userId`, by workspace id (gsi1 `USER#<id>` / `MEMBERSHIP#<ws>`,
 * eventually consistent: a workspace joined a moment ago may be missing), at most `limit` after
 * `cursor`, cut to what a function may answer (`withinAnswer`, through `pagedQuery`). Nothing
 * bounds how many workspaces a user belongs to (invites add them), so no answer lists them all.
 * The cursor is `{after: "<workspaceId>"}`, the last workspace answered: it holds no user, so it
 * reads nobody else's memberships, and the Query's start key is built from it and the caller's id.
 * @throws InvalidCursorError for a cursor this listing did not hand out.
 */
export async function membershipPage(
  db: DynamoDBDocumentClient,
  table: string,
  userId: string,
  { limit, cursor }: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<MembershipPage> {
  const after = afterWorkspace(cursor);
  const own = memberSk(userId);
  const { input, shape } = rangeListing(table, userPk(userId), beginsWith(MEMBERSHIP_GSI1_PREFIX), {
    index: 'gsi1',
    tablePk: workspacePk(after ?? ''),
    tableSk: [own, own],
  });
  const start = after === undefined ? undefined : { ...membershipGsi1(userId, after), pk: workspacePk(after), sk: own };
  const page = await pagedQuery(db, input, { limit, cursor: encodeCursor(start), shape });
  const memberships = page.items.map(toMembership);
  const next = page.cursor === undefined ? undefined : decodeCursor(page.cursor)?.gsi1sk;
  return typeof next === 'string'
    ? { memberships, nextCursor: encodeCursor({ after: next.slice(MEMBERSHIP_GSI1_PREFIX.length) }) as string }
    : { memberships };
}

/** The memberships listing's cursor: `{after: "<workspaceId>"}`. */
function afterWorkspace(cursor: string | undefined): string | undefined {
  const decoded = decodeCursor(cursor);
  if (!decoded) return undefined;
  const { after } = decoded;
  if (typeof after !== 'string' || !RECORD_ID_PATTERN.test(after) || Object.keys(decoded).length !== 1) {
    throw new InvalidCursorError();
  }
  return after;
}
