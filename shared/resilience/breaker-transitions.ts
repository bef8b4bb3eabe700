/**
 * The circuit breaker's rules as pure functions from one snapshot to the next, kept apart
 * from storage and time so each rule reads on its own.
 */
import type { BreakerSnapshot } from './breaker-store';

export interface BreakerConfig {
  /** Counted failures within `windowMs` that open the breaker; default 5. */
  readonly failureThreshold: number;
  /** The rolling window failures are counted in; default 5 minutes. */
  readonly windowMs: number;
  /** How long the breaker stays open before letting a trial through; default 60 s. */
  readonly openMs: number;
  /** Consecutive successful trials that close a half-open breaker; default 2. */
  readonly successThreshold: number;
  /**
   * After this long a trial that never reported back (its Lambda instance died) is
   * presumed lost and another may start; default 2 minutes, longer than a normal
   * provider call, short enough that a crash can't pin the breaker half-open.
   */
  readonly trialLeaseMs: number;
}

export const CLOSED: BreakerSnapshot = { state: 'closed', failures: [], trialSuccesses: 0, lastTrialId: 0 };

/** Which way a call was let through: as a normal call, or as the half-open trial `id`. */
export type Ticket = { readonly kind: 'closed' } | { readonly kind: 'trial'; readonly id: number };

export type Admission = { readonly ticket: Ticket } | { readonly rejectedUntil: number };

export interface Decision<R> {
  readonly result: R;
  /** Absent when nothing changes, so the store isn't written. */
  readonly next?: BreakerSnapshot;
}

/** Lets a call through, claims the single trial slot, or rejects. */
export function admit(s: BreakerSnapshot, now: number, config: BreakerConfig): Decision<Admission> {
  if (s.state === 'closed') return { result: { ticket: { kind: 'closed' } } };
  if (s.state === 'open') {
    const retryAt = (s.openedAt ?? now) + config.openMs;
    if (now < retryAt) return { result: { rejectedUntil: retryAt } };
    return claimTrial({ ...s, state: 'half-open' }, now);
  }
  const trialBusy = s.trialStartedAt !== undefined && now < s.trialStartedAt + config.trialLeaseMs;
  if (trialBusy) return { result: { rejectedUntil: now } };
  return claimTrial(s, now);
}

function claimTrial(s: BreakerSnapshot, now: number): Decision<Admission> {
  const id = s.lastTrialId + 1;
  return { result: { ticket: { kind: 'trial', id } }, next: { ...s, lastTrialId: id, trialStartedAt: now } };
}

export function recordSuccess(s: BreakerSnapshot, ticket: Ticket, config: BreakerConfig): Decision<void> {
  if (!isCurrentTrial(s, ticket)) return { result: undefined };
  const trialSuccesses = s.trialSuccesses + 1;
  if (trialSuccesses >= config.successThreshold)
    return { result: undefined, next: { ...CLOSED, lastTrialId: s.lastTrialId } };
  return { result: undefined, next: withoutTrial({ ...s, trialSuccesses }) };
}

/**
 * A counted failure opens a half-open breaker again, or adds to the closed window. An
 * uncounted one (the caller's fault, or the caller gave up) only frees the trial slot:
 * it says nothing about the provider's health either way.
 */
export function recordFailure(
  s: BreakerSnapshot,
  ticket: Ticket,
  counts: boolean,
  now: number,
  config: BreakerConfig,
): Decision<void> {
  if (ticket.kind === 'trial') {
    if (!isCurrentTrial(s, ticket)) return { result: undefined };
    return { result: undefined, next: counts ? opened(s, now) : withoutTrial(s) };
  }
  // A call admitted while closed that fails after the breaker opened adds nothing new.
  if (!counts || s.state !== 'closed') return { result: undefined };
  const failures = [...s.failures.filter((at) => at > now - config.windowMs), now].slice(-config.failureThreshold);
  if (failures.length >= config.failureThreshold) return { result: undefined, next: opened(s, now) };
  return { result: undefined, next: { ...s, failures } };
}

function isCurrentTrial(s: BreakerSnapshot, ticket: Ticket): boolean {
  return (
    ticket.kind === 'trial' && s.state === 'half-open' && s.trialStartedAt !== undefined && s.lastTrialId === ticket.id
  );
}

function opened(s: BreakerSnapshot, now: number): BreakerSnapshot {
  return { state: 'open', failures: [], openedAt: now, trialSuccesses: 0, lastTrialId: s.lastTrialId };
}

function withoutTrial(s: BreakerSnapshot): BreakerSnapshot {
  const { trialStartedAt: _, ...rest } = s;
  return rest;
}
