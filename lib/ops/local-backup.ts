/**
 * Backing up and restoring the local runtime's data (`npm run ops:export` / `ops:import`): the
 * local counterpart of point-in-time recovery, and how a data directory moves to another machine.
 *
 * A backup is one JSON-lines file (mode 0600: it holds the local secret key):
 *   {"format":"unite-hub-local-backup","version":1,"createdAt":…,"tables":[…],"files":[…]}
 *   {"table":"core","item":{…DynamoDB JSON, binaries in base64…}}        one line per item
 *   {"file":"secret.key","mode":384,"base64":"…"}                          one line per file
 *   {"end":true,"items":{"core":12,…},"files":[…]}                         counts, to catch truncation
 *
 * What it holds, so that a copy serves the same contacts, sessions and settings:
 * - every item of the declared tables (core, audit, ephemeral), read through the DynamoDB API,
 * - `secret.key` (the local stand-in for the KMS key: secret settings and tracking/unsubscribe
 *   tokens are sealed with it; without it they cannot be opened),
 * - `demo-account.json` / `load-account.json` (the seeded accounts' passwords: a copy without them
 *   would try to sign the demo owner up again at its first start, and fail on the taken address),
 * - `clock.json` (campaign time, which must not run backwards), stopped at the campaign time reached
 *   at the end of the export (a backup is a point in time: see exportedClock), checked as a start checks it
 *   (clock-origin.ts readClockFile): a damaged one is exported from its copy `clock.json.copy`, and
 *   with neither readable the export is refused, naming the file; the import writes it with its
 *   copy again (a damaged one, from an older backup, as it is, with a line saying what to do).
 * What it leaves out, as a table restore in the cloud does: work in flight (SQS messages in
 * `sqs.json`, one-time schedules in `scheduler.jsonl`, Step Functions executions), the outboxes of
 * sent mail, the domain-event log `events.jsonl`, and real provider keys a developer put in the
 * directory (`anthropic-api-key`, `openrouter-api-key`).
 */
import { once } from 'node:events';
import fs from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { tables as declaredTables, SERVICE_NAME, type TableDeclaration } from '../definition';
import { CLOCK_FILE, checkSavedClock, readClockFile, type SavedClock, savedCampaignTime } from '../local/clock-origin';
import { ignoreDataDir } from '../local/data-dir-ignore';
import { lockDataDir } from '../local/emulators/data-dir-lock';
import { DATA_DIR_IDENTITY_PATH, startDynamoDb } from '../local/emulators/dynamodb-server';
import { localClientConfig } from '../local/emulators/local-aws';
import { ensureTables } from '../local/emulators/tables';
import { DamagedStateFileError, writeJsonStateWithCopy } from '../local/state-file';

export const BACKUP_FORMAT = 'unite-hub-local-backup';
export const BACKUP_VERSION = 1;
/** Physical names of the local runtime's tables: `unite-hub-local-core`. */
export const LOCAL_TABLE_PREFIX = `${SERVICE_NAME}-local-`;
/** Files of the data directory a backup carries (when present), and why: see the module comment. */
export const BACKUP_FILES = ['secret.key', 'demo-account.json', 'load-account.json', 'clock.json'] as const;
/** Left out on purpose, named so the export can say so. */
export const LEFT_OUT = [
  'sqs.json (queued messages)',
  'scheduler.jsonl (one-time schedules)',
  'stepfunctions/ (executions)',
  'events.jsonl (domain-event log)',
  '*-outbox.json (sent mail)',
  'anthropic-api-key, openrouter-api-key',
] as const;

/** A stored item in DynamoDB's JSON: binary values as base64 strings, as on the wire. */
export type WireItem = Record<string, unknown>;

/** An SDK item as DynamoDB JSON (B and BS as base64), recursing into maps and lists. */
export function toWire(item: Record<string, AttributeValue>): WireItem {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, valueToWire(v)]));
}

function valueToWire(value: AttributeValue): unknown {
  const v = value as unknown as Record<string, unknown>;
  if (v.B !== undefined) return { B: Buffer.from(v.B as Uint8Array).toString('base64') };
  if (v.BS !== undefined) return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
  if (v.M !== undefined) return { M: toWire(v.M as Record<string, AttributeValue>) };
  if (v.L !== undefined) return { L: (v.L as AttributeValue[]).map(valueToWire) };
  return v;
}

/** The inverse of `toWire`. */
export function fromWire(item: WireItem): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, valueFromWire(v as Record<string, unknown>)]));
}

function valueFromWire(v: Record<string, unknown>): AttributeValue {
  if (v.B !== undefined) return { B: Buffer.from(v.B as string, 'base64') };
  if (v.BS !== undefined) return { BS: (v.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (v.M !== undefined) return { M: fromWire(v.M as WireItem) };
  if (v.L !== undefined) return { L: (v.L as Record<string, unknown>[]).map(valueFromWire) };
  return v as unknown as AttributeValue;
}

export interface BackupSummary {
  readonly file: string;
  /** Items per declared table name. */
  readonly items: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * Refuses to pair a running runtime's tables with another data directory's files. `ops:export
 * --endpoint` reads the tables at `endpoint` and secret.key, the clock and the seeded passwords
 * from `dataDir`; if that is not the directory the runtime serves, the backup would hold one
 * directory's tables with another's secret key, and its secret settings and link tokens could not
 * be opened. The runtime's DynamoDB emulator names its directory (`GET /_local/data-dir`,
 * dynamodb-server.ts); an endpoint that does not is refused as well.
 */
export async function checkEndpointServesDataDir(endpoint: string, dataDir: string): Promise<void> {
  const url = `${endpoint.replace(/\/+$/, '')}${DATA_DIR_IDENTITY_PATH}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    const { cause } = error as Error;
    throw new BackupError(
      `Cannot reach ${endpoint} (${cause instanceof Error ? cause.message : (error as Error).message}): pass the DynamoDB line a running npm start printed, or no --endpoint to read a stopped data directory`,
    );
  }
  const served = res.ok
    ? ((await res.json().catch(() => undefined)) as { dynamodb?: unknown } | undefined)?.dynamodb
    : undefined;
  if (typeof served !== 'string') {
    throw new BackupError(
      `${endpoint} did not say which data directory it serves (GET ${DATA_DIR_IDENTITY_PATH} answered ${res.status}): it is not the DynamoDB endpoint of a local runtime (npm start), so the files to pair with its tables are unknown. Pass the DynamoDB line the runtime printed, or stop it and export without --endpoint`,
    );
  }
  const ours = path.join(dataDir, 'dynamodb');
  const real = await realpath(ours).catch(() => path.resolve(ours));
  if (real !== served) {
    const servedDir = path.dirname(served);
    throw new BackupError(
      `The runtime at ${endpoint} serves the data directory ${servedDir}, but the files (secret.key, clock, seeded passwords) would come from ${path.resolve(dataDir)}: its tables with another directory's secret key could not open their secrets. Pass --data-dir ${servedDir} (or DATA_DIR=${servedDir}).`,
    );
  }
}

/**
 * Writes every item of the declared tables (read from `client`: a running runtime's endpoint, or an
 * emulator opened on a stopped data directory) and the data directory's BACKUP_FILES to `out`.
 * Written to `<out>.partial` and renamed at the end: a failed export leaves no plausible file.
 * On a running runtime each table is scanned page by page while it is in use: items written during
 * the export may or may not be in it (stop the runtime first for an exact copy).
 */
export async function exportBackup(opts: {
  client: DynamoDBClient;
  dataDir: string;
  out: string;
  tables?: readonly TableDeclaration[];
  prefix?: string;
}): Promise<BackupSummary> {
  const tables = opts.tables ?? declaredTables;
  const prefix = opts.prefix ?? LOCAL_TABLE_PREFIX;
  if (!fs.existsSync(path.join(opts.dataDir, 'secret.key'))) {
    throw new BackupError(
      `${opts.dataDir} has no secret.key: not a local runtime's data directory (pass the one the runtime uses)`,
    );
  }
  const files = BACKUP_FILES.filter((f) => fs.existsSync(path.join(opts.dataDir, f)));
  // Read now, so an unreadable clock refuses the export before anything is written; the campaign
  // time it has reached is taken at the end (exportedClock).
  const clock = files.includes(CLOCK_FILE) ? savedClockOf(opts.dataDir) : undefined;
  const partial = `${opts.out}.partial`;
  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  const stream = fs.createWriteStream(partial, { mode: 0o600, flags: 'w' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  const write = async (record: unknown) => {
    if (!stream.write(`${JSON.stringify(record)}\n`)) await Promise.race([once(stream, 'drain'), failed]);
  };
  const items: Record<string, number> = {};
  try {
    await write({
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      tables: tables.map((t) => t.name),
      files,
    });
    for (const table of tables) {
      items[table.name] = 0;
      let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await opts.client.send(
          new ScanCommand({
            TableName: `${prefix}${table.name}`,
            ConsistentRead: true,
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          await write({ table: table.name, item: toWire(item) });
          items[table.name] = (items[table.name] ?? 0) + 1;
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
    for (const file of files) {
      const full = path.join(opts.dataDir, file);
      // The clock as it stands now (a runtime that stopped cleanly meanwhile wrote where it stopped).
      const content =
        file === CLOCK_FILE && clock
          ? exportedClock(savedClockOf(opts.dataDir) ?? clock, Date.now())
          : fs.readFileSync(full);
      await write({ file, mode: fs.statSync(full).mode & 0o777, base64: content.toString('base64') });
    }
    await write({ end: true, items, files });
    stream.end();
    await Promise.race([once(stream, 'finish'), failed]);
    fs.renameSync(partial, opts.out);
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  return { file: opts.out, items, files };
}

/**
 * The saved clock of `dataDir` as its next start would take it (clock.json, or its copy when
 * clock.json is damaged); a BackupError when neither can be read. No file is changed (the runtime
 * may be running on the directory).
 */
function savedClockOf(dataDir: string): SavedClock | undefined {
  try {
    return readClockFile(path.join(dataDir, CLOCK_FILE), Date.now())?.saved;
  } catch (error) {
    throw new BackupError(`Cannot export the campaign time: ${(error as Error).message}`);
  }
}

/**
 * The clock a backup carries: a stopped one, at the campaign time `saved` has reached at real time
 * `nowMs` (the end of the export), as a clean stop writes it (`stoppedAtMs`). A backup is a point in
 * time: a copy restored from it carries on from there whenever it is started, not from a running
 * run's origin that kept running since (clock-origin.ts).
 */
export function exportedClock(saved: SavedClock, nowMs: number): Buffer {
  return Buffer.from(`${JSON.stringify(stoppedClock(saved, nowMs), null, 2)}\n`);
}

/** `saved` stopped at the campaign time it has reached at real time `nowMs` (already stopped: as it is). */
export function stoppedClock(saved: SavedClock, nowMs: number): SavedClock {
  if (saved.stoppedAtMs !== undefined) return saved;
  return { ...saved, stoppedAtMs: Math.ceil(savedCampaignTime(saved, nowMs)) };
}

/**
 * Writes the backup's clock.json into `dataDir` with its copy, once checked as a start checks it,
 * stopped: a running origin (a backup of a running runtime from before exports stopped the clock)
 * stopped at the campaign time it had reached when the export began (`createdAt`, epoch ms), so
 * the copy starts there, not where that origin has run to since. A damaged one (an export from before the check) is written as it is, without a copy: the start
 * refuses it, naming it, until it is repaired or deleted, and a line says so now.
 */
function importClock(
  dataDir: string,
  content: Buffer,
  mode: number,
  createdAt: number,
  warn: (line: string) => void,
): void {
  const file = path.join(dataDir, CLOCK_FILE);
  try {
    let value: unknown;
    try {
      value = JSON.parse(content.toString('utf8'));
    } catch (error) {
      throw new DamagedStateFileError(file, (error as Error).message);
    }
    // Checked at the export's time (what it held then), then as a start will check it.
    const at = Number.isFinite(createdAt) ? Math.min(createdAt, Date.now()) : Date.now();
    const stopped = stoppedClock(checkSavedClock(value, file, at), at);
    writeJsonStateWithCopy(file, checkSavedClock(stopped, file, Date.now()), mode);
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    fs.writeFileSync(file, content, { mode, flag: 'wx' });
    warn(
      `[import] ${file} (from the backup) cannot be read (${error.reason}): written as it is, without a copy. ` +
        'A runtime refuses to start on it until you repair it ({"clockMs": <campaign time, epoch ms>} carries on ' +
        'from that campaign time) or delete it (campaign time then starts from the wall clock).',
    );
  }
}

export interface ParsedBackup {
  readonly createdAt: string;
  readonly items: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

type BackupLine =
  | { format: string; version: number; createdAt: string; tables: string[]; files: string[] }
  | { table: string; item: WireItem }
  | { file: string; mode?: number; base64: string }
  | { end: true; items: Record<string, number>; files: string[] };

/**
 * Reads a backup line by line, handing items (in batches) and files to the callbacks, and checks
 * it is whole: the header first, the end line last, and the counts it states met.
 */
export async function readBackup(
  file: string,
  on: {
    items: (table: string, items: WireItem[]) => Promise<void>;
    /** `createdAt`: the header's, when the export began (epoch ms). */
    file: (name: string, content: Buffer, mode: number, createdAt: number) => Promise<void> | void;
  },
  batchSize = 25,
): Promise<ParsedBackup> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let header: Extract<BackupLine, { format: string }> | undefined;
  let end: Extract<BackupLine, { end: true }> | undefined;
  const counted: Record<string, number> = {};
  const files: string[] = [];
  let batch: { table: string; items: WireItem[] } | undefined;
  const flush = async () => {
    if (batch?.items.length) await on.items(batch.table, batch.items);
    batch = undefined;
  };
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let record: BackupLine;
    try {
      record = JSON.parse(line) as BackupLine;
    } catch {
      throw new BackupError(`${file}:${lineNo}: not JSON (a damaged or truncated backup)`);
    }
    if (!header) {
      if (!('format' in record) || record.format !== BACKUP_FORMAT) {
        throw new BackupError(`${file} is not a ${BACKUP_FORMAT} file (npm run ops:export writes one)`);
      }
      if (record.version !== BACKUP_VERSION) {
        throw new BackupError(`${file} is version ${record.version}; this tool reads version ${BACKUP_VERSION}`);
      }
      header = record;
      continue;
    }
    if (end) throw new BackupError(`${file}:${lineNo}: lines after the end line`);
    if ('table' in record) {
      if (!header.tables.includes(record.table)) {
        throw new BackupError(`${file}:${lineNo}: an item of table "${record.table}", not in the header`);
      }
      if (batch && batch.table !== record.table) await flush();
      batch ??= { table: record.table, items: [] };
      batch.items.push(record.item);
      counted[record.table] = (counted[record.table] ?? 0) + 1;
      if (batch.items.length >= batchSize) await flush();
    } else if ('file' in record) {
      await flush();
      if (!(BACKUP_FILES as readonly string[]).includes(record.file)) {
        throw new BackupError(`${file}:${lineNo}: unexpected file "${record.file}"`);
      }
      await on.file(
        record.file,
        Buffer.from(record.base64, 'base64'),
        record.mode ?? 0o600,
        Date.parse(header.createdAt),
      );
      files.push(record.file);
    } else if ('end' in record) {
      await flush();
      end = record;
    } else {
      throw new BackupError(`${file}:${lineNo}: unknown line`);
    }
  }
  if (!header) throw new BackupError(`${file} is empty`);
  if (!end) throw new BackupError(`${file} has no end line: the backup is truncated (or its export failed)`);
  for (const table of new Set([...Object.keys(end.items), ...Object.keys(counted)])) {
    if ((end.items[table] ?? 0) !== (counted[table] ?? 0)) {
      throw new BackupError(
        `${file}: table ${table} has ${counted[table] ?? 0} items; the end line says ${end.items[table] ?? 0}`,
      );
    }
  }
  if ([...end.files].sort().join() !== [...files].sort().join()) {
    throw new BackupError(`${file}: files ${files.join(', ')}; the end line says ${end.files.join(', ')}`);
  }
  return { createdAt: header.createdAt, items: counted, files };
}

/** Puts items with BatchWriteItem, retrying what DynamoDB leaves unprocessed. */
export async function putItems(client: DynamoDBClient, tableName: string, items: WireItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests: WriteRequest[] = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: fromWire(item) } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 10) throw new BackupError(`${tableName}: ${requests.length} items still unprocessed after retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = answer.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/**
 * Loads a backup into a new data directory: a DynamoDB emulator is opened on it (under the
 * directory's lock), the declared tables created, the items put, the files written (mode kept;
 * clock.json checked and written with its copy, see importClock); then the emulator is stopped. `dataDir` must not exist or be empty; if the import fails a
 * directory it created is removed again.
 */
export async function importBackup(opts: {
  file: string;
  dataDir: string;
  /** The emulator's lines (none by default). */
  log?: (line: string) => void;
  /** What the copy needs done by hand (a damaged clock.json): stderr by default. */
  warn?: (line: string) => void;
}): Promise<ParsedBackup> {
  const log = opts.log ?? (() => {});
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const existed = fs.existsSync(opts.dataDir);
  if (existed && fs.readdirSync(opts.dataDir).length > 0) {
    throw new BackupError(`${opts.dataDir} is not empty: import into a new data directory`);
  }
  if (!fs.existsSync(opts.file)) throw new BackupError(`${opts.file} not found`);
  ignoreDataDir(opts.dataDir);
  let unlock: (() => Promise<void>) | undefined;
  let emulator: { endpoint: string; stop(): Promise<void> } | undefined;
  let client: DynamoDBClient | undefined;
  try {
    unlock = await lockDataDir(opts.dataDir);
    emulator = await startDynamoDb({ path: path.join(opts.dataDir, 'dynamodb'), host: '127.0.0.1', port: 0, log });
    const local = new DynamoDBClient(localClientConfig(emulator.endpoint));
    client = local;
    const names = await ensureTables(local, declaredTables, LOCAL_TABLE_PREFIX, log);
    const parsed = await readBackup(opts.file, {
      items: async (table, items) => {
        const name = names[table];
        if (!name) throw new BackupError(`the backup has table "${table}", which is not declared (lib/definition)`);
        await putItems(local, name, items);
      },
      file: (name, content, mode, createdAt) => {
        if (name === CLOCK_FILE) importClock(opts.dataDir, content, mode, createdAt, warn);
        else fs.writeFileSync(path.join(opts.dataDir, name), content, { mode, flag: 'wx' });
      },
    });
    return parsed;
  } catch (error) {
    client?.destroy();
    client = undefined;
    await emulator?.stop().catch(() => undefined);
    emulator = undefined;
    await unlock?.();
    unlock = undefined;
    // Everything in it is this import's (it was empty or absent): a half-loaded copy must not look usable.
    if (existed) {
      for (const entry of fs.readdirSync(opts.dataDir))
        await rm(path.join(opts.dataDir, entry), { recursive: true, force: true });
    } else {
      await rm(opts.dataDir, { recursive: true, force: true });
    }
    throw error;
  } finally {
    client?.destroy();
    await emulator?.stop();
    await unlock?.();
  }
}
