/** The pieces of `npm run ops:restore` around the one restore call: arguments, window, errors, waiting. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  checkRestoreTime,
  defaultTargetName,
  describeKeys,
  parseRestoreTime,
  RESTORE_EXIT,
  RestoreError,
  restorableWindow,
  sameItem,
  startRestore,
  waitUntilRestored,
} from '../../../lib/ops/table-restore';

/** A client whose `send` answers by command name. */
const fakeClient = (answer: (command: string, input: Record<string, unknown>) => unknown) => {
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const command = cmd.constructor.name.replace(/Command$/, '');
      sent.push({ command, input: cmd.input });
      const result = answer(command, cmd.input);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as DynamoDBClient;
  return { client, sent };
};

const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

const exitOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RestoreError);
  return { code: (error as RestoreError).exitCode, message: (error as RestoreError).message };
};

describe('parseRestoreTime', () => {
  it('takes latest or an ISO time with a zone', () => {
    expect(parseRestoreTime('latest')).toBe('latest');
    expect(parseRestoreTime(' LATEST ')).toBe('latest');
    expect((parseRestoreTime('2025-01-31T09:30:00Z') as Date).toISOString()).toBe('2025-01-31T09:30:00.000Z');
    expect((parseRestoreTime('2025-01-31T10:30+01:00') as Date).toISOString()).toBe('2025-01-31T09:30:00.000Z');
  });

  it.each([undefined, '', 'yesterday', '2025-01-31', '2025-01-31T09:30:00', '2025-13-45T99:99:00Z'])(
    'refuses %j with the usage exit code',
    (value) => {
      expect(() => parseRestoreTime(value)).toThrow(RestoreError);
      try {
        parseRestoreTime(value);
      } catch (error) {
        expect((error as RestoreError).exitCode).toBe(RESTORE_EXIT.usage);
      }
    },
  );
});

it('names the target after the source and the UTC time', () => {
  expect(defaultTargetName('unite-hub-prod-core', new Date('2025-01-31T09:30:05.123Z'))).toBe(
    'unite-hub-prod-core-restored-20250131T093005Z',
  );
  expect(defaultTargetName('x'.repeat(300)).length).toBe(255);
});

describe('the restorable window', () => {
  const window = { earliest: new Date('2025-01-01T00:00:00Z'), latest: new Date('2025-02-05T00:00:00Z') };

  it('reads it from DescribeContinuousBackups', async () => {
    const { client } = fakeClient(() => ({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          EarliestRestorableDateTime: window.earliest,
          LatestRestorableDateTime: window.latest,
        },
      },
    }));
    expect(await restorableWindow(client, 't')).toEqual(window);
  });

  it('says when the table is missing (3) or PITR is off (4)', async () => {
    const missing = fakeClient(() => awsError('TableNotFoundException'));
    expect(await exitOf(restorableWindow(missing.client, 'nope'))).toMatchObject({
      code: RESTORE_EXIT.tableNotFound,
      message: expect.stringContaining('Table nope not found'),
    });
    const off = fakeClient(() => ({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    }));
    expect(await exitOf(restorableWindow(off.client, 't'))).toMatchObject({
      code: RESTORE_EXIT.pitrDisabled,
      message: expect.stringContaining('Point-in-time recovery is DISABLED on t'),
    });
  });

  it('says the local emulator has no PITR (4)', async () => {
    const local = fakeClient(() => awsError('UnknownOperationException', 'UnknownError'));
    expect(await exitOf(restorableWindow(local.client, 't'))).toMatchObject({
      code: RESTORE_EXIT.pitrDisabled,
      message: expect.stringContaining('only --check-only --target <copy> works against it'),
    });
  });

  it('refuses a time outside it (5)', () => {
    expect(() => checkRestoreTime('latest', window)).not.toThrow();
    expect(() => checkRestoreTime(new Date('2025-01-15T00:00:00Z'), window)).not.toThrow();
    for (const time of ['2024-12-31T23:59:59Z', '2025-02-05T00:00:01Z']) {
      try {
        checkRestoreTime(new Date(time), window);
        expect.unreachable();
      } catch (error) {
        expect((error as RestoreError).exitCode).toBe(RESTORE_EXIT.outsideWindow);
        expect((error as RestoreError).message).toContain('2025-01-01T00:00:00.000Z .. 2025-02-05T00:00:00.000Z');
      }
    }
  });
});

describe('startRestore', () => {
  it('restores into the target, on demand, at the time or the latest', async () => {
    const { client, sent } = fakeClient(() => ({ TableDescription: { TableStatus: 'CREATING' } }));
    await startRestore(client, { source: 's', target: 't', time: 'latest' });
    const at = new Date('2025-01-15T00:00:00Z');
    await startRestore(client, { source: 's', target: 't2', time: at });
    expect(sent).toEqual([
      {
        command: 'RestoreTableToPointInTime',
        input: {
          SourceTableName: 's',
          TargetTableName: 't',
          UseLatestRestorableTime: true,
          BillingModeOverride: 'PAY_PER_REQUEST',
        },
      },
      {
        command: 'RestoreTableToPointInTime',
        input: {
          SourceTableName: 's',
          TargetTableName: 't2',
          RestoreDateTime: at,
          BillingModeOverride: 'PAY_PER_REQUEST',
        },
      },
    ]);
  });

  it.each([
    ['TableAlreadyExistsException', RESTORE_EXIT.usage],
    ['TableNotFoundException', RESTORE_EXIT.tableNotFound],
    ['PointInTimeRecoveryUnavailableException', RESTORE_EXIT.pitrDisabled],
    ['InvalidRestoreTimeException', RESTORE_EXIT.outsideWindow],
  ])('maps %s to exit code %i', async (name, code) => {
    const { client } = fakeClient(() => awsError(name));
    expect((await exitOf(startRestore(client, { source: 's', target: 't', time: 'latest' }))).code).toBe(code);
  });
});

describe('waitUntilRestored', () => {
  it('polls until the table and its indexes are ACTIVE, reporting progress', async () => {
    const states = [
      awsError('ResourceNotFoundException'),
      { Table: { TableStatus: 'CREATING' } },
      { Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'gsi1', IndexStatus: 'CREATING' }] } },
      { Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'gsi1', IndexStatus: 'ACTIVE' }] } },
    ];
    const { client } = fakeClient(() => states.shift());
    const progress: string[] = [];
    const table = await waitUntilRestored(client, 't', { pollMs: 1, onProgress: (s) => progress.push(s) });
    expect(table.TableStatus).toBe('ACTIVE');
    expect(progress).toEqual(['NOT YET VISIBLE', 'CREATING', 'ACTIVE, indexes gsi1 CREATING', 'ACTIVE']);
  });

  it('gives up waiting after the timeout (6), the restore going on', async () => {
    const { client } = fakeClient(() => ({ Table: { TableStatus: 'CREATING' } }));
    const { code, message } = await exitOf(waitUntilRestored(client, 't', { pollMs: 1, timeoutMs: 5 }));
    expect(code).toBe(RESTORE_EXIT.restoreFailed);
    expect(message).toContain('--check-only --target t');
  });
});

describe('comparing items and keys', () => {
  it('compares items as DynamoDB does: sets unordered, numbers by value, binaries by bytes', () => {
    const a = {
      n: { N: '1.0' },
      s: { SS: ['a', 'b'] },
      b: { B: new Uint8Array([1]) },
      m: { M: { x: { L: [{ S: 'y' }] } } },
    };
    const b = {
      m: { M: { x: { L: [{ S: 'y' }] } } },
      b: { B: Buffer.from([1]) },
      s: { SS: ['b', 'a'] },
      n: { N: '1' },
    };
    expect(sameItem(a, b)).toBe(true);
    expect(sameItem(a, { ...b, n: { N: '2' } })).toBe(false);
    expect(sameItem(a, { ...b, extra: { BOOL: true } })).toBe(false);
    expect(sameItem({ l: { L: [{ S: 'a' }, { S: 'b' }] } }, { l: { L: [{ S: 'b' }, { S: 'a' }] } })).toBe(false);
  });

  it('describes a key schema in key order with types', () => {
    expect(
      describeKeys(
        [
          { AttributeName: 'sk', KeyType: 'RANGE' },
          { AttributeName: 'pk', KeyType: 'HASH' },
        ],
        [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
      ),
    ).toBe('pk S HASH, sk N RANGE');
  });
});
