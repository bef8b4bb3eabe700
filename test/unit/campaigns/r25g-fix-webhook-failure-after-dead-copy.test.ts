// Review round 25 (g): the engine's fake of the webhook attempts judged a failure's other POSTs in
// flight by their count alone (as the table did, r25i-webhook-dead-copy-blocks-failure.test.ts):
// once the copies that counted them have ended (`settled`), a 410 fails the enrolment at once and a
// failure on the last delivery fails it. Failed before the fix (both retried).
import { describe, expect, it } from 'vitest';
import { ActionFailedError, type ActionTarget } from '../../../shared/campaigns/ports';
import { sendWebhook, type WebhookAnswer, WebhookRetryError } from '../../../shared/campaigns/webhook-action';
import type { Contact } from '../../../shared/crm/model';
import { memoryWebhookAttempts } from './r16x-fix-memory-webhook-attempts';

const target: ActionTarget = {
  workspaceId: 'ws-1',
  campaignId: 'camp-1',
  contactId: 'c-1',
  nodeId: 'hook',
  version: 1,
  run: 1,
  step: 3,
  idempotencyKey: 'campaign#camp-1#c-1#1#hook#3',
};
const KEY = `${target.idempotencyKey}#0`;
const contact = { contactId: 'c-1', workspaceId: 'ws-1', email: 'c1@example.com', tags: [] } as unknown as Contact;

function run(status: number, settled: boolean, finalAttempt = false) {
  const { attempts, records } = memoryWebhookAttempts({ settled: () => settled });
  records.set(KEY, { attempts: 1, failed: 0, done: false }); // a copy that counted and ended
  const poster = { post: async (): Promise<WebhookAnswer> => ({ kind: 'answered', status }) };
  return sendWebhook('https://h.example.com', target, contact, {
    secret: 's',
    poster,
    now: () => new Date(),
    attempts,
    finalAttempt,
  }).catch((e: Error) => e);
}

describe('a webhook failure after a copy that never recorded its outcome', () => {
  it('that copy ended: a 410 fails at once, a 503 on the last delivery fails', async () => {
    expect(await run(410, true)).toBeInstanceOf(ActionFailedError);
    expect(await run(503, true, true)).toBeInstanceOf(ActionFailedError);
  });

  it('that copy may still run: both are retried (its outcome decides)', async () => {
    expect(await run(410, false)).toBeInstanceOf(WebhookRetryError);
    expect(await run(503, false, true)).toBeInstanceOf(WebhookRetryError);
  });
});
