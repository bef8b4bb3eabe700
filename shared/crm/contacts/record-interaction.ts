/**
 * The one way an interaction enters a contact's timeline: the contacts API, campaigns,
 * Gmail sync and tracking all call {@link recordInteraction}, so every interaction is
 * validated, stored, dated on the contact and scored the same way.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../../errors';
import type { AuditInWrite } from '../../identity/ports';
import { isoInstant } from '../../security/iso-instant';
import { findUnstorableNumber, STORABLE_NUMBER_MESSAGE } from '../../security/storable-number';
import { INTERACTION_RECORDED_EVENT, publishAll } from '../contact-events';
import { INTERACTION_TYPES, type Interaction } from '../model';
import type { DomainEventPublisher, InteractionScorer, ScoreUpdate } from '../ports';
import { isSuspectedAutomation, SUSPECTED_BOT } from '../scoring/automation';
import { ContactNotFoundError } from './errors';
import type { ContactStore, InteractionPage, InteractionStore, PageRequest } from './ports';

/** How far in the future `occurredAt` may be: clocks of callers drift. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_METADATA_BYTES = 8 * 1024;

export const interactionInputSchema = z.object({
  type: z.enum(INTERACTION_TYPES),
  occurredAt: z.optional(isoInstant),
  metadata: z.optional(
    z.record(z.string().check(z.maxLength(64)), z.unknown()).check(
      z.refine((m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES, {
        message: `Metadata is limited to ${MAX_METADATA_BYTES} bytes of JSON`,
      }),
      z.refine((m) => findUnstorableNumber(m) === undefined, { message: STORABLE_NUMBER_MESSAGE }),
    ),
  ),
});

export interface InteractionInput extends z.infer<typeof interactionInputSchema> {
  /** Who records it: a user id, or the subsystem (`campaigns`, `gmail`, `tracking`). */
  readonly source: string;
  /** A caller's own id makes a retried call idempotent (same id and occurredAt: stored once, scored once). */
  readonly interactionId?: string;
  /**
   * The id is the client's own and may come again with another `occurredAt` (the API's `interactionId`):
   * it is claimed, so the interaction is stored once per id, at one more item in the write. Callers
   * whose id fixes the time (a provider event's id and stamp) leave it off.
   */
  readonly claimId?: boolean;
}

export interface RecordInteractionDeps {
  readonly contacts: ContactStore;
  readonly interactions: InteractionStore;
  readonly scorer: InteractionScorer;
  readonly now: () => Date;
  readonly newId: () => string;
  /**
   * Where `contact.interaction_recorded` goes (campaign triggers, event waits, goals and exits).
   * Required: an interaction that publishes nothing starts no campaign and wakes no enrolment
   * (they would notice it only at their poll, up to 12 h later). The contacts API's keeps on the
   * contact what it cannot publish (pending-events.ts `keepOnTheirContacts`) rather than throw: the
   * interaction is stored by then, and a retry without a key would record a second one.
   */
  readonly events: DomainEventPublisher;
}

/**
 * Records an interaction of a live contact: stores it, moves the contact's
 * `lastInteractionAt` forward and scores it.
 * @throws ValidationError (bad type, metadata, or `occurredAt` more than 5 minutes ahead),
 * ContactNotFoundError (absent, deleted or in another workspace).
 * `audit`: the request's audit entry, written with the interaction when the store can.
 */
export async function recordInteraction(
  deps: RecordInteractionDeps,
  workspaceId: string,
  contactId: string,
  input: InteractionInput,
  audit?: AuditInWrite<Interaction>,
): Promise<{ interaction: Interaction; score: ScoreUpdate }> {
  const parsed = interactionInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('The interaction is not valid', 'VALIDATION_FAILED', {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const now = deps.now();
  const occurred = parsed.data.occurredAt ? new Date(parsed.data.occurredAt) : now;
  if (occurred.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new ValidationError('occurredAt is in the future', 'INTERACTION_IN_FUTURE');
  }
  const interaction: Interaction = {
    interactionId: input.interactionId ?? deps.newId(),
    workspaceId,
    contactId,
    type: parsed.data.type,
    occurredAt: occurred.toISOString(),
    metadata: parsed.data.metadata ?? {},
    source: input.source,
  };
  const score = await deps.scorer.recordAndScore(interaction, audit, input.claimId ? { claimId: true } : undefined);
  // Keyed by the interaction: a retried call publishes the same event id again.
  await publishAll(
    [
      {
        type: INTERACTION_RECORDED_EVENT,
        workspaceId,
        occurredAt: interaction.occurredAt,
        detail: {
          eventId: `interaction-${interaction.interactionId}`,
          contactId,
          interactionId: interaction.interactionId,
          interactionType: interaction.type,
          // A bot's or a privacy proxy's open or click: it enrols nobody and wakes nothing.
          ...(isSuspectedAutomation(interaction) ? { [SUSPECTED_BOT]: interaction.metadata[SUSPECTED_BOT] } : {}),
        },
      },
    ],
    deps.events,
  );
  return { interaction, score };
}

/**
 * A live contact's interactions, newest first. The store reports the contact's state with the
 * first page when it can (one read); otherwise (a later page, or a contact stored before the
 * state was mirrored) the contact is read too. @throws ContactNotFoundError
 */
export async function timeline(
  deps: Pick<RecordInteractionDeps, 'contacts' | 'interactions'>,
  workspaceId: string,
  contactId: string,
  page: PageRequest,
): Promise<InteractionPage> {
  const live = async () => {
    const contact = await deps.contacts.get(workspaceId, contactId);
    if (!contact || contact.deletedAt) throw new ContactNotFoundError();
  };
  // A cursor was issued while the contact was live: check it still is before reading on.
  if (page.cursor) await live();
  const { contactState, ...found } = await deps.interactions.timeline(workspaceId, contactId, page);
  if (contactState === 'deleted') throw new ContactNotFoundError();
  if (!page.cursor && contactState === undefined) await live();
  return found;
}
