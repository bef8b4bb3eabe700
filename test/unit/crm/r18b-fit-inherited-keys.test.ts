/**
 * Review 18b — MEDIUM. A profile rule on a custom field whose name is also a property every object
 * inherits (`customFields.toString`, `customFields.constructor`, `customFields.valueOf`,
 * `customFields.hasOwnProperty`...) matches contacts that do not hold that field: `exists` is true
 * for every contact, and `contains "function"` too. So a rule "has a `toString` field: +40 fit"
 * (the contacts API accepts `toString` as a custom field key) gives every contact of the workspace
 * +40 fit, and the recompute writes it into every score (tiers and threshold events follow).
 * Root cause: shared/crm/scoring/fit.ts:fieldValue reads `contact.customFields?.[name]` with a
 * plain property read, which walks the prototype chain; shared/crm/scoring/rules.ts FIELD accepts
 * such names.
 * Correct: read the contact's own fields only (Object.hasOwn), so a field the contact does not
 * hold never matches.
 */
import { describe, expect, it } from 'vitest';
import { evaluateFit } from '../../../shared/crm/scoring/fit';
import { profileRuleSchema } from '../../../shared/crm/scoring/rules';

const contact = { email: 'ada@example.com', status: 'lead' as const, tags: [], customFields: {} };

describe('review 18b: a profile rule on an inherited property name', () => {
  it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty'])(
    'customFields.%s exists: does not match a contact without that field',
    (name) => {
      const rule = profileRuleSchema.parse({
        id: 'has-field',
        field: `customFields.${name}`,
        operator: 'exists',
        points: 40,
      });
      expect(evaluateFit(contact, [rule]).fit).toBe(0);
    },
  );
});
