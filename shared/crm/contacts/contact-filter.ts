/**
 * The contact filter of `GET /api/contacts/list` (and the export), also used to pick a campaign's
 * audience (a launch's `filter`, a schedule trigger's `filter`, the launch state machine's pages).
 * Every way in parses it here, so a filter that can select nobody by construction (a score range
 * that runs backwards) is a 400 naming its fields wherever it is given, never a query the store
 * cannot run.
 */
import * as z from 'zod/mini';
import { caseless } from '../fold-text';
import { CONTACT_STATUSES } from '../model';

/** A plain decimal: what a query string may carry for a number (`z.coerce` would read `''`, `null`, `true` as 0 or 1). */
const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;
const SCORE_MESSAGE = 'Expected a number from 0 to 100';

/** A score bound: a number, or a query string's decimal text; anything else (null, true, "") is refused. */
const score = z.pipe(
  z.union(
    [
      z.number().check(z.gte(0), z.lte(100)),
      z.pipe(z.string().check(z.regex(DECIMAL, SCORE_MESSAGE)), z.transform(Number)),
    ],
    {
      error: SCORE_MESSAGE,
    },
  ),
  z.number().check(z.gte(0, SCORE_MESSAGE), z.lte(100, SCORE_MESSAGE)),
);

export const contactFilterSchema = z
  .object({
    status: z.optional(z.enum(CONTACT_STATUSES)),
    /** As tag-field.ts writes tags (NFC, lower case); the store finds tags stored before that too. */
    tag: z.optional(z.string().check(z.trim(), z.overwrite(caseless), z.minLength(1), z.maxLength(50))),
    minScore: z.optional(score),
    maxScore: z.optional(score),
    tier: z.optional(z.enum(['hot', 'warm', 'lukewarm', 'cold'])),
    /** Matched by the store whatever its case and Unicode form (search.ts: a part of name, email or company). */
    q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  })
  .check(
    z.refine((f) => f.minScore === undefined || f.maxScore === undefined || f.minScore <= f.maxScore, {
      // Both fields named: either may be the one to change.
      message: 'minScore must not be above maxScore: the range would select no contact',
      path: ['minScore'],
    }),
  );
