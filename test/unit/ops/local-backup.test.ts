/** The local backup file: DynamoDB JSON with binaries in base64, and a reader that refuses a damaged file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, fromWire, readBackup, toWire, type WireItem } from '../../../lib/ops/local-backup';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-backup-unit-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, lines: unknown[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return file;
};
const header = {
  format: BACKUP_FORMAT,
  version: 1,
  createdAt: '2025-01-31T00:00:00.000Z',
  tables: ['core'],
  files: [],
};
const line = (sk: string) => ({ table: 'core', item: { pk: { S: 'a' }, sk: { S: sk } } });

const collect = async (file: string, batchSize?: number) => {
  const batches: Array<{ table: string; items: WireItem[] }> = [];
  const files: Array<[string, string, number]> = [];
  const parsed = await readBackup(
    file,
    {
      items: async (table, items) => {
        batches.push({ table, items });
      },
      file: (name, content, mode) => {
        files.push([name, content.toString('utf8'), mode]);
      },
    },
    batchSize,
  );
  return { parsed, batches, files };
};

describe('toWire / fromWire', () => {
  it('round-trips every attribute type, binaries as base64 on the line', () => {
    const item: Record<string, AttributeValue> = {
      s: { S: 'x' },
      n: { N: '1.5' },
      b: { B: new Uint8Array([0, 255]) },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      ss: { SS: ['a'] },
      ns: { NS: ['1'] },
      bool: { BOOL: false },
      nul: { NULL: true },
      m: { M: { inner: { B: new Uint8Array([7]) } } },
      l: { L: [{ B: new Uint8Array([8]) }, { S: 'y' }] },
    };
    const wire = toWire(item);
    expect(wire.b).toEqual({ B: 'AP8=' });
    expect(wire.m).toEqual({ M: { inner: { B: 'Bw==' } } });
    const back = fromWire(JSON.parse(JSON.stringify(wire)) as WireItem);
    expect(toWire(back)).toEqual(wire);
    expect(Buffer.from((back.b as { B: Uint8Array }).B)).toEqual(Buffer.from([0, 255]));
  });
});

describe('readBackup', () => {
  it('hands items over in batches and files with their mode', async () => {
    const file = write('ok.jsonl', [
      { ...header, files: ['secret.key'] },
      line('1'),
      line('2'),
      line('3'),
      { file: 'secret.key', mode: 0o600, base64: Buffer.from('k3y').toString('base64') },
      { end: true, items: { core: 3 }, files: ['secret.key'] },
    ]);
    const { parsed, batches, files } = await collect(file, 2);
    expect(parsed).toEqual({ createdAt: header.createdAt, items: { core: 3 }, files: ['secret.key'] });
    expect(batches.map((b) => b.items.length)).toEqual([2, 1]);
    expect(files).toEqual([['secret.key', 'k3y', 0o600]]);
  });

  it.each([
    ['a file without the end line (truncated)', [header, line('1')], /no end line: the backup is truncated/],
    [
      'counts that do not add up',
      [header, line('1'), { end: true, items: { core: 2 }, files: [] }],
      /has 1 items; the end line says 2/,
    ],
    ['a torn line', [header, '{"table":"core","item":{'], /:2: not JSON/],
    ['another format', [{ format: 'other' }], /is not a unite-hub-local-backup file/],
    ['another version', [{ ...header, version: 9 }], /version 9/],
    ['an undeclared table', [header, { table: 'x', item: {} }], /table "x", not in the header/],
    ['a file it does not carry', [header, { file: '../../etc/passwd', base64: '' }], /unexpected file/],
    ['lines after the end', [header, { end: true, items: {}, files: [] }, line('1')], /lines after the end line/],
  ])('refuses %s', async (name, lines, error) => {
    await expect(collect(write(`${name.replace(/\W+/g, '-')}.jsonl`, lines))).rejects.toThrow(error);
  });
});
