/**
 * The ai-calls worker's use case: one model run per call, however often its message is delivered.
 *
 * The record is claimed with a conditional write before any model call: a second delivery of a
 * call that completed finds it done and costs nothing; one that arrives while the first still
 * runs finds it busy and is retried later (its message comes back after the visibility timeout,
 * when the call is done or its claim has lapsed). A claim is a lease ({@link LEASE_MS}, past the
 * worker's timeout): if the worker crashes between the model's answer and storing the result,
 * the message is not deleted, comes back after the visibility timeout (longer than the lease),
 * and the redelivery takes the lapsed claim and calls the model again (unless the answer was
 * kept: below). That crash costs one extra model call, counted in the usage (each request to a
 * model is reserved against the budget before it is sent and settled as soon as it ends, so every
 * answer received is counted, whatever happens after); the call is never lost and only one run's
 * result is stored.
 *
 * The run's deadline passing is a `failed` result (kind `timeout`); when it passed before any
 * answer, the call is retried like a provider failure. A failure no redelivery can cure (every
 * provider refused the request for good: a spend limit, a rejected key, a bad request; the budget;
 * a missing contact) is stored at once, with the first provider's kind. Any other failure (a
 * retryable provider failure, an error of ours such as a throttled table) gives the claim back and
 * fails the message, so SQS delivers it again; on the last delivery it is stored `failed` with
 * `deadLettered: true` and the message still fails, so it goes to the DLQ: no call stays `queued`
 * or `running` once its message is dead-lettered, and the claim takes a dead-lettered call again,
 * so a redrive from the DLQ (docs/runbooks/dead-letter-queue.md) runs it.
 *
 * An error after the model answered goes through the same handling (none leaves the call
 * `running`), except that one which is not transient (the store refusing the item) fails the call
 * at once: asking the model again would be paid for and refused the same way. A transient one
 * before the answer is stored (the keep below, or the outcome write) costs one more model call, as
 * a crash does. Once the answer is stored, it is never asked for again because of what follows it.
 * A contact-intelligence answer, which has a follow-up (the contact's score), is kept on the call
 * under the claim first (`keepAnswer`, with `basedOn`: when the call read the contact); then the
 * score step, then the outcome. A delivery that takes a lapsed claim whose answer was kept (the
 * outcome write failed, the worker stopped) asks no model: it scores from the kept answer and
 * stores the outcome. When the score step fails, the outcome is stored (`completed`, without
 * `score`) and the error rethrown; the redelivery (or a redrive from the DLQ) finds the call done
 * and retries only the score step, from the stored output, and records what it did on the call.
 * The score write claims the call id, so it applies once; an answer based on older data than the
 * contact's assessment is not applied and the call says `superseded` (record-contact-intelligence.ts).
 */
import { ContactNotFoundError } from '../crm/contacts/errors';
import type { ScoreUpdate } from '../crm/ports';
import { AiBudgetExceededError } from '../errors';
import { classifyError } from '../resilience/classify-error';
import { type AgentDataDeps, type AgentRun, runRequestedAgent } from './agents';
import type { ContactIntelligence } from './agents/contact-intelligence';
import type {
  AiCallFailure,
  AiCallFailureKind,
  AiCallMessage,
  AiCallOutcome,
  AiCallRecord,
  AiCallStore,
} from './ai-call';
import { outcomeOf } from './ai-call';
import { type BudgetDeps, meteredProvider } from './budgets';
import { type AiAgent, type AiLog, type AiProvider, AiProviderError } from './ports';
import {
  type IntelligenceSuperseded,
  isSuperseded,
  type RecordIntelligenceDeps,
  recordContactIntelligence,
} from './record-contact-intelligence';

/** How long a claim holds: twice the worker's 60 s timeout, well under the queue's 360 s visibility timeout. */
export const LEASE_MS = 120_000;

/** What the service counts of AI runs (CloudWatch through Powertools: shared/observability/ai-metrics.ts). */
export interface AiMetrics {
  /** A run or a refusal ended with `outcome` (tokens, cost, failures by kind, fallbacks, offline answers). */
  recorded(agent: AiAgent, outcome: AiCallOutcome): void;
}

export interface RunAiCallDeps extends BudgetDeps, AgentDataDeps {
  readonly calls: AiCallStore;
  readonly provider: AiProvider;
  readonly metrics: AiMetrics;
  readonly newId: () => string;
  /** The queue's maxReceiveCount: on the last delivery a retryable failure is stored, not retried. */
  readonly maxReceives: number;
  /** Both attempts of the run (the repair retry included) within this, under the worker's timeout. */
  readonly deadlineMs: number;
  /** Where a completed contact-intelligence call is recorded in the contact's score. */
  readonly scoring: RecordIntelligenceDeps;
  /** Where failures' details go (the call's view shows only their kind); default nowhere. */
  readonly log?: AiLog;
}

/** Another delivery holds the call: thrown so this message is retried after the visibility timeout. */
export class AiCallBusyError extends Error {
  override name = 'AiCallBusyError';
  constructor(callId: string) {
    super(`AI call ${callId} is being run by another delivery; retried later`);
  }
}

export type RunAiCallOutcome = AiCallOutcome['status'] | 'duplicate' | 'missing' | 'lost-claim';

/**
 * Runs the queued call once.
 * @throws AiCallBusyError while another delivery holds it; a retryable AiProviderError (or a run
 * that timed out before any answer, as one of kind `timeout`) or any other error of the run: before
 * the last delivery after giving the claim back (the redelivery runs it), on the last one after
 * storing the call `failed` with `deadLettered: true` (a redrive runs it); the score step's error
 * after storing the call `completed` (the redelivery retries the step alone).
 */
export async function runAiCall(
  message: AiCallMessage,
  meta: { readonly receiveCount: number },
  deps: RunAiCallDeps,
): Promise<RunAiCallOutcome> {
  const { workspaceId, callId } = message;
  const claimId = deps.newId();
  const startedAt = deps.now();
  const claim = await deps.calls.claim(
    workspaceId,
    callId,
    claimId,
    startedAt,
    new Date(startedAt.getTime() + LEASE_MS),
  );
  if (claim.outcome === 'done') {
    await followUpDone(message, deps);
    return 'duplicate';
  }
  if (claim.outcome === 'missing') return 'missing';
  if (claim.outcome === 'busy') throw new AiCallBusyError(callId);
  const { agent, request } = claim.record;
  const last = meta.receiveCount >= deps.maxReceives;

  /** Stores the outcome; `counted`: a kept answer's, not counted in the metrics again (its delivery did, unless it stopped first). */
  const finish = async (outcome: AiCallOutcome, counted = false): Promise<RunAiCallOutcome> => {
    if (!counted) deps.metrics.recorded(agent, outcome);
    if (outcome.failure) {
      const { kind, reason, deadLettered } = outcome.failure;
      deps.log?.warn('AI call failed', { workspaceId, callId, agent, kind, reason, deadLettered });
    }
    // A lost claim: this run's lease lapsed and another delivery took the call; that one stores its result.
    const stored = await deps.calls.finish(workspaceId, callId, claimId, outcome, deps.now());
    return stored ? outcome.status : 'lost-claim';
  };
  const failed = (failure: AiCallFailure, run?: AgentRun) =>
    finish({ status: 'failed', failure, ...(run ? { run } : {}) });
  const release = async (reason: string, error: unknown) => {
    deps.log?.warn('AI call given back for a redelivery', { workspaceId, callId, agent, reason, error });
    await deps.calls.release(workspaceId, callId, claimId, reason, deps.now());
  };

  /**
   * Ends this delivery after `error` (the outcome not stored; `unstored`: the run of an answer the
   * model gave that is not stored yet). A failure no redelivery can cure is stored now. Any other is
   * given back for a redelivery and rethrown; on the last delivery it is stored `failed` with
   * `deadLettered: true` and rethrown, so the message goes to the DLQ and a redrive of it runs the
   * call again (the claim takes such a call). An error storing a paid answer that is not transient
   * (the store refuses the item) fails the call at once: asking the model again would be paid for
   * and refused the same way.
   */
  const failedWith = async (error: unknown, unstored: AgentRun | undefined): Promise<RunAiCallOutcome> => {
    if (error instanceof ContactNotFoundError) return failed({ kind: 'contact-not-found', reason: error.message });
    if (error instanceof AiBudgetExceededError) {
      return failed({ kind: 'budget-exceeded', reason: error.message, details: error.details });
    }
    // Not worth a redelivery: every provider refused the request for good (a spend limit, a rejected
    // key, a bad request): it fails now, with the first provider's own kind.
    if (error instanceof AiProviderError && !error.retryLater) {
      return failed({ kind: error.finalKind, reason: error.message });
    }
    const provider = error instanceof AiProviderError;
    const kind: AiCallFailureKind = provider ? error.kind : 'internal';
    const reason = provider
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
    if (unstored && !provider && !classifyError(error).retryable) return failed({ kind, reason }, unstored);
    if (!last) {
      await release(`${kind}: ${reason}`, error);
      throw error;
    }
    // The last delivery: the message goes to the DLQ, the call says so (and the error is still reported).
    await failed({ kind, reason, deadLettered: true }, unstored).catch((storeError: unknown) =>
      deps.log?.error('AI call not marked dead-lettered', { workspaceId, callId, agent, error: storeError }),
    );
    throw error;
  };

  // What a contact-intelligence answer is based on: the contact and its timeline are read after it.
  const basedOn = deps.now().toISOString();
  // The run of the model's answer (paid for) until the answer is stored (kept, or the outcome).
  let unstored: AgentRun | undefined;
  // True once the outcome is stored: an error after it (the score step's) is only reported.
  let stored = false;

  /**
   * A completed contact-intelligence outcome whose answer is kept: scored from it (once: the score
   * write claims the call id), then stored with what the score step did.
   */
  const scoreAndFinish = async (
    answered: AiCallOutcome,
    contactId: string,
    counted: boolean,
  ): Promise<RunAiCallOutcome> => {
    let outcome = answered;
    try {
      outcome = { ...outcome, ...scoreStepOf(await scoreOf(workspaceId, callId, contactId, outcome, deps)) };
    } catch (error) {
      // Stored now, without its score: the redelivery finds the call done and retries only the score.
      deps.log?.warn('AI call completed, its score not recorded yet', { workspaceId, callId, agent, error });
      await finish(outcome, counted);
      stored = true;
      throw error;
    }
    return finish(outcome, counted);
  };

  try {
    // This call's answer was kept by an earlier delivery (its outcome write failed, or its worker
    // stopped, after it): the model is not asked again.
    const kept = keptAnswerOf(claim.record);
    if (kept && request.agent === 'contact-intelligence')
      return await scoreAndFinish(kept, request.input.contactId, true);

    const signal = AbortSignal.timeout(deps.deadlineMs);
    const provider = meteredProvider(workspaceId, agent, deps.provider, deps);
    let outcome = outcomeOf(await runRequestedAgent(workspaceId, request, provider, deps, { signal }));
    if (outcome.run && outcome.run.attempts > 0) unstored = outcome.run;
    // The deadline passed before any answer: nothing spent, worth another delivery like a provider timeout.
    if (outcome.status === 'failed' && outcome.failure?.kind === 'timeout' && outcome.run?.attempts === 0) {
      throw new AiProviderError(outcome.failure.reason, 'timeout', outcome.run.provider);
    }
    // The model answered (and was paid): its answer is stored before anything that may fail after
    // it (the score step, the outcome write), so no redelivery asks the model again.
    if (outcome.status === 'completed' && outcome.run && request.agent === 'contact-intelligence') {
      outcome = { ...outcome, basedOn };
      if (!(await deps.calls.keepAnswer(workspaceId, callId, claimId, outcome, deps.now()))) return 'lost-claim';
      unstored = undefined;
      return await scoreAndFinish(outcome, request.input.contactId, false);
    }
    return await finish(outcome);
  } catch (error) {
    if (stored) throw error;
    return failedWith(error, unstored);
  }
}

/** A claimed contact-intelligence call whose answer an earlier delivery kept, as its outcome. */
function keptAnswerOf(record: AiCallRecord): AiCallOutcome | undefined {
  const { agent, run, output, basedOn } = record;
  if (agent !== 'contact-intelligence' || !run || output === undefined) return undefined;
  return { status: 'completed', run, output, ...(basedOn ? { basedOn } : {}) };
}

/** What the score step did, as the call record keeps it. */
function scoreStepOf(
  recorded: ScoreUpdate | IntelligenceSuperseded | undefined,
): Pick<AiCallOutcome, 'score' | 'superseded'> {
  if (!recorded) return {};
  return isSuperseded(recorded) ? { superseded: recorded.superseded } : { score: recorded };
}

/**
 * Records a completed contact-intelligence outcome in the contact's score (once per call), unless
 * the contact's assessment is based on newer data than the outcome's (`basedOn`).
 */
function scoreOf(
  workspaceId: string,
  callId: string,
  contactId: string,
  outcome: Pick<AiCallOutcome, 'run' | 'output' | 'basedOn'>,
  deps: Pick<RunAiCallDeps, 'scoring'>,
): Promise<ScoreUpdate | IntelligenceSuperseded | undefined> {
  const { provider = 'offline', model = 'none' } = outcome.run ?? {};
  return recordContactIntelligence(
    workspaceId,
    contactId,
    outcome.output as ContactIntelligence,
    { callId, provider, model },
    deps.scoring,
    outcome.basedOn,
  );
}

/**
 * A delivery of a call that is done: a completed contact-intelligence call stored without a score
 * (its score step failed after the answer) has that step retried from the stored output, and its
 * `score` (or `superseded`) recorded on the call; nothing else is done, and no model is asked. The
 * score write claims the call id, so a call scored already (or whose contact is gone) changes
 * nothing on the contact (the record then shows the score as the step found it).
 * @throws the score step's error, so the message is retried (and, after the last, dead-lettered).
 */
async function followUpDone(message: AiCallMessage, deps: RunAiCallDeps): Promise<void> {
  const { workspaceId, callId } = message;
  const record = await deps.calls.get(workspaceId, callId);
  if (record?.status !== 'completed' || record.score !== undefined || record.superseded || !record.run) return;
  if (record.request.agent !== 'contact-intelligence') return;
  const step = scoreStepOf(await scoreOf(workspaceId, callId, record.request.input.contactId, record, deps));
  if (step.score || step.superseded) {
    deps.log?.warn('AI call scored on a redelivery', { workspaceId, callId, ...step });
    await deps.calls.recordScore(workspaceId, callId, step, deps.now());
  }
}
