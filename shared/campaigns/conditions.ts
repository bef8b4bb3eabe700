/**
 * Conditions of `condition` and `goal` nodes, and how they are judged against a contact.
 * Judging is pure: the step runner gathers the subject (the contact, its recent timeline, this
 * journey's email activity) and asks `holds`.
 */
import * as z from 'zod/mini';
import { holdsTag, tagField } from '../crm/contacts/tag-field';
import { fieldNumber } from '../crm/field-number';
import { INTERACTION_TYPES, type InteractionType } from '../crm/model';
import { isSuspectedAutomation } from '../crm/scoring/automation';
import { own } from '../security/own';

const fieldValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean()]);
const ref = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,40}$/));

/** Most conditions nested in one (`all`/`any`/`not`), so judging stays cheap and bounded. */
export const MAX_CONDITION_DEPTH = 4;

const leaf = z.discriminatedUnion('type', [
  /** A contact field (`email`, `company`, `status`, ... or a custom field by name). */
  z.strictObject({
    type: z.literal('field'),
    field: z.string().check(z.minLength(1), z.maxLength(64)),
    op: z.enum(['equals', 'not-equals', 'contains', 'exists', 'missing', 'greater-than', 'less-than']),
    value: z.optional(fieldValue),
  }),
  z.strictObject({
    type: z.literal('tag'),
    /** As a contact holds it (contact-fields.ts): a tag no contact can hold is refused. */
    tag: tagField,
    has: z._default(z.boolean(), true),
  }),
  /** The composite score at least `min` and/or at most `max`, or in one of `tiers`. */
  z.strictObject({
    type: z.literal('score'),
    min: z.optional(z.number().check(z.gte(0), z.lte(100))),
    max: z.optional(z.number().check(z.gte(0), z.lte(100))),
    tiers: z.optional(z.array(z.enum(['hot', 'warm', 'lukewarm', 'cold'])).check(z.minLength(1))),
  }),
  /** At least `atLeast` interactions of `interaction` in the last `withinDays` days. */
  z.strictObject({
    type: z.literal('interaction'),
    interaction: z.enum(INTERACTION_TYPES),
    withinDays: z.number().check(z.int(), z.gte(1), z.lte(365)),
    atLeast: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 1),
  }),
  /** Whether the contact opened / clicked the email this journey sent at node `node`. */
  z.strictObject({ type: z.literal('email-activity'), node: ref, activity: z.enum(['opened', 'clicked']) }),
]);
export type LeafCondition = z.infer<typeof leaf>;

export type Condition =
  | LeafCondition
  | { readonly type: 'all'; readonly of: readonly Condition[] }
  | { readonly type: 'any'; readonly of: readonly Condition[] }
  | { readonly type: 'not'; readonly of: Condition };

export const condition: z.ZodMiniType<Condition> = z.lazy(() =>
  z.union([
    leaf,
    z.strictObject({ type: z.literal('all'), of: z.array(condition).check(z.minLength(1), z.maxLength(20)) }),
    z.strictObject({ type: z.literal('any'), of: z.array(condition).check(z.minLength(1), z.maxLength(20)) }),
    z.strictObject({ type: z.literal('not'), of: condition }),
  ]),
) as z.ZodMiniType<Condition>;

/** How deep `c` nests (a leaf is 1). */
export function conditionDepth(c: Condition): number {
  if (c.type === 'all' || c.type === 'any') return 1 + Math.max(...c.of.map(conditionDepth));
  if (c.type === 'not') return 1 + conditionDepth(c.of);
  return 1;
}

/** The leaf conditions of `c`, in order. */
export function leavesOf(c: Condition): LeafCondition[] {
  if (c.type === 'all' || c.type === 'any') return c.of.flatMap(leavesOf);
  if (c.type === 'not') return leavesOf(c.of);
  return [c];
}

/** The email-activity nodes a condition refers to (they must be email nodes of the journey). */
export function activityNodesOf(c: Condition): string[] {
  return leavesOf(c).flatMap((leaf) => (leaf.type === 'email-activity' ? [leaf.node] : []));
}

/** The field conditions' operators that compare the field with the condition's `value`. */
export const VALUE_OPS: ReadonlySet<string> = new Set([
  'equals',
  'not-equals',
  'contains',
  'greater-than',
  'less-than',
]);

/** An interaction as conditions read it. */
export interface SubjectInteraction {
  readonly type: InteractionType;
  readonly occurredAt: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** What a condition is judged against. */
export interface ConditionSubject {
  readonly contact: {
    readonly fields: Readonly<Record<string, unknown>>;
    readonly tags: readonly string[];
    readonly score: number;
    readonly tier: string;
  };
  /**
   * Recent interactions that answer conditions (the step runner reads as far back as the longest
   * `withinDays`, and leaves out what {@link answersConditions} refuses: the one place bots are
   * dropped), with their metadata when known (the send an open or click was of: see
   * {@link emailActivityOf}). Every judgement reads these: `interaction` conditions, email
   * activity, goals, the campaign goal and waits for an event (windows.ts).
   */
  readonly interactions: readonly SubjectInteraction[];
  /** This enrolment's email activity by email node id. */
  readonly emailActivity: Readonly<Record<string, { readonly opened: boolean; readonly clicked: boolean }>>;
  readonly now: Date;
}

const DAY_MS = 86_400_000;

/**
 * The interactions that make an `email-activity` condition hold: a click is an open too (a reader
 * with images off clicks without loading the pixel). The one definition both the judging
 * ({@link emailActivityOf}) and the waking on events (wake-on-event.ts `mayAffect`) read.
 */
export const EMAIL_ACTIVITY_INTERACTIONS: Readonly<
  Record<Extract<LeafCondition, { type: 'email-activity' }>['activity'], readonly InteractionType[]>
> = {
  opened: ['email_opened', 'email_clicked'],
  clicked: ['email_clicked'],
};

/**
 * Whether an interaction may answer a condition, a goal or a wait for an event: opens and clicks
 * flagged as a bot or a privacy proxy (`metadata.suspectedBot`, shared/crm/scoring/automation.ts)
 * stay on the timeline for the record but answer nothing. The step runner builds the subject of
 * every judgement from the interactions this lets through (run-step.ts), so no judging function
 * filters again, nor can one forget to.
 */
export const answersConditions = (interaction: SubjectInteraction): boolean => !isSuspectedAutomation(interaction);

/**
 * An enrolment's email activity per email node (`emails`: node id -> send id), from the opens and
 * clicks of each send on `interactions`: the subject's, which answer conditions (bots left out).
 */
export function emailActivityOf(
  emails: Readonly<Record<string, string>>,
  interactions: readonly SubjectInteraction[],
): Record<string, { opened: boolean; clicked: boolean }> {
  const activity: Record<string, { opened: boolean; clicked: boolean }> = {};
  for (const [nodeId, sendId] of Object.entries(emails)) {
    const bySend = interactions.filter((i) => i.metadata?.sendId === sendId);
    activity[nodeId] = {
      opened: bySend.some((i) => EMAIL_ACTIVITY_INTERACTIONS.opened.includes(i.type)),
      clicked: bySend.some((i) => EMAIL_ACTIVITY_INTERACTIONS.clicked.includes(i.type)),
    };
  }
  return activity;
}

/** Whether `c` holds for `subject`. */
export function holds(c: Condition, subject: ConditionSubject): boolean {
  switch (c.type) {
    case 'all':
      return c.of.every((x) => holds(x, subject));
    case 'any':
      return c.of.some((x) => holds(x, subject));
    case 'not':
      return !holds(c.of, subject);
    case 'field':
      // The contact's own field only: a name a plain object inherits (`valueOf`, `constructor`...)
      // is a field the contact does not hold, never the built-in.
      return fieldHolds(c, own(subject.contact.fields, c.field));
    case 'tag': {
      const has = holdsTag(subject.contact.tags, c.tag);
      return has === c.has;
    }
    case 'score': {
      const { score, tier } = subject.contact;
      return (
        (c.min === undefined || score >= c.min) &&
        (c.max === undefined || score <= c.max) &&
        (c.tiers === undefined || c.tiers.includes(tier as (typeof c.tiers)[number]))
      );
    }
    case 'interaction': {
      const since = subject.now.getTime() - c.withinDays * DAY_MS;
      const count = subject.interactions.filter(
        (i) => i.type === c.interaction && Date.parse(i.occurredAt) >= since,
      ).length;
      return count >= c.atLeast;
    }
    case 'email-activity':
      return own(subject.emailActivity, c.node)?.[c.activity] ?? false;
  }
}

function fieldHolds(c: Extract<LeafCondition, { type: 'field' }>, actual: unknown): boolean {
  const present = actual !== undefined && actual !== null && actual !== '';
  switch (c.op) {
    case 'exists':
      return present;
    case 'missing':
      return !present;
    case 'equals':
      return present && normalise(actual) === normalise(c.value);
    case 'not-equals':
      return !present || normalise(actual) !== normalise(c.value);
    case 'contains':
      return (
        present &&
        String(actual)
          .toLowerCase()
          .includes(String(c.value ?? '').toLowerCase())
      );
    case 'greater-than':
    case 'less-than': {
      // A number, or text spelling one: never a boolean or blank text (field-number.ts).
      const a = fieldNumber(actual);
      const b = fieldNumber(c.value);
      if (a === undefined || b === undefined) return false;
      return c.op === 'greater-than' ? a > b : a < b;
    }
  }
}

/** Text compares case-insensitively ("Acme" equals "acme"); numbers and booleans as themselves. */
const normalise = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toLowerCase() : v);
