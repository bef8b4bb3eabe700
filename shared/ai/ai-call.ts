/**
 * Queued AI calls: `POST /api/ai/calls` stores a call record (queued) and puts `{workspaceId,
 * callId}` on the ai-calls queue; the worker (run-ai-call.ts) claims the record, runs the agent
 * once and stores the outcome on it; `GET /api/ai/calls/{id}` reads it. A client key makes the
 * request idempotent (shared/idempotency): the same key gives the same call, queued once.
 */
import * as z from 'zod/mini';
import type { ScoreUpdate } from '../crm/ports';
import { NotFoundError } from '../errors';
import type { Caller } from '../governance/ports';
import { fingerprintOf, idempotencyKeyOf, type RunOnceDeps, runOnce } from '../idempotency/run-once';
import { type AgentDataDeps, type AgentRequest, agentRequestOptions, assertRequestable } from './agents';
import type { AgentResult, AgentRun, OutputIssue } from './agents/agent';
import { assertWithinBudget, type BudgetDeps } from './budgets';
import type { AiAgent, AiFailureKind } from './ports';

/** The queue message: the record holds the input, so the message stays small and is never the source of truth. */
export const aiCallMessage = z.object({
  workspaceId: z.string().check(z.minLength(1), z.maxLength(128)),
  callId: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type AiCallMessage = z.infer<typeof aiCallMessage>;

export const AI_CALL_STATUSES = ['queued', 'running', 'completed', 'failed', 'offline'] as const;
export type AiCallStatus = (typeof AI_CALL_STATUSES)[number];

/** Why a call failed: a provider's failure kind, or a refusal before any model was asked. */
/** `internal`: the run failed for a reason that is not the providers' (a bug, a store down or refusing the item). */
export type AiCallFailureKind = AiFailureKind | 'budget-exceeded' | 'contact-not-found' | 'internal';

export interface AiCallFailure {
  readonly kind: AiCallFailureKind;
  readonly reason: string;
  readonly issues?: readonly OutputIssue[];
  readonly details?: unknown;
  /**
   * The failure of the call's last delivery, which the worker failed: the message is in the ai-calls
   * DLQ, and a redrive of it runs the call again (the claim takes a dead-lettered call).
   */
  readonly deadLettered?: boolean;
}

export interface AiCallRecord {
  readonly workspaceId: string;
  readonly callId: string;
  readonly agent: AiAgent;
  readonly request: AgentRequest;
  readonly status: AiCallStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** Claims taken (1 for a call that ran once). */
  readonly attempts: number;
  readonly startedAt?: string;
  readonly completedAt?: string;
  /** The run's provider, model, usage and timing (absent when it never reached a model). */
  readonly run?: AgentRun;
  /** The validated output of a `completed` call. */
  readonly output?: unknown;
  readonly failure?: AiCallFailure;
  /** What a completed contact-intelligence call did to the contact's score. */
  readonly score?: ScoreUpdate;
  /** A contact-intelligence call: when it read the contact and its timeline (ISO), what its answer is based on. */
  readonly basedOn?: string;
  /** A completed contact-intelligence call not applied: the contact carries an assessment of newer data. */
  readonly superseded?: AiCallSuperseded;
  /** The last retryable failure, while the call waits for its redelivery. */
  readonly lastError?: string;
}

/** How a run ended, as stored on the record. */
export interface AiCallOutcome {
  readonly status: 'completed' | 'failed' | 'offline';
  readonly run?: AgentRun;
  readonly output?: unknown;
  readonly failure?: AiCallFailure;
  /** A contact-intelligence call's score change (shared/ai/record-contact-intelligence.ts). */
  readonly score?: ScoreUpdate;
  readonly basedOn?: string;
  readonly superseded?: AiCallSuperseded;
}

/** Why a completed contact-intelligence call changed nothing: `by` is the `basedOn` of the newer assessment the contact carries. */
export interface AiCallSuperseded {
  readonly by: string;
}

export type AiCallClaim =
  | { readonly outcome: 'claimed'; readonly record: AiCallRecord }
  /** The call has its outcome already: a redelivery costs nothing. */
  | { readonly outcome: 'done' }
  /** Another delivery holds an unexpired claim. */
  | { readonly outcome: 'busy' }
  | { readonly outcome: 'missing' };

/** Call records; adapter shared/adapters/dynamo-ai-results.ts. Every transition is one conditional write. */
export interface AiCallStore {
  /** Stores a new queued call; false (nothing written) when the call exists already. */
  create(record: AiCallRecord): Promise<boolean>;
  get(workspaceId: string, callId: string): Promise<AiCallRecord | undefined>;
  /**
   * Takes the call to run it: a queued call, a running one whose lease lapsed (its run crashed), or
   * a failed one whose failure is `deadLettered` (its message redriven from the DLQ; the failure
   * is removed, a kept answer stays).
   */
  claim(workspaceId: string, callId: string, claimId: string, now: Date, leaseUntil: Date): Promise<AiCallClaim>;
  /**
   * Stores a completed run's outcome (`run`, `output`, `basedOn`) on the call while `claimId` holds
   * it, the status staying `running`: a delivery that takes the lapsed claim later finds the answer
   * and asks no model. False (nothing written) when that claim was lost.
   */
  keepAnswer(workspaceId: string, callId: string, claimId: string, outcome: AiCallOutcome, now: Date): Promise<boolean>;
  /**
   * Records the score step of a completed call stored without it (its `score` or `superseded`);
   * false (nothing written) when the call is not completed or has one already.
   */
  recordScore(
    workspaceId: string,
    callId: string,
    step: Pick<AiCallOutcome, 'score' | 'superseded'>,
    now: Date,
  ): Promise<boolean>;
  /** Stores the outcome of the run holding `claimId`; false (nothing written) when that claim was lost. */
  finish(workspaceId: string, callId: string, claimId: string, outcome: AiCallOutcome, now: Date): Promise<boolean>;
  /** Gives a claim back after a failure a redelivery may retry (the call is queued again). */
  release(workspaceId: string, callId: string, claimId: string, reason: string, now: Date): Promise<void>;
  /**
   * Removes a call whose queue message could not be sent, only while it is queued and was never
   * claimed; false (nothing removed) when a delivery claimed it (the message reached the queue
   * after all) or it is gone.
   */
  discard(workspaceId: string, callId: string): Promise<boolean>;
}

export interface AiCallQueue {
  send(message: AiCallMessage): Promise<void>;
}

/** The outcome of an agent run, as the record stores it. */
export function outcomeOf(result: AgentResult<unknown>): AiCallOutcome {
  const { status, ...rest } = result;
  const { provider, model, inputTokens, outputTokens, costUsd, latencyMs, offline, fallback, attempts } = rest;
  const run: AgentRun = {
    provider,
    model,
    inputTokens,
    outputTokens,
    costUsd,
    latencyMs,
    offline,
    attempts,
    ...(fallback ? { fallback } : {}),
  };
  if (result.status === 'completed') return { status: 'completed', run, output: result.output };
  if (result.status === 'offline') return { status: 'offline', run };
  const { kind, reason, issues } = result;
  return { status: 'failed', run, failure: { kind, reason, ...(issues ? { issues } : {}) } };
}

// ── the request ──────────────────────────────────────────────────────────────────────────

/** The operation client keys belong to. */
export const QUEUE_AI_CALL_OPERATION = 'ai.calls.create';

const clientKey = {
  /** The client's idempotency key (or the `Idempotency-Key` header): the same key, the same call. */
  clientKey: z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'Expected 1-128 visible ASCII characters'))),
};
const [emailIntent, personalisation, intelligence] = agentRequestOptions;
export const queueAiCallBody = z.discriminatedUnion('agent', [
  z.extend(emailIntent, clientKey),
  z.extend(personalisation, clientKey),
  z.extend(intelligence, clientKey),
]);
export type QueueAiCallBody = z.infer<typeof queueAiCallBody>;

export interface QueueAiCallDeps extends RunOnceDeps, BudgetDeps, AgentDataDeps {
  readonly calls: Pick<AiCallStore, 'create' | 'discard'>;
  readonly queue: AiCallQueue;
}

export interface QueuedAiCall {
  readonly callId: string;
  readonly status: 'queued';
  readonly createdAt: string;
  /** True when this is the answer of an earlier request with the same key. */
  readonly replayed: boolean;
}

/**
 * Queues a call: the budget is checked and a named contact must exist, then the record is
 * stored and the message sent; a message that cannot be sent takes the record away with it
 * (unless a delivery claimed it), so no call waits `queued` for a message that never comes. With a key, a retry answers the first request's call id and
 * queues nothing (a re-run after a failure reuses the first attempt's id: the record's
 * conditional create and the worker's claim make a second message harmless).
 * @throws AiBudgetExceededError (429), ContactNotFoundError (404), IdempotencyKeyReusedError (422),
 * IdempotencyInProgressError (409), ValidationError `INVALID_IDEMPOTENCY_KEY` (400).
 */
export async function queueAiCall(
  caller: Pick<Caller, 'workspaceId' | 'userId'>,
  body: QueueAiCallBody,
  idempotencyKeyHeader: string | undefined,
  deps: QueueAiCallDeps,
): Promise<QueuedAiCall> {
  const { clientKey: bodyKey, ...request } = body;
  const { workspaceId, userId } = caller;
  const queue = async (plan: { callId: string; createdAt: string }) => {
    await assertWithinBudget(workspaceId, deps);
    await assertRequestable(workspaceId, request, deps);
    await deps.calls.create({
      workspaceId,
      callId: plan.callId,
      agent: request.agent,
      request,
      status: 'queued',
      createdAt: plan.createdAt,
      createdBy: userId,
      updatedAt: plan.createdAt,
      attempts: 0,
    });
    try {
      await deps.queue.send({ workspaceId, callId: plan.callId });
    } catch (error) {
      // No message, so nothing would ever run the call: it must not wait `queued` for good (the
      // client is told it failed). Removed unless a delivery claimed it (the message reached the
      // queue after all); a retry with the key creates it again under the same id.
      await deps.calls.discard(workspaceId, plan.callId).catch((discardError: unknown) =>
        deps.log?.error('AI call left queued: not removed', {
          workspaceId,
          callId: plan.callId,
          error: discardError,
        }),
      );
      throw error;
    }
    return { callId: plan.callId, status: 'queued' as const, createdAt: plan.createdAt };
  };
  const plan = { callId: deps.newId(), createdAt: deps.now().toISOString() };
  const key = idempotencyKeyOf(idempotencyKeyHeader) ?? bodyKey;
  if (key === undefined) return { ...(await queue(plan)), replayed: false };
  const { result, replayed } = await runOnce(
    deps,
    { workspaceId, operation: QUEUE_AI_CALL_OPERATION, key },
    { fingerprint: fingerprintOf({ request, userId }), plan },
    queue,
  );
  return { ...result, replayed };
}

/** Links of a call, for the 202 and the record. */
export const aiCallLinks = (callId: string) => ({ self: `/api/ai/calls/${encodeURIComponent(callId)}` });

/**
 * What a client is told of each failure kind. The stored reason (a provider's error text, an
 * internal exception's message) stays on the record and in the logs: it may name internals, and
 * a provider's answer is not ours to pass on.
 */
const FAILURE_MESSAGES: Readonly<Record<AiCallFailureKind, string>> = {
  'rate-limited': 'The AI provider is limiting the rate of requests.',
  overloaded: 'The AI provider is overloaded.',
  'server-error': 'The AI provider answered with an error.',
  timeout: 'No answer came in time.',
  network: 'The AI provider could not be reached.',
  'spend-limit': "The AI provider account's spend or credit limit is reached.",
  auth: "The AI provider refused this service's credentials.",
  'bad-request': 'The AI provider refused the request.',
  'invalid-output': "The model's answer did not match the expected format, after one repair attempt.",
  unavailable: 'No AI provider answered.',
  'budget-exceeded': "The workspace's monthly AI budget does not cover this call (see details).",
  'contact-not-found': 'The contact does not exist.',
  internal: 'The call failed for an internal reason.',
};

const isFailureKind = (kind: string): kind is AiCallFailureKind => Object.hasOwn(FAILURE_MESSAGES, kind);

/**
 * A failure as clients see it: its kind and a fixed message for the kind; the output's schema
 * issues of an `invalid-output` (about the model's answer), a budget refusal's figures and
 * `deadLettered` (the call may still run, after an operator's redrive) stay.
 */
export function failureView(failure: AiCallFailure) {
  const { kind, issues, details, deadLettered } = failure;
  return {
    kind,
    reason: FAILURE_MESSAGES[kind] ?? FAILURE_MESSAGES.internal,
    ...(issues ? { issues } : {}),
    ...(kind === 'budget-exceeded' && details !== undefined ? { details } : {}),
    ...(deadLettered ? { deadLettered } : {}),
  };
}

/** The last retryable failure as clients see it (`<kind>: <fixed message>`); stored as `<kind>: <detail>`. */
function lastErrorView(lastError: string): string {
  const prefix = lastError.slice(0, Math.max(0, lastError.indexOf(':')));
  const kind = isFailureKind(prefix) ? prefix : 'internal';
  return `${kind}: ${FAILURE_MESSAGES[kind]} The call will be tried again.`;
}

/** A call as `GET /api/ai/calls/{id}` shows it. */
export function aiCallView(record: AiCallRecord) {
  const { workspaceId: _ws, request, run, failure, lastError, ...rest } = record;
  return {
    ...rest,
    ...(failure ? { failure: failureView(failure) } : {}),
    ...(lastError !== undefined ? { lastError: lastErrorView(lastError) } : {}),
    input: request.input,
    ...(run
      ? {
          provider: run.provider,
          model: run.model,
          tokensIn: run.inputTokens,
          tokensOut: run.outputTokens,
          costUsd: run.costUsd,
          latencyMs: run.latencyMs,
          offline: run.offline,
          fallback: run.fallback ?? null,
          modelCalls: run.attempts,
        }
      : {}),
    links: aiCallLinks(record.callId),
  };
}

/**
 * A call of the workspace. The key includes the workspace, so another workspace's id is simply
 * not found.
 * @throws NotFoundError `AI_CALL_NOT_FOUND`.
 */
export async function getAiCall(
  workspaceId: string,
  callId: string,
  calls: Pick<AiCallStore, 'get'>,
): Promise<AiCallRecord> {
  const record = await calls.get(workspaceId, callId);
  if (!record) throw new NotFoundError('No such AI call', 'AI_CALL_NOT_FOUND');
  return record;
}
