/**
 * Review round 24 (b), the class behind the pacer's double take: a conditional write the SDK
 * retried after DynamoDB applied it (its answer lost: a 500, a reset, a timeout) is refused by its
 * own write, and was read as another writer's win. Every write of the email pipeline whose success
 * matters now marks itself and asks for the refusing item (`ReturnValuesOnConditionCheckFailure`,
 * shared/adapters/dynamo/own-write.ts): a refusal that finds its mark is its success.
 *
 * - the emulator returns the refusing item as DynamoDB does (lib/local/emulators/condition-failure-item.ts);
 * - the pacer: its own write found among the bucket's last writes, even after another instance's
 *   write landed between the two tries;
 * - the ledger's claim (was: read as another attempt's, the send delayed a lease and a grace),
 *   markSent and the Send event's acknowledgement (was: the hour's `sent` never counted; markSent
 *   threw), markDelivery (was: `unchanged`, so a Resend `email.failed` was never counted), the
 *   gate's resume (was: "nothing was paused");
 * - a refusal by another writer answers from the refusing item: no read after it.
 *
 * The lost answer is deterministic: a middleware inside the SDK's retry loop lets the first matching
 * write reach DynamoDB, then answers it with a 500, as DynamoDB may.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSendRecords } from '../../shared/adapters/dynamo-email-events';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { dynamoSendingGate } from '../../shared/adapters/dynamo-sending-gate';
import { SEND_PACE_SK, sendPacePk, workspacePk } from '../../shared/adapters/keys';
import { hourOf } from '../../shared/email/reputation-window';
import { countingClient, type DynamoHarness, startDynamo } from '../support/dynamo-emulator';
import { losingFirstAnswer as lostAnswer } from '../support/lost-answer';

const PREFIX = 'r24bown-';
let dynamo: DynamoHarness;
let core: string;
let ephemeral: string;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
  core = dynamo.table('core');
  ephemeral = dynamo.table('ephemeral');
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const AT = Date.parse('2026-12-04T10:15:00Z');
const ws = () => `ws-${randomUUID().slice(0, 8)}`;
const accepted = { provider: 'ses' as const, providerMessageId: 'ses-1', atMs: AT };

/** The first matching write applied, its answer lost (test/support/lost-answer.ts). */
const losingFirstAnswer = (
  command: string,
  when?: (input: Record<string, unknown>) => boolean,
  between?: () => Promise<void>,
) => lostAnswer(dynamo.emulators.dynamodb.endpoint, command, when, between);

const get = async (table: string, pk: string, sk: string) =>
  (await dynamo.db.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;
const sendRecord = (workspaceId: string, key: string) => get(core, workspacePk(workspaceId), `EMAILSEND#${key}`);
const sentInHour = async (workspaceId: string) =>
  Number((await get(core, workspacePk(workspaceId), `EMAILREP#${hourOf(AT)}`))?.sent ?? 0);
const updateOf = (sets: string) => (input: Record<string, unknown>) => String(input.UpdateExpression).includes(sets);

describe('the emulator returns the refusing item (ReturnValuesOnConditionCheckFailure)', () => {
  const refusal = async (write: Promise<unknown>) => {
    const error = await write.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    return error as ConditionalCheckFailedException;
  };

  it('on PutItem, UpdateItem and DeleteItem, only when asked, and none when there is no item', async () => {
    const Key = { pk: `probe-${randomUUID()}`, sk: 'x' };
    await dynamo.db.send(new PutCommand({ TableName: core, Item: { ...Key, v: 1 } }));
    const raw = { pk: { S: Key.pk }, sk: { S: 'x' }, v: { N: '1' } };
    const ask = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
    const cond = { ConditionExpression: 'v = :z', ExpressionAttributeValues: { ':z': 0 } };
    const put = new PutCommand({ TableName: core, Item: { ...Key, v: 2 }, ...cond, ...ask });
    expect((await refusal(dynamo.db.send(put))).Item).toEqual(raw);
    const update = new UpdateCommand({
      TableName: core,
      Key,
      UpdateExpression: 'SET v = :n',
      ConditionExpression: 'v = :z',
      ExpressionAttributeValues: { ':z': 0, ':n': 2 },
      ...ask,
    });
    expect((await refusal(dynamo.db.send(update))).Item).toEqual(raw);
    expect((await refusal(dynamo.db.send(new DeleteCommand({ TableName: core, Key, ...cond, ...ask })))).Item).toEqual(
      raw,
    );
    // Not asked: the refusal alone, as DynamoDB answers it.
    expect((await refusal(dynamo.db.send(new DeleteCommand({ TableName: core, Key, ...cond })))).Item).toBeUndefined();
    // No item: nothing to return.
    const absent = new PutCommand({
      TableName: core,
      Item: { pk: `absent-${randomUUID()}`, sk: 'x' },
      ConditionExpression: 'attribute_exists(pk)',
      ...ask,
    });
    expect((await refusal(dynamo.db.send(absent))).Item).toBeUndefined();
  });
});

describe('the pacer after a lost answer', () => {
  it("finds its own write among the bucket's last writes after another instance's write landed between", async () => {
    const provider = `r24b-${randomUUID().slice(0, 6)}`;
    const policy = () =>
      Promise.resolve({ bucket: { ratePerSecond: 10, burst: 10 }, dailyRemaining: 100, quotaReadAtMs: AT });
    const other = dynamoSendPacer(dynamo.db, ephemeral, policy, provider);
    // Another instance takes one token right after our write landed, before the SDK's retry.
    const lossy = losingFirstAnswer('PutItemCommand', undefined, async () => {
      expect((await other.take(AT)).granted).toBe(true);
    });
    const grant = await dynamoSendPacer(lossy.db, ephemeral, policy, provider).take(AT);

    expect(grant.granted).toBe(true);
    expect(lossy.lost()).toBe(1);
    const bucket = await get(ephemeral, sendPacePk(provider), SEND_PACE_SK);
    // Two grants in all (ours and the other's): two tokens, two units of the day's budget.
    expect({ tokens: bucket?.tokens, dailyRemaining: bucket?.dailyRemaining }).toEqual({
      tokens: 8,
      dailyRemaining: 98,
    });
    // One read and one write of ours: the retry's refusal carried the item.
    expect(lossy.calls).toEqual(['GetCommand', 'PutCommand']);
  });
});

describe("the send ledger's writes after a lost answer", () => {
  it('a claim is the claimant’s own, not another attempt’s to wait a lease and a grace for', async () => {
    const workspaceId = ws();
    const lossy = losingFirstAnswer('UpdateItemCommand');
    const claim = await dynamoSendLedger(lossy.db, core).claim(workspaceId, 'k', AT, 60_000, 60_000);

    expect(lossy.lost()).toBe(1);
    expect(claim).toMatchObject({ status: 'claimed', sealedAtMs: AT });
    expect(claim.status === 'claimed' && (await sendRecord(workspaceId, 'k'))?.claimId).toBe(
      claim.status === 'claimed' && claim.claimId,
    );
    expect(lossy.calls).toEqual(['UpdateCommand']);
  });

  it('markSent succeeds and counts the send once', async () => {
    const workspaceId = ws();
    const claim = await dynamoSendLedger(dynamo.db, core).claim(workspaceId, 'k', AT, 60_000);
    expect(claim.status).toBe('claimed');
    const lossy = losingFirstAnswer('UpdateItemCommand', updateOf('#state = :sent'));
    await dynamoSendLedger(lossy.db, core).markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });

    expect(lossy.lost()).toBe(1);
    expect(await sendRecord(workspaceId, 'k')).toMatchObject({ state: 'sent', markedBy: 'sender' });
    expect(await sentInHour(workspaceId)).toBe(1);
  });

  it("the Send event's acknowledgement marks the record and counts it once", async () => {
    const workspaceId = ws();
    await dynamoSendLedger(dynamo.db, core).claim(workspaceId, 'k', AT, 60_000);
    const lossy = losingFirstAnswer('UpdateItemCommand', updateOf('#state = :sent'));
    expect(await dynamoSendLedger(lossy.db, core).acknowledgeSent(workspaceId, 'k', accepted)).toBe('marked');

    expect(lossy.lost()).toBe(1);
    expect(await sendRecord(workspaceId, 'k')).toMatchObject({ state: 'sent', markedBy: 'event' });
    expect(await sentInHour(workspaceId)).toBe(1);
    // The sender's markSent after it: its message is recorded, a success, nothing counted again.
    await dynamoSendLedger(dynamo.db, core).markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });
    expect(await sentInHour(workspaceId)).toBe(1);
  });

  it('a refusal by another writer answers from the refusing item: no read after it', async () => {
    const workspaceId = ws();
    const first = await dynamoSendLedger(dynamo.db, core).claim(workspaceId, 'k', AT, 60_000);
    expect(first.status).toBe('claimed');
    const { db, calls } = countingClient(dynamo.db);
    const ledger = dynamoSendLedger(db, core);

    expect(await ledger.claim(workspaceId, 'k', AT + 1, 60_000)).toEqual({ status: 'in-flight', untilMs: AT + 60_000 });
    expect(calls).toEqual(['UpdateCommand']);
    // The Send event recorded this very message first: markSent's success, read from the refusal.
    expect(await dynamoSendLedger(dynamo.db, core).acknowledgeSent(workspaceId, 'k', accepted)).toBe('marked');
    calls.length = 0;
    await ledger.markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });
    expect(calls).toEqual(['UpdateCommand']);
    await expect(
      ledger.markSent(workspaceId, 'k', { ...accepted, providerMessageId: 'other', fallbackUsed: false }),
    ).rejects.toThrow(/no longer claimed/);
  });
});

describe('the delivery state and the gate after a lost answer', () => {
  it('markDelivery says it turned the state (a failed send is counted by the call that turned it)', async () => {
    const workspaceId = ws();
    await dynamoSendLedger(dynamo.db, core).claim(workspaceId, 'k', AT, 60_000);
    await dynamoSendLedger(dynamo.db, core).markSent(workspaceId, 'k', { ...accepted, fallbackUsed: false });
    const lossy = losingFirstAnswer('UpdateItemCommand', updateOf('delivery = :state'));
    const mark = await dynamoSendRecords(lossy.db, core).markDelivery(
      workspaceId,
      'ses',
      'ses-1',
      'failed',
      AT + 1000,
      'k',
      'reached_daily_quota',
    );

    expect(lossy.lost()).toBe(1);
    expect(mark).toEqual({ result: 'updated', sentAtMs: AT });
    expect(lossy.calls).toEqual(['UpdateCommand']);
    // A replay is `unchanged`, answered from the refusal (no read after it).
    const replay = countingClient(dynamo.db);
    expect(
      await dynamoSendRecords(replay.db, core).markDelivery(workspaceId, 'ses', 'ses-1', 'failed', AT + 1000, 'k'),
    ).toEqual({ result: 'unchanged', sentAtMs: AT });
    expect(replay.calls).toEqual(['UpdateCommand']);
    // Another message's event: no record holds it.
    expect(
      await dynamoSendRecords(dynamo.db, core).markDelivery(workspaceId, 'ses', 'ses-2', 'bounced', AT, 'k'),
    ).toEqual({ result: 'unknown' });
  });

  it("a resume is the resumer's, not 'nothing was paused'", async () => {
    const workspaceId = ws();
    await dynamoSendingGate(dynamo.db, core).pause(workspaceId, 'bounce rate', AT);
    const lossy = losingFirstAnswer('UpdateItemCommand', updateOf('resumedAtMs'));
    expect(await dynamoSendingGate(lossy.db, core).resume(workspaceId, AT + 1000, undefined, AT)).toBe(true);
    expect(lossy.lost()).toBe(1);
    expect(await dynamoSendingGate(dynamo.db, core).state(workspaceId)).toEqual({ resumedAtMs: AT + 1000 });
    // Another resume of the same pause, after it: nothing of its own to lift.
    expect(await dynamoSendingGate(dynamo.db, core).resume(workspaceId, AT + 2000, undefined, AT)).toBe(false);
  });
});
