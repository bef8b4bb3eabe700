/**
 * Review round 25 (g), with r25i-webhook-dead-copy-blocks-failure.test.ts: a webhook failure judges
 * the other POSTs "still in flight" by the times they were counted (WEBHOOK_SETTLE_MS), as a spent
 * count does, not by the count alone: a POST whose copy ended without recording its outcome stops
 * holding back later failures once its window has passed; one counted within it still does; a
 * failure retried after a lost answer reads the same. Failed before the fix (unsettled: 1 for ever).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoWebhookAttempts } from '../../shared/adapters/dynamo-webhook-attempts';
import { webhookAttemptsSk, workspacePk } from '../../shared/adapters/keys';
import { WEBHOOK_SETTLE_MS } from '../../shared/campaigns/webhook-action';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r25gwh-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});

let n = 0;
function clocked() {
  const ws = `ws-${Date.now()}-${++n}`;
  let at = new Date('2026-03-02T10:00:00Z');
  return {
    ws,
    now: () => at,
    later: (ms: number) => {
      at = new Date(at.getTime() + ms);
    },
  };
}

describe('a webhook failure and the other POSTs of its effect', () => {
  it('a POST counted past the window with no outcome is not in flight; one counted within it is', async () => {
    const c = clocked();
    const attempts = dynamoWebhookAttempts(dynamo.db, dynamo.table('core'), c.now);
    await attempts.begin(c.ws, 'k#0'); // its copy ends without an outcome
    c.later(WEBHOOK_SETTLE_MS + 1);
    await attempts.begin(c.ws, 'k#0'); // another copy, still running
    c.later(10_000);
    await attempts.begin(c.ws, 'k#0'); // this copy
    c.later(20_000);
    // The one dead copy is not waited for; the running one is.
    expect(await attempts.failed(c.ws, 'k#0')).toEqual({ kind: 'failed', failed: 1, unsettled: 1 });
    c.later(WEBHOOK_SETTLE_MS);
    expect(await attempts.begin(c.ws, 'k#0')).toMatchObject({ kind: 'counted', attempt: 4 });
    c.later(5_000);
    // Every other count is past its window now: nothing in flight but this copy's own.
    expect(await attempts.failed(c.ws, 'k#0')).toEqual({ kind: 'failed', failed: 2, unsettled: 0 });
  });

  it('a count written before the counts carried their time is judged by the latest count', async () => {
    const c = clocked();
    const table = dynamo.table('core');
    const attempts = dynamoWebhookAttempts(dynamo.db, table, c.now);
    await attempts.begin(c.ws, 'k#0');
    await attempts.begin(c.ws, 'k#0');
    // As the item was before: two counts, no tokens.
    await dynamo.db.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: workspacePk(c.ws), sk: webhookAttemptsSk('k#0') },
        UpdateExpression: 'REMOVE tries',
      }),
    );
    c.later(30_000);
    expect(await attempts.failed(c.ws, 'k#0')).toEqual({ kind: 'failed', failed: 1, unsettled: 1 });
    c.later(WEBHOOK_SETTLE_MS);
    expect(await attempts.failed(c.ws, 'k#0')).toEqual({ kind: 'failed', failed: 2, unsettled: 0 });
  });

  it('a failure retried after its lost answer judges the others the same way', async () => {
    const c = clocked();
    const table = dynamo.table('core');
    const attempts = dynamoWebhookAttempts(dynamo.db, table, c.now);
    await attempts.begin(c.ws, 'k#0'); // dead copy
    c.later(5 * WEBHOOK_SETTLE_MS);
    await attempts.begin(c.ws, 'k#0');
    const lossy = losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, 'UpdateItemCommand');
    expect(await dynamoWebhookAttempts(lossy.db, table, c.now).failed(c.ws, 'k#0')).toEqual({
      kind: 'failed',
      failed: 1,
      unsettled: 0,
    });
    expect(lossy.lost()).toBe(1);
  });
});
