// Review round 23: this test failed at dfdd2c4.
/**
 * Review round 23 (reviewer b): an import that fails part-way (a store throttled after the SDK's
 * retries: 503 STORE_THROTTLED "try again shortly"; a deadline: 503 TIMED_OUT; a crash) has already
 * created the contacts of its first chunks, and never records their consent: `onWritten` (the
 * handler's `recordConsent`) runs only once the whole file is written. The retry the 503 asks for
 * finds those contacts `unchanged`, and unchanged rows get no consent record (docs/EMAIL.md,
 * "Consent record"), so the consent given with the import is lost for good for exactly the
 * contacts the failed attempt created: `GET /api/contacts/{id}/consent` lists nothing for them.
 *
 * Promise: nothing is lost; a retry of a failed request finishes what it started.
 * Root cause: shared/crm/contacts/import-contacts.ts (`onWritten` called once, after every round, with
 * only the ids this attempt created or changed), functions/contacts.ts (`recordConsent` hung on it).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoConsent } from '../../shared/adapters/dynamo-consent';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { consentGiven } from '../../shared/crm/contacts/consent';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import { dynamoForFile, interceptedClient } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r23b-consent-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

/** A throttle as the SDK throws it once its own retries are spent (the edge answers 503 STORE_THROTTLED). */
const throttle = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
    $retryable: { throttling: true },
  });

describe('an import retried after it failed part-way', () => {
  it('records the consent of every contact the file gave it to, those the failed attempt created included', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    // 150 rows: the bulk write goes by chunks of 100, so the first chunk lands before the second fails.
    const emails = Array.from({ length: 150 }, (_, i) => `consent${String(i).padStart(3, '0')}@import.example`);
    const csv = `email,firstName\r\n${emails.map((e, i) => `${e},Person ${i}`).join('\r\n')}\r\n`;
    const failing = emails[120];

    const consent = dynamoConsent(db, CORE);
    const now = () => new Date('2026-03-01T10:00:00.000Z');
    // As functions/contacts.ts wires `?consentSource=import`.
    const deps = {
      now,
      newId: () => randomUUID(),
      onWritten: (ids: string[]) =>
        consent.append(
          consentGiven(workspaceId, ids, { source: 'import' }, { ip: '198.51.100.7', now: now(), newId: randomUUID }),
        ),
    };

    // First attempt: the claim of a row of the second chunk is throttled.
    const throttled = dynamoContacts(
      interceptedClient(db, async (command, send) => {
        if (command instanceof PutCommand && command.input.Item?.type === 'contactEmail') {
          if (command.input.Item.email === failing) throw throttle();
        }
        return send(command);
      }),
      CORE,
    );
    await expect(importContacts(workspaceId, csv, { ...deps, contacts: throttled })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });

    // The retry the 503 asks for, with the store healthy again.
    const contacts = dynamoContacts(db, CORE);
    const report = await importContacts(workspaceId, csv, { ...deps, contacts });
    expect(report.failed).toBe(0);
    expect(report.created + report.updated + report.unchanged).toBe(emails.length);

    // Every contact of the file exists once, and has the consent the import gave it.
    const found = await contacts.findByEmails(workspaceId, emails);
    expect(found.size).toBe(emails.length);
    const withoutConsent: string[] = [];
    for (const email of emails) {
      const c = found.get(email);
      if (!c) continue;
      const records = (await consent.list(workspaceId, c.contactId, { limit: 100 })).consent;
      if (!records.some((r) => r.action === 'given' && r.source === 'import')) withoutConsent.push(email);
    }
    expect(
      withoutConsent,
      `${withoutConsent.length} of ${emails.length} imported contacts have no consent record after the retried import`,
    ).toEqual([]);
  });
});
