/**
 * Review r19c (API edge: pagination cursors), through the local runtime.
 *
 * Defect: `GET /api/contacts/{id}/score?cursor=…` answers 500 INTERNAL for a tampered cursor that
 * names the caller's own contact partition with the sort key `LEDGER$`. The ledger's cursor shape
 * (shared/adapters/dynamo-score-reader.ts `ledger`) accepts any `sk` in the inclusive range
 * `['LEDGER#', 'LEDGER$']`, but the Query it resumes is `begins_with(sk, 'LEDGER#')`: `LEDGER$` is
 * inside the shape's range and outside the key condition, so DynamoDB (and the emulator) refuse the
 * ExclusiveStartKey with a ValidationException ("The provided starting key does not match the range
 * key predicate"), which the error contract answers as a 500. Every other listing uses
 * `prefixRange(prefix)` (`[prefix, prefix + '\uffff']`), which cannot hold a key outside the prefix.
 *
 * Severity: MEDIUM (any caller with scoring:read turns a forged cursor into a 5xx, an alarm and a
 * Sentry report; the product rule is that a tampered cursor is a 400 and never a 500).
 *
 * Root cause: shared/adapters/dynamo-score-reader.ts:dynamoScoreReader.ledger, the cursor shape
 * `within: { sk: [LEDGER_PREFIX, 'LEDGER$'] }` (an upper bound outside the queried prefix).
 *
 * Correct behaviour: 400 `INVALID_CURSOR` (use `prefixRange(LEDGER_PREFIX)` as the shape's range).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { interactionPk } from '../../shared/adapters/keys';
import { as, newUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const cursorOf = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('score ledger cursor', () => {
  it('a forged cursor on the contact’s own partition with sk "LEDGER$" is a 400, not a 500', async () => {
    const owner = await newUser(runtime, 'r19c-ledger');
    const created = await fetch(`${runtime.url}/api/contacts`, {
      method: 'POST',
      headers: as(owner),
      body: JSON.stringify({ email: 'ledger-cursor@example.com', firstName: 'Led' }),
    });
    expect(created.status).toBe(201);
    const { contact } = (await created.json()) as { contact: { contactId: string } };
    const cursor = cursorOf({ pk: interactionPk(owner.workspaceId, contact.contactId), sk: 'LEDGER$' });

    const res = await fetch(`${runtime.url}/api/contacts/${contact.contactId}/score?cursor=${cursor}`, {
      headers: as(owner),
    });
    const body = (await res.json()) as { code?: string };
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('INVALID_CURSOR');
  });
});
