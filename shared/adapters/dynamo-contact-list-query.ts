/** The DynamoDB query behind a contact list: key range or tier index, plus filters. */
import type { ContactFilter, ContactListRequest } from '../crm/contacts/ports';
import { searchQueries } from '../crm/contacts/search';
import { storedTagForms } from '../crm/contacts/tag-field';
import { beginsWith, type CursorShape, decodeCursor, type Key, type KeyRange, sortKeyCondition } from './dynamo/cursor';
import type { Item } from './dynamo/item';
import { CONTACT_PREFIX, tierGsi2, workspacePk } from './keys';

/** A workspace's contact items: sort keys beginning with `CONTACT#`. */
const SK_RANGE = beginsWith(CONTACT_PREFIX);

/**
 * The query of a list: the workspace's contact range (one Query unfiltered), or gsi2 by
 * tier, best score first, the score range as a key condition. Other filters are a
 * FilterExpression; deleted contacts are always filtered out.
 *
 * With `order: 'key'` (a launch's audience) a tier filter reads the contact range too, the
 * tier a FilterExpression like the others: gsi2 is ordered by the score, which moves while a
 * reader pages (an interaction, a score adjustment, decay), so a contact could cross the cursor
 * and be read twice or never; the contact id never moves. A cursor of such a reader that is
 * a position in gsi2 (a launch begun, or failed and resumed, across the change to key order)
 * goes on in gsi2, the order it began in.
 */
export function listQuery(
  table: string,
  workspaceId: string,
  f: ContactFilter,
  page: Pick<ContactListRequest, 'limit' | 'cursor' | 'order'>,
) {
  const pk = workspacePk(workspaceId);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters = ['attribute_not_exists(deletedAt)'];
  if (f.status) {
    names['#status'] = 'status';
    values[':status'] = f.status;
    filters.push('#status = :status');
  }
  // Any of the forms a stored value may hold it in (written before tags and search were normalised).
  const anyOf = (attribute: string, value: string, forms: readonly string[]) => {
    if (forms.length === 0) return;
    names[`#${attribute}`] = attribute;
    const each = forms.map((form, i) => {
      const name = `:${value}${i === 0 ? '' : i}`;
      values[name] = form;
      return `contains(#${attribute}, ${name})`;
    });
    filters.push(each.length === 1 ? (each[0] as string) : `(${each.join(' OR ')})`);
  };
  if (f.tag) anyOf('tags', 'tag', storedTagForms(f.tag));
  anyOf('search', 'q', searchQueries(f.q));
  if (f.minScore !== undefined) {
    names['#score'] = 'score';
    values[':minScore'] = f.minScore;
    filters.push('#score >= :minScore');
  }
  if (f.maxScore !== undefined) {
    names['#score'] = 'score';
    values[':maxScore'] = f.maxScore;
    filters.push('#score <= :maxScore');
  }
  const byTierIndex = f.tier !== undefined && (page.order !== 'key' || isTierIndexCursor(page.cursor));
  if (f.tier && !byTierIndex) {
    names['#tier'] = 'tier';
    values[':tier'] = f.tier;
    filters.push('#tier = :tier');
  }
  // Few contacts are deleted: unfiltered, one page of limit + 1 nearly always fills the answer.
  const queryLimit = filters.length === 1 ? page.limit + 1 : Math.max(page.limit * 4, 200);
  const common = {
    TableName: table,
    FilterExpression: filters.join(' AND '),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    Limit: queryLimit,
  };
  if (f.tier && byTierIndex) {
    const gsi2pk = tierGsi2(workspaceId, f.tier, 0, '').gsi2pk;
    const lo = tierGsi2(workspaceId, f.tier, f.minScore ?? 0, '').gsi2sk;
    const hi = `${tierGsi2(workspaceId, f.tier, f.maxScore ?? 100, '').gsi2sk}\uffff`;
    // `hi`: every `<max score>#<id>` (ids are generated ASCII). One range for the key condition and
    // the cursor check, which compares in UTF-8 order as DynamoDB does (`…#😀` is past `hi`).
    const scores: KeyRange = [lo, hi];
    const sort = sortKeyCondition('gsi2sk', scores);
    const shape: CursorShape = { equals: { gsi2pk, pk }, within: { sk: SK_RANGE, gsi2sk: scores } };
    return {
      input: {
        ...common,
        IndexName: 'gsi2',
        KeyConditionExpression: `gsi2pk = :g2pk AND ${sort.expression}`,
        ExpressionAttributeValues: { ...values, ':g2pk': gsi2pk, ...sort.values },
        ScanIndexForward: false,
      },
      shape,
      keyOf: (item: Item): Key => ({ pk: item.pk, sk: item.sk, gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk }),
    };
  }
  const sort = sortKeyCondition('sk', SK_RANGE);
  const shape: CursorShape = { equals: { pk }, within: { sk: SK_RANGE } };
  return {
    input: {
      ...common,
      KeyConditionExpression: `pk = :pk AND ${sort.expression}`,
      ExpressionAttributeValues: { ...values, ':pk': pk, ...sort.values },
    },
    shape,
    keyOf: (item: Item): Key => ({ pk: item.pk, sk: item.sk }),
  };
}

/** Whether a cursor is a position in gsi2 (a tier listing's), not in the contact range. */
function isTierIndexCursor(cursor: string | undefined): boolean {
  if (!cursor) return false;
  try {
    return decodeCursor(cursor)?.gsi2sk !== undefined;
  } catch {
    return false; // unreadable: the query's own cursor check refuses it
  }
}
