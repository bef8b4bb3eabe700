/** Fit: the profile rules evaluated against a contact's fields. */

import { own } from '../../security/own';
import { fieldNumber } from '../field-number';
import type { Contact } from '../model';
import type { ProfileRule } from './rules';

export interface FitMatch {
  readonly ruleId: string;
  readonly points: number;
}

type Profile = Pick<Contact, 'email' | 'status' | 'tags' | 'customFields'> &
  Partial<Pick<Contact, 'firstName' | 'lastName' | 'phone' | 'company' | 'jobTitle'>>;

/** The contact's own value of `field` (a custom field the contact does not hold is absent, whatever its name). */
function fieldValue(contact: Profile, field: string): unknown {
  if (field.startsWith('customFields.')) return own(contact.customFields, field.slice('customFields.'.length));
  return own(contact as unknown as Record<string, unknown>, field);
}

const lower = (v: unknown): string => String(v).toLowerCase();
const present = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/**
 * Whether one rule matches; text comparisons are case-insensitive, tags match element-wise; `equals`
 * and `in` match any value of their list; `gte`/`lte` only a field holding a number (field-number.ts).
 */
export function profileRuleMatches(contact: Profile, rule: ProfileRule): boolean {
  const value = fieldValue(contact, rule.field);
  if (rule.operator === 'exists') return present(value);
  if (!present(value)) return false;
  const values = Array.isArray(value) ? value.map(lower) : [lower(value)];
  const wanted = Array.isArray(rule.value) ? rule.value.map(lower) : [lower(rule.value)];
  switch (rule.operator) {
    case 'contains':
      return values.some((v) => wanted.some((w) => v.includes(w)));
    // `equals` with a list means any of it, as `in` does.
    case 'equals':
    case 'in':
      return values.some((v) => wanted.includes(v));
    case 'gte':
    case 'lte': {
      // A number, or text spelling one: never a boolean, blank text or a list (field-number.ts).
      const n = fieldNumber(value);
      if (n === undefined || typeof rule.value !== 'number') return false;
      return rule.operator === 'gte' ? n >= rule.value : n <= rule.value;
    }
  }
}

/** The fit group: the sum of matching profile rules' points, with the matches that explain it. */
export function evaluateFit(contact: Profile, rules: readonly ProfileRule[]): { fit: number; matches: FitMatch[] } {
  const matches = rules.filter((r) => profileRuleMatches(contact, r)).map((r) => ({ ruleId: r.id, points: r.points }));
  return { fit: matches.reduce((s, m) => s + m.points, 0), matches };
}
