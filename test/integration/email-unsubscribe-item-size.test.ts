/**
 * Review round 13 (test/integration/email-unsubscribe-topic-flood.test.ts): an unsubscribe's items
 * never outgrow DynamoDB's 400 KB, and the public POST never fails on one that did. On the real
 * adapter (`dynamoUnsubscribeSuppressions`) over the DynamoDB emulator, whose transaction engine
 * enforces the item size:
 * - topic opt-outs only for the workspace's listed topics and the link's own;
 * - a full unsubscribe replaces the topic opt-outs it supersedes (an item bloated before this fix,
 *   which an ADD could no longer grow, shrinks), conditional on its other reasons being those read,
 *   so a bounce added meanwhile is kept;
 * - a topic opt-out past MAX_REASONS_PER_ITEM is honoured as an unsubscribe from all;
 * - a write the store refuses as invalid (an item too large) is honoured more widely, down to the
 *   address's unsubscribe alone, which always fits: 200, never a 5xx.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSuppressions, dynamoUnsubscribeSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { contactOptOutSk, suppressionSk, workspacePk } from '../../shared/adapters/keys';
import { MAX_REASONS_PER_ITEM, type SuppressionReason, topicOptOut } from '../../shared/email/suppression-rules';
import {
  honourUnsubscribe,
  type OptOutWrite,
  type UnsubscribeDeps,
  unsubscribeChoice,
  unsubscribeFor,
} from '../../shared/email/unsubscribe';
import { newAuditRecord } from '../../shared/identity/audit';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'unsubsize-';
const key = randomBytes(32);
const NOW = new Date('2026-12-04T10:00:00Z');
let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

function world(options: { topics?: string[]; linkTopic?: string } = {}) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contactId = `c-${randomUUID().slice(0, 8)}`;
  const email = `${randomUUID().slice(0, 8)}@example.com`;
  const store = dynamoUnsubscribeSuppressions(db, dynamo.table('core'), dynamo.table('audit'));
  const deps: UnsubscribeDeps = {
    key,
    suppressions: store,
    recordUnsubscribed: async () => undefined,
    now: () => NOW,
    topics: async () => options.topics ?? [],
  };
  const token = unsubscribeFor(
    { baseUrl: 'https://app.example.com', key },
    { workspaceId, sendId: 'send-1', email, contactId, ...(options.linkTopic ? { topic: options.linkTopic } : {}) },
  ).url.split('/u/')[1] as string;
  const addressKey = { pk: workspacePk(workspaceId), sk: suppressionSk(email) };
  const personKey = { pk: workspacePk(workspaceId), sk: contactOptOutSk(contactId) };
  return {
    workspaceId,
    contactId,
    email,
    store,
    deps,
    token,
    addressKey,
    personKey,
    addressReasons: async () => [...(await store.addressOptOuts(workspaceId, email))].sort(),
    personReasons: async () => [...(await store.contactOptOuts(workspaceId, contactId)).reasons].sort(),
  };
}

const topicReasons = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => topicOptOut(`t${from + i}-`.padEnd(40, 'x')));

/** Adds reasons to an item in chunks, smaller and smaller, until DynamoDB refuses even one: the item is full. */
async function fill(item: { pk: string; sk: string }): Promise<number> {
  let added = 0;
  for (const chunk of [400, 50, 5, 1]) {
    for (;;) {
      const reasons = topicReasons(chunk, added);
      const ok = await db
        .send(
          new UpdateCommand({
            TableName: dynamo.table('core'),
            Key: item,
            UpdateExpression: 'ADD reasons :r',
            ExpressionAttributeValues: { ':r': new Set(reasons) },
          }),
        )
        .then(
          () => true,
          (error: Error) => {
            if (error.name !== 'ValidationException') throw error;
            return false;
          },
        );
      if (!ok) break;
      added += chunk;
    }
  }
  return added;
}

describe('topic opt-outs: only the workspace topics and the link own', () => {
  it('honours listed topics and the link topic, ignores the rest (nothing written for them)', async () => {
    const w = world({ topics: ['news', 'product'], linkTopic: 'promo' });
    const outcome = await honourUnsubscribe(
      w.deps,
      w.token,
      {},
      unsubscribeChoice('scope=topics&topic=news&topic=promo&topic=made-up&topic=other'),
    );
    expect(outcome).toEqual({ status: 'unsubscribed', already: false, topics: ['news', 'promo'] });
    expect(await w.addressReasons()).toEqual(['unsubscribe:topic:news', 'unsubscribe:topic:promo']);
    expect(await w.personReasons()).toEqual(['unsubscribe:topic:news', 'unsubscribe:topic:promo']);
    // Only made-up ones: nothing to write, 200 with no topic saved.
    expect(await honourUnsubscribe(w.deps, w.token, {}, unsubscribeChoice('scope=topics&topic=zzz'))).toEqual({
      status: 'unsubscribed',
      already: true,
      topics: [],
    });
  });
});

describe('a full unsubscribe supersedes topic opt-outs', () => {
  it('an address item filled to 400 KB before the fix: the one-click still unsubscribes, the item shrinks', async () => {
    const w = world();
    const filled = await fill(w.addressKey);
    expect(filled).toBeGreaterThan(5_000);
    // The item is full: an ADD of one more reason is refused (as the event processor's bounce would be).
    await expect(
      dynamoSuppressions(db, dynamo.table('core')).suppress(w.workspaceId, w.email, 'hard-bounce', NOW.getTime()),
    ).rejects.toMatchObject({ name: 'ValidationException' });

    expect(await honourUnsubscribe(w.deps, w.token, {}, unsubscribeChoice('List-Unsubscribe=One-Click'))).toEqual({
      status: 'unsubscribed',
      already: false,
    });
    expect(await w.addressReasons()).toEqual(['unsubscribe']);
    expect(await w.personReasons()).toEqual(['unsubscribe']);
  }, 60_000);

  it('keeps a bounce added between the read and the write (the write loses its round and is made again)', async () => {
    const w = world();
    await w.store.optOut(writeOf(w, { reasons: topicReasons(3), held: [] }));
    // The request read the topics only; a hard bounce lands before its write.
    const stale = writeOf(w, { reasons: ['unsubscribe'], held: topicReasons(3) });
    await dynamoSuppressions(db, dynamo.table('core')).suppress(w.workspaceId, w.email, 'hard-bounce', NOW.getTime());
    expect(await w.store.optOut(stale)).toBe(false);
    expect(await w.addressReasons()).toEqual(['hard-bounce', ...topicReasons(3)].sort());
    // Through honourUnsubscribe: it reads again and writes.
    expect(await honourUnsubscribe(w.deps, w.token)).toEqual({ status: 'unsubscribed', already: false });
    expect(await w.addressReasons()).toEqual(['hard-bounce', 'unsubscribe']);
  });
});

describe('reasons per item are capped', () => {
  it('a topic opt-out is added only while the item stays within the cap; past it, an unsubscribe from all', async () => {
    const w = world({ topics: ['news'] });
    await db.send(
      new PutCommand({
        TableName: dynamo.table('core'),
        Item: { ...w.addressKey, email: w.email, reasons: new Set(topicReasons(MAX_REASONS_PER_ITEM)) },
      }),
    );
    // The adapter's own condition (a request that read fewer reasons than are there now).
    expect(await w.store.optOut(writeOf(w, { reasons: [topicOptOut('news')], held: [] }))).toBe(false);
    // honourUnsubscribe reads the full item: the topic would take it past the cap.
    expect(await honourUnsubscribe(w.deps, w.token, {}, unsubscribeChoice('scope=topics&topic=news'))).toEqual({
      status: 'unsubscribed',
      already: false,
    });
    expect(await w.addressReasons()).toEqual(['unsubscribe']);
  });
});

describe('a write DynamoDB refuses as invalid', () => {
  it('is honoured more widely, down to the address alone, never a 5xx', async () => {
    const w = world({ topics: ['news'] });
    // A contact item with no room left: an unrecorded entry as large as the item can hold (no other
    // way to get there now), found by bisection on the emulator's own size check.
    const put = (bytes: number) =>
      db
        .send(
          new PutCommand({
            TableName: dynamo.table('core'),
            Item: {
              ...w.personKey,
              contactId: w.contactId,
              reasons: new Set(['unsubscribe:topic:other']),
              'unrecorded#old': { atMs: 1, writtenAtMs: 1, metadata: { note: 'x'.repeat(bytes) } },
            },
          }),
        )
        .then(
          () => true,
          (error: Error) => {
            if (error.name !== 'ValidationException') throw error;
            return false;
          },
        );
    let [fits, tooLarge] = [300_000, 410_000];
    while (tooLarge - fits > 1) {
      const mid = Math.floor((fits + tooLarge) / 2);
      if (await put(mid)) fits = mid;
      else tooLarge = mid;
    }
    expect(await put(fits)).toBe(true);
    const outcome = await honourUnsubscribe(w.deps, w.token, {}, unsubscribeChoice('scope=topics&topic=news'));
    // Asked for one topic; the contact's item could take no write: the address is unsubscribed from all.
    expect(outcome).toEqual({ status: 'unsubscribed', already: false });
    expect(await w.addressReasons()).toEqual(['unsubscribe']);
    expect(await w.personReasons()).toEqual(['unsubscribe:topic:other']);
  }, 30_000);
});

/** A write of `target` on the address alone, with its audit entry. */
function writeOf(
  w: ReturnType<typeof world>,
  target: { reasons: readonly SuppressionReason[]; held: readonly SuppressionReason[] },
): OptOutWrite {
  return {
    workspaceId: w.workspaceId,
    atMs: NOW.getTime(),
    address: { email: w.email, ...target },
    audit: newAuditRecord(
      {
        workspaceId: w.workspaceId,
        eventType: 'email',
        eventAction: 'unsubscribed',
        actorType: 'system',
        actorId: 'test',
        resourceType: 'email',
        resourceId: 'send-1',
      },
      NOW,
    ),
  };
}
