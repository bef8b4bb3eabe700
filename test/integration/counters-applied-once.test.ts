/**
 * Review round 14: this test failed at cb20668 (a campaign's move counters, and the sent-per-hour
 * counter, counted twice when the SDK retried an ADD DynamoDB had applied). Fixed: each ADD is sent
 * at most once (`addAtMostOnce`): the SDK retries it after a refusal (a 4xx) only, never after an
 * answer that leaves its outcome unknown. (A transaction of one item with a ClientRequestToken was
 * tried first; on hot items such as the stats shards and the hour item transactions conflict.)
 *
 * Defect: a campaign's move counters (and the reputation hour counter) are plain `ADD`s sent
 * through the default DynamoDB client, whose standard retry strategy (3 attempts) repeats an
 * UpdateItem after a 500 / reset / timeout. AWS documents that such a 500 (InternalServerError)
 * may come after the write was applied; a retried `ADD :n` is then applied twice. docs/CAMPAIGNS.md
 * promises "counters move only after a won conditional state write, so they never double"; the
 * counting of provider events was made safe against exactly this ("nor does the SDK's retry of a
 * transaction DynamoDB applied", countCampaignEventOnce), the move counters were not.
 *
 * Severity: LOW (stats only, needs a lost answer from DynamoDB; `entered`, `sent`, `completed`,
 * `waiting`... drift from the enrolment records, and `entered = waiting + completed + exited`
 * stops holding).
 * Root cause: shared/adapters/dynamo-enrolments.ts `addCounters` (called by `dynamoEnrolmentStates
 * .save` after the conditional Put) sends a bare `ADD` with SDK retries on; likewise
 * shared/adapters/dynamo-send-ledger.ts `countSent`.
 * Correct: a counter delta applied at most once per move whatever the transport retries: e.g. a
 * client with retries off for these ADDs (the SES sends client makes one attempt for the same
 * reason), or the ADD made conditional on / keyed by the move it counts.
 *
 * The lost answer is made deterministic: a middleware inside the SDK's retry loop lets the first
 * counter UpdateItem reach DynamoDB and then answers it with a 500, as DynamoDB may.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { campaignCounters, dynamoEnrolmentStates } from '../../shared/adapters/dynamo-enrolments';
import { dynamoSendLedger } from '../../shared/adapters/dynamo-send-ledger';
import { reputationSk, workspacePk } from '../../shared/adapters/keys';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import { hourOf } from '../../shared/email/reputation-window';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';

const PREFIX = 'r14add-';
const CORE = `${PREFIX}core`;
let dynamo: DynamoHarness;

beforeAll(async () => {
  dynamo = await startDynamo(PREFIX);
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

/** A DocumentClient like the functions' (default retries), whose first counter ADD's answer is lost. */
function clientLosingFirstAddAnswer(): { db: DynamoDBDocumentClient; lost: () => number } {
  const raw = new DynamoDBClient(localClientConfig(dynamo.emulators.dynamodb.endpoint));
  let lost = 0;
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      // The counter's write, whichever call carries it: an UpdateItem, or a transaction of its Update.
      const input = (
        args as {
          input?: { UpdateExpression?: string; TransactItems?: Array<{ Update?: { UpdateExpression?: string } }> };
        }
      ).input;
      const expressions = [
        input?.UpdateExpression,
        ...(input?.TransactItems ?? []).map((t) => t.Update?.UpdateExpression),
      ];
      const counts = expressions.some((e) => e?.startsWith('ADD '));
      if (
        (context.commandName === 'UpdateItemCommand' || context.commandName === 'TransactWriteItemsCommand') &&
        counts &&
        lost === 0
      ) {
        lost += 1;
        // Applied by DynamoDB, but the caller gets a 500: the SDK's standard retry sends it again.
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return out;
    },
    { step: 'deserialize', name: 'loseFirstCounterAnswer', priority: 'low' },
  );
  return {
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    lost: () => lost,
  };
}

describe('a move counted once', () => {
  it('an enrolment that enters counts entered once, even when DynamoDB answers the ADD with a 500 after applying it', async () => {
    const { db, lost } = clientLosingFirstAddAnswer();
    const store = dynamoEnrolmentStates(db, CORE);
    const state = {
      workspaceId: 'ws-r14',
      campaignId: 'camp-r14',
      contactId: 'c1',
      run: 1,
      version: 1,
      node: 'wait',
      step: 1,
      status: 'waiting',
      dueAt: '2026-12-08T10:00:00.000Z',
      enteredAt: '2026-12-07T10:00:00.000Z',
      launchId: 'l1',
      launches: ['l1'],
      moves: 1,
      emails: {},
      arms: {},
    } as EnrolmentState;

    expect(await store.save(state, undefined, { entered: 1, waiting: 1, 'node:wait:entered': 1 })).toBe(true);

    expect(lost()).toBe(1);
    const counters = await campaignCounters(dynamo.db, CORE, 'ws-r14', 'camp-r14');
    // One enrolment entered and waits.
    expect(counters).toEqual({ entered: 1, waiting: 1, 'node:wait:entered': 1 });
  });
});

describe('a send counted once in its hour', () => {
  it("counts a batch's sends once in the reputation hour, even when DynamoDB answers the ADD with a 500 after applying it", async () => {
    const { db, lost } = clientLosingFirstAddAnswer();
    const ledger = dynamoSendLedger(db, CORE);
    const atMs = Date.parse('2026-12-07T10:15:00.000Z');
    const claim = await ledger.claim('ws-r14-hour', 'send-1', atMs, 60_000);
    expect(claim.status).toBe('claimed');
    await ledger.markSent('ws-r14-hour', 'send-1', {
      provider: 'ses',
      providerMessageId: 'm-1',
      fallbackUsed: false,
      atMs,
    });

    expect(lost()).toBe(1);
    const hour = await dynamo.db.send(
      new GetCommand({
        TableName: CORE,
        Key: { pk: workspacePk('ws-r14-hour'), sk: reputationSk(hourOf(atMs)) },
        ConsistentRead: true,
      }),
    );
    expect(hour.Item?.sent).toBe(1);
  });
});

describe('a counter ADD DynamoDB refused', () => {
  it('is retried by the SDK (a throttle applied nothing) and counts once', async () => {
    const raw = new DynamoDBClient(localClientConfig(dynamo.emulators.dynamodb.endpoint));
    let refusals = 0;
    raw.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input?: { UpdateExpression?: string } }).input;
        if (
          context.commandName === 'UpdateItemCommand' &&
          input?.UpdateExpression?.startsWith('ADD ') &&
          refusals === 0
        ) {
          refusals += 1;
          // Refused before anything was applied, as DynamoDB throttles.
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
            name: 'ThrottlingException',
            $fault: 'client',
            $retryable: { throttling: true },
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'refuseFirstCounter', priority: 'low' },
    );
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    const ledger = dynamoSendLedger(db, CORE);
    const atMs = Date.parse('2026-12-07T11:15:00.000Z');
    expect((await ledger.claim('ws-r14-throttled', 'send-1', atMs, 60_000)).status).toBe('claimed');
    await ledger.markSent('ws-r14-throttled', 'send-1', {
      provider: 'ses',
      providerMessageId: 'm-1',
      fallbackUsed: false,
      atMs,
    });
    expect(refusals).toBe(1);
    const hour = await dynamo.db.send(
      new GetCommand({
        TableName: CORE,
        Key: { pk: workspacePk('ws-r14-throttled'), sk: reputationSk(hourOf(atMs)) },
        ConsistentRead: true,
      }),
    );
    expect(hour.Item?.sent).toBe(1);
  }, 20_000);
});
