/**
 * Review r17c (governance: audit log), through the local runtime.
 *
 * Defect: `GET /api/security/audit-log` answers 500 for a `to` (or `from`) that the edge's own
 * schema accepts. The query is `z.iso.datetime({ offset: true })`, which accepts any 4-digit year
 * and any offset up to ±23:59; `listAuditLog` normalises the bound with
 * `new Date(x).toISOString()`, which for a time past 9999-12-31T23:59:59Z (e.g.
 * `9999-12-31T23:59:59-23:59`) or before 0000-01-01T00:00:00Z (e.g. `0000-01-01T00:00:00+01:00`)
 * yields the expanded form `+010000-…` / `-000001-…`. Those sort below `'0'` (the adapter's
 * LOWEST), so the KeyCondition `sk BETWEEN :low AND :high` has its upper bound below its lower one
 * and DynamoDB rejects the Query (ValidationException): an unhandled 500 for valid-looking input
 * ("a 5xx is a bug"). With `from` alone set to such a late time the listing silently answers
 * nothing only by luck of the string order.
 *
 * Severity: LOW (needs an extreme but schema-valid timestamp; any admin integration that passes
 * "the end of time" as an upper bound hits it).
 *
 * Root cause: shared/governance/audit-log.ts:listAuditLog (bounds normalised with toISOString
 * without clamping to the 0000..9999 years the stored keys use), and
 * shared/adapters/dynamo-audit.ts:auditQueryPlan (a range whose high is below its low is sent).
 *
 * Correct behaviour: 200 with the entries in range (clamp the bounds to the stored key space:
 * a `to` past 9999 means "no upper bound", a `from` before 0000 "no lower bound"), or a 400
 * `VALIDATION_FAILED` / `INVALID_RANGE` naming the field; never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('audit log date bounds the schema accepts', () => {
  it('an upper bound past year 9999 (to=9999-12-31T23:59:59-23:59) is not a 500', async () => {
    const owner = await newUser(runtime, 'r17c-aud');
    const to = encodeURIComponent('9999-12-31T23:59:59-23:59');
    const res = await fetch(`${runtime.url}/api/security/audit-log?to=${to}`, { headers: as(owner) });
    const body = await res.text();
    expect(res.status, body).toBeLessThan(500);
  });

  it('an upper bound before year 0000 (to=0000-01-01T00:00:00+01:00) is not a 500', async () => {
    const owner = await newUser(runtime, 'r17c-aud2');
    const to = encodeURIComponent('0000-01-01T00:00:00+01:00');
    const res = await fetch(`${runtime.url}/api/security/audit-log?to=${to}`, { headers: as(owner) });
    const body = await res.text();
    expect(res.status, body).toBeLessThan(500);
  });
});
