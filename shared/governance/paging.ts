/**
 * Paging as the use cases see it: listings take an opaque cursor from the caller, and a
 * store refuses one it did not hand out (or that names another partition) with
 * {@link InvalidCursorError}, a 400 wherever it is thrown: a bad cursor is never a 500.
 */
import { ValidationError } from '../errors';

/**
 * Thrown by a store for a cursor it cannot resume from: unreadable, or not one of this listing's.
 * It is the caller's error by type (400 `INVALID_CURSOR`), so no listing can forget to map it.
 */
export class InvalidCursorError extends ValidationError {
  override name = 'InvalidCursorError';
  constructor(options?: ErrorOptions) {
    super('The pagination cursor is not valid', 'INVALID_CURSOR', options);
  }
}
