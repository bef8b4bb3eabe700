// Review round 24: this test failed at 137ce95.
/**
 * Review round 24 (b): the pacer's compare-and-set, retried by the SDK after DynamoDB applied it
 * but its answer was lost, takes the tokens (and the shared daily budget's units) twice for one
 * grant.
 *
 * `dynamoSendPacer` writes the bucket item with a PutItem conditional on `version = v` through the
 * functions' DynamoDB client, whose standard retry repeats a PutItem answered with a 500 (AWS: such
 * a 500 may come after the write was applied). The repeat meets `version = v + 1` (its own write),
 * fails its condition, and the pacer reads it as a lost race: it reads the item again (its own
 * tokens already gone), takes again and writes again. The caller gets one grant; the bucket and the
 * daily budget lose two. docs/EMAIL.md ("The local pipeline's speed"): "Grants stay exact: tokens
 * are still only taken by the conditional write"; "every grant subtracts from it in the same
 * compare-and-set that takes the tokens, so all instances together are granted at most what the
 * last read left". The same mistake was fixed for the counters' ADDs (addAtMostOnce, round 14).
 * Effect: sends paced slower than the policy, and an SES-only send held `paced` for 5 minutes when
 * the budget reads spent while SES still has quota.
 *
 * The lost answer is deterministic: a middleware inside the SDK's retry loop lets the first
 * bucket PutItem reach DynamoDB, then answers it with a 500, as DynamoDB may.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { dynamoSendPacer } from '../../shared/adapters/dynamo-send-pacer';
import { SEND_PACE_SK, sendPacePk } from '../../shared/adapters/keys';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r24bpace-';
const EPHEMERAL = `${PREFIX}ephemeral`;
let dynamo: DynamoHarness;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

/** A DocumentClient like the functions' (default retries), whose first bucket PutItem's answer is lost. */
function clientLosingFirstPutAnswer(): { db: DynamoDBDocumentClient; lost: () => number } {
  const raw = new DynamoDBClient(localClientConfig(dynamo.emulators.dynamodb.endpoint));
  let lost = 0;
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'PutItemCommand') {
        if (lost === 0) {
          lost += 1;
          // Applied by DynamoDB, but the caller gets a 500: the SDK's standard retry sends it again.
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'InternalServerError',
            $fault: 'server',
            $metadata: { httpStatusCode: 500 },
          });
        }
      }
      return out;
    },
    { step: 'deserialize', name: 'loseFirstPutAnswer', priority: 'low' },
  );
  return {
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    lost: () => lost,
  };
}

describe('the pacer after a lost answer (r24b)', () => {
  it('one grant takes one token and one unit of the daily budget', async () => {
    const { db, lost } = clientLosingFirstPutAnswer();
    const provider = 'r24b';
    const nowMs = Date.parse('2026-12-04T10:00:00Z');
    // 10 tokens a second, bursts of 10; 100 sends left today, read just now.
    const policy = () =>
      Promise.resolve({ bucket: { ratePerSecond: 10, burst: 10 }, dailyRemaining: 100, quotaReadAtMs: nowMs });
    const pacer = dynamoSendPacer(db, EPHEMERAL, policy, provider);

    const grant = await pacer.take(nowMs);

    expect(grant.granted).toBe(true);
    expect(lost(), 'the first write was applied and its answer lost').toBe(1);
    const item = (
      await dynamo.db.send(
        new GetCommand({
          TableName: EPHEMERAL,
          Key: { pk: sendPacePk(provider), sk: SEND_PACE_SK },
          ConsistentRead: true,
        }),
      )
    ).Item;
    // One grant: a full bucket of 10 less 1, the day's 100 less 1 (no time passed: no refill).
    expect(
      { tokens: item?.tokens, dailyRemaining: item?.dailyRemaining },
      "one grant took two tokens and two units of SES's daily budget: the SDK's retry of an applied compare-and-set was read as a lost race and the take ran again",
    ).toEqual({ tokens: 9, dailyRemaining: 99 });
  });
});
