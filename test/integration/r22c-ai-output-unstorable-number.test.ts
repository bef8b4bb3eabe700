// Review round 22: this test failed at 58080d4.
// Review round 22 (c): a model's answer that passes the agent's schema but cannot be stored.
//
// contact-intelligence's `engagementVelocity` is any number in [-2, 2]. A model (or a prompt
// injected through a contact's timeline) answering e.g. 1e-200 passes the zod validation, but
// DynamoDB refuses to store a number of magnitude under 1e-130 ("Number underflow"). The worker
// keeps the answer on the call (keepAnswer) outside its error handling, so the raw
// ValidationException escapes: the claim is never given back nor the call failed, every
// redelivery asks (and pays) the model again, and after the last delivery the message is
// dead-lettered with the call left `running` for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAiResults } from '../../shared/adapters/dynamo-ai-results';
import { dynamoAiUsage } from '../../shared/adapters/dynamo-ai-usage';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import { dynamoScoreStore } from '../../shared/adapters/dynamo-score-store';
import type { AiCallRecord } from '../../shared/ai/ai-call';
import { runAiCall } from '../../shared/ai/run-ai-call';
import { type DynamoHarness, startDynamo } from '../support/dynamo-emulator';
import { memorySettings, scriptedProvider } from '../unit/ai/fakes';

let dynamo: DynamoHarness;
beforeAll(async () => {
  dynamo = await startDynamo('r22c-num-');
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

const at = new Date('2026-12-04T13:00:00.000Z');
const fresh = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;

/** Valid against contactIntelligenceOutput: engagementVelocity is within [-2, 2]. */
const tinyVelocityAnswer =
  '{"buyingSignals":[],"aiIntent":40,"engagementVelocity":1e-200,"roleType":"unknown",' +
  '"buyingIntent":"low","decisionStage":"awareness","summary":"A quiet contact."}';

describe('a contact-intelligence answer DynamoDB cannot store', () => {
  it('ends the call (completed or failed) instead of leaving it running and re-asking the model on every delivery', async () => {
    const ws = fresh('ws');
    const callId = fresh('call');
    const core = dynamo.table('core');
    const contacts = dynamoContacts(dynamo.db, core);
    await contacts.create({
      contactId: 'c-1',
      workspaceId: ws,
      email: 'ada@example.com',
      status: 'lead',
      tags: [],
      customFields: {},
      score: 0,
      tier: 'cold',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    const calls = dynamoAiResults(dynamo.db, core);
    const record: AiCallRecord = {
      workspaceId: ws,
      callId,
      agent: 'contact-intelligence',
      request: { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
      status: 'queued',
      createdAt: at.toISOString(),
      createdBy: 'user-1',
      updatedAt: at.toISOString(),
      attempts: 0,
    };
    await calls.create(record);
    const provider = scriptedProvider(...Array.from({ length: 6 }, () => tinyVelocityAnswer));
    let now = at;
    let ids = 0;
    const deps = {
      calls,
      usage: dynamoAiUsage(dynamo.db, core),
      settings: memorySettings(),
      contacts,
      interactions: dynamoInteractions(dynamo.db, core),
      provider,
      metrics: { recorded: () => {} },
      now: () => now,
      newId: () => `claim-${++ids}`,
      maxReceives: 3,
      deadlineMs: 50_000,
      scoring: { store: dynamoScoreStore(dynamo.db, core), events: { publish: async () => {} }, now: () => now },
    };

    // The queue's three deliveries, each after the visibility timeout (360 s > the 120 s lease).
    const errors: string[] = [];
    for (const receiveCount of [1, 2, 3]) {
      now = new Date(at.getTime() + (receiveCount - 1) * 361_000);
      await runAiCall({ workspaceId: ws, callId }, { receiveCount }, deps).catch((error: Error) =>
        errors.push(`${error.name}: ${error.message}`),
      );
    }

    const stored = await calls.get(ws, callId);
    expect(
      stored?.status,
      `after its last delivery the call is still "${stored?.status}" (errors: ${errors.join(' | ')})`,
    ).toMatch(/^(completed|failed)$/);
    // One answer (and at most its repair) is all a call may pay for.
    expect(provider.requests.length, 'model requests for one call over its deliveries').toBeLessThanOrEqual(2);
  });
});
