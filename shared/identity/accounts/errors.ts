/** Errors of the account use cases with stable codes (mapped to HTTP in shared/http/error-response). */
import { AppError, UnauthorizedError, ValidationError } from '../../errors';

/**
 * 429 for a throttled or locked log-in. Not a `TooManyRequestsError` because that one's code
 * is fixed to `RATE_LIMITED`; the identity function adds the `Retry-After` header itself.
 */
export class LoginRefusedError extends AppError {
  override name = 'LoginRefusedError';
  readonly status = 429;
  readonly label = 'Too Many Requests';
  constructor(
    readonly code: 'LOGIN_THROTTLED' | 'ACCOUNT_LOCKED',
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(
      code === 'ACCOUNT_LOCKED'
        ? `Too many failed log-ins: the account is locked; retry after ${retryAfterSeconds} s`
        : `Too many failed log-ins; retry after ${retryAfterSeconds} s`,
      options,
    );
  }
}

/** The same answer for an unknown email and a wrong password, so neither reveals the other. */
export const invalidCredentials = () => new UnauthorizedError('The email or password is wrong', 'INVALID_CREDENTIALS');

/** Unknown, expired and already used tokens look alike. */
export const tokenInvalid = () =>
  new ValidationError('The link is invalid, has expired or was already used', 'TOKEN_INVALID');
