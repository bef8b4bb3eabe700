/**
 * Building blocks of the declared success answers (`response` in `defineOperation`). They are
 * documentation and contract, never checked at run time: the e2e tests check real answers
 * against them through the typed client (test/support/api-client.ts). Objects are loose
 * (`z.looseObject`): a new field is not a breaking change, but every field named here must be
 * there with its type.
 */
import * as z from 'zod/mini';

/** An ISO 8601 instant as `Date.toISOString()` writes it. */
export const instant = z.iso.datetime();
export const id = z.string().check(z.minLength(1));
export const EXAMPLE_TIME = '2026-01-15T09:30:00.000Z';
export const EXAMPLE_WORKSPACE = 'LR9T7An3VR1XFGxzO7xAJg';
export const EXAMPLE_USER = '_3NUxW9yL0F0SWL5KwWwzA';

/** A cursor page: `nextCursor` is absent on the last page. */
export const page = <K extends string, T extends z.ZodMiniType>(key: K, item: T) =>
  z.object({ [key]: z.array(item), nextCursor: z.optional(z.string()) } as { [P in K]: z.ZodMiniArray<T> } & {
    nextCursor: z.ZodMiniOptional<z.ZodMiniString>;
  });
