/**
 * The AI failover chain: the configured providers in order (Anthropic, then OpenRouter), each
 * behind its circuit breaker and retried on its own, under one deadline for the whole call.
 *
 * Per provider: the breaker inside the retry (shared/resilience), so every failed attempt counts
 * toward opening it and an open breaker ends that provider's retries at once. Retryable kinds
 * (rate-limited, overloaded, server-error, timeout, network) are retried with capped, jittered
 * backoff, or after exactly the `retry-after` the provider asked for when it fits the cap and the
 * time left; spend-limit, auth, bad-request and invalid output are never retried. Whatever ends a
 * provider's turn (retries spent, a spend limit, an open breaker, a wrong key) hands the call to
 * the next one, and the answer records `fallback: {from, reason}`.
 *
 * Each provider's turn has its own share of the deadline: it ends when only what the providers
 * after it need for one full attempt each is left ({@link turnEnd}), so a provider that hangs
 * cannot eat the time of the one that would answer. An attempt cut by the end of its provider's
 * turn counts as a timeout against that provider's breaker (it had its time and did not answer);
 * an attempt cut by the call's own deadline or the caller's signal (the run's deadline, a
 * `TimeoutError` too) does not (nothing was left to give it: not the provider's fault).
 *
 * Answers that were billed and could not be used (a refusal, an empty answer, an error after the
 * 200: the provider's error says so in `billedUnused`) are summed over the call's attempts and
 * providers and reported with its outcome: the answer's `billedUnused`, or the error's, so the
 * budget counts them (shared/ai/budgets.ts).
 *
 * With a {@link AttemptMeter} in the request ({@link MeteredRequest}: shared/ai/budgets.ts
 * meteredProvider sets it), every attempt that reaches a provider is reserved against the
 * workspace's budget before it is sent and settled when it ends (its answer's usage, or its
 * error's `billedUnused`; nothing billed: the reservation is given back). A reservation refused
 * stops the call at once with the budget's error (no retry, no fallback: every provider's attempt
 * is reserved at the dearest price, so the next would be refused the same; a reservation whose
 * write fails stops it too, with that error); what earlier attempts were billed stays counted.
 *
 * When every provider failed: an {@link AiProviderError} of kind `unavailable` naming each
 * provider's failure (its `cause` an AggregateError of them, `retryAfterMs` the earliest time one
 * may answer again, `retryLater` false when none of the failures can pass by itself, with the
 * first provider's kind as `firstKind`), or, only with `offlineFallback`, the offline answer
 * flagged `offline` with the fallback recorded. Never a canned text posing as a model's answer.
 */
import type { BreakerRegistry } from '../resilience/breaker-registry';
import { classifyError, type ErrorClassification } from '../resilience/classify-error';
import { type Clock, systemClock } from '../resilience/clock';
import { CircuitOpenError, RetryExhaustedError } from '../resilience/errors';
import { retryWith } from '../resilience/retry-loop';
import {
  type AiAnswer,
  type AiProvider,
  AiProviderError,
  type AiProviderName,
  type AiRequest,
  type AiSpend,
  addSpend,
  billedUnusedOf,
  isDeadline,
} from './ports';
import { offlineProvider } from './providers/offline';

/** The chain's timings; every one can be shortened for tests. */
export interface ChainTimings {
  /** The whole call, every provider, retry and wait included; default 45 s (queued calls). */
  readonly deadlineMs: number;
  /** One attempt at one provider; default 14 s. */
  readonly attemptTimeoutMs: number;
  /** Retries per provider after its first attempt; default 1. */
  readonly retries: number;
  /** Backoff before the first retry (full jitter, doubling); default 500 ms. */
  readonly retryBaseMs: number;
  /** Ceiling of the backoff; default 4 s. */
  readonly retryCapMs: number;
  /**
   * The longest `retry-after` honoured at a provider; default 10 s. A provider asking for longer
   * (or for more than the time left) is not waited for: the next provider takes the call.
   */
  readonly maxRetryAfterMs: number;
}

/**
 * The queued calls' timings. They fit the deadline: the first provider's whole turn (every attempt
 * timing out, every backoff at its ceiling: 14 + 0.5 + 14 s) leaves a full attempt (14 s) for the
 * fallback within the 45 s (test/unit/ai/chain-turn-budget.test.ts checks it). Waits a provider
 * asks for (`retry-after`) are bounded by the turns at run time.
 */
export const CHAIN_DEFAULTS: ChainTimings = {
  deadlineMs: 45_000,
  attemptTimeoutMs: 14_000,
  retries: 1,
  retryBaseMs: 500,
  retryCapMs: 4_000,
  maxRetryAfterMs: 10_000,
};

/**
 * The longest a provider's turn can take with `t`: every attempt timing out and every backoff at
 * its ceiling (a `retry-after` wait is bounded by the turn at run time instead).
 */
export function worstTurnMs(t: ChainTimings): number {
  let backoff = 0;
  for (let retry = 1; retry <= t.retries; retry++) backoff += Math.min(t.retryCapMs, t.retryBaseMs * 2 ** (retry - 1));
  return (t.retries + 1) * t.attemptTimeoutMs + backoff;
}

/**
 * When the turn of a provider that starts at `now` ends: when the time left is what the `later`
 * providers need for one full attempt each, but never before this provider had one full attempt
 * itself, nor after the call's deadline. (When the deadline cannot give every provider a full
 * attempt, the earlier ones keep theirs: a slow answer from the preferred model beats none.)
 */
export function turnEnd(now: number, deadlineAt: number, later: number, attemptTimeoutMs: number): number {
  return Math.min(deadlineAt, Math.max(deadlineAt - later * attemptTimeoutMs, now + attemptTimeoutMs));
}

/** What the chain did, for logs and metrics (never the request's text or a key). */
export type ChainEvent =
  | {
      readonly type: 'retry';
      readonly provider: AiProviderName;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'fallback'; readonly from: AiProviderName; readonly reason: string };

/**
 * Meters the attempts of one call against a budget (shared/ai/budgets.ts meteredProvider). The
 * chain calls {@link reserve} before each attempt it sends and exactly one of {@link answered} or
 * {@link failed} after it; it does not wait for the settlements (their writes never turn an answer
 * into a timeout), which therefore never reject (a write that keeps failing is the meter's to
 * report): the meter's owner waits for them when the call ends.
 */
export interface AttemptMeter {
  /** Reserves an attempt's worst case. @throws the budget's error (AiBudgetExceededError) when it does not fit. */
  reserve(): Promise<void>;
  /** The attempt answered: settles what its answer used. */
  answered(answer: AiAnswer): Promise<void>;
  /** The attempt failed: settles what it was billed for (`billedUnused`), else gives the reservation back. */
  failed(billedUnused: AiSpend | undefined): Promise<void>;
}

/** A request whose attempts are metered: a chain reserves and settles each through `meter`; other providers ignore it. */
export interface MeteredRequest extends AiRequest {
  readonly meter?: AttemptMeter;
}

/**
 * An attempt's reservation refused (or its write failed): carried through the retry loop and the
 * turn unchanged, never retried, never a fallback; the chain throws its cause.
 */
class ReservationFailed extends Error {
  override name = 'ReservationFailed';
}

export interface ProviderChainOptions extends Partial<ChainTimings> {
  /** In order of preference; the offline provider is never among them. */
  readonly providers: readonly AiProvider[];
  /** One breaker per provider name, shared by every chain of the process (and its store). */
  readonly breakers: BreakerRegistry;
  /**
   * When every provider failed, answer with the offline provider (flagged `offline`, with the
   * fallback recorded) instead of throwing `unavailable`. For interactive previews, where a
   * person reads "offline" at once; never for queued calls, whose retry later gives a real answer.
   */
  readonly offlineFallback?: boolean;
  readonly clock?: Clock;
  readonly onEvent?: (event: ChainEvent) => void;
}

/** One provider's failure, as the chain reports it. */
interface Failure {
  readonly provider: AiProviderName;
  readonly error: AiProviderError;
  /** Short and stable: the kind, and how many attempts it took. */
  readonly reason: string;
}

/**
 * Builds the chain. With no provider configured it is the offline provider itself: every answer
 * says it is offline, and no fallback is recorded (there was nothing to fall back from).
 */
export function providerChain(options: ProviderChainOptions): AiProvider {
  const t: ChainTimings = { ...CHAIN_DEFAULTS, ...definedTimings(options) };
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => {});
  if (options.providers.length === 0) return offlineProvider;
  /** Less time than this left: no retry, and no later provider, is started. */
  const minAttemptMs = Math.min(t.attemptTimeoutMs, 1000);

  /** One provider's turn, until `endsAt`: its attempts and the waits between them. */
  const turn = async (
    provider: AiProvider,
    request: AiRequest,
    meter: AttemptMeter | undefined,
    signal: AbortSignal,
    endsAt: number,
    deadlineAt: number,
    onBilled: (spend: AiSpend) => void,
  ) => {
    const breaker = options.breakers.get(provider.name);
    const ms = endsAt - clock.now();
    // A turn that ends before the call's deadline aborts with a `TimeoutError`: the breaker counts an
    // attempt it cuts as a timeout of the provider (which had its time), unlike the call's deadline
    // (an `AbortError`), which alone ends the last turn.
    const budget =
      endsAt < deadlineAt
        ? timer(clock, ms, () => new DOMException(`${provider.name}'s turn of ${ms} ms ended`, 'TimeoutError'))
        : undefined;
    const turnSignal = budget ? AbortSignal.any([signal, budget.signal]) : signal;
    let attempts = 0;
    try {
      return await retryWith(
        (n, attemptSignal) => {
          attempts = n;
          const attempt = () =>
            provider.answer({ ...request, signal: attemptSignal }).catch((error: unknown) => {
              // A billed answer that could not be used: the call's outcome carries it to the budget.
              const billed = billedUnusedOf(error);
              if (billed) onBilled(billed);
              throw error;
            });
          // An attempt cut by `signal` (the caller's signal or the call's deadline) is not counted
          // by the breaker, whatever the reason: only this attempt's timeout and the turn's end are.
          const send = () => breaker.execute(attempt, { signal: attemptSignal, callerSignal: signal });
          return meter ? meteredAttempt(meter, send, attemptSignal) : send();
        },
        classify,
        {
          retries: t.retries,
          baseMs: t.retryBaseMs,
          capMs: t.retryCapMs,
          maxRetryAfterMs: t.maxRetryAfterMs,
          attemptTimeoutMs: t.attemptTimeoutMs,
          clock,
          signal: turnSignal,
          // A wait the turn cannot afford (the longest backoff, or the `retry-after` asked for) is
          // not worth starting: the next provider may answer now.
          isRetryable: (error, c) => {
            if (error instanceof ReservationFailed) return false;
            const wait = c.retryAfterMs ?? Math.min(t.retryCapMs, t.retryBaseMs * 2 ** (attempts - 1));
            return c.retryable && wait < endsAt - clock.now() - minAttemptMs;
          },
          onRetry: (info) =>
            emit({
              type: 'retry',
              provider: provider.name,
              attempt: info.attempt,
              delayMs: info.delayMs,
              reason: kindOf(info.error),
            }),
        },
      );
    } catch (error) {
      if (error instanceof ReservationFailed) throw error;
      const turnOver = budget?.signal.aborted === true && !signal.aborted;
      throw failureOf(provider.name, error, Math.max(attempts, 1), signal, turnOver, clock.now());
    } finally {
      budget?.clear();
    }
  };

  return {
    name: options.providers[0]?.name ?? 'offline',
    async answer(metered: MeteredRequest) {
      const { meter, ...request } = metered;
      const deadlineAt = clock.now() + t.deadlineMs;
      const deadline = timer(
        clock,
        t.deadlineMs,
        () => new DOMException(`The AI call's deadline of ${t.deadlineMs} ms passed`, 'AbortError'),
      );
      const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
      const failures: Failure[] = [];
      /** Billed answers of this call that could not be used (every provider, every attempt). */
      let billed: AiSpend | undefined;
      const onBilled = (spend: AiSpend) => {
        billed = addSpend(billed, spend);
      };
      try {
        for (const [index, provider] of options.providers.entries()) {
          if (request.signal?.aborted) throw callerStopped(request.signal.reason, provider.name, billed);
          if (signal.aborted) break;
          // Too little time left for a useful attempt: not worth a request the deadline would cut.
          if (index > 0 && deadlineAt - clock.now() < minAttemptMs) break;
          const later = options.providers.length - 1 - index;
          const endsAt = turnEnd(clock.now(), deadlineAt, later, t.attemptTimeoutMs);
          try {
            const answer = await turn(provider, request, meter, signal, endsAt, deadlineAt, onBilled);
            return withBilled(withFallback(answer, failures), billed);
          } catch (error) {
            // No attempt could be reserved: no provider may be asked (the billed ones stay counted).
            if (error instanceof ReservationFailed) throw error.cause;
            // The caller's signal ended the call (not our deadline): stop here, no fallback.
            if (request.signal?.aborted) throw callerStopped(request.signal.reason, provider.name, billed);
            const failure = error as Failure;
            failures.push(failure);
            emit({ type: 'fallback', from: failure.provider, reason: failure.reason });
          }
        }
      } finally {
        deadline.clear();
      }
      if (options.offlineFallback) {
        return withBilled(withFallback(await offlineProvider.answer(request), failures), billed);
      }
      throw unavailable(failures, t.deadlineMs, billed);
    },
  };
}

/**
 * One attempt under `meter`: reserved before it is sent (refused: {@link ReservationFailed}, nothing
 * sent), settled when it ends, whether the retry loop still waits for it or not (an attempt cut by
 * its timeout settles when its provider call gives up).
 */
async function meteredAttempt(
  meter: AttemptMeter,
  send: () => Promise<AiAnswer>,
  signal: AbortSignal,
): Promise<AiAnswer> {
  try {
    await meter.reserve();
  } catch (error) {
    throw new ReservationFailed('The attempt could not be reserved', { cause: error });
  }
  let answer: AiAnswer;
  try {
    // Cut while the reservation was being written: nothing is sent.
    signal.throwIfAborted();
    answer = await send();
  } catch (error) {
    void meter.failed(billedUnusedOf(error));
    throw error;
  }
  void meter.answered(answer);
  return answer;
}

/**
 * What the chain throws when the caller's signal ended the call. The caller's own deadline (a
 * `TimeoutError`, as `AbortSignal.timeout` aborts) is a provider outcome like ours: an
 * {@link AiProviderError} of kind `timeout`, which callers turn into a result that keeps what
 * was already answered. Anything else is a real cancellation (the caller no longer wants an
 * answer): its reason is thrown as it is.
 */
function callerStopped(reason: unknown, provider: AiProviderName, billed: AiSpend | undefined): unknown {
  if (!isDeadline(reason)) return reason;
  return new AiProviderError(`${provider}: the caller's deadline passed before an answer`, 'timeout', provider, {
    cause: reason,
    ...(billed ? { billedUnused: billed } : {}),
  });
}

/** Kinds that say the provider is unusable right now, for everyone: they count toward opening its breaker. */
const BREAKER_KINDS = new Set([
  'rate-limited',
  'overloaded',
  'server-error',
  'timeout',
  'network',
  'spend-limit',
  'auth',
]);

/**
 * The breakers' `countsAsFailure` for AI providers: transient faults, and a spend limit or a
 * rejected key (every call would fail the same way until someone acts, so skipping the provider
 * for `openMs` saves a wasted round trip per call). A bad request or an unparseable answer is
 * about one call, not the provider, and does not count.
 */
export function countsAgainstAiProvider(error: unknown): boolean {
  if (error instanceof AiProviderError) return BREAKER_KINDS.has(error.kind);
  return classifyError(error).retryable;
}

/** Retry decisions read the kind of our own errors; anything else (a per-attempt timeout) as the kit does. */
function classify(error: unknown): ErrorClassification {
  if (error instanceof AiProviderError) {
    const { retryAfterMs } = error.options;
    return { retryable: error.retryable, kind: 'http', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return classifyError(error);
}

function kindOf(error: unknown): string {
  if (error instanceof AiProviderError) return error.kind;
  if (error instanceof CircuitOpenError) return 'circuit-open';
  return classifyError(error).kind;
}

/** What ended a provider's turn, as an {@link AiProviderError} with a short reason. */
function failureOf(
  provider: AiProviderName,
  error: unknown,
  attempts: number,
  signal: AbortSignal,
  turnOver: boolean,
  now: number,
): Failure {
  const last = error instanceof RetryExhaustedError ? error.cause : error;
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (last instanceof AiProviderError) {
    const waited = error instanceof RetryExhaustedError && error.retryAfterMs !== undefined;
    const why = waited ? `, asked to wait ${error.retryAfterMs} ms` : '';
    return { provider, error: last, reason: `${last.kind} (${tries}${why})` };
  }
  if (last instanceof CircuitOpenError) {
    const aiError = new AiProviderError(last.message, 'unavailable', provider, {
      cause: last,
      retryAfterMs: Math.max(0, last.retryAt - now),
    });
    return { provider, error: aiError, reason: 'circuit open' };
  }
  if (signal.aborted) {
    const aiError = new AiProviderError(`${provider}: the call's deadline passed`, 'timeout', provider, {
      cause: last,
    });
    return { provider, error: aiError, reason: `deadline passed (${tries})` };
  }
  if (turnOver) {
    const aiError = new AiProviderError(`${provider}: no answer within its turn`, 'timeout', provider, {
      cause: last,
    });
    return { provider, error: aiError, reason: `timeout (${tries}, turn over)` };
  }
  const transport = classifyError(last);
  const kind = transport.kind === 'timeout' ? 'timeout' : transport.kind === 'network' ? 'network' : 'server-error';
  const message = last instanceof Error ? last.message : String(last);
  return {
    provider,
    error: new AiProviderError(`${provider}: ${message}`, kind, provider, { cause: last }),
    reason: `${kind} (${tries})`,
  };
}

function withFallback(answer: AiAnswer, failures: readonly Failure[]): AiAnswer {
  const first = failures[0];
  if (!first) return answer;
  // `from` is the preferred provider that failed; the reason names every failure before this answer.
  return { ...answer, fallback: { from: first.provider, reason: failures.map(describe).join('; ') } };
}

/** `answer` with the call's billed, unusable answers before it. */
const withBilled = (answer: AiAnswer, billed: AiSpend | undefined): AiAnswer =>
  billed ? { ...answer, billedUnused: billed } : answer;

const describe = (f: Failure) => `${f.provider}: ${f.reason}`;

function unavailable(failures: readonly Failure[], deadlineMs: number, billed: AiSpend | undefined): AiProviderError {
  const waits = failures.flatMap((f) =>
    f.error.options.retryAfterMs === undefined ? [] : [f.error.options.retryAfterMs],
  );
  const summary = failures.length ? failures.map(describe).join('; ') : `no provider was tried in ${deadlineMs} ms`;
  const first = failures[0];
  // Any failure that may pass by itself (a retryable kind, an open breaker, the deadline) makes the
  // call worth asking again later; none (spend limits, rejected keys, bad requests): it fails as it is.
  const retryLater = !first || failures.some((f) => f.error.retryLater);
  return new AiProviderError(`No AI provider answered: ${summary}`, 'unavailable', first?.provider ?? 'offline', {
    cause: new AggregateError(
      failures.map((f) => f.error),
      summary,
    ),
    ...(waits.length ? { retryAfterMs: Math.min(...waits) } : {}),
    retryLater,
    ...(first ? { firstKind: first.error.kind } : {}),
    ...(billed ? { billedUnused: billed } : {}),
  });
}

/**
 * A signal on the chain's clock that aborts after `ms` with `reason()`. The call's deadline aborts
 * with an `AbortError` (running out of the call's time is not the provider's fault, so the breaker
 * does not count it); a provider's turn ends with a `TimeoutError` (the provider had its share of
 * the time, as with a per-attempt timeout, which the breaker counts).
 */
function timer(clock: Clock, ms: number, reason: () => unknown): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const stop = new AbortController();
  clock.sleep(Math.max(0, ms), stop.signal).then(
    () => controller.abort(reason()),
    () => {
      // Cleared: the call (or the turn) ended first.
    },
  );
  return { signal: controller.signal, clear: () => stop.abort() };
}

function definedTimings(options: Partial<ChainTimings>): Partial<ChainTimings> {
  return Object.fromEntries(
    (Object.keys(CHAIN_DEFAULTS) as Array<keyof ChainTimings>).flatMap((key) =>
      options[key] === undefined ? [] : [[key, options[key]]],
    ),
  );
}
