/**
 * Review round 13: this test failed at f87176e (preference POSTs of made-up topics grew the
 * address's and the contact's suppression items past 400 KB; the 145th POST's transaction was
 * refused with a ValidationError and honourUnsubscribe threw: a 5xx on the public POST).
 *
 * MEDIUM, shared/email/unsubscribe.ts: unsubscribeChoice / honourUnsubscribe
 * (and dynamo-suppressions.ts addIfLacking): topic opt-outs are any id matching the pattern, not
 * the workspace's topics, and accumulate without bound on the address's SUPPRESSION item and the
 * contact's CONTACTOPTOUT item (50 new reasons per POST, ~3 KB).
 *
 * FAULT: whoever holds a link (the recipient, anyone it was forwarded to) can POST made-up topics
 * until those items reach DynamoDB's 400 KB item limit (~140 POSTs of < 4 KB). From then on the
 * transaction is cancelled with [ValidationError] (item size), which is not a condition failure:
 * honourUnsubscribe throws and the public POST /u/{token} answers 5xx (proven below on the
 * emulator, whose transaction engine enforces the limit). Once the last bytes are taken, the
 * one-click "unsubscribe from all" (11 bytes + its ~130-byte timeline entry on the contact's item)
 * and the event processor's hard-bounce/complaint suppression of the address fail the same way
 * (not proven deterministically: depends on the bytes left).
 *
 * FIX: keep only topics the workspace lists (plus the token's own topic) and cap topic reasons
 * per item; a full unsubscribe should SET reasons to drop topic entries it supersedes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSuppressions, dynamoUnsubscribeSuppressions } from '../../shared/adapters/dynamo-suppressions';
import {
  honourUnsubscribe,
  type UnsubscribeDeps,
  unsubscribeChoice,
  unsubscribeFor,
} from '../../shared/email/unsubscribe';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r13flood-';
const key = randomBytes(32);
let dynamo: DynamoHarness;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  ({ db } = dynamo);
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

describe('made-up topic opt-outs', () => {
  it('a link holder POSTing made-up topics never gets a 5xx, and "unsubscribe from all" is still honoured', async () => {
    const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
    const contactId = `c-${randomUUID().slice(0, 8)}`;
    const email = `${randomUUID().slice(0, 8)}@example.com`;
    const deps: UnsubscribeDeps = {
      key,
      suppressions: dynamoUnsubscribeSuppressions(db, dynamo.table('core'), dynamo.table('audit')),
      recordUnsubscribed: async () => undefined,
      now: () => new Date('2026-12-04T10:00:00Z'),
    };
    const token = unsubscribeFor(
      { baseUrl: 'https://app.example.com', key },
      { workspaceId, sendId: 'send-1', email, contactId },
    ).url.split('/u/')[1] as string;

    // Preference-form POSTs (each body < 4 KB, as the route allows) naming topics the workspace never had.
    // A public link's POST must never fail (5xx); at f87176e the 145th is a TransactionCanceledException
    // [ValidationError: item size] thrown out of honourUnsubscribe.
    let n = 0;
    const form = () =>
      `scope=topics&${Array.from({ length: 50 }, () => `t${n++}-`.padEnd(40, 'x'))
        .map((t) => `topic=${t}`)
        .join('&')}`;
    const failures: string[] = [];
    for (let post = 0; post < 160 && failures.length === 0; post++) {
      const body = form();
      expect(body.length).toBeLessThan(4096);
      await honourUnsubscribe(deps, token, {}, unsubscribeChoice(body)).catch((error: Error) =>
        failures.push(`POST ${post + 1}: ${error.name}: ${error.message.slice(0, 160)}`),
      );
    }
    expect(failures).toEqual([]);

    // The person then clicks "Unsubscribe from all" (or the mailbox provider's RFC 8058 POST comes).
    const outcome = await honourUnsubscribe(deps, token, {}, unsubscribeChoice('List-Unsubscribe=One-Click')).catch(
      (error: Error) => ({ status: 'error', message: error.message }),
    );
    expect(outcome).toEqual({ status: 'unsubscribed', already: false });
    const reasons = await dynamoSuppressions(db, dynamo.table('core')).reasonsFor(workspaceId, email, contactId);
    expect(reasons).toContain('unsubscribe');
  }, 120_000);
});
