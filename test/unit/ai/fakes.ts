/** Small in-memory ports for the AI unit tests: a scripted provider, usage, settings and call records. */
import type { AiCallOutcome, AiCallRecord, AiCallStore } from '../../../shared/ai/ai-call';
import {
  type AiBudgets,
  type AiMonthUsage,
  type AiUsageStore,
  type AiUsageTotals,
  ZERO_USAGE,
} from '../../../shared/ai/budgets';
import type { AiAgent, AiAnswer, AiProvider, AiRequest } from '../../../shared/ai/ports';
import type { StoredSetting } from '../../../shared/governance/ports';
import type { Clock } from '../../../shared/resilience/clock';

/** One scripted step: an answer's text (with usage), a whole answer, or an error to throw. */
export type Step = string | Partial<AiAnswer> | Error;

/** A provider that answers the steps in order and remembers every request. */
export function scriptedProvider(...steps: Step[]): AiProvider & { requests: AiRequest[] } {
  const requests: AiRequest[] = [];
  return {
    name: 'anthropic',
    requests,
    async answer(request) {
      requests.push(request);
      const step = steps.shift();
      if (step === undefined) throw new Error('The fake provider has no more answers');
      if (step instanceof Error) throw step;
      const base: AiAnswer = {
        provider: 'anthropic',
        model: 'claude-test',
        text: '',
        usage: { inputTokens: 100, outputTokens: 50 },
        costUsd: 0.001,
        latencyMs: 20,
        offline: false,
      };
      return typeof step === 'string' ? { ...base, text: step } : { ...base, ...step };
    },
  };
}

export const offlineAnswer: Partial<AiAnswer> = {
  provider: 'offline',
  model: 'none',
  text: '',
  usage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0,
  latencyMs: 0,
  offline: true,
};

const add = (a: AiUsageTotals, b: AiUsageTotals): AiUsageTotals => ({
  tokensIn: a.tokensIn + b.tokensIn,
  tokensOut: a.tokensOut + b.tokensOut,
  // Rounded as DynamoDB's decimal ADD keeps it exact (a settlement is estimate + (actual - estimate)).
  costUsd: Math.round((a.costUsd + b.costUsd) * 1e9) / 1e9,
  calls: a.calls + b.calls,
});

/** Usage with the adapter's semantics: `reserve` adds only when the total stays within the budgets (atomically). */
export function memoryUsage(): AiUsageStore & { adds: number; reserves: number } {
  const months = new Map<string, { total: AiUsageTotals; byAgent: Partial<Record<AiAgent, AiUsageTotals>> }>();
  const apply = (workspaceId: string, month: string, agent: AiAgent, delta: AiUsageTotals) => {
    const key = `${workspaceId}|${month}`;
    const found = months.get(key) ?? { total: ZERO_USAGE, byAgent: {} };
    months.set(key, {
      total: add(found.total, delta),
      byAgent: { ...found.byAgent, [agent]: add(found.byAgent[agent] ?? ZERO_USAGE, delta) },
    });
  };
  const store = {
    adds: 0,
    reserves: 0,
    async read(workspaceId: string, month: string): Promise<AiMonthUsage> {
      const found = months.get(`${workspaceId}|${month}`);
      return { month, total: found?.total ?? ZERO_USAGE, byAgent: { ...(found?.byAgent ?? {}) } };
    },
    async add(workspaceId: string, month: string, agent: AiAgent, delta: AiUsageTotals) {
      store.adds += 1;
      apply(workspaceId, month, agent, delta);
    },
    async reserve(workspaceId: string, month: string, agent: AiAgent, estimate: AiUsageTotals, budgets: AiBudgets) {
      // No await between the check and the add: the same atomicity as the adapter's conditional write.
      const total = months.get(`${workspaceId}|${month}`)?.total ?? ZERO_USAGE;
      const tokensFit =
        total.tokensIn + total.tokensOut + estimate.tokensIn + estimate.tokensOut <= budgets.monthlyTokens;
      const costFits =
        estimate.costUsd > 0
          ? total.costUsd + estimate.costUsd <= budgets.monthlyCostUsd
          : total.costUsd < budgets.monthlyCostUsd;
      if (!tokensFit || !costFits) return { reserved: false as const, usage: await store.read(workspaceId, month) };
      store.reserves += 1;
      apply(workspaceId, month, agent, estimate);
      return { reserved: true as const };
    },
  };
  return store;
}

/** Settings: plain values by `workspaceId|key` (`*|key` for global ones). */
export function memorySettings(values: Record<string, unknown> = {}) {
  return {
    async get(workspaceId: string | undefined, key: string): Promise<StoredSetting | undefined> {
      const value = values[`${workspaceId ?? '*'}|${key}`];
      if (value === undefined) return undefined;
      return {
        key,
        scope: workspaceId ? 'workspace' : 'global',
        updatedAt: '',
        isSecret: false,
        valueJson: JSON.stringify(value),
      };
    },
  };
}

type Stored = AiCallRecord & { claimId?: string; leaseUntil?: number };

/** Call records with the adapter's conditional semantics. */
export function memoryCalls(): AiCallStore & { records: Map<string, Stored> } {
  const records = new Map<string, Stored>();
  const key = (ws: string, id: string) => `${ws}|${id}`;
  return {
    records,
    async create(record) {
      if (records.has(key(record.workspaceId, record.callId))) return false;
      records.set(key(record.workspaceId, record.callId), structuredClone(record));
      return true;
    },
    async get(ws, id) {
      const found = records.get(key(ws, id));
      if (!found) return undefined;
      const { claimId: _c, leaseUntil: _l, ...record } = found;
      return structuredClone(record);
    },
    async claim(ws, id, claimId, now, leaseUntil) {
      const found = records.get(key(ws, id));
      if (!found) return { outcome: 'missing' };
      const lapsed = found.status === 'running' && (found.leaseUntil ?? 0) < now.getTime();
      const deadLettered = found.status === 'failed' && found.failure?.deadLettered === true;
      if (found.status !== 'queued' && !lapsed && !deadLettered) {
        return { outcome: found.status === 'running' ? 'busy' : 'done' };
      }
      const { failure: _f, completedAt: _d, ...kept } = found;
      const next: Stored = {
        ...kept,
        status: 'running',
        claimId,
        leaseUntil: leaseUntil.getTime(),
        startedAt: now.toISOString(),
        attempts: found.attempts + 1,
      };
      records.set(key(ws, id), next);
      return { outcome: 'claimed', record: structuredClone(next) };
    },
    async finish(ws, id, claimId, outcome: AiCallOutcome, now) {
      const found = records.get(key(ws, id));
      if (found?.status !== 'running' || found.claimId !== claimId) return false;
      const { claimId: _c, leaseUntil: _l, lastError: _e, ...rest } = found;
      records.set(key(ws, id), { ...rest, ...structuredClone(outcome), completedAt: now.toISOString() });
      return true;
    },
    async keepAnswer(ws, id, claimId, outcome: AiCallOutcome) {
      const found = records.get(key(ws, id));
      if (found?.status !== 'running' || found.claimId !== claimId) return false;
      const { run, output, basedOn } = structuredClone(outcome);
      records.set(key(ws, id), { ...found, run, output, ...(basedOn ? { basedOn } : {}) } as Stored);
      return true;
    },
    async recordScore(ws, id, step) {
      const found = records.get(key(ws, id));
      if (found?.status !== 'completed' || found.score || found.superseded) return false;
      records.set(key(ws, id), { ...found, ...structuredClone(step) });
      return true;
    },
    async release(ws, id, claimId, reason) {
      const found = records.get(key(ws, id));
      if (found?.status !== 'running' || found.claimId !== claimId) return;
      const { claimId: _c, leaseUntil: _l, ...rest } = found;
      records.set(key(ws, id), { ...rest, status: 'queued', lastError: reason });
    },
    async discard(ws, id) {
      const found = records.get(key(ws, id));
      if (found?.status !== 'queued' || found.attempts !== 0) return false;
      return records.delete(key(ws, id));
    },
  };
}

/** A valid personalisation answer (170 words in the body). */
export const personalisedJson = (words = 170) =>
  JSON.stringify({
    subjectLines: ['A quick idea for Acme', 'Ada, about your Q3 plans', 'Less time on reports'],
    body: Array.from({ length: words }, (_, i) => `word${i}`).join(' '),
    callToAction: 'Book a 15-minute call',
  });

export const intentJson = JSON.stringify({
  intent: 'meeting_request',
  sentiment: 'positive',
  urgency: 'medium',
  summary: 'Wants to meet on Tuesday.',
  suggestedReply: 'Tuesday works, see you then.',
});

/** Virtual time: sleeps resolve only when `run` advances the clock to them; no real waiting. */
export function virtualClock(start = Date.parse('2026-12-04T13:00:00Z')) {
  let t = start;
  interface Timer {
    due: number;
    fire: () => void;
  }
  const timers: Timer[] = [];
  const clock: Clock = {
    now: () => t,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const timer: Timer = {
          due: t + Math.max(0, ms),
          fire: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          timers.splice(timers.indexOf(timer), 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
      });
    },
  };
  const settle = async () => {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  };
  /** Drives virtual time until `work` settles. */
  async function run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    work.then(
      () => (done = true),
      () => (done = true),
    );
    for (;;) {
      await settle();
      if (done) return work;
      timers.sort((a, b) => a.due - b.due);
      const next = timers.shift();
      if (!next) throw new Error('Nothing left to wait for, but the work has not ended');
      t = Math.max(t, next.due);
      next.fire();
    }
  }
  return { clock, run, now: () => t };
}
