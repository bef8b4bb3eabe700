/**
 * Review round 17 (r17a), suspicion 4: a resume (or archive) whose follow-up send fails.
 *
 * Defect: `POST /api/campaigns/{id}/resume` writes the status (`active`) and then queues the
 * `resume-page` message that brings the campaign's held enrolments back. When that send fails (SQS
 * throttled or unreachable past the SDK's retries) the route answers 500 for a change that landed:
 * the campaign reads `active`, no audit entry says who resumed it, and the held enrolments are in
 * no due index, so neither the sweep nor any timer ever brings them back: they stay `held` for good
 * unless someone happens to repeat the request (the 500 tells them it failed, the campaign page
 * tells them it is active). The same holds for archive (its held enrolments never exit).
 *
 * Severity: MEDIUM (a 5xx for a landed change; every contact paused in the campaign silently
 * stuck, nothing queued to fix it).
 * Root cause: functions/campaigns.ts `transition` (the status write and the follow-up send are two
 * steps with no outbox: the send's failure becomes the route's answer) and
 * shared/campaigns/resume-and-sweep.ts (the sweep never looks at held enrolments of an active or
 * archived campaign).
 * Correct behaviour: the status change and the follow-up land together or the follow-up is
 * guaranteed afterwards (an outbox item written with the status, or the sweep also paging the held
 * index of campaigns no longer paused), and the route answers 200 for the change that landed.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { dynamoCampaignFollowUps } from '../../shared/adapters/dynamo-campaign-follow-ups';
import { dueEnrolments } from '../../shared/adapters/dynamo-enrolments';
import { DUE_STEP_SHARDS } from '../../shared/adapters/keys';
import type { DripStepMessage } from '../../shared/campaigns/messages';
import { sweepDueSteps } from '../../shared/campaigns/resume-and-sweep';
import { campaignsFunctionForFile, throttleSqsWhile, WAIT_JOURNEY } from '../support/campaign-wiring';

const PREFIX = 'r17a-rsend-';

let sqsFails = false;
const wiring = campaignsFunctionForFile(PREFIX, {
  // Outside the SDK's retries: SQS throttled past them, as an outage would.
  faults: () => throttleSqsWhile(() => sqsFails, { httpStatusCode: 400 }),
});
const { call, record, putHeldEnrolment } = wiring;

describe('a resume whose follow-up send fails', () => {
  it('answers 200 for the change that landed, and its held enrolment is brought back', async () => {
    const created = await call('POST', 'POST /api/campaigns', undefined, { name: 'Held', journey: WAIT_JOURNEY });
    expect(created.status).toBe(201);
    const id = created.json.campaign.campaignId as string;
    expect((await call('POST', 'POST /api/campaigns/{id}/publish', id)).status).toBe(200);
    expect((await call('POST', 'POST /api/campaigns/{id}/pause', id)).status).toBe(200);
    // A contact's step met the pause: its enrolment is held (out of the due index).
    const contactId = `c-${randomUUID().slice(0, 8)}`;
    await putHeldEnrolment(id, contactId);

    sqsFails = true;
    const answer = await call('POST', 'POST /api/campaigns/{id}/resume', id).finally(() => {
      sqsFails = false;
    });
    expect((await record(id)).status).toBe('active');
    expect
      .soft(answer.status, 'the resume landed (the campaign is active) but the route answered 5xx')
      .toBeLessThan(500);

    // Nothing else brings the held enrolment back: no message is queued, and the sweep (the safety
    // net for lost timers) reads the due index only.
    const swept: DripStepMessage[] = [];
    await sweepDueSteps({
      shards: DUE_STEP_SHARDS,
      due: (shard, before, limit, after) =>
        dueEnrolments(wiring.db, wiring.core, shard, before, limit, after as Record<string, unknown> | undefined),
      queue: { sendAll: async (m) => void swept.push(...m) },
      now: () => new Date('2100-01-01T00:00:00.000Z'),
      // As functions/campaign-sweeper.ts wires it (added with the fix: the outbox the sweep reads).
      followUps: dynamoCampaignFollowUps(wiring.db, wiring.core),
    });
    const client = new SQSClient(localClientConfig(wiring.harness.emulators.sqs.endpoint));
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl: wiring.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    client.destroy();
    const queued = (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as DripStepMessage);
    const bringsBack = [...queued, ...swept].filter(
      (m) =>
        (m.kind === 'resume-page' && m.campaignId === id) ||
        (m.kind === 'step' && m.campaignId === id && m.contactId === contactId),
    );
    expect(bringsBack, 'the held enrolment of a campaign that is active again is never resumed').not.toEqual([]);
  });
});
