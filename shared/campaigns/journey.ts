/**
 * A campaign's journey: a graph of nodes joined by `next` edges, as the API takes it and as a
 * published version freezes it. The shapes are zod schemas (the API parses with them); the
 * graph rules that need the whole journey (one trigger, reachability, cycles, splits) are in
 * journey-rules.ts, so a bad journey is refused naming the node at fault.
 */
import * as z from 'zod/mini';
import { customFieldKey } from '../crm/contacts/custom-field-key';
import { tagField } from '../crm/contacts/tag-field';
import { INTERACTION_TYPES } from '../crm/model';
import { singleLineText } from '../security/single-line-text';
import { AB_METRICS, MIN_PER_ARM } from './ab-test';
import { condition } from './conditions';
import { triggerOn } from './trigger';

/**
 * Names a plain object already answers to (`__proto__`, `constructor`, `toString`, ...) and
 * `prototype`: node and arm ids key objects (`{ ...arms, [node.id]: arm }`, `promotions[id]`),
 * where these would set the prototype or read a built-in instead of an entry.
 */
const RESERVED_IDS: ReadonlySet<string> = new Set([
  '__proto__',
  'prototype',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/** Node ids appear in keys (`enrolment#node#step`) and in the API: short, plain. */
export const nodeId = z.string().check(
  z.regex(/^[A-Za-z0-9_-]{1,40}$/, 'Node ids are 1-40 letters, digits, "_" or "-"'),
  z.refine((id) => !RESERVED_IDS.has(id), {
    error: (issue) => `Reserved name: "${String(issue.input)}" cannot be a node or arm id`,
  }),
);

/** Most a wait (or a goal's window) may last. */
export const MAX_WAIT_DAYS = 365;

export const duration = z
  .strictObject({
    days: z.optional(z.number().check(z.int(), z.gte(0), z.lte(MAX_WAIT_DAYS))),
    hours: z.optional(z.number().check(z.int(), z.gte(0), z.lte(24 * MAX_WAIT_DAYS))),
    minutes: z.optional(z.number().check(z.int(), z.gte(0), z.lte(24 * 60 * MAX_WAIT_DAYS))),
  })
  .check(z.refine((d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0, 'A duration must be longer than zero'));
export type Duration = z.infer<typeof duration>;

/** Milliseconds of a duration. */
export function durationMs(d: Duration): number {
  return (((d.days ?? 0) * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60_000;
}

/** ISO weekdays: 1 = Monday ... 7 = Sunday. */
export const weekday = z.number().check(z.int(), z.gte(1), z.lte(7));

const waitFor = z.discriminatedUnion('type', [
  /** A fixed time. */
  z.strictObject({ type: z.literal('duration'), duration }),
  /** The next time the contact's clock shows `hour:minute` on one of `weekdays` (all days when absent). */
  z.strictObject({
    type: z.literal('time-of-day'),
    hour: z.number().check(z.int(), z.gte(0), z.lte(23)),
    minute: z._default(z.number().check(z.int(), z.gte(0), z.lte(59)), 0),
    weekdays: z.optional(z.array(weekday).check(z.minLength(1), z.maxLength(7))),
  }),
  /** Until the contact has an interaction of `interaction` (then `next`), or `timeout` passes (then `timeoutNext`). */
  z.strictObject({ type: z.literal('event'), interaction: z.enum(INTERACTION_TYPES), timeout: duration }),
]);
export type WaitFor = z.infer<typeof waitFor>;

/**
 * Tag actions name a tag as a contact holds it (contact-fields.ts `tagField`: trimmed,
 * lower-cased, 1-50): a blank or over-long tag is refused when the journey is saved, at the
 * node's path (`journey.nodes.<i>.action.tag`), rather than written onto contacts at run time.
 * `set-field` names a custom field the same way (custom-field-key.ts `customFieldKey`: trimmed,
 * 1-64, not `__proto__`/`constructor`/`prototype`), refused at `journey.nodes.<i>.action.field`.
 */
const action = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('add-tag'), tag: tagField }),
  z.strictObject({ type: z.literal('remove-tag'), tag: tagField }),
  z.strictObject({
    type: z.literal('set-field'),
    field: customFieldKey,
    value: z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean()]),
  }),
  z.strictObject({ type: z.literal('adjust-score'), points: z.number().check(z.int(), z.gte(-100), z.lte(100)) }),
  /** POSTs the enrolment as JSON, signed with HMAC-SHA256 under the campaign's webhook secret. */
  z.strictObject({ type: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).check(z.maxLength(2000)) }),
  /** Emails a member of the workspace (transactional). */
  z.strictObject({
    type: z.literal('notify-user'),
    userId: z.string().check(z.minLength(1), z.maxLength(128)),
    message: z.string().check(z.maxLength(1000)),
  }),
]);
export type JourneyAction = z.infer<typeof action>;

/** A node's label is shown in editors and stats: one line, as campaign and template names are. */
const base = { id: nodeId, label: z.optional(singleLineText(200)) };

/**
 * An email node asking for AI-written copy (ai-copy.ts): the content-personalisation agent's
 * goal, tone and product. Drafts are written for the node's audience, never sent as drafts: a
 * person approves one (which writes it into the node's template), and publishing refuses a node
 * whose request has no approval.
 */
export const aiCopyRequest = z.strictObject({
  goal: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
  tone: z.optional(z.enum(['friendly', 'professional', 'casual', 'formal'])),
  product: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
});
export type AiCopyRequest = z.infer<typeof aiCopyRequest>;

/** Promote the winner of the node's A/B test (ab-test.ts) on its own, once it wins at 95%. */
const autoPromote = z.strictObject({
  metric: z._default(z.enum(AB_METRICS), 'converted'),
  /** Contacts every arm needs before the test may decide (at least 100). */
  after: z.optional(z.strictObject({ minPerArm: z.number().check(z.int(), z.gte(MIN_PER_ARM), z.lte(1_000_000)) })),
});

export const journeyNode = z.discriminatedUnion('kind', [
  /** `on`: what enrols contacts (trigger.ts); absent = manual (the API's enrol route only). */
  z.strictObject({ ...base, kind: z.literal('trigger'), on: z.optional(triggerOn), next: nodeId }),
  z.strictObject({
    ...base,
    kind: z.literal('email'),
    templateId: z.string().check(z.minLength(1), z.maxLength(128)),
    /** Pinned template version; absent = the latest version when the campaign is published. */
    version: z.optional(z.number().check(z.int(), z.gte(1))),
    /** Subject lines tried against each other (A/B by stable hash); absent = the template's. */
    subjectVariants: z.optional(
      z.array(z.string().check(z.minLength(1), z.maxLength(998))).check(z.minLength(2), z.maxLength(5)),
    ),
    /** With subject variants: promote the winning subject line automatically. */
    promote: z.optional(autoPromote),
    /** Ask the AI for this node's copy; it must be approved before a publish (ai-copy.ts). */
    aiCopy: z.optional(aiCopyRequest),
    next: nodeId,
  }),
  z.strictObject({ ...base, kind: z.literal('wait'), for: waitFor, next: nodeId, timeoutNext: z.optional(nodeId) }),
  z.strictObject({ ...base, kind: z.literal('condition'), if: condition, yes: nodeId, no: nodeId }),
  z.strictObject({
    ...base,
    kind: z.literal('split'),
    arms: z
      .array(z.strictObject({ id: nodeId, percent: z.number().check(z.int(), z.gte(0), z.lte(100)), next: nodeId }))
      .check(z.minLength(1), z.maxLength(10)),
    /** Share of contacts that leave here without any arm (a control group), counted as `holdout`. */
    holdoutPercent: z._default(z.number().check(z.int(), z.gte(0), z.lte(100)), 0),
    /** Promote the winning arm automatically (the holdout stays). */
    promote: z.optional(autoPromote),
  }),
  z.strictObject({ ...base, kind: z.literal('action'), action, next: nodeId }),
  /** Waits up to `within` for `if` to hold: met -> a conversion, then `next`; not met -> `timeoutNext` (or exit). */
  z.strictObject({
    ...base,
    kind: z.literal('goal'),
    if: condition,
    within: duration,
    next: nodeId,
    timeoutNext: z.optional(nodeId),
  }),
  z.strictObject({ ...base, kind: z.literal('exit') }),
]);
export type JourneyNode = z.infer<typeof journeyNode>;
export type NodeKind = JourneyNode['kind'];

export const journey = z.strictObject({
  nodes: z.array(journeyNode).check(z.minLength(2), z.maxLength(200)),
});
export type Journey = z.infer<typeof journey>;

/** Every node id a node leads to, in a stable order. */
export function edgesOf(node: JourneyNode): string[] {
  switch (node.kind) {
    case 'trigger':
    case 'email':
    case 'action':
      return [node.next];
    case 'wait':
    case 'goal':
      return node.timeoutNext ? [node.next, node.timeoutNext] : [node.next];
    case 'condition':
      return [node.yes, node.no];
    case 'split':
      return node.arms.map((a) => a.next);
    case 'exit':
      return [];
  }
}
