/**
 * Paging as the use cases see it: listings take an opaque cursor from the caller, and a
 * store refuses one it did not hand out (or that names another partition) with
 * {@link InvalidCursorError}. A bad cursor is the caller's error, a 400, never a 500.
 */
import { ValidationError } from '../errors';

/** Thrown by a store for a cursor it cannot resume from: unreadable, or not one of this listing's. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor(options?: ErrorOptions) {
    super('The pagination cursor is not valid', options);
  }
}

/** Runs a listing; a bad cursor is the caller's error (400 `INVALID_CURSOR`), not a 500. */
export async function withCursorErrors<T>(list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new ValidationError(error.message, 'INVALID_CURSOR', { cause: error });
    throw error;
  }
}
