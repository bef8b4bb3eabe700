/**
 * The contact filter of `GET /api/contacts/list` (and the export), also used to pick a campaign's
 * audience (a launch's `filter`, a schedule trigger's `filter`, the launch state machine's pages).
 * Every way in parses it here, so a filter that can select nobody by construction (a score range
 * that runs backwards) is a 400 naming its fields wherever it is given, never a query the store
 * cannot run.
 */
import * as z from 'zod';
import { CONTACT_STATUSES } from '../model';

/** A plain decimal: what a query string may carry for a number (`z.coerce` would read `''`, `null`, `true` as 0 or 1). */
const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;
const SCORE_MESSAGE = 'Expected a number from 0 to 100';

/** A score bound: a number, or a query string's decimal text; anything else (null, true, "") is refused. */
const score = z
  .union([z.number().min(0).max(100), z.string().regex(DECIMAL, SCORE_MESSAGE).transform(Number)], {
    error: SCORE_MESSAGE,
  })
  .pipe(z.number().min(0, SCORE_MESSAGE).max(100, SCORE_MESSAGE));

export const contactFilterSchema = z
  .object({
    status: z.enum(CONTACT_STATUSES).optional(),
    tag: z.string().trim().toLowerCase().min(1).max(50).optional(),
    minScore: score.optional(),
    maxScore: score.optional(),
    tier: z.enum(['hot', 'warm', 'lukewarm', 'cold']).optional(),
    /** Matched case-insensitively by the store (a substring of name, email or company). */
    q: z.string().trim().min(1).max(100).optional(),
  })
  .refine((f) => f.minScore === undefined || f.maxScore === undefined || f.minScore <= f.maxScore, {
    // Both fields named: either may be the one to change.
    message: 'minScore must not be above maxScore: the range would select no contact',
    path: ['minScore'],
  });
