// Review round 20: this test failed at 27bc9a0.
// The settings cap bounds only new keys: a workspace that kept more before it still had every
// setting read and answered in one body (6.6 MB for 800 x 8 KB: a 5xx in the cloud). The listing is
// now paged by key over the workspace's settings and the global defaults, bounded by count and size.
import { randomBytes, randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../shared/adapters/dynamo/cursor';
import { dynamoSettings } from '../../shared/adapters/dynamo-settings';
import { GLOBAL_PK, settingSk, workspacePk } from '../../shared/adapters/keys';
import { localSecretBox } from '../../shared/adapters/secret-box';
import { InvalidCursorError } from '../../shared/governance/paging';
import type { Caller } from '../../shared/governance/ports';
import { listSettings } from '../../shared/governance/settings';
import { toApiResult } from '../../shared/http/to-api-result';
import { dynamoForFile } from '../support/dynamo-emulator';

const PREFIX = 'r20r1-fix-settings-';
const CORE = `${PREFIX}core`;
/** The largest synchronous Lambda response, as its runtime serialises the handler's result. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

type Page = { settings: Array<{ key: string; scope: string; value: unknown }>; nextCursor?: string };
const list = listSettings as unknown as (
  caller: Caller,
  page: { limit: number; cursor?: string },
  deps: { settings: ReturnType<typeof dynamoSettings> },
) => Promise<Page>;

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

/** Settings written as the store kept them before the cap (no counter, any number). */
async function writeRaw(pk: string, entries: ReadonlyArray<readonly [key: string, value: unknown]>) {
  for (let start = 0; start < entries.length; start += 25) {
    const items = entries.slice(start, start + 25).map(([key, value]) => ({
      PutRequest: {
        Item: {
          pk,
          sk: settingSk(key),
          type: 'setting',
          key,
          isSecret: false,
          valueJson: JSON.stringify(value),
          updatedAt: '2026-11-01T00:00:00.000Z',
        },
      },
    }));
    await db.send(new BatchWriteCommand({ RequestItems: { [CORE]: items } }));
  }
}

/** Every page from the first, each as answered. */
async function allPages(caller: Caller, deps: ReturnType<typeof fresh>['deps'], limit: number) {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(caller, { limit, ...(cursor ? { cursor } : {}) }, deps);
    pages.push(page);
    cursor = page.nextCursor;
    expect(pages.length, 'pages never end').toBeLessThan(200);
  } while (cursor);
  return pages;
}

const pad = (n: number) => String(n).padStart(4, '0');

describe('r20r1: the settings listing is paged by key', () => {
  it('answers a workspace over the cap page by page: its own settings over the global ones, each once, by key', async () => {
    const { workspaceId, caller, deps } = fresh();
    // 130 own settings; globals that interleave with them, override some, and come before and after.
    const own = Array.from({ length: 130 }, (_, i) => [`own.${pad(i * 2)}`, i] as const);
    const globals = [
      ...Array.from({ length: 40 }, (_, i) => [`own.${pad(i * 6 + 1)}`, `g${i}`] as const),
      ...Array.from({ length: 10 }, (_, i) => [`own.${pad(i * 10)}`, `overridden${i}`] as const),
      ['aaa.first', 'g-first'] as const,
      ['zzz.last', 'g-last'] as const,
    ];
    await writeRaw(workspacePk(workspaceId), own);
    await writeRaw(GLOBAL_PK, globals);

    const pages = await allPages(caller, deps, 25);
    for (const page of pages) expect(page.settings.length).toBeLessThanOrEqual(25);
    expect(pages.length).toBeGreaterThan(1);
    const listed = pages.flatMap((p) => p.settings);
    const keys = listed.map((s) => s.key);
    const expected = [...new Set([...own, ...globals].map(([key]) => key))].sort();
    expect(keys).toEqual(expected);
    // An overridden default answers the workspace's value.
    const overridden = listed.find((s) => s.key === 'own.0010');
    expect(overridden).toMatchObject({ scope: 'workspace', value: 5 });
    expect(listed.find((s) => s.key === 'zzz.last')).toMatchObject({ scope: 'global', value: 'g-last' });
    // The last page says there is no next one.
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  it('keeps every page within what a Lambda may answer, whatever the values hold', async () => {
    const { workspaceId, caller, deps } = fresh();
    // 8 KB of `<` (the largest a PUT takes: each leaves the API as a 6-byte escape, 7 bytes inside
    // the Lambda's envelope), and values stored around the API (a migration, by hand) of 100 KB.
    const value = '<'.repeat(8 * 1024 - 2);
    const huge = '<'.repeat(100 * 1024);
    await writeRaw(workspacePk(workspaceId), [
      ...Array.from({ length: 120 }, (_, i) => [`big.${pad(i)}`, value] as const),
      ...Array.from({ length: 30 }, (_, i) => [`huge.${pad(i)}`, huge] as const),
    ]);
    const pages = await allPages(caller, deps, 100);
    for (const page of pages) {
      const bytes = Buffer.byteLength(JSON.stringify(toApiResult({ status: 200, body: page }, 'req-1')));
      expect(bytes, `a page of ${page.settings.length} answers ${bytes} bytes`).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    }
    // 30 x 700 KB as sent: cut by size, not only by count.
    expect(pages.length).toBeGreaterThan(4);
    const keys = pages.flatMap((p) => p.settings.map((s) => s.key)).filter((k) => /^(big|huge)\./.test(k));
    expect(keys).toEqual([
      ...Array.from({ length: 120 }, (_, i) => `big.${pad(i)}`),
      ...Array.from({ length: 30 }, (_, i) => `huge.${pad(i)}`),
    ]);
  });

  it('answers a small workspace in one page, with no cursor', async () => {
    const { workspaceId, caller, deps } = fresh();
    await writeRaw(workspacePk(workspaceId), [['one', 1]]);
    const page = await list(caller, { limit: 100 }, deps);
    expect(page.settings.map((s) => s.key)).toContain('one');
    expect(page.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not hand out, or one of another workspace: 400 INVALID_CURSOR', async () => {
    const { caller, deps } = fresh();
    const other = fresh();
    const theirs = encodeCursor({ pk: workspacePk(other.workspaceId), sk: settingSk('own.0001') }) as string;
    const global = encodeCursor({ pk: GLOBAL_PK, sk: settingSk('own.0001') }) as string;
    const notASetting = encodeCursor({ pk: workspacePk(caller.workspaceId), sk: 'CONTACT#c-1' }) as string;
    for (const cursor of ['garbage', theirs, global, notASetting]) {
      await expect(list(caller, { limit: 10, cursor }, deps), cursor).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });
});
