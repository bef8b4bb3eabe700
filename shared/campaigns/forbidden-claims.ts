/**
 * The setting of phrases generated or approved copy may not contain (copy-lint.ts reads it), apart
 * from the lint: the settings registry (shared/governance/known-settings.ts) checks its value on PUT
 * without bundling the template code the lint runs on.
 */
import * as z from 'zod/mini';

/** The workspace setting: a JSON list of phrases generated or approved copy may not contain. */
export const FORBIDDEN_CLAIMS_SETTING = 'campaigns.forbidden_claims';

/** The setting's value; anything else counts as unset (as the AI budget settings do). */
export const forbiddenClaimsValue = z
  .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))
  .check(z.maxLength(200));
