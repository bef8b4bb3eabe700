/**
 * The typed error hierarchy. Each `AppError` carries an HTTP status and a stable `code`
 * that callers may rely on; `shared/http/error-response.ts` maps them in one place.
 * Anything that is not an `AppError` is a bug and becomes a generic 500.
 */
/** `ErrorOptions` (`cause`) plus public `details` of the 4xx body. */
export interface AppErrorOptions extends ErrorOptions {
  /** Extra public detail (e.g. per-field validation issues); never internal state. */
  readonly details?: unknown;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Short public label, e.g. "Bad Request"; the `error` field of the body. */
  abstract readonly label: string;
  /** Extra public detail (e.g. per-field validation issues); never internal state. */
  readonly details: unknown;

  constructor(message: string, options?: AppErrorOptions) {
    // Only a given cause is set, so `'cause' in error` stays false without one.
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  readonly status = 400;
  readonly label = 'Bad Request';
  constructor(
    message: string,
    readonly code = 'VALIDATION_FAILED',
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  readonly status = 401;
  readonly label = 'Unauthorized';
  constructor(
    message = 'Authentication is required',
    readonly code = 'UNAUTHENTICATED',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  readonly status = 403;
  readonly label = 'Forbidden';
  constructor(
    message = 'You are not allowed to do this',
    readonly code = 'FORBIDDEN',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  readonly status = 404;
  readonly label = 'Not Found';
  constructor(
    message = 'Not found',
    readonly code = 'NOT_FOUND',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class MethodNotAllowedError extends AppError {
  override name = 'MethodNotAllowedError';
  readonly status = 405;
  readonly label = 'Method Not Allowed';
  readonly code = 'METHOD_NOT_ALLOWED';
  constructor(
    readonly allowed: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Allowed methods: ${allowed.join(', ')}`, options);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  readonly status = 409;
  readonly label = 'Conflict';
  constructor(
    message: string,
    readonly code = 'CONFLICT',
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** 422: well-formed input that a rule refuses as a whole (e.g. copy failing the compliance lint). */
export class UnprocessableError extends AppError {
  override name = 'UnprocessableError';
  readonly status = 422;
  readonly label = 'Unprocessable Content';
  constructor(
    message: string,
    readonly code = 'UNPROCESSABLE',
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  readonly status = 413;
  readonly label = 'Payload Too Large';
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  readonly label = 'Unsupported Media Type';
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

export class TooManyRequestsError extends AppError {
  override name = 'TooManyRequestsError';
  readonly status = 429;
  readonly label = 'Too Many Requests';
  readonly code: string = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 429 `AI_BUDGET_EXCEEDED`: the workspace used its monthly AI budget; `details` has the numbers and the reset date. */
export class AiBudgetExceededError extends TooManyRequestsError {
  override name = 'AiBudgetExceededError';
  override readonly code = 'AI_BUDGET_EXCEEDED';
  constructor(message: string, retryAfterSeconds: number, options?: AppErrorOptions) {
    super(message, retryAfterSeconds, options);
  }
}

/**
 * 503: the service could not answer in time (the function's deadline passed), a store it needs
 * throttled it, the origin check could not read the values it compares with (Secrets Manager
 * unreachable at a cold start), or a change was saved but its domain events could not be sent
 * (`EVENTS_UNAVAILABLE`: the retry sends them). Not the caller's fault and not a bug in the
 * request: try again after `Retry-After`.
 */
export class ServiceUnavailableError extends AppError {
  override name = 'ServiceUnavailableError';
  readonly status = 503;
  readonly label = 'Service Unavailable';
  constructor(
    message: string,
    readonly code: 'TIMED_OUT' | 'STORE_THROTTLED' | 'ORIGIN_CHECK_UNAVAILABLE' | 'EVENTS_UNAVAILABLE',
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
