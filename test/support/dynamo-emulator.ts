/**
 * The embedded emulators with the declared tables, for one integration test file: started once
 * in `beforeAll`, stopped (and their data dir removed) in `afterAll`. Tables are named
 * `<prefix><table>` so files never share items.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type TableName, tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';

export interface DynamoHarness {
  readonly emulators: Emulators;
  /** The emulators' data dir (removed by `stop`). */
  readonly dataDir: string;
  readonly raw: DynamoDBClient;
  /** A DocumentClient as the functions configure theirs (undefined values removed). */
  readonly db: DynamoDBDocumentClient;
  /** The physical name of a declared table in this file. */
  table(name: TableName): string;
  stop(): Promise<void>;
}

export async function startDynamo(prefix: string): Promise<DynamoHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const emulators = await startEmulators({ dataDir });
  const raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, prefix);
  return {
    emulators,
    dataDir,
    raw,
    db,
    table: (name) => `${prefix}${name}`,
    async stop() {
      raw.destroy();
      await emulators.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `db` with every command it sends named in `calls` (GetCommand, BatchWriteCommand...), in order. */
export function countingClient(db: DynamoDBDocumentClient): { db: DynamoDBDocumentClient; calls: string[] } {
  const calls: string[] = [];
  const counted = new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'send'
        ? (command: { constructor: { name: string } }, ...rest: unknown[]) => {
            calls.push(command.constructor.name);
            return (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
          }
        : Reflect.get(target, prop, receiver),
  });
  return { db: counted, calls };
}

/**
 * The emulator of one test file: started in `beforeAll` (then handed to `ready`, where the file
 * keeps what it uses: `({ db } = h)`), stopped in `afterAll`.
 */
export function dynamoForFile(prefix: string, ready: (harness: DynamoHarness) => void): void {
  let harness: DynamoHarness | undefined;
  beforeAll(async () => {
    harness = await startDynamo(prefix);
    ready(harness);
  });
  afterAll(async () => {
    await harness?.stop();
  });
}

/**
 * `db` with every command it sends handed to `around`, with `send` to pass it on to the table: where
 * a test runs a racing write before or after one of them, or changes what a read answers.
 */
export function interceptedClient(
  db: DynamoDBDocumentClient,
  around: (command: unknown, send: (command: unknown) => Promise<unknown>) => Promise<unknown>,
): DynamoDBDocumentClient {
  return new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'send'
        ? (command: unknown, ...rest: unknown[]) =>
            around(command, (passed) => (target.send as (...args: unknown[]) => Promise<unknown>)(passed, ...rest))
        : Reflect.get(target, prop, receiver),
  });
}
