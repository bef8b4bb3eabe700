/**
 * Review round 25 (fixer c): the class of test/e2e/r25c-consent-listing-size.test.ts. A contact's
 * consent history was read whole (dynamo-consent.ts `list`, a `queryAll`): by its listing, one body
 * past what a function may answer, and by every import's check of each unchanged row. Now the
 * listing pages (limit, a cursor bound to the contact's records, the page cut to what a function may
 * answer), and an import reads a contact's latest record alone, recording consent only where it adds
 * to the record: changing re-imports of a contact whose consent stands append nothing.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LISTING_PAGE_MAX_BYTES } from '../../shared/adapters/dynamo/query';
import { dynamoConsent } from '../../shared/adapters/dynamo-consent';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { CONSENT_PREFIX } from '../../shared/adapters/keys';
import { type ConsentRecord, importConsent } from '../../shared/crm/contacts/consent';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import { InvalidCursorError } from '../../shared/governance/paging';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r25c-consent-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const record = (workspaceId: string, contactId: string, i: number, extra: Partial<ConsentRecord> = {}) => {
  const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  return {
    consentId: randomUUID(),
    workspaceId,
    contactId,
    action: 'given' as const,
    source: 'import',
    at,
    recordedAt: at,
    ...extra,
  };
};

describe('the consent listing pages', () => {
  it('pages through a long history oldest first, each record once, and ends without a cursor', async () => {
    const workspaceId = ws();
    const consent = dynamoConsent(db, CORE);
    const written = Array.from({ length: 57 }, (_, i) => record(workspaceId, 'c1', i));
    await consent.append(written);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await consent.list(workspaceId, 'c1', { limit: 20, ...(cursor ? { cursor } : {}) });
      expect(page.consent.length).toBeLessThanOrEqual(20);
      seen.push(...page.consent.map((r) => r.consentId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(written.map((r) => r.consentId));
  });

  it('cuts a page to what a function may answer, the cursor resuming after the last record answered', async () => {
    const workspaceId = ws();
    const consent = dynamoConsent(db, CORE);
    // Withdrawals of topics full of `<` (sent as `\u003c`: 7 bytes each): ~100 KB stored, ~700 KB sent.
    const topics = Array.from({ length: 1000 }, (_, i) => `t${String(i).padStart(4, '0')}${'<'.repeat(95)}`);
    const written = Array.from({ length: 12 }, (_, i) =>
      record(workspaceId, 'c1', i, { action: 'withdrawn', source: 'unsubscribe', scope: topics }),
    );
    for (const r of written) await consent.append([r]);
    /** As the function's answer is sent: `<` escaped, the body inside the result's JSON string. */
    const sent = (v: unknown) => Buffer.byteLength(JSON.stringify(JSON.stringify(v).replace(/[<>&]/g, '\\u0000')));
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await consent.list(workspaceId, 'c1', { limit: 25, ...(cursor ? { cursor } : {}) });
      expect(sent(page.consent)).toBeLessThanOrEqual(LISTING_PAGE_MAX_BYTES);
      seen.push(...page.consent.map((r) => r.consentId));
      sizes.push(page.consent.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(written.map((r) => r.consentId));
    // One Query page reads ~10 of them (1 MB stored, ~7 MB sent): the answer holds only what fits.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
  });

  it('refuses a cursor of another contact or workspace, and one it cannot read (400 INVALID_CURSOR)', async () => {
    const workspaceId = ws();
    const consent = dynamoConsent(db, CORE);
    await consent.append(Array.from({ length: 3 }, (_, i) => record(workspaceId, 'c1', i)));
    const { nextCursor } = await consent.list(workspaceId, 'c1', { limit: 1 });
    expect(nextCursor).toBeDefined();
    const cursor = nextCursor as string;
    await expect(consent.list(workspaceId, 'c2', { limit: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(consent.list(ws(), 'c1', { limit: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(consent.list(workspaceId, 'c1', { limit: 1, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('reads the latest record alone', async () => {
    const workspaceId = ws();
    const consent = dynamoConsent(db, CORE);
    expect(await consent.latest(workspaceId, 'c1')).toBeUndefined();
    const written = Array.from({ length: 5 }, (_, i) => record(workspaceId, 'c1', i));
    await consent.append([...written].reverse());
    expect((await consent.latest(workspaceId, 'c1'))?.consentId).toBe(written[4]?.consentId);
  });
});

describe('an import records consent only where it adds to the record, reading the latest record alone', () => {
  const NOW = new Date('2026-03-01T10:00:00.000Z');
  const email = 'ada@consent-r25c.example';
  const csv = (firstName: string) => `email,firstName\r\n${email},${firstName}\r\n`;

  /** An import as functions/contacts.ts runs one with `?consentSource=...`; the consent store's Queries kept. */
  function importer(workspaceId: string) {
    const queries: QueryCommand[] = [];
    const seen = interceptedClient(db, async (command, send) => {
      if (command instanceof QueryCommand && String(command.input.KeyConditionExpression).includes('begins_with')) {
        const values = command.input.ExpressionAttributeValues ?? {};
        if (Object.values(values).includes(CONSENT_PREFIX)) queries.push(command);
      }
      return send(command);
    });
    const consent = dynamoConsent(seen, CORE);
    const run = (firstName: string, at?: string) =>
      importContacts(workspaceId, csv(firstName), {
        contacts: dynamoContacts(db, CORE),
        now: () => NOW,
        newId: randomUUID,
        ...importConsent(consent, workspaceId, { source: 'import', ...(at ? { at } : {}) }, () => ({
          now: NOW,
          newId: randomUUID,
        })),
      });
    const history = async () => {
      const found = await dynamoContacts(db, CORE).findByEmails(workspaceId, [email]);
      const id = found.get(email)?.contactId as string;
      return { id, records: (await dynamoConsent(db, CORE).list(workspaceId, id, { limit: 100 })).consent };
    };
    return { run, history, queries, consent };
  }

  it('alternating a field records consent once; every check is a one-item read', async () => {
    const workspaceId = ws();
    const { run, history, queries } = importer(workspaceId);
    for (const name of ['Ada', 'Bea', 'Ada', 'Bea', 'Bea']) await run(name);
    const { records } = await history();
    expect(records.map((r) => [r.action, r.source])).toEqual([['given', 'import']]);
    // The created contact needed no read; each changed or unchanged row one item, never the history.
    expect(queries.length).toBe(4);
    expect(queries.every((q) => q.input.Limit === 1 && q.input.ScanIndexForward === false)).toBe(true);
  });

  it('after a withdrawal: a changing import gives consent again (once); an unchanged one, or one dated before it, does not', async () => {
    const workspaceId = ws();
    const { run, history, consent } = importer(workspaceId);
    await run('Ada', '2026-01-01T00:00:00.000Z');
    const { id } = await history();
    await consent.append([
      record(workspaceId, id, 0, {
        action: 'withdrawn',
        source: 'unsubscribe',
        scope: 'all',
        at: '2026-02-01T00:00:00.000Z',
        recordedAt: '2026-02-01T00:00:00.000Z',
      }),
    ]);
    // A re-import of the same row: the withdrawal stands.
    expect(await run('Ada')).toMatchObject({ unchanged: 1 });
    // A changing import dated before the withdrawal: it would change nothing.
    expect(await run('Bea', '2026-01-15T00:00:00.000Z')).toMatchObject({ updated: 1 });
    expect((await history()).records.map((r) => r.action)).toEqual(['given', 'withdrawn']);
    // A changing import after it: consent given again, once.
    await run('Cid');
    await run('Dee');
    expect((await history()).records.map((r) => r.action)).toEqual(['given', 'withdrawn', 'given']);
  });
});
