/**
 * The check `npm run ops:restore` runs on a restored table, against the local emulator (which has
 * no point-in-time recovery: the "restored" copy is made here by copying items): same keys and
 * indexes, counts reported, a sample read back from both; a copy with other indexes, or an empty
 * one, fails. And the command itself in `--check-only` mode, with its exit codes.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { ensureTables } from '../../lib/local/emulators';
import { compareTables, formatComparison, RESTORE_EXIT } from '../../lib/ops/table-restore';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/ops-restore.ts', ...args], { timeout: 30_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let dynamo: DynamoHarness;
const source = 'rs-src-core';
const restored = 'rs-copy-core';

const item = (sk: string, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> => ({
  pk: { S: 'WS#1' },
  sk: { S: sk },
  gsi1pk: { S: 'EMAIL#x' },
  gsi1sk: { S: sk },
  score: { N: '1' },
  tags: { SS: ['a', 'b'] },
  blob: { B: new Uint8Array([1, 2, 3]) },
  ...extra,
});

beforeAll(async () => {
  dynamo = await startDynamo('rs-src-');
  await ensureTables(dynamo.raw, tables, 'rs-copy-');
  for (let i = 1; i <= 6; i++) await dynamo.raw.send(new PutItemCommand({ TableName: source, Item: item(`C#${i}`) }));
  // "Restore": copy every item, then let the source move on.
  const all = await dynamo.raw.send(new ScanCommand({ TableName: source }));
  for (const Item of all.Items ?? []) await dynamo.raw.send(new PutItemCommand({ TableName: restored, Item }));
  await dynamo.raw.send(
    new PutItemCommand({ TableName: source, Item: item('C#2', { score: { N: '42' } }) }), // changed since
  );
  await dynamo.raw.send(new DeleteItemCommand({ TableName: source, Key: { pk: { S: 'WS#1' }, sk: { S: 'C#3' } } }));
  await dynamo.raw.send(new PutItemCommand({ TableName: source, Item: item('C#7') })); // new since
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('compareTables', () => {
  it('passes a faithful copy, reporting what changed in the source since', async () => {
    const c = await compareTables(dynamo.raw, source, restored, { sample: 50 });
    expect(c.ok).toBe(true);
    expect(c.keySchema).toMatchObject({ same: true, restored: 'pk S HASH, sk S RANGE' });
    expect(c.indexes.same).toBe(true);
    expect(c.indexes.restored).toEqual([
      'gsi1: gsi1pk S HASH, gsi1sk S RANGE; ALL',
      'gsi2: gsi2pk S HASH, gsi2sk S RANGE; ALL',
    ]);
    expect(c.counts?.source.items).toBe(6);
    expect(c.counts?.restored.items).toBe(6);
    expect(c.sample).toEqual({
      checked: 6,
      same: 4,
      differ: ['WS#1 / C#2'],
      missingFromSource: ['WS#1 / C#3'],
      unreadable: [],
    });
    const text = formatComparison(c).join('\n');
    expect(text).toContain('Items (Scan COUNT): restored 6, source now 6 (equal)');
    expect(text).toContain('1 changed in the source since: WS#1 / C#2');
    expect(text).toContain('Check: OK');
  });

  it('fails a copy with other indexes, and an empty one', async () => {
    await dynamo.raw.send(
      new CreateTableCommand({
        TableName: 'rs-bare',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    const c = await compareTables(dynamo.raw, source, 'rs-bare', { sample: 5 });
    expect(c.ok).toBe(false);
    expect(c.keySchema.same).toBe(true);
    expect(c.problems).toEqual([
      expect.stringMatching(/^global indexes differ: source \[gsi1: .*\]; restored \[\]$/),
      'the restored table is empty; the source has 6 items',
    ]);
    expect(formatComparison(c).at(-1)).toMatch(/^Check: FAILED/);
  });

  it('skips counting when asked (a large table costs read units)', async () => {
    const c = await compareTables(dynamo.raw, source, restored, { sample: 2, count: false });
    expect(c.counts).toBeUndefined();
    expect(c.sample.checked).toBe(2);
    expect(formatComparison(c)).toContain('Items: not counted (--skip-count)');
  });
});

describe('npm run ops:restore --check-only against a local endpoint', () => {
  it('checks an existing copy, and exits with the documented codes', async () => {
    const endpoint = dynamo.emulators.dynamodb.endpoint;
    const [ok, missing, usage] = await Promise.all([
      cli(['--table', source, '--target', restored, '--check-only', '--endpoint', endpoint]),
      cli(['--table', source, '--target', 'rs-nope', '--check-only', '--endpoint', endpoint]),
      cli(['--table', source]),
    ]);
    expect(ok.code, ok.stderr).toBe(RESTORE_EXIT.ok);
    expect(ok.stdout).toContain('Check: OK');
    expect(ok.stdout).toContain('cannot be pointed at it');

    expect(missing.code).toBe(RESTORE_EXIT.tableNotFound);
    expect(missing.stderr).toContain('Table rs-nope not found');

    expect(usage.code).toBe(RESTORE_EXIT.usage);
    expect(usage.stderr).toContain('--to is required');
  });
});
