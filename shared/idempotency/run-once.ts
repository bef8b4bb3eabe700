/**
 * Idempotency as one layer: a client's key makes a retried request a no-op that answers
 * what the first attempt answered. {@link runOnce} claims the key with a conditional write
 * before anything runs, stores the result after, and replays it to every retry; another
 * request under the same key is refused (422), a retry while the first attempt still runs
 * gets 409. The first attempt's ids and times (its "plan") are stored with the claim, so a
 * run that crashed or failed is re-run with the same values, which is what lets the
 * operation's own idempotent steps (conditional puts, per-id claims) recognise what was
 * already done. Why not Powertools idempotency: docs/ARCHITECTURE.md.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { logger } from '../observability/logger';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from './errors';
import type { IdempotencyRecord, IdempotencyScope, IdempotencyStore } from './ports';

/** The header a client sends its key in (names are lower-cased by the edge). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** 1 to 128 visible ASCII characters: a UUID, a ULID or any opaque token of the client's. */
const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * A client's key as sent, or undefined when none was. The IETF draft's quoted form
 * (`"8e03978e"`) and the bare one name the same key.
 * @throws ValidationError `INVALID_IDEMPOTENCY_KEY` (400) for an empty, longer or non-printable key.
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  const key = /^"[^"\\]*"$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError('The Idempotency-Key header is not a valid key', 'INVALID_IDEMPOTENCY_KEY', {
      details: [{ in: 'header', path: IDEMPOTENCY_KEY_HEADER, message: 'Expected 1-128 visible ASCII characters' }],
    });
  }
  return key;
}

/** SHA-256 of a request's canonical JSON: the same values in any key order give the same fingerprint. */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface RunOnceDeps {
  readonly idempotency: IdempotencyStore;
  readonly now: () => Date;
  readonly newId: () => string;
}

export interface RunOnceOptions {
  /** How long one attempt may hold the key: longer than the function's timeout. */
  readonly leaseMs: number;
  /** How long the key is remembered; after that it names a new request. */
  readonly ttlMs: number;
}

/**
 * The defaults: a lease past any HTTP function's timeout (29 s at most, under API Gateway's 30 s),
 * so a crashed attempt holds its key for seconds, not hours; and a day of memory, as Stripe keeps keys.
 */
export const DEFAULT_RUN_ONCE: RunOnceOptions = { leaseMs: 35_000, ttlMs: 24 * 3600_000 };

/**
 * Runs `run` once per key: the first call claims the key and runs with `request.plan`; a
 * later call with the same fingerprint gets the stored result (`replayed: true`), or, when
 * the first attempt failed or its lease lapsed, runs again with the first attempt's plan.
 * `run`'s result must survive JSON.
 * @throws IdempotencyKeyReusedError (422) when the key was used with another fingerprint,
 * IdempotencyInProgressError (409) while another attempt holds the key, or what `run` throws.
 */
export async function runOnce<P, R>(
  deps: RunOnceDeps,
  scope: IdempotencyScope,
  request: { readonly fingerprint: string; readonly plan: P },
  run: (plan: P) => Promise<R>,
  options: RunOnceOptions = DEFAULT_RUN_ONCE,
): Promise<{ result: R; replayed: boolean }> {
  const leaseId = deps.newId();
  const leaseUntil = () => deps.now().getTime() + options.leaseMs;
  const existing = await deps.idempotency.claim(scope, {
    fingerprint: request.fingerprint,
    plan: JSON.stringify(request.plan),
    leaseId,
    leaseUntil: leaseUntil(),
    expiresAt: new Date(deps.now().getTime() + options.ttlMs),
  });
  if (!existing) return { result: await runHolding(deps, scope, leaseId, request.plan, run), replayed: false };

  if (existing.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
  if (existing.status === 'completed') return { result: JSON.parse(existing.result ?? 'null') as R, replayed: true };
  if (!lapsed(existing, deps.now())) throw new IdempotencyInProgressError();
  if (!(await deps.idempotency.takeOver(scope, existing.leaseId, leaseId, leaseUntil()))) {
    throw new IdempotencyInProgressError();
  }
  return { result: await runHolding(deps, scope, leaseId, JSON.parse(existing.plan) as P, run), replayed: false };
}

const lapsed = (record: IdempotencyRecord, now: Date) => (record.leaseUntil ?? 0) <= now.getTime();

async function runHolding<P, R>(
  deps: RunOnceDeps,
  scope: IdempotencyScope,
  leaseId: string,
  plan: P,
  run: (plan: P) => Promise<R>,
): Promise<R> {
  let result: R;
  try {
    result = await run(plan);
  } catch (error) {
    // The plan stays: a retry re-runs with the same values. Failing to release only delays
    // that retry until the lease lapses, so the run's own error is what the caller sees.
    await deps.idempotency.release(scope, leaseId).catch((releaseError: unknown) =>
      logger.warn('Could not release an idempotency key; it frees itself when its lease lapses', {
        error: releaseError as Error,
        operation: scope.operation,
      }),
    );
    throw error;
  }
  // A lost lease means another attempt took over with the same plan and stores its own answer.
  await deps.idempotency.complete(scope, leaseId, JSON.stringify(result));
  return result;
}
