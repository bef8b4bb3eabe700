/**
 * Review round 15: this test failed at f03ad0e (a PATCH or an import row whose UpdateItem met a transaction in flight on the contact answered 500 / aborted the import).
 *
 * Review round 15 (writes). Defect: a PATCH or an import row whose UpdateItem meets a transaction
 * in flight on the same contact fails the whole request with a 500 (the import: after part of the
 * file was written, and without the consent of the rows it did write).
 *
 * Since a00d653 every journey tag/field action writes the contact in a TransactWriteItems (the
 * change plus its `EFFECT#<key>` claim); before, it was a plain UpdateItem. DynamoDB rejects a
 * single-item write (PutItem/UpdateItem/DeleteItem) that meets an ongoing transaction on the same
 * item with `TransactionConflictException` (HTTP 400, *not* retried by the SDK v3: it is in neither
 * its throttling nor its transient lists; see node_modules/@smithy/core/.../constants.js). The
 * contacts adapter recognises a conflict only in its transactions' cancellation reasons
 * (`isTransactionConflict`), so the single UpdateItem of a PATCH or an import row rethrows it: the
 * edge answers 500 INTERNAL; `importContacts` aborts mid-file (rows already written stay written,
 * `onWritten` - the consent record of those rows - is never called, the report is lost).
 * A bulk campaign tagging contacts (a journey `add-tag` on every enrolled contact) while a person
 * edits or imports those contacts is exactly when it happens. The local transaction shim serialises
 * instead of cancelling (lib/local/emulators/dynamodb-transact.ts), so no local test could see it:
 * the conflict is injected here as DynamoDB answers it.
 *
 * Severity: MEDIUM (5xx on a valid PATCH; a CSV import aborted half-way without its consent records).
 * Root cause: shared/adapters/dynamo-contacts.ts `tryUpdate` (catch: `isTransactionConflict` only
 * reads TransactionCanceledException reasons; a plain UpdateItem's TransactionConflictException is
 * rethrown), with shared/adapters/dynamo/conditions.ts `isTransactionConflict`.
 * Correct: a single-item write that met a transaction is a lost race like any other: `changed`
 * (re-read, rebase, retry within UPDATE_ATTEMPTS), so the PATCH answers 200 and the import row lands.
 */
import { randomUUID } from 'node:crypto';
import { TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { contactCreateSchema } from '../../shared/crm/contacts/contact-fields';
import { importContacts } from '../../shared/crm/contacts/import-contacts';
import { newContact, updateContact } from '../../shared/crm/contacts/use-cases';
import { errorResult } from '../../shared/http/error-response';
import { dynamoForFile } from '../support/dynamo-emulator';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r15conflict-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

type Send = (command: unknown) => Promise<unknown>;

/**
 * `db` whose first `n` UpdateItems of a contact item are refused as DynamoDB refuses a single-item
 * write that meets a TransactWriteItems in flight on that item (a journey action's change + claim).
 */
function meetingTransactions(n: number): { db: DynamoDBDocumentClient; met: () => number } {
  let met = 0;
  const wrapped = new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'send'
        ? (command: unknown) => {
            const sk = command instanceof UpdateCommand ? String(command.input.Key?.sk ?? '') : '';
            if (sk.startsWith('CONTACT#') && met < n) {
              met += 1;
              return Promise.reject(
                new TransactionConflictException({
                  message: 'Transaction is ongoing for the item',
                  $metadata: { httpStatusCode: 400 },
                }),
              );
            }
            return (target.send as Send).call(target, command);
          }
        : Reflect.get(target, prop, receiver),
  });
  return { db: wrapped, met: () => met };
}

const at = '2026-03-01T10:00:00.000Z';
const seed = async (email: string) => {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contact = newContact(workspaceId, contactCreateSchema.parse({ email, tags: ['lead'] }), randomUUID(), at);
  await dynamoContacts(db, CORE).create(contact);
  return contact;
};

describe('a contact write meeting a journey action’s transaction on the same contact', () => {
  it('PATCH /api/contacts/{id}: retried as a lost race, not answered 500', async () => {
    const contact = await seed(`${randomUUID()}@example.test`);
    const { db: conflicting, met } = meetingTransactions(1);
    const deps = {
      contacts: dynamoContacts(conflicting, CORE),
      now: () => new Date(),
      newId: () => randomUUID(),
      events: { publish: async () => {} },
    };

    const status = await updateContact(contact.workspaceId, contact.contactId, { tags: ['lead', 'vip'] }, deps).then(
      () => 200,
      (error: unknown) => errorResult(error, 'req-1').status,
    );

    expect(met()).toBe(1);
    expect(status).toBe(200);
    const stored = await dynamoContacts(db, CORE).get(contact.workspaceId, contact.contactId);
    expect(stored?.tags).toEqual(['lead', 'vip']);
  });

  it('POST /api/contacts/import: the row is retried and the import reports it, not aborted with a 500', async () => {
    const email = `${randomUUID()}@example.test`;
    const contact = await seed(email);
    const { db: conflicting, met } = meetingTransactions(1);
    const written: string[] = [];

    const outcome = await importContacts(contact.workspaceId, `email,company\n${email},Acme\n`, {
      contacts: dynamoContacts(conflicting, CORE),
      now: () => new Date(),
      newId: () => randomUUID(),
      onWritten: async (ids) => void written.push(...ids),
    }).then(
      (report) => ({ status: 200, report }),
      (error: unknown) => ({ status: errorResult(error, 'req-2').status, report: undefined }),
    );

    expect(met()).toBe(1);
    expect(outcome.status).toBe(200);
    expect(outcome.report?.updated).toBe(1);
    expect(written).toEqual([contact.contactId]);
  });
});
