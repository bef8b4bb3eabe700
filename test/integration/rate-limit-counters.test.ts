/**
 * The rate limiter's counter store against the real emulator (dynalite): one conditional
 * UpdateItem per (identity, bucket) that counts every rule or none, the item's layout, the
 * refusing counts read back after a failed condition, atomicity under concurrent requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoCounterStore } from '../../shared/adapters/dynamo-counter-store';
import { type CounterGroup, type CounterStore, checkRateLimits } from '../../shared/rate-limit/rate-limiter';
import { rulesFor } from '../../shared/rate-limit/rules';

const PREFIX = 'rl-';
const EPHEMERAL = `${PREFIX}ephemeral`;

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let store: CounterStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rate-limit-counters-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw);
  await ensureTables(
    raw,
    tables.filter((t) => t.name === 'ephemeral'),
    PREFIX,
  );
  store = dynamoCounterStore(db, EPHEMERAL);
});

afterAll(async () => {
  raw?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

let unique = 0;
const itemKey = () => `RL#ip:test-${++unique}#60#1700000040`;
const item = async (pk: string) =>
  (await db.send(new GetCommand({ TableName: EPHEMERAL, Key: { pk, sk: 'counter' }, ConsistentRead: true }))).Item;

describe('countRequest', () => {
  it('counts every counter of the group in one item and returns the new counts', async () => {
    const key = itemKey();
    const group: CounterGroup = {
      key,
      expiresAt: 1_700_000_160,
      counters: [
        { name: 'all.7', limit: 100 },
        { name: 'api.6', limit: 20 },
        { name: 'tier-public.0', limit: 20 },
      ],
    };
    expect(await store.countRequest(group)).toEqual({
      admitted: true,
      counts: { 'all.7': 1, 'api.6': 1, 'tier-public.0': 1 },
    });
    expect(await store.countRequest(group)).toMatchObject({ counts: { 'all.7': 2, 'api.6': 2 } });
    expect(await item(key)).toEqual({
      pk: key,
      sk: 'counter',
      expiresAt: 1_700_000_160,
      'all.7': 2,
      'api.6': 2,
      'tier-public.0': 2,
    });
  });

  it('refuses when any counter is at its limit, counts none, and reads back the counts that refused', async () => {
    const key = itemKey();
    const group: CounterGroup = {
      key,
      expiresAt: 1_700_000_160,
      counters: [
        { name: 'wide.0', limit: 10 },
        { name: 'narrow.0', limit: 2 },
      ],
    };
    await store.countRequest(group);
    await store.countRequest(group);
    expect(await store.countRequest(group)).toEqual({ admitted: false, counts: { 'wide.0': 2, 'narrow.0': 2 } });
    expect(await item(key)).toMatchObject({ 'wide.0': 2, 'narrow.0': 2 });
  });

  it("removes each counter's previous window and keeps the expiry of the item's first write", async () => {
    const key = itemKey();
    await store.countRequest({ key, expiresAt: 1_700_000_160, counters: [{ name: 'api.0', limit: 20 }] });
    await store.countRequest({
      key,
      expiresAt: 1_700_000_999,
      counters: [{ name: 'api.2', limit: 20, previous: 'api.0' }],
    });
    expect(await item(key)).toEqual({ pk: key, sk: 'counter', expiresAt: 1_700_000_160, 'api.2': 1 });
  });

  it('admits exactly the limit under concurrent requests', async () => {
    const group: CounterGroup = {
      key: itemKey(),
      expiresAt: 1_700_000_160,
      counters: [
        { name: 'a.0', limit: 100 },
        { name: 'b.0', limit: 12 },
      ],
    };
    const results = await Promise.all(Array.from({ length: 30 }, () => store.countRequest(group)));
    expect(results.filter((r) => r.admitted)).toHaveLength(12);
    expect(await item(group.key)).toMatchObject({ 'a.0': 12, 'b.0': 12 });
  });

  it('keeps the single conditional counter of the abuse alerts', async () => {
    const key = `ABUSE#ip:test-${++unique}#1700000000`;
    expect(await store.incrementBelow(key, 2, 1_700_000_360)).toBe(1);
    expect(await store.incrementBelow(key, 2, 1_700_000_360)).toBe(2);
    expect(await store.incrementBelow(key, 2, 1_700_000_360)).toBeUndefined();
  });
});

describe('checkRateLimits on the emulator', () => {
  it('is one item per identity for an /api request, and names the refusing rule and its reset', async () => {
    const nowMs = 1_700_000_047_250; // 7.25 s into the minute starting at 1_700_000_040
    const address = `203.0.113.${++unique}`;
    const rules = rulesFor('public', '/api/things');
    const onStoreError = (error: unknown) => {
      throw error;
    };
    for (let i = 0; i < 20; i++) {
      expect(await checkRateLimits(rules, { address }, { store, nowMs, onStoreError })).toMatchObject({
        allowed: true,
      });
    }
    const refused = await checkRateLimits(rules, { address }, { store, nowMs, onStoreError });
    expect(refused).toEqual({ allowed: false, limit: 20, remaining: 0, resetSeconds: 53, refusedBy: 'tier-public' });
    expect(await item(`RL#ip:${address}#60#1700000040`)).toEqual({
      pk: `RL#ip:${address}#60#1700000040`,
      sk: 'counter',
      expiresAt: 1_700_000_160,
      'all.7': 20,
      'api.6': 20,
      'tier-public.0': 20,
    });
  });
});
