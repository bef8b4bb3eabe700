/**
 * What happens after the model answered (and was paid) never costs the answer: a usage settlement
 * that cannot be written is retried, carried into the run's next write and reported, and the
 * answer is returned; a contact-intelligence call whose score step failed is stored completed and
 * its score is retried from the stored output by the next delivery, which asks no model.
 */
import { describe, expect, it } from 'vitest';
import type { AiCallMessage, AiCallRecord } from '../../../shared/ai/ai-call';
import { meteredProvider } from '../../../shared/ai/budgets';
import type { AiLog } from '../../../shared/ai/ports';
import { LEASE_MS, runAiCall } from '../../../shared/ai/run-ai-call';
import type { Contact } from '../../../shared/crm/model';
import { ScoreConflictError } from '../../../shared/crm/scoring/ports';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { memoryCalls, memorySettings, memoryUsage, scriptedProvider } from './fakes';

const request = {
  agent: 'email-intent' as const,
  system: 'Classify.',
  input: 'Hello',
  schema: { name: 'intent', jsonSchema: { type: 'object' } },
  maxOutputTokens: 100,
};

function memoryLog(): AiLog & { lines: Array<{ level: string; message: string; detail: unknown }> } {
  const lines: Array<{ level: string; message: string; detail: unknown }> = [];
  return {
    lines,
    warn: (message, detail) => lines.push({ level: 'warn', message, detail }),
    error: (message, detail) => lines.push({ level: 'error', message, detail }),
  };
}

describe('meteredProvider: the settlement after an answer', () => {
  const setup = (failAdds: number) => {
    const usage = memoryUsage();
    const add = usage.add.bind(usage);
    let failures = failAdds;
    usage.add = async (...args) => {
      if (failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
      return add(...args);
    };
    const log = memoryLog();
    const provider = scriptedProvider('{"a":1}', '{"b":2}');
    const metered = meteredProvider('ws-1', 'email-intent', provider, {
      usage,
      settings: memorySettings(),
      now: () => new Date('2026-12-04T13:00:00Z'),
      log,
    });
    return { usage, log, metered };
  };

  it('is retried when its write fails, and the answer is returned', async () => {
    const { usage, log, metered } = setup(2);
    await expect(metered.answer(request)).resolves.toMatchObject({ text: '{"a":1}' });
    const month = await usage.read('ws-1', '2026-12');
    expect(month.total).toMatchObject({ tokensIn: 100, tokensOut: 50, calls: 1 });
    expect(log.lines).toEqual([]);
  });

  it('still refused: the answer is returned, the failure reported, and the next write of the run carries it', async () => {
    const { usage, log, metered } = setup(3);
    await expect(metered.answer(request)).resolves.toMatchObject({ text: '{"a":1}' });
    // The month keeps the reservation (the worst case) meanwhile: the budget errs on the safe side.
    expect((await usage.read('ws-1', '2026-12')).total.tokensOut).toBe(100);
    expect(log.lines).toMatchObject([{ level: 'error', detail: { month: '2026-12', workspaceId: 'ws-1' } }]);

    // The repair attempt's settlement writes both.
    await expect(metered.answer(request)).resolves.toMatchObject({ text: '{"b":2}' });
    const month = await usage.read('ws-1', '2026-12');
    expect(month.total).toMatchObject({ tokensIn: 200, tokensOut: 100, calls: 1 });
  });

  it("giving a reservation back never replaces the provider's error", async () => {
    const usage = memoryUsage();
    usage.add = async () => {
      throw new Error('throttled');
    };
    const metered = meteredProvider('ws-1', 'email-intent', scriptedProvider(new Error('provider down')), {
      usage,
      settings: memorySettings(),
      now: () => new Date('2026-12-04T13:00:00Z'),
    });
    await expect(metered.answer(request)).rejects.toThrow('provider down');
  });
});

const contact: Contact = {
  contactId: 'c-1',
  workspaceId: 'ws-1',
  email: 'c1@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 10,
  tier: 'cold',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const intelligenceJson = JSON.stringify({
  buyingSignals: [{ signal: 'Asked for pricing', evidence: 'email_replied 2026-12-01', strength: 'strong' }],
  aiIntent: 30,
  engagementVelocity: 1,
  roleType: 'decision_maker',
  buyingIntent: 'medium',
  decisionStage: 'consideration',
  summary: 'Ready to buy.',
});

async function intelligenceWorld(failingCommits: number) {
  let clock = Date.parse('2026-12-04T13:00:00.000Z');
  let ids = 0;
  const calls = memoryCalls();
  const provider = scriptedProvider(intelligenceJson);
  const scores = new MemoryScoreStore();
  scores.contactRecords.set('c-1', contact);
  let failures = failingCommits;
  let commits = 0;
  scores.beforeCommit = () => {
    if (failures-- > 0) throw new ScoreConflictError();
    commits += 1;
  };
  const record: AiCallRecord = {
    workspaceId: 'ws-1',
    callId: 'call-1',
    agent: 'contact-intelligence',
    request: { agent: 'contact-intelligence', input: { contactId: 'c-1' } },
    status: 'queued',
    createdAt: '2026-12-04T13:00:00.000Z',
    createdBy: 'user-1',
    updatedAt: '2026-12-04T13:00:00.000Z',
    attempts: 0,
  };
  await calls.create(record);
  const log = memoryLog();
  const deps = {
    calls,
    usage: memoryUsage(),
    settings: memorySettings(),
    now: () => new Date(clock),
    newId: () => `id-${++ids}`,
    contacts: { get: async (ws: string, id: string) => (ws === 'ws-1' && id === 'c-1' ? contact : undefined) },
    interactions: { timeline: async () => ({ interactions: [] }) },
    provider,
    metrics: { recorded: () => {} },
    maxReceives: 3,
    deadlineMs: 50_000,
    scoring: { store: scores, events: new MemoryEvents(), now: () => new Date(clock) },
    log,
  };
  const message: AiCallMessage = { workspaceId: 'ws-1', callId: 'call-1' };
  return {
    calls,
    provider,
    scores,
    deps,
    log,
    message,
    commits: () => commits,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('runAiCall: the score step after the answer', () => {
  it('stores the paid-for output at once when the score step fails, and the redelivery scores it without a model', async () => {
    // changeScore tries 5 times: the first delivery's score step fails, the redelivery's succeeds.
    const w = await intelligenceWorld(5);
    const thrown = await runAiCall(w.message, { receiveCount: 1 }, w.deps).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    const stored = await w.calls.get('ws-1', 'call-1');
    expect(stored).toMatchObject({ status: 'completed', output: { aiIntent: 30 } });
    expect(stored?.score).toBeUndefined();
    expect(w.log.lines.map((l) => l.message)).toContain('AI call completed, its score not recorded yet');

    w.advance(LEASE_MS + 1);
    await expect(runAiCall(w.message, { receiveCount: 2 }, w.deps)).resolves.toBe('duplicate');
    expect(w.provider.requests).toHaveLength(1);
    expect(w.commits()).toBe(1);
    expect(w.scores.contactRecords.get('c-1')?.aiSignals).toMatchObject({ aiScore: 30 });
    expect(w.scores.ledger).toHaveLength(1);

    // Another delivery: the score was claimed by the call id, nothing changes again.
    await expect(runAiCall(w.message, { receiveCount: 3 }, w.deps)).resolves.toBe('duplicate');
    expect(w.commits()).toBe(1);
    expect(w.provider.requests).toHaveLength(1);
  });

  it('a duplicate of a call scored the first time does not touch the score', async () => {
    const w = await intelligenceWorld(0);
    await expect(runAiCall(w.message, { receiveCount: 1 }, w.deps)).resolves.toBe('completed');
    expect((await w.calls.get('ws-1', 'call-1'))?.score).toBeDefined();
    await expect(runAiCall(w.message, { receiveCount: 2 }, w.deps)).resolves.toBe('duplicate');
    expect(w.commits()).toBe(1);
    expect(w.provider.requests).toHaveLength(1);
  });
});
