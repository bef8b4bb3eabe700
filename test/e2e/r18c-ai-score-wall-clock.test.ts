// Review round 18 (re-review): this test failed at e1b9dbf.
// Defect (MEDIUM): e1b9dbf moved scoring (the scoring function and the recompute worker) onto the campaign
// clock "as contacts do", but the AI call worker still scores a contact-intelligence result on the real
// clock. Under TIME_SCALE (the local runtime's accelerated campaign time) the AI's ledger entry and the
// state it writes are dated before the interactions already scored on the campaign clock: the AI change
// decays the state to a moment before its own asOf and its ledger entry reads as older than the change it
// follows.
// Root cause: functions/ai-call-worker.ts (deps.scoring.now: () => new Date(), and deps.now), not
// campaignClock() as functions/contacts.ts, scoring.ts and score-recompute-worker.ts use.
// Correct: every writer of the score state stamps it with the same (campaign) clock, so ledger entries
// are dated in the order the changes were made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { newUser, requestAs, type TestUser } from '../support/identity';
import { eventually, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let user: TestUser;
beforeAll(async () => {
  // A day of campaign time per real second; the stand-ins answer AI calls.
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', LOCAL_AI: 'stand-in', TIME_SCALE: '86400' });
  user = await newUser(runtime, 'r18c-ai-clock');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});
const as = (method: string, path: string, body?: unknown) => requestAs(runtime, () => user)(method, path, body);

describe('review 18c: an AI assessment under an accelerated campaign clock', () => {
  it('is dated after the interaction scored before it (same clock as every other score change)', async () => {
    const { contact } = await okJson(
      await as('POST', '/api/contacts', { email: `cto-${Date.now()}@example.com`, jobTitle: 'CTO' }),
      201,
    );
    await okJson(await as('POST', `/api/contacts/${contact.contactId}/interactions`, { type: 'meeting' }), 201);
    const first = await okJson(await as('GET', `/api/contacts/${contact.contactId}/score`));
    const meeting = first.ledger.find((e: { ruleId: string }) => e.ruleId === 'meeting');
    expect(meeting).toBeDefined();
    const { callId } = await okJson(
      await as('POST', '/api/ai/calls', { agent: 'contact-intelligence', input: { contactId: contact.contactId } }),
      202,
    );
    const call = await eventually(async () => {
      const body = await okJson(await as('GET', `/api/ai/calls/${callId}`));
      return ['queued', 'running'].includes(body.call.status) ? undefined : body.call;
    });
    expect(call.status).toBe('completed');
    const after = await okJson(await as('GET', `/api/contacts/${contact.contactId}/score`));
    const ai = after.ledger.find((e: { ruleId: string }) => e.ruleId === 'ai:contact-intelligence');
    expect(ai, 'the AI entry is in the ledger').toBeDefined();
    expect(
      Date.parse(ai.at),
      `AI entry at ${ai.at} is dated before the meeting scored earlier (${meeting.at})`,
    ).toBeGreaterThanOrEqual(Date.parse(meeting.at));
  });
});
