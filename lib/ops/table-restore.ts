/**
 * Restoring a table from point-in-time recovery and checking the copy (`npm run ops:restore`,
 * docs/runbooks/restore.md). The restore itself is one thin call (RestoreTableToPointInTime into
 * a new table; DynamoDB never restores in place); everything around it is checking: the source's
 * PITR status and restorable window before the call, and after it a comparison of the restored
 * table with its source (`compareTables`), which speaks only the plain table API and so runs
 * against the local emulator as well (dynalite has no PITR).
 */
import {
  type AttributeDefinition,
  type AttributeValue,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  type KeySchemaElement,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

/** Exit codes of `npm run ops:restore` (and the errors that carry them). */
export const RESTORE_EXIT = {
  ok: 0,
  /** The restored table does not match its source (key schema, indexes, empty copy, unreadable sample). */
  checkFailed: 1,
  /** Missing or malformed arguments, or a target name that is taken. */
  usage: 2,
  tableNotFound: 3,
  pitrDisabled: 4,
  /** `--to` before EarliestRestorableDateTime or after LatestRestorableDateTime. */
  outsideWindow: 5,
  /** The restore was accepted but the table did not become ACTIVE in time, or failed. */
  restoreFailed: 6,
} as const;

export class RestoreError extends Error {
  override name = 'RestoreError';
  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `--to`: `latest` (LatestRestorableDateTime, about 5 minutes ago) or an ISO 8601 time with a zone. */
export function parseRestoreTime(value: string | undefined): 'latest' | Date {
  if (value === undefined || value.trim() === '') {
    throw new RestoreError('--to is required: an ISO 8601 time (2025-01-31T09:30:00Z) or "latest"', RESTORE_EXIT.usage);
  }
  if (value.trim().toLowerCase() === 'latest') return 'latest';
  // A time without a zone would be read in the operator's local zone: ambiguous in an incident.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    throw new RestoreError(
      `--to "${value}" is not an ISO 8601 time with a zone (2025-01-31T09:30:00Z, 2025-01-31T10:30:00+01:00) or "latest"`,
      RESTORE_EXIT.usage,
    );
  }
  const time = new Date(value.trim());
  if (Number.isNaN(time.getTime())) throw new RestoreError(`--to "${value}" is not a valid time`, RESTORE_EXIT.usage);
  return time;
}

/** `<source>-restored-20250131T093000Z`: sorts by time, within DynamoDB's name rules (3-255 of [A-Za-z0-9_.-]). */
export function defaultTargetName(source: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${source}-restored-${stamp}`.slice(0, 255);
}

export interface RestorableWindow {
  readonly earliest: Date;
  readonly latest: Date;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/**
 * The source's restorable window, or a RestoreError: table not found (3), PITR off (4).
 * DescribeContinuousBackups answers TableNotFoundException for a missing table.
 */
export async function restorableWindow(client: DynamoDBClient, table: string): Promise<RestorableWindow> {
  let described: Awaited<ReturnType<typeof describeBackups>>;
  try {
    described = await describeBackups(client, table);
  } catch (error) {
    if (/TableNotFound|ResourceNotFound/.test(errorName(error))) {
      throw new RestoreError(
        `Table ${table} not found (check the name, the account and the region)`,
        RESTORE_EXIT.tableNotFound,
        { cause: error },
      );
    }
    if (/UnknownOperation|NotImplemented|InvalidAction/.test(errorName(error))) {
      throw new RestoreError(
        'This endpoint has no point-in-time recovery (the local emulator, dynalite, has none): ' +
          'only --check-only --target <copy> works against it',
        RESTORE_EXIT.pitrDisabled,
        { cause: error },
      );
    }
    throw error;
  }
  const pitr = described.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED' || !pitr.EarliestRestorableDateTime) {
    throw new RestoreError(
      `Point-in-time recovery is ${pitr?.PointInTimeRecoveryStatus ?? 'not reported'} on ${table}: there is nothing to restore from. ` +
        'The stack turns it on for every table (lib/cdk/data-stack.ts); a table without it was changed by hand or is not ' +
        'one of the stack\'s. Turning it on now starts a new window at "now" (it cannot recover the past).',
      RESTORE_EXIT.pitrDisabled,
    );
  }
  return {
    earliest: pitr.EarliestRestorableDateTime,
    latest: pitr.LatestRestorableDateTime ?? new Date(Date.now() - 5 * 60_000),
  };
}

const describeBackups = (client: DynamoDBClient, table: string) =>
  client.send(new DescribeContinuousBackupsCommand({ TableName: table }));

/** Refuses a time outside the window (5), naming the window. */
export function checkRestoreTime(time: 'latest' | Date, window: RestorableWindow): void {
  if (time === 'latest') return;
  if (time < window.earliest || time > window.latest) {
    throw new RestoreError(
      `--to ${time.toISOString()} is outside the restorable window ${window.earliest.toISOString()} .. ${window.latest.toISOString()} ` +
        '(the window is the last 35 days at most, and ends about 5 minutes before now)',
      RESTORE_EXIT.outsideWindow,
    );
  }
}

/**
 * The restore call itself: a new table `target` with the source's data at `time`, its indexes and
 * encryption. On-demand billing as the stack's tables. Returns as soon as DynamoDB accepted it
 * (the table is CREATING); follow it with `waitUntilRestored`.
 */
export async function startRestore(
  client: DynamoDBClient,
  input: { source: string; target: string; time: 'latest' | Date },
): Promise<TableDescription | undefined> {
  try {
    const answer = await client.send(
      new RestoreTableToPointInTimeCommand({
        SourceTableName: input.source,
        TargetTableName: input.target,
        ...(input.time === 'latest' ? { UseLatestRestorableTime: true } : { RestoreDateTime: input.time }),
        BillingModeOverride: 'PAY_PER_REQUEST',
      }),
    );
    return answer.TableDescription;
  } catch (error) {
    const name = errorName(error);
    const message = error instanceof Error ? error.message : String(error);
    if (name === 'TableAlreadyExistsException' || name === 'ResourceInUseException')
      throw new RestoreError(`Table ${input.target} already exists: pass another --target`, RESTORE_EXIT.usage, {
        cause: error,
      });
    if (name === 'TableNotFoundException')
      throw new RestoreError(`Table ${input.source} not found`, RESTORE_EXIT.tableNotFound, { cause: error });
    if (name === 'PointInTimeRecoveryUnavailableException')
      throw new RestoreError(
        `Point-in-time recovery is unavailable on ${input.source}: ${message}`,
        RESTORE_EXIT.pitrDisabled,
        {
          cause: error,
        },
      );
    if (name === 'InvalidRestoreTimeException')
      throw new RestoreError(
        `The restore time is outside the restorable window: ${message}`,
        RESTORE_EXIT.outsideWindow,
        {
          cause: error,
        },
      );
    throw error;
  }
}

/**
 * Polls DescribeTable until the restored table and each of its indexes are ACTIVE. A restore takes
 * minutes for a small table and can take hours for a large one; `timeoutMs` gives up waiting
 * (the restore goes on, server side) with exit code 6.
 */
export async function waitUntilRestored(
  client: DynamoDBClient,
  table: string,
  opts: {
    pollMs?: number;
    timeoutMs?: number;
    onProgress?: (status: string, elapsedMs: number) => void;
  } = {},
): Promise<TableDescription> {
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 4 * 60 * 60_000);
  for (;;) {
    let description: TableDescription | undefined;
    try {
      description = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
    } catch (error) {
      // Right after the call the new table may not be visible yet.
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
    const indexes = description?.GlobalSecondaryIndexes ?? [];
    const status = description?.TableStatus ?? 'NOT YET VISIBLE';
    const pending = indexes.filter((i) => i.IndexStatus !== 'ACTIVE').map((i) => `${i.IndexName} ${i.IndexStatus}`);
    opts.onProgress?.(pending.length ? `${status}, indexes ${pending.join(', ')}` : status, Date.now() - started);
    if (description && status === 'ACTIVE' && pending.length === 0) return description;
    if (status === 'DELETING' || status === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS' || status === 'ARCHIVED') {
      throw new RestoreError(`The restored table ${table} is ${status}`, RESTORE_EXIT.restoreFailed);
    }
    if (Date.now() > deadline) {
      throw new RestoreError(
        `${table} is still ${status} after ${Math.round((Date.now() - started) / 60_000)} min. The restore goes on; ` +
          `check it again later with --check-only --target ${table}`,
        RESTORE_EXIT.restoreFailed,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 15_000));
  }
}

// ---------------------------------------------------------------------------------------------
// Checking a restored copy against its source.

export interface TableCount {
  readonly items: number;
  /** DescribeTable's ItemCount / TableSizeBytes: refreshed by DynamoDB about every 6 hours. */
  readonly approximateItems?: number;
  readonly approximateBytes?: number;
}

export interface SampleResult {
  /** Items read from the restored table and looked up in the source. */
  readonly checked: number;
  readonly same: number;
  /** In both, with different attributes (changed in the source since the restore time, or a bad copy). */
  readonly differ: readonly string[];
  /** Gone from the source (deleted since the restore time: the reason one restores). */
  readonly missingFromSource: readonly string[];
  /** Found by Scan in the restored table but not by GetItem on its own key: a broken copy. */
  readonly unreadable: readonly string[];
}

export interface TableComparison {
  readonly source: string;
  readonly restored: string;
  readonly keySchema: { readonly same: boolean; readonly source: string; readonly restored: string };
  readonly indexes: {
    readonly same: boolean;
    readonly source: readonly string[];
    readonly restored: readonly string[];
  };
  /** Undefined when counting was skipped. */
  readonly counts?: { readonly source: TableCount; readonly restored: TableCount };
  readonly sample: SampleResult;
  /** What makes the check fail; differences a moving source explains are not in here. */
  readonly problems: readonly string[];
  readonly ok: boolean;
}

/** `pk S HASH, sk S RANGE`: a key schema with its attribute types, in key order. */
export function describeKeys(
  keys: readonly KeySchemaElement[] | undefined,
  attributes: readonly AttributeDefinition[] | undefined,
): string {
  const type = new Map((attributes ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  return [...(keys ?? [])]
    .sort((a, b) => (a.KeyType === b.KeyType ? 0 : a.KeyType === 'HASH' ? -1 : 1))
    .map((k) => `${k.AttributeName} ${type.get(k.AttributeName as string) ?? '?'} ${k.KeyType}`)
    .join(', ');
}

/** One line per global secondary index: name, keys, projection; sorted by name. */
export function describeIndexes(table: TableDescription): string[] {
  return (table.GlobalSecondaryIndexes ?? [])
    .map((index) => {
      const projection = index.Projection?.ProjectionType ?? 'ALL';
      const extra = index.Projection?.NonKeyAttributes?.length
        ? ` (${[...index.Projection.NonKeyAttributes].sort().join(',')})`
        : '';
      return `${index.IndexName}: ${describeKeys(index.KeySchema, table.AttributeDefinitions)}; ${projection}${extra}`;
    })
    .sort();
}

/** Whether two items are the same, as DynamoDB compares them (sets unordered, binaries by bytes). */
export function sameItem(a: Record<string, AttributeValue>, b: Record<string, AttributeValue>): boolean {
  return canonical({ M: a }) === canonical({ M: b });
}

function canonical(value: AttributeValue): string {
  const v = value as unknown as Record<string, unknown>;
  if (v.M) {
    const map = v.M as Record<string, AttributeValue>;
    return `{${Object.keys(map)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(map[k] as AttributeValue)}`)
      .join(',')}}`;
  }
  if (v.L) return `[${(v.L as AttributeValue[]).map(canonical).join(',')}]`;
  if (v.B) return `B:${Buffer.from(v.B as Uint8Array).toString('base64')}`;
  if (v.BS)
    return `BS:${(v.BS as Uint8Array[])
      .map((b) => Buffer.from(b).toString('base64'))
      .sort()
      .join(',')}`;
  if (v.SS) return `SS:${JSON.stringify([...(v.SS as string[])].sort())}`;
  // Numbers as DynamoDB keeps them: 1.0 and 1 are the same number.
  if (v.NS) return `NS:${JSON.stringify((v.NS as string[]).map(canonicalNumber).sort())}`;
  if (v.N !== undefined) return `N:${canonicalNumber(v.N as string)}`;
  return JSON.stringify(v);
}

const canonicalNumber = (n: string) => {
  const parsed = Number(n);
  return Number.isFinite(parsed) && Math.abs(parsed) < Number.MAX_SAFE_INTEGER ? String(parsed) : n.trim();
};

/** Counts a table's items with a paginated `Select: COUNT` Scan (reads the whole table: costs read units). */
export async function countItems(client: DynamoDBClient, table: string): Promise<number> {
  let items = 0;
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
    );
    items += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

async function describeTable(client: DynamoDBClient, table: string): Promise<TableDescription> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table as TableDescription;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException')
      throw new RestoreError(`Table ${table} not found`, RESTORE_EXIT.tableNotFound, { cause: error });
    throw error;
  }
}

/**
 * Compares a restored table with its source: key schema and global indexes (must match), item
 * counts (reported: the source has moved on since the restore time), and `sample` items of the
 * restored table read back from both by key (differences reported; an item the restored table
 * cannot read back by its own key fails the check).
 */
export async function compareTables(
  client: DynamoDBClient,
  source: string,
  restored: string,
  opts: { sample?: number; count?: boolean } = {},
): Promise<TableComparison> {
  const [sourceTable, restoredTable] = await Promise.all([
    describeTable(client, source),
    describeTable(client, restored),
  ]);
  const problems: string[] = [];
  const keySchema = {
    source: describeKeys(sourceTable.KeySchema, sourceTable.AttributeDefinitions),
    restored: describeKeys(restoredTable.KeySchema, restoredTable.AttributeDefinitions),
  };
  const keysSame = keySchema.source === keySchema.restored;
  if (!keysSame) problems.push(`key schema differs: source ${keySchema.source}; restored ${keySchema.restored}`);
  const indexes = { source: describeIndexes(sourceTable), restored: describeIndexes(restoredTable) };
  const indexesSame = JSON.stringify(indexes.source) === JSON.stringify(indexes.restored);
  if (!indexesSame)
    problems.push(
      `global indexes differ: source [${indexes.source.join(' | ')}]; restored [${indexes.restored.join(' | ')}]`,
    );

  let counts: TableComparison['counts'];
  if (opts.count !== false) {
    const [sourceItems, restoredItems] = await Promise.all([countItems(client, source), countItems(client, restored)]);
    const approx = (t: TableDescription) => ({
      ...(t.ItemCount === undefined ? {} : { approximateItems: t.ItemCount }),
      ...(t.TableSizeBytes === undefined ? {} : { approximateBytes: t.TableSizeBytes }),
    });
    counts = {
      source: { items: sourceItems, ...approx(sourceTable) },
      restored: { items: restoredItems, ...approx(restoredTable) },
    };
    if (restoredItems === 0 && sourceItems > 0)
      problems.push(`the restored table is empty; the source has ${sourceItems} items`);
  }

  const sample = await compareSample(client, source, restored, restoredTable, opts.sample ?? 20);
  if (sample.unreadable.length)
    problems.push(`${sample.unreadable.length} sampled item(s) not readable by key in ${restored}`);
  return {
    source,
    restored,
    keySchema: { same: keysSame, ...keySchema },
    indexes: { same: indexesSame, ...indexes },
    ...(counts ? { counts } : {}),
    sample,
    problems,
    ok: problems.length === 0,
  };
}

async function compareSample(
  client: DynamoDBClient,
  source: string,
  restored: string,
  restoredTable: TableDescription,
  size: number,
): Promise<SampleResult> {
  const keyNames = (restoredTable.KeySchema ?? []).map((k) => k.AttributeName as string);
  const result = {
    checked: 0,
    same: 0,
    differ: [] as string[],
    missingFromSource: [] as string[],
    unreadable: [] as string[],
  };
  if (size <= 0) return result;
  const scanned = await client.send(new ScanCommand({ TableName: restored, Limit: size }));
  for (const item of scanned.Items ?? []) {
    const Key = Object.fromEntries(keyNames.map((k) => [k, item[k] as AttributeValue]));
    const label = keyNames.map((k) => Object.values(item[k] ?? {})[0]).join(' / ');
    const [inRestored, inSource] = await Promise.all([
      client.send(new GetItemCommand({ TableName: restored, Key, ConsistentRead: true })),
      client.send(new GetItemCommand({ TableName: source, Key, ConsistentRead: true })),
    ]);
    result.checked += 1;
    if (!inRestored.Item) result.unreadable.push(label);
    else if (!inSource.Item) result.missingFromSource.push(label);
    else if (sameItem(inRestored.Item, inSource.Item)) result.same += 1;
    else result.differ.push(label);
  }
  return result;
}

/** The comparison as the lines `npm run ops:restore` prints. */
export function formatComparison(c: TableComparison): string[] {
  const n = (x: number | undefined) => (x === undefined ? '?' : x.toLocaleString('en-US'));
  const lines = [
    `Key schema: ${c.keySchema.same ? 'same' : 'DIFFERENT'} (${c.keySchema.restored})`,
    `Global indexes: ${c.indexes.same ? 'same' : 'DIFFERENT'} (${c.indexes.restored.length ? c.indexes.restored.join(' | ') : 'none'})`,
  ];
  if (c.counts) {
    const { source, restored } = c.counts;
    lines.push(
      `Items (Scan COUNT): restored ${n(restored.items)}, source now ${n(source.items)} ` +
        `(${restored.items === source.items ? 'equal' : `${n(source.items - restored.items)} more in the source now`})`,
      `Size (DescribeTable, refreshed ~6-hourly): restored ${n(restored.approximateBytes)} bytes / ${n(restored.approximateItems)} items, ` +
        `source ${n(source.approximateBytes)} bytes / ${n(source.approximateItems)} items`,
    );
  } else {
    lines.push('Items: not counted (--skip-count)');
  }
  const s = c.sample;
  const list = (keys: readonly string[]) =>
    keys.length ? `: ${keys.slice(0, 5).join('; ')}${keys.length > 5 ? ' ...' : ''}` : '';
  lines.push(
    `Sample of ${s.checked}: ${s.same} same in both, ${s.differ.length} changed in the source since${list(s.differ)}, ` +
      `${s.missingFromSource.length} gone from the source${list(s.missingFromSource)}, ${s.unreadable.length} unreadable${list(s.unreadable)}`,
  );
  lines.push(c.ok ? 'Check: OK' : `Check: FAILED\n  - ${c.problems.join('\n  - ')}`);
  return lines;
}
