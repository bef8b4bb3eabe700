// Review round 20: this test failed at 16f866a.
// A workspace could keep any number of 8 KB settings, and `GET /api/settings` answers them all in
// one body: past ~770 it outgrew the 6 MB a Lambda may answer (a 5xx for everyone). The number is
// now capped in the store, race-free: a counter item changed in the same transaction as a new key.
import { randomBytes, randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { getItem } from '../../shared/adapters/dynamo/item';
import { dynamoSettings } from '../../shared/adapters/dynamo-settings';
import { settingSk, workspacePk } from '../../shared/adapters/keys';
import { localSecretBox } from '../../shared/adapters/secret-box';
import { ConflictError } from '../../shared/errors';
import type { Caller } from '../../shared/governance/ports';
import * as registry from '../../shared/governance/settings';
import { deleteSetting, listSettings, putSetting } from '../../shared/governance/settings';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r20b-fix-settings-';
const CORE = `${PREFIX}core`;
/** The cap (50 at the fix; the code before it had none, so the test holds it to that number). */
const MAX = ((registry as Record<string, unknown>).MAX_WORKSPACE_SETTINGS as number | undefined) ?? 50;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

function fresh() {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const caller: Caller = {
    workspaceId,
    organizationId: 'org-1',
    role: 'owner',
    userId: 'u-1',
    email: 'u-1@example.test',
    permissions: new Set(['settings:read', 'settings:write']),
  };
  const deps = { settings: dynamoSettings(db, CORE), secrets: localSecretBox(randomBytes(32)), now: () => new Date() };
  return { workspaceId, caller, deps };
}

/** The outcome of a put: 'created', 'replaced', or the refusal's code. */
async function put(caller: Caller, deps: ReturnType<typeof fresh>['deps'], key: string, value: unknown) {
  try {
    return (await putSetting(caller, key, { value }, deps)).created ? 'created' : 'replaced';
  } catch (error) {
    if (error instanceof ConflictError) return error.code;
    throw error;
  }
}

const count = (outcomes: string[], what: string) => outcomes.filter((o) => o === what).length;

describe('r20b: the number of settings a workspace keeps is capped in the store', () => {
  it('admits exactly the cap among concurrent creates; the rest are 409 SETTINGS_LIMIT naming the limit', async () => {
    const { caller, deps, workspaceId } = fresh();
    const outcomes = await Promise.all(
      Array.from({ length: MAX + 15 }, (_, i) => put(caller, deps, `bulk.${i}`, 'x'.repeat(100))),
    );
    expect(count(outcomes, 'created')).toBe(MAX);
    expect(count(outcomes, 'SETTINGS_LIMIT')).toBe(15);
    expect((await listSettings(caller, { limit: 100 }, deps)).settings).toHaveLength(MAX);

    const refused = await putSetting(caller, 'one.more', { value: 1 }, deps).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).message).toContain(String(MAX));
    expect(await getItem(db, CORE, { pk: workspacePk(workspaceId), sk: settingSk('one.more') })).toBeUndefined();
  });

  it('lets a full workspace replace its settings (an overwrite is no new key), and a delete frees a slot', async () => {
    const { caller, deps } = fresh();
    await Promise.all(Array.from({ length: MAX }, (_, i) => put(caller, deps, `k.${i}`, i)));
    expect(await put(caller, deps, 'k.new', 1)).toBe('SETTINGS_LIMIT');

    // Concurrent overwrites of existing keys at the cap: all replaced.
    const overwrites = await Promise.all(Array.from({ length: 10 }, (_, i) => put(caller, deps, `k.${i}`, -i)));
    expect(overwrites).toEqual(Array(10).fill('replaced'));

    await deleteSetting(caller, 'k.0', deps);
    await expect(deleteSetting(caller, 'k.0', deps)).rejects.toMatchObject({ code: 'SETTING_NOT_FOUND' });
    expect(await put(caller, deps, 'k.new', 1)).toBe('created');
    expect(await put(caller, deps, 'k.newer', 1)).toBe('SETTINGS_LIMIT');
    expect((await listSettings(caller, { limit: 100 }, deps)).settings).toHaveLength(MAX);
  });

  it('counts one new key once when many create it at the same time', async () => {
    const { caller, deps } = fresh();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => put(caller, deps, 'same.key', i)));
    expect(count(outcomes, 'created')).toBe(1);
    expect(count(outcomes, 'replaced')).toBe(7);
    // The other MAX - 1 slots are all still there.
    const rest = await Promise.all(Array.from({ length: MAX }, (_, i) => put(caller, deps, `r.${i}`, i)));
    expect(count(rest, 'created')).toBe(MAX - 1);
    expect(count(rest, 'SETTINGS_LIMIT')).toBe(1);
  });

  it('counts the settings a workspace kept from before the cap the first time it creates one', async () => {
    const { caller, deps, workspaceId } = fresh();
    // Written as the store wrote them before it kept a count.
    for (let i = 0; i < MAX - 2; i++) {
      await db.send(
        new PutCommand({
          TableName: CORE,
          Item: {
            pk: workspacePk(workspaceId),
            sk: settingSk(`old.${i}`),
            type: 'setting',
            key: `old.${i}`,
            isSecret: false,
            valueJson: String(i),
            updatedAt: '2026-01-01T00:00:00.000Z',
          },
        }),
      );
    }
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => put(caller, deps, `new.${i}`, i)));
    expect(count(outcomes, 'created')).toBe(2);
    expect(count(outcomes, 'SETTINGS_LIMIT')).toBe(3);
    // A delete gives its slot back, old setting or new.
    await deleteSetting(caller, 'old.0', deps);
    expect(await put(caller, deps, 'new.last', 1)).toBe('created');
    expect(await put(caller, deps, 'new.over', 1)).toBe('SETTINGS_LIMIT');
  });
});
