/**
 * Review round 19 re-review (r19l): a contact create whose event publish failed is audited twice
 * (once per attempt), and a duplicate POST from another member in that window is audited as that
 * member creating the contact.
 *
 * Defect: commit b0074bc moved the create's audit entry into the create's transaction
 * (functions/contacts.ts `auditWithChange`, shared/adapters/dynamo-contacts.ts create). When the
 * publish of `contact.created` then fails (a throttled PutEvents: 500), the contact AND its audit
 * entry are committed. The retry meets the taken email and `finishRetriedCreate`
 * (shared/crm/contacts/use-cases.ts) answers 201 with the existing contact, without writing
 * anything: the audit slot is not marked written, so the edge's audit middleware writes a second
 * `contacts.create` entry for the same contact. One contact, one create, two "created" entries;
 * and when the duplicate comes from another member (documented: identical fields in that window are
 * answered alike), the audit log says that member created a contact they did not create
 * (the entry the security page shows as "who created this contact"). The interaction route, which
 * also audits inside its transaction, marks a replay (`replayed: true`); this path does not.
 *
 * Severity: MEDIUM (the audit log, a security record, double-counts creates and misattributes one).
 *
 * Root cause: shared/crm/contacts/use-cases.ts finishRetriedCreate (answers the earlier create as
 * this request's without telling the edge that its entry exists) + functions/contacts.ts
 * 'contacts.create' (`inWrite: withChange?.written === true` only).
 *
 * Correct behaviour: a retried create that answers the earlier attempt's contact writes no second
 * `contacts.create` entry (mark it `inWrite`, or audit it as a replay, as interactions do); a
 * different caller's duplicate is not recorded as its create.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { eventBridge } from '../../shared/aws/eventbridge';
import { sqs } from '../../shared/aws/sqs';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
/**
 * Publishes left to fail, set per test: PutEvents refused (a throttled EventBridge) and, since round
 * 20 (r20f2), the contacts function's fallback to the drip-steps queue too (a publish fails only when
 * both do: shared/adapters/fallback-events.ts); the queue's refusal uses one up.
 */
let refuse = 0;
const FAULT = 'r19lRefusePutEvents';
const QUEUE_FAULT = 'r19lRefuseDripSteps';

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  eventBridge.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutEventsCommand' && refuse > 0) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return next(args);
    },
    { step: 'initialize', name: FAULT },
  );
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const queue = String((args.input as { QueueUrl?: unknown }).QueueUrl ?? '');
      if (context.commandName === 'SendMessageBatchCommand' && queue.endsWith('drip-steps') && refuse > 0) {
        refuse -= 1;
        throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
      }
      return next(args);
    },
    { step: 'initialize', name: QUEUE_FAULT },
  );
}, 60_000);
afterAll(async () => {
  eventBridge.middlewareStack.remove(FAULT);
  sqs.middlewareStack.remove(QUEUE_FAULT);
  await runtime?.stop();
});

async function call(user: TestUser, method: string, path: string, body?: unknown, workspaceId = user.workspaceId) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(user, { 'x-workspace-id': workspaceId }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed };
}

async function createEntries(owner: TestUser, contactId: string) {
  const log = await call(owner, 'GET', '/api/security/audit-log?eventType=contacts.create');
  expect(log.status).toBe(200);
  return (log.body.entries as Array<{ resourceId: string; actorId: string }>).filter((e) => e.resourceId === contactId);
}

describe('r19l: a create retried after its failed publish is audited once', () => {
  it('the same caller retrying its 500: one contacts.create entry for the contact', async () => {
    const owner = await newUser(runtime, 'r19l-retry', { verified: true });
    const body = { email: 'retried@example.com', firstName: 'Ada' };
    refuse = 1;
    const first = await call(owner, 'POST', '/api/contacts', body);
    expect(first.status, 'the publish failed after the contact was written').toBeGreaterThanOrEqual(500);
    const retry = await call(owner, 'POST', '/api/contacts', body);
    expect(retry.status).toBe(201);
    const entries = await createEntries(owner, retry.body.contact.contactId);
    expect(entries, `audit entries for the one create: ${JSON.stringify(entries)}`).toHaveLength(1);
  });

  it('another member posting the same fields in that window is not audited as its creator', async () => {
    const owner = await newUser(runtime, 'r19l-owner', { verified: true });
    const member = await newUser(runtime, 'r19l-member', { verified: true });
    await addMember(runtime, owner.workspaceId, owner.organizationId, member, 'member');
    const body = { email: 'shared@example.com', firstName: 'Bo' };
    refuse = 1;
    expect((await call(owner, 'POST', '/api/contacts', body)).status).toBeGreaterThanOrEqual(500);
    const dup = await call(member, 'POST', '/api/contacts', body, owner.workspaceId);
    expect([201, 409]).toContain(dup.status);
    const contactId = dup.status === 201 ? dup.body.contact.contactId : dup.body.details.contactId;
    const entries = await createEntries(owner, contactId);
    expect(
      entries.map((e) => e.actorId),
      `the owner created the contact; the log says: ${JSON.stringify(entries)}`,
    ).toEqual([owner.userId]);
  });
});
