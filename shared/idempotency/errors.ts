/** Refusals of idempotent requests, with stable codes (the IETF Idempotency-Key draft's statuses). */
import { AppError, ConflictError } from '../errors';

/** 422: the key was first used with another request (another body, contact or caller). */
export class IdempotencyKeyReusedError extends AppError {
  override name = 'IdempotencyKeyReusedError';
  readonly status = 422;
  readonly label = 'Unprocessable Content';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was already used for a different request; use a new key for a new request');
  }
}

/** 409: the first request with this key is still running; retry in a moment to get its answer. */
export class IdempotencyInProgressError extends ConflictError {
  override name = 'IdempotencyInProgressError';
  constructor() {
    super('A request with this Idempotency-Key is still in progress; retry shortly', 'IDEMPOTENCY_IN_PROGRESS');
  }
}
