/**
 * What starts a campaign: the trigger node's `on`. `manual` (the default) enrols only through
 * the API; the domain-event kinds enrol the contact an event names; `schedule` launches the
 * trigger's audience on a cron in a time zone; `webhook` enrols the contact a signed-by-secret
 * call names. The event kinds are looked up through a per-workspace index keyed by
 * {@link triggerIndexKey}, which {@link eventTriggerKeys} computes from an event.
 */
import * as z from 'zod/mini';
import { CONTACT_CREATED_EVENT, INTERACTION_RECORDED_EVENT, TAG_ADDED_EVENT } from '../crm/contact-events';
import { contactFilterSchema } from '../crm/contacts/contact-filter';
import { storedTagForms, tagAsHeld, tagField } from '../crm/contacts/tag-field';
import { INTERACTION_TYPES, type InteractionType } from '../crm/model';
import { THRESHOLD_EVENT as SCORE_TIER_EVENT } from '../crm/scoring/score-interaction';
import { nextFireInZone, parseSchedule, ScheduleExpressionError } from '../schedule-expression';
import { isoInstant } from '../security/iso-instant';
import { timeZone } from '../zoned-time';

/** Domain events the campaign triggers consume (detail-type on the domain-events bus). */
export const TRIGGER_EVENT_TYPES = [
  CONTACT_CREATED_EVENT,
  TAG_ADDED_EVENT,
  INTERACTION_RECORDED_EVENT,
  SCORE_TIER_EVENT,
] as const;

const TIERS = ['hot', 'warm', 'lukewarm', 'cold'] as const;

/** An EventBridge-style cron, `cron(...)` or its six fields alone (minutes hours day-of-month month day-of-week year). */
const cronText = z
  .pipe(
    z.string().check(z.trim(), z.minLength(11), z.maxLength(200)),
    z.transform((text) => (text.startsWith('cron(') ? text : `cron(${text})`)),
  )
  .check(
    z.superRefine((text, ctx) => {
      const example = 'e.g. "0 9 ? * MON *": 09:00 every Monday';
      try {
        if (parseSchedule(text).kind !== 'cron')
          ctx.addIssue({ code: 'custom', message: `Not a six-field cron (${example})` });
      } catch (error) {
        // The parser's own words name the field and what is wrong with it (a range that runs backwards...).
        const why = error instanceof ScheduleExpressionError ? `: ${error.message}` : '';
        ctx.addIssue({ code: 'custom', message: `Not a six-field cron (${example})${why}` });
      }
    }),
  );

export const triggerOn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('manual') }),
  z.strictObject({ type: z.literal('contact-created') }),
  z.strictObject({
    type: z.literal('tag-added'),
    tag: tagField,
  }),
  /** The contact's score tier moved to `tier` (up or down). */
  z.strictObject({ type: z.literal('score-tier'), tier: z.enum(TIERS) }),
  z.strictObject({ type: z.literal('interaction'), interaction: z.enum(INTERACTION_TYPES) }),
  /** Launches `filter`'s audience (every live contact when absent) at each slot of `cron`, or once `at`. */
  z
    .strictObject({
      type: z.literal('schedule'),
      cron: z.optional(cronText),
      at: z.optional(isoInstant),
      /** IANA zone the cron reads; absent = the campaign's `rules.timeZone`. */
      timeZone: z.optional(timeZone),
      filter: z.optional(z.catchall(contactFilterSchema, z.never())),
    })
    .check(
      z.refine((s) => (s.cron === undefined) !== (s.at === undefined), 'A schedule has exactly one of "cron" or "at"'),
    ),
  /** `POST /api/hooks/campaigns/{id}/{token}` enrols the contact its body names. */
  z.strictObject({ type: z.literal('webhook') }),
]);
export type TriggerOn = z.infer<typeof triggerOn>;
export type TriggerKind = TriggerOn['type'];

const MANUAL: TriggerOn = { type: 'manual' };

/** The trigger of a journey (its trigger node's `on`), manual when it names none. */
export function triggerOf(journey: { nodes: readonly { kind: string; on?: TriggerOn }[] }): TriggerOn {
  return journey.nodes.find((n) => n.kind === 'trigger')?.on ?? MANUAL;
}

/** An entry of the per-workspace trigger index: the event kind and the value it must carry. */
export interface TriggerKey {
  readonly kind: 'contact-created' | 'tag-added' | 'score-tier' | 'interaction';
  readonly value: string;
}

/** The index key of an event-driven trigger; undefined for manual, schedule and webhook. */
export function triggerIndexKey(on: TriggerOn): TriggerKey | undefined {
  switch (on.type) {
    case 'contact-created':
      return { kind: on.type, value: '*' };
    case 'tag-added':
      // As a contact holds it: a journey saved before tags were NFC-normalised may hold it decomposed.
      return { kind: on.type, value: tagAsHeld(on.tag) };
    case 'score-tier':
      return { kind: on.type, value: on.tier };
    case 'interaction':
      return { kind: on.type, value: on.interaction };
    default:
      return undefined;
  }
}

/** A domain event as the trigger reads it (the EventBridge envelope's `detail-type` and `detail`). */
export interface TriggerEvent {
  readonly type: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * The index keys an event matches (the matcher): `contact.created` -> contact-created,
 * `contact.tag_added` {tag} -> tag-added, `contact.score_threshold_crossed` {toTier} ->
 * score-tier, `contact.interaction_recorded` {interactionType} -> interaction. Anything else,
 * or a detail without the value, matches nothing.
 */
export function eventTriggerKeys(event: TriggerEvent): TriggerKey[] {
  const d = event.detail;
  switch (event.type) {
    case CONTACT_CREATED_EVENT:
      return [{ kind: 'contact-created', value: '*' }];
    case TAG_ADDED_EVENT: {
      // The tag in any form and case (tag-field.ts): as tags are held now, and decomposed, as an
      // index entry written for a journey saved before tags were NFC-normalised holds it.
      const tag = text(d.tag);
      const forms = tag === undefined ? [] : storedTagForms(tag).filter((form) => form.length > 0);
      return forms.map((value) => ({ kind: 'tag-added', value }));
    }
    case SCORE_TIER_EVENT: {
      const tier = text(d.toTier);
      return tier ? [{ kind: 'score-tier', value: tier }] : [];
    }
    case INTERACTION_RECORDED_EVENT: {
      const type = text(d.interactionType);
      return type ? [{ kind: 'interaction', value: type }] : [];
    }
    default:
      return [];
  }
}

/** Whether a published trigger matches an event (the index's answer, checked again on the version). */
export function triggerMatches(on: TriggerOn, event: TriggerEvent): boolean {
  const key = triggerIndexKey(on);
  return !!key && eventTriggerKeys(event).some((k) => k.kind === key.kind && k.value === key.value);
}

/**
 * The next launch slot of a schedule trigger strictly after `after`, ISO-8601; undefined when
 * there is none (a one-off `at` in the past, a cron whose years have ended, another kind).
 * A cron saved before the parser refused its form (a range that runs backwards) has none either:
 * it never fired then, and a stored version must not fail every sync (a resume, an edit) now.
 */
export function nextScheduledRun(on: TriggerOn, campaignZone: string, after: Date): string | undefined {
  if (on.type !== 'schedule') return undefined;
  if (on.at) return new Date(on.at).getTime() > after.getTime() ? new Date(on.at).toISOString() : undefined;
  if (!on.cron) return undefined;
  const expression = on.cron.startsWith('cron(') ? on.cron : `cron(${on.cron})`;
  try {
    return nextFireInZone(parseSchedule(expression), after, on.timeZone ?? campaignZone)?.toISOString();
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return undefined;
    throw error;
  }
}

/**
 * Why a schedule trigger can never launch after `now`, in a sentence; undefined when it has a
 * next slot (or is not a schedule): a one-off `at` that is not in the future, or a cron none of
 * whose slots is still ahead (a day no month has, such as 31 February; years that are over).
 */
export function scheduleNeverFires(on: TriggerOn, campaignZone: string, now: Date): string | undefined {
  if (on.type !== 'schedule' || nextScheduledRun(on, campaignZone, now) !== undefined) return undefined;
  if (on.at) return `Its "at" (${on.at}) is not in the future: the schedule would never launch`;
  return `Its cron "${on.cron}" has no slot after now (a day its months do not have, such as 31 February, or years that are over): the schedule would never launch`;
}

/**
 * Interactions a campaign's own mail produces whoever reads it, or nobody: its send, its
 * delivery, a (soft) bounce, and opens and clicks, which mail privacy proxies and link scanners
 * make on every mail. A journey that mails and is triggered by one of these, with re-entry
 * `always`, would enrol the contact again on each of its own mails, without end. (A reply, an
 * unsubscribe or a complaint is the contact's own act; the last two also stop marketing mail.)
 */
export const MAIL_PRODUCED_INTERACTIONS: readonly InteractionType[] = [
  'email_sent',
  'email_delivered',
  'email_opened',
  'email_clicked',
  'email_bounced',
];
