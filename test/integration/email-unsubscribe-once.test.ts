/**
 * An unsubscribe link honoured once per opt-out, on the real adapter over the DynamoDB emulator
 * (`dynamoUnsubscribeSuppressions`, with `dynamoConsent` and `dynamoAudit` reading back).
 *
 * Review round 12 (test/e2e/unsubscribe-concurrent.test.ts): concurrent POSTs of one link each
 * withdrew consent, wrote an audit entry and appended `unsubscribed`, as `honourUnsubscribe` read
 * the suppressions and then wrote them unconditionally. Now the opt-outs are added only by the
 * write that finds them absent, in one transaction with the consent withdrawal and the audit entry;
 * the timeline entry's id and time are kept on the contact's opt-out item until it is recorded,
 * so a request that died after the transaction leaves it for a later one (same id: stored once).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoConsent } from '../../shared/adapters/dynamo-consent';
import { dynamoSuppressions, dynamoUnsubscribeSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { contactOptOutSk, workspacePk } from '../../shared/adapters/keys';
import {
  honourUnsubscribe,
  REDRIVE_AFTER_MS,
  type UnsubscribeDeps,
  unsubscribeFor,
} from '../../shared/email/unsubscribe';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'unsubonce-';
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

/** A workspace, a contact and its link; the deps as functions/emails.ts wires them, with a timeline log. */
function world(options: { contact?: boolean; wallClockMs?: () => number } = {}) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contactId = options.contact === false ? undefined : `c-${randomUUID().slice(0, 8)}`;
  const email = `${randomUUID().slice(0, 8)}@example.com`;
  const store = dynamoUnsubscribeSuppressions(db, dynamo.table('core'), dynamo.table('audit'));
  const timeline: Array<{ interactionId: string; occurredAt: string; metadata: Record<string, unknown> }> = [];
  let timelineFails = false;
  const deps: UnsubscribeDeps = {
    key,
    suppressions: store,
    recordUnsubscribed: async (_ws, _contact, metadata, entry) => {
      if (timelineFails) throw new Error('the process died here');
      timeline.push({ interactionId: entry.interactionId, occurredAt: entry.occurredAt.toISOString(), metadata });
    },
    now: () => NOW,
    ...(options.wallClockMs ? { wallClockMs: options.wallClockMs } : {}),
  };
  const token = unsubscribeFor(
    { baseUrl: 'https://app.example.com', key },
    { workspaceId, sendId: 'send-1', email, ...(contactId ? { contactId } : {}) },
  ).url.split('/u/')[1] as string;
  const consent = async () =>
    contactId
      ? (await dynamoConsent(db, dynamo.table('core')).list(workspaceId, contactId, { limit: 100 })).consent
      : [];
  const audits = async () =>
    (await dynamoAudit(db, dynamo.table('audit')).list({ workspaceId, limit: 100 })).items.filter(
      (a) => a.eventAction === 'unsubscribed',
    );
  return {
    workspaceId,
    contactId: contactId as string,
    email,
    store,
    deps,
    token,
    timeline,
    consent,
    audits,
    failTimeline: (fails: boolean) => {
      timelineFails = fails;
    },
  };
}

describe('dynamoUnsubscribeSuppressions', () => {
  it('12 concurrent honours of one link: one opt-out, one consent withdrawal, one audit entry, one timeline entry', async () => {
    for (let round = 0; round < 3; round++) {
      const w = world();
      const outcomes = await Promise.all(Array.from({ length: 12 }, () => honourUnsubscribe(w.deps, w.token)));
      expect(outcomes.filter((o) => o.status === 'unsubscribed' && !o.already)).toHaveLength(1);
      expect(outcomes.every((o) => o.status === 'unsubscribed')).toBe(true);
      const consent = await w.consent();
      expect(consent).toMatchObject([{ action: 'withdrawn', source: 'unsubscribe', scope: 'all', sendId: 'send-1' }]);
      expect(await w.audits()).toHaveLength(1);
      // The timeline entry under the opt-out's id (the consent record's), at its time; then forgotten.
      expect(w.timeline).toEqual([
        {
          interactionId: consent[0]?.consentId,
          occurredAt: NOW.toISOString(),
          metadata: { sendId: 'send-1', via: 'list-unsubscribe' },
        },
      ]);
      expect(await w.store.contactOptOuts(w.workspaceId, w.contactId)).toEqual({
        reasons: ['unsubscribe'],
        unrecorded: [],
      });
      expect(await w.store.reasonsFor(w.workspaceId, w.email)).toEqual(['unsubscribe']);
    }
  });

  it('a request that died after the opt-out leaves its timeline entry, recorded by a later request under the same id', async () => {
    let wallClock = Date.parse('2026-12-04T10:00:00Z');
    const w = world({ wallClockMs: () => wallClock });
    w.failTimeline(true);
    expect(await honourUnsubscribe(w.deps, w.token)).toEqual({ status: 'unsubscribed', already: false });
    // The opt-out, the consent withdrawal and the audit entry were one write; the entry waits.
    const [withdrawal] = await w.consent();
    expect(withdrawal).toBeDefined();
    expect(await w.audits()).toHaveLength(1);
    const left = await w.store.contactOptOuts(w.workspaceId, w.contactId);
    expect(left.unrecorded).toEqual([
      {
        id: withdrawal?.consentId,
        atMs: NOW.getTime(),
        writtenAtMs: wallClock,
        metadata: { sendId: 'send-1', via: 'list-unsubscribe' },
      },
    ]);
    w.failTimeline(false);
    // A retry at once (the request may still be running): already, and nothing recorded.
    wallClock += 1_000;
    expect(await honourUnsubscribe(w.deps, w.token)).toEqual({ status: 'unsubscribed', already: true });
    expect(w.timeline).toEqual([]);
    // A later one records the entry, under the opt-out's id and time, and forgets it.
    wallClock += REDRIVE_AFTER_MS;
    expect(await honourUnsubscribe(w.deps, w.token)).toEqual({ status: 'unsubscribed', already: true });
    expect(w.timeline).toEqual([
      { interactionId: withdrawal?.consentId, occurredAt: NOW.toISOString(), metadata: expect.any(Object) },
    ]);
    expect((await w.store.contactOptOuts(w.workspaceId, w.contactId)).unrecorded).toEqual([]);
    await honourUnsubscribe(w.deps, w.token);
    expect(w.timeline).toHaveLength(1);
    expect(await w.consent()).toHaveLength(1);
    expect(await w.audits()).toHaveLength(1);
  });

  it("adds to what the address holds (a bounce's reason), and an address-only link writes the audit entry alone", async () => {
    const w = world({ contact: false });
    await dynamoSuppressions(db, dynamo.table('core')).suppress(w.workspaceId, w.email, 'hard-bounce', 1);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => honourUnsubscribe(w.deps, w.token)));
    expect(outcomes.filter((o) => o.status === 'unsubscribed' && !o.already)).toHaveLength(1);
    expect([...(await w.store.reasonsFor(w.workspaceId, w.email))].sort()).toEqual(['hard-bounce', 'unsubscribe']);
    expect(await w.audits()).toHaveLength(1);
    expect(w.timeline).toEqual([]);
  });

  it('forgetting a timeline entry of a contact without an opt-out item creates none', async () => {
    const w = world();
    await w.store.unsubscribeRecorded(w.workspaceId, w.contactId, 'nothing');
    const read = await db.send(
      new GetCommand({
        TableName: dynamo.table('core'),
        Key: { pk: workspacePk(w.workspaceId), sk: contactOptOutSk(w.contactId) },
        ConsistentRead: true,
      }),
    );
    expect(read.Item).toBeUndefined();
  });
});
