/**
 * A domain event delivered to the drip-steps queue (an EventBridge rule on the domain-events bus):
 * enrols the contact it names into every active campaign of its workspace whose published trigger
 * matches. The trigger index narrows the campaigns; the published version is checked again (the
 * index may lag a change). Each (event, campaign) is recorded once its enrolment is done, so a
 * replayed event enrols nobody twice, also under re-entry `always` and after a later run; a copy
 * racing the first, or one after a crash before the record, meets the enrolment's own check (an
 * enrol message of the launch that started the current run is no re-entry, run-step.ts).
 * The same event also wakes the contact's enrolments that wait for it (wake-on-event.ts).
 */
import { isSuspectedAutomation } from '../crm/scoring/automation';
import { selfTriggerProblems } from './journey-rules';
import type { DomainEventEnvelope, EnrolMessage } from './messages';
import type { CampaignVersions } from './ports';
import { eventTriggerKeys, triggerMatches, triggerOf } from './trigger';
import type { CampaignTriggerIndex } from './trigger-ports';

/** How long a claim outlives its event: longer than EventBridge and SQS retry an event (24 h, 4 days). */
export const TRIGGER_CLAIM_TTL_SECONDS = 7 * 24 * 3600;

export interface TriggerFromEventDeps {
  readonly index: CampaignTriggerIndex;
  readonly versions: CampaignVersions;
  /** Enrols one contact (the drip-step worker runs it from the trigger). */
  readonly enrol: (message: EnrolMessage) => Promise<unknown>;
}

export interface TriggerOutcome {
  readonly matched: number;
  readonly enrolled: number;
  /** Campaigns this event had already enrolled the contact into (a replay). */
  readonly replayed: number;
  /**
   * Campaigns left out because their version's own mail starts them (`selfTriggerProblems`: a
   * version saved before such journeys were refused): each mail would enrol the contact again.
   */
  readonly selfTriggered: number;
  /** The event is a suspected bot's or privacy proxy's interaction: no campaign was looked up. */
  readonly suspectedBot?: true;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const ID = /[^A-Za-z0-9_.:-]/g;

/** The workspace and contact an event is about; undefined when it names none. */
export function eventContact(envelope: DomainEventEnvelope): { workspaceId: string; contactId: string } | undefined {
  const workspaceId = text(envelope.detail.workspaceId);
  const contactId = text(envelope.detail.contactId);
  return workspaceId && contactId ? { workspaceId, contactId } : undefined;
}

/**
 * Some of the event's enrolments failed (a campaign's first step threw: a deleted template, an
 * outage), after every matching campaign was tried: those that succeeded are claimed, so the
 * message's retry (and, after its last receive, a redrive from the DLQ) enrols only into the ones
 * named here. `failed` names each campaign (or the trigger-index lookup) that failed.
 */
export class TriggerEnrolmentsFailed extends AggregateError {
  readonly failed: readonly string[];

  constructor(failures: readonly { readonly what: string; readonly error: unknown }[]) {
    super(
      failures.map((f) => f.error),
      `Enrolling from the event failed for ${failures
        .map((f) => `${f.what} (${f.error instanceof Error ? f.error.message : String(f.error)})`)
        .join('; ')}; the others are done and claimed`,
    );
    this.name = 'TriggerEnrolmentsFailed';
    this.failed = failures.map((f) => f.what);
  }
}

/**
 * Enrols the event's contact into each matching campaign, once per (event, contact, campaign). Each campaign
 * is tried on its own: one that fails (every time, for a broken one) does not stop the others. The
 * failures are thrown together at the end ({@link TriggerEnrolmentsFailed}), so the message comes
 * back for them only: the campaigns done are claimed, and the retry skips them.
 */
export async function triggerFromEvent(
  envelope: DomainEventEnvelope,
  deps: TriggerFromEventDeps,
): Promise<TriggerOutcome> {
  const { detail } = envelope;
  const outcome = { matched: 0, enrolled: 0, replayed: 0, selfTriggered: 0 };
  const who = eventContact(envelope);
  if (!who) return outcome;
  const { workspaceId, contactId } = who;
  // A bot's or a privacy proxy's open or click answers no condition, so it starts no journey either.
  if (isSuspectedAutomation({ metadata: detail })) return { ...outcome, suspectedBot: true };
  const event = { type: envelope['detail-type'], detail };
  // The publisher's own id survives a re-put of the same event; the envelope's id does not.
  const eventId = (text(detail.eventId) ?? envelope.id).replace(ID, '_').slice(0, 100);
  const failures: { what: string; error: unknown }[] = [];
  // A campaign indexed under two of the event's keys (a tag's two stored forms) is tried once.
  const tried = new Set<string>();
  for (const key of eventTriggerKeys(event)) {
    let campaignIds: readonly string[];
    try {
      campaignIds = await deps.index.find(workspaceId, key);
    } catch (error) {
      // Retried with the message; the campaigns of the event's other keys go on.
      failures.push({ what: `the trigger index (${key.kind})`, error });
      continue;
    }
    for (const campaignId of campaignIds) {
      if (tried.has(campaignId)) continue;
      tried.add(campaignId);
      try {
        const campaign = await deps.versions.load(workspaceId, campaignId);
        if (campaign?.status !== 'active' || !campaign.published) continue;
        if (!triggerMatches(triggerOf(campaign.published.journey), event)) continue;
        // A version saved before such loops were refused: its own mail would enrol it again for ever.
        if (selfTriggerProblems(campaign.published.journey, campaign.published.rules).length > 0) {
          outcome.selfTriggered += 1;
          continue;
        }
        outcome.matched += 1;
        if (await deps.index.claimed(workspaceId, eventId, contactId, campaignId)) {
          outcome.replayed += 1;
          continue;
        }
        // Recorded after the enrolment, never before: a crash in between loses nothing (the event
        // comes back and enrols; the enrolment refuses a second run of the same launch id).
        await deps.enrol({ kind: 'enrol', workspaceId, campaignId, contactId, launchId: `event-${eventId}` });
        await deps.index.claim(workspaceId, eventId, contactId, campaignId, TRIGGER_CLAIM_TTL_SECONDS);
        outcome.enrolled += 1;
      } catch (error) {
        // Not claimed: the message's retry tries this campaign again, and only those like it.
        failures.push({ what: `campaign ${campaignId}`, error });
      }
    }
  }
  if (failures.length > 0) throw new TriggerEnrolmentsFailed(failures);
  return outcome;
}
