/**
 * A workspace's scoring rules as plain values, their zod schema (the edge parses PUT
 * bodies with it) and the defaults a workspace starts with.
 */
import * as z from 'zod/mini';
import { isStorableNumber, STORABLE_NUMBER_MESSAGE } from '../../security/storable-number';
import { RESERVED_FIELD_KEYS } from '../contacts/custom-field-key';
import { INTERACTION_TYPES } from '../model';

/** v1's temporal factor 100*e^(-0.05*days): the half-life of e^(-0.05*d) is ln2/0.05 days. */
export const V1_HALF_LIFE_DAYS = Math.LN2 / 0.05;
/** v1's temporal floor (5 on a 0..100 scale): decay never pulls engagement below it. */
export const V1_DECAY_FLOOR = 5;

/**
 * Group names and rule ids key the objects of a score state (`groups`, `counters`, `weights`):
 * `constructor` (which every object inherits, and which the DynamoDB document client cannot store
 * as an own key) and `prototype` are refused (400), as custom field keys are.
 */
const notReserved = z.refine<string>((name) => !RESERVED_FIELD_KEYS.has(name), 'reserved name');
const groupName = z.string().check(
  z.regex(/^[a-z][a-z0-9_]{0,31}$/, 'lower-case letters, digits and _ (max 32)'),
  z.refine((g) => g !== 'fit', 'fit is derived from the profile rules'),
  notReserved,
);
const ruleId = z.string().check(z.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case id (max 64)'), notReserved);
const points = z.number().check(z.int(), z.gte(-1000), z.lte(1000));
const cap = z.number().check(z.int(), z.gte(1), z.lte(100_000));

export const interactionRuleSchema = z.object({
  id: ruleId,
  type: z.enum(INTERACTION_TYPES),
  points,
  /** Most points (absolute value) this rule may award per UTC day of the interaction. */
  maxPerDay: z.optional(cap),
  /** Most points (absolute value) this rule may award to a contact, ever. */
  maxTotal: z.optional(cap),
  /** `false`: the rule scores once per contact (a second match scores 0). */
  repeatable: z.boolean(),
  /** `engagement` decays; other groups accumulate. */
  group: groupName,
  description: z.optional(z.string().check(z.trim(), z.maxLength(200))),
});
export type InteractionRule = z.infer<typeof interactionRuleSchema>;

const FIELD = /^(firstName|lastName|email|phone|company|jobTitle|status|tags|customFields\.[A-Za-z0-9_-]{1,64})$/;
const scalar = z.union([
  z.string().check(z.maxLength(200)),
  z.number().check(z.refine(isStorableNumber, { message: STORABLE_NUMBER_MESSAGE })),
  z.boolean(),
]);

export const profileRuleSchema = z
  .object({
    id: ruleId,
    field: z.string().check(z.regex(FIELD, 'a contact field or customFields.<name>')),
    operator: z.enum(['contains', 'equals', 'exists', 'in', 'gte', 'lte']),
    /** `contains` and `equals` take one value or a list (any matches); `in` a list; `gte`/`lte` a number. */
    value: z.optional(z.union([scalar, z.array(z.string().check(z.maxLength(200))).check(z.maxLength(50))])),
    points,
    group: z._default(z.literal('fit'), 'fit'),
    description: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  })
  .check(
    z.refine((r) => r.operator === 'exists' || r.value !== undefined, {
      message: 'value is required',
      path: ['value'],
    }),
    z.refine((r) => r.operator !== 'in' || Array.isArray(r.value), { message: 'in takes a list', path: ['value'] }),
    z.refine((r) => (r.operator !== 'gte' && r.operator !== 'lte') || typeof r.value === 'number', {
      message: 'gte/lte take a number',
      path: ['value'],
    }),
  );
export type ProfileRule = z.infer<typeof profileRuleSchema>;

const thresholds = z
  .object({
    hot: z.number().check(z.gte(0), z.lte(100)),
    warm: z.number().check(z.gte(0), z.lte(100)),
    lukewarm: z.number().check(z.gte(0), z.lte(100)),
  })
  .check(z.refine((t) => t.hot > t.warm && t.warm > t.lukewarm, 'thresholds must descend: hot > warm > lukewarm'));
export type TierThresholds = z.infer<typeof thresholds>;

export const scoringRulesSchema = z
  .object({
    interactionRules: z.array(interactionRuleSchema).check(z.maxLength(100)),
    profileRules: z.array(profileRuleSchema).check(z.maxLength(100)),
    /** Composite weight per group (engagement, fit and any declared group); normalised by their sum. */
    weights: z
      .record(z.union([groupName, z.literal('fit')]), z.number().check(z.gte(0), z.lte(1)))
      .check(
        z.refine(
          (w) => Object.keys(w).length <= 20 && Object.values(w).some((v) => v > 0),
          'at most 20 groups, at least one weight above 0',
        ),
      ),
    tiers: thresholds,
    /** Tiers of the v1 AI composite, used when the contact carries AI signals. */
    aiTiers: thresholds,
    decay: z.object({
      halfLifeDays: z.number().check(z.gte(0.5), z.lte(3650)),
      /** Engagement at or below this does not decay (so penalties never fade). */
      floor: z.number().check(z.gte(0), z.lte(100)),
    }),
  })
  .check(
    z.refine((r) => new Set(r.interactionRules.map((x) => x.id)).size === r.interactionRules.length, {
      message: 'interaction rule ids must be unique',
      path: ['interactionRules'],
    }), // One interaction writes one ledger item per matching rule, in one transaction (max 100 items).
    z.refine((r) => INTERACTION_TYPES.every((t) => r.interactionRules.filter((x) => x.type === t).length <= 10), {
      message: 'at most 10 rules per interaction type',
      path: ['interactionRules'],
    }),
    z.refine((r) => new Set(r.profileRules.map((x) => x.id)).size === r.profileRules.length, {
      message: 'profile rule ids must be unique',
      path: ['profileRules'],
    }),
  );
export type ScoringRules = z.infer<typeof scoringRulesSchema>;

/** The stored rules with their version (0 = the defaults, never saved). */
export interface VersionedRules {
  readonly version: number;
  readonly rules: ScoringRules;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
  /** The recompute job started by the last PUT. */
  readonly recomputeJobId?: string;
}

const SENIOR = [
  'ceo',
  'cto',
  'cfo',
  'coo',
  'cmo',
  'founder',
  'owner',
  'president',
  'vp',
  'vice president',
  'director',
  'head',
];

export const DEFAULT_SCORING_RULES: ScoringRules = {
  interactionRules: [
    { id: 'email-opened', type: 'email_opened', points: 5, maxPerDay: 15, repeatable: true, group: 'engagement' },
    { id: 'email-clicked', type: 'email_clicked', points: 10, maxPerDay: 50, repeatable: true, group: 'engagement' },
    { id: 'email-replied', type: 'email_replied', points: 20, repeatable: true, group: 'engagement' },
    { id: 'form-submit', type: 'form_submit', points: 15, repeatable: true, group: 'engagement' },
    { id: 'meeting', type: 'meeting', points: 25, repeatable: true, group: 'engagement' },
    { id: 'call', type: 'call', points: 10, repeatable: true, group: 'engagement' },
    {
      id: 'page-visit',
      type: 'page_visit',
      points: 2,
      maxPerDay: 10,
      maxTotal: 40,
      repeatable: true,
      group: 'engagement',
    },
    { id: 'email-bounced', type: 'email_bounced', points: -10, maxTotal: 30, repeatable: true, group: 'engagement' },
    { id: 'unsubscribed', type: 'unsubscribed', points: -50, repeatable: false, group: 'engagement' },
  ],
  profileRules: [
    { id: 'senior-title', field: 'jobTitle', operator: 'contains', value: SENIOR, points: 40, group: 'fit' },
    { id: 'manager-title', field: 'jobTitle', operator: 'contains', value: 'manager', points: 20, group: 'fit' },
    { id: 'has-company', field: 'company', operator: 'exists', points: 20, group: 'fit' },
    { id: 'company-size', field: 'customFields.companySize', operator: 'gte', value: 50, points: 20, group: 'fit' },
    { id: 'has-phone', field: 'phone', operator: 'exists', points: 10, group: 'fit' },
    { id: 'has-title', field: 'jobTitle', operator: 'exists', points: 10, group: 'fit' },
  ],
  // v1: engagement .35 + behavioural .15 + temporal .10 -> engagement (decay carries recency);
  // firmographic .25 + demographic .15 -> fit.
  weights: { engagement: 0.6, fit: 0.4 },
  tiers: { hot: 80, warm: 60, lukewarm: 40 },
  aiTiers: { hot: 70, warm: 60, lukewarm: 40 },
  decay: { halfLifeDays: V1_HALF_LIFE_DAYS, floor: V1_DECAY_FLOOR },
};
