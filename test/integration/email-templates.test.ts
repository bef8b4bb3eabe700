/**
 * The template and broadcast stores against the embedded DynamoDB emulator: versions written
 * once beside the record, the pointer moved only from the version read (10 concurrent saves
 * from one version: exactly one lands), soft delete keeping versions readable, paged listings
 * skipping deleted templates behind a cursor bound to the workspace, and a broadcast page
 * recorded once however often it is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBroadcasts } from '../../shared/adapters/dynamo-broadcasts';
import { dynamoEmailTemplates } from '../../shared/adapters/dynamo-email-templates';
import { type BroadcastRecord, progressOf } from '../../shared/email/broadcast';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  type TemplateInput,
  type TemplateStore,
  updateTemplate,
} from '../../shared/email/stored-templates';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'tpl-';
const CORE = `${PREFIX}core`;

let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;
let store: TemplateStore;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
  store = dynamoEmailTemplates(db, CORE);
});

afterAll(async () => {
  await dynamo?.stop();
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const deps = () => ({ templates: store, newId: randomUUID, now: () => new Date() });
const input: TemplateInput = {
  name: 'Welcome',
  category: 'marketing',
  subject: 'Hi {{ contact.firstName }}',
  html: '<a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
  text: 'Hi. {{ workspace.postalAddress }} {{ unsubscribe_url }}',
  topic: 'news',
};

describe('template store', () => {
  it('keeps every version, moves the pointer, and keeps versions readable after a delete', async () => {
    // Prepare
    const workspaceId = ws();
    const v1 = await createTemplate(workspaceId, input, 'user-1', deps());
    // Act
    const v2 = await updateTemplate(
      workspaceId,
      v1.templateId,
      { ...input, name: 'Welcome v2', subject: 'Second', topic: undefined },
      { expectedVersion: 1, updatedBy: 'user-2' },
      deps(),
    );
    // Assess
    expect(v2.version).toBe(2);
    const record = await store.get(workspaceId, v1.templateId);
    expect(record).toMatchObject({ latestVersion: 2, name: 'Welcome v2', category: 'marketing' });
    expect(record?.topic).toBeUndefined();
    expect(await getTemplate(workspaceId, v1.templateId, 1, deps())).toMatchObject({
      version: 1,
      latestVersion: 2,
      subject: input.subject,
      text: input.text,
      topic: 'news',
      createdBy: 'user-1',
    });
    await deleteTemplate(workspaceId, v1.templateId, deps());
    await expect(getTemplate(workspaceId, v1.templateId, undefined, deps())).rejects.toMatchObject({ status: 404 });
    expect(await store.version(workspaceId, v1.templateId, 2)).toMatchObject({ subject: 'Second' });
    expect(await store.markDeleted(workspaceId, v1.templateId, new Date().toISOString())).toBe(false);
  });

  it('lets exactly one of 10 concurrent saves from the same version land', async () => {
    const workspaceId = ws();
    const v1 = await createTemplate(workspaceId, input, 'user-1', deps());
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        updateTemplate(
          workspaceId,
          v1.templateId,
          { ...input, subject: `Racer ${i}` },
          { expectedVersion: 1, updatedBy: `u-${i}` },
          deps(),
        ),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'TEMPLATE_VERSION_CONFLICT' });
    }
    const latest = await getTemplate(workspaceId, v1.templateId, undefined, deps());
    expect(latest.version).toBe(2);
    expect(latest.subject).toBe((won[0] as PromiseFulfilledResult<{ subject: string }>).value.subject);
    expect(await store.version(workspaceId, v1.templateId, 3)).toBeUndefined();
  });

  it('lists live templates page by page; a cursor of another workspace is refused', async () => {
    // Prepare: 7 templates, 2 of them deleted.
    const workspaceId = ws();
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createTemplate(workspaceId, { ...input, name: `T${i}` }, 'u', deps()));
    await deleteTemplate(workspaceId, made[1]?.templateId as string, deps());
    await deleteTemplate(workspaceId, made[4]?.templateId as string, deps());
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTemplates(workspaceId, { limit: 2, ...(cursor ? { cursor } : {}) }, deps());
      seen.push(...page.templates.map((t) => t.templateId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    // Assess
    const live = made.filter((_, i) => i !== 1 && i !== 4).map((t) => t.templateId);
    expect(seen.sort()).toEqual(live.sort());
    const first = await listTemplates(workspaceId, { limit: 2 }, deps());
    await expect(listTemplates(ws(), { limit: 2, cursor: first.nextCursor as string }, deps())).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
      status: 400,
    });
  });
});

describe('broadcast store', () => {
  it('records a page once, whatever the redeliveries, and derives the status from the pages', async () => {
    const workspaceId = ws();
    const broadcasts = dynamoBroadcasts(db, CORE);
    const record: BroadcastRecord = {
      workspaceId,
      broadcastId: randomUUID(),
      templateId: 't-1',
      version: 3,
      category: 'marketing',
      audience: { tag: 'vip' },
      enqueued: 0,
      skipped: 0,
      pagesDone: 0,
      createdAt: 'a',
      updatedAt: 'a',
      createdBy: 'u',
    };
    expect(await broadcasts.create(record)).toBe(true);
    expect(await broadcasts.create(record)).toBe(false);
    const id = record.broadcastId;
    // Page 1 (the last) lands before page 0, then both are redelivered concurrently.
    const page1 = { page: 1, enqueued: 4, skipped: 1, last: true, at: 'b' };
    const page0 = { page: 0, enqueued: 100, skipped: 0, last: false, at: 'c' };
    expect(await broadcasts.recordPage(workspaceId, id, page1)).toBe(true);
    expect(progressOf((await broadcasts.get(workspaceId, id)) as BroadcastRecord).status).toBe('enqueuing');
    const again = await Promise.all([
      broadcasts.recordPage(workspaceId, id, page0),
      broadcasts.recordPage(workspaceId, id, page0),
      broadcasts.recordPage(workspaceId, id, page1),
    ]);
    expect(again.filter(Boolean)).toHaveLength(1);
    expect(await broadcasts.pageRecorded(workspaceId, id, 0)).toBe(true);
    expect(await broadcasts.pageRecorded(workspaceId, id, 2)).toBe(false);
    expect(progressOf((await broadcasts.get(workspaceId, id)) as BroadcastRecord)).toMatchObject({
      status: 'done',
      enqueued: 104,
      skipped: 1,
      pages: 2,
      total: 104,
      audience: { tag: 'vip' },
    });
  });
});
