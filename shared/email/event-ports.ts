/** Ports of provider-event processing: the stores the processor writes, as small interfaces. */
import type { SecurityAlert } from '../security/abuse-alerts';
import type { ReputationCounts } from './reputation';
import type { SuppressionReason } from './suppression-rules';

/**
 * The delivery state a provider reported on a send record; a later, stronger state wins. `failed`:
 * the provider accepted the send and then did not send it (Resend `email.failed`).
 */
export type DeliveryState = 'delivered' | 'bounced' | 'complained' | 'failed';

export interface SendRecordUpdater {
  /**
   * Puts `state` on the ledger record that `providerMessageId` was sent as: the record `ledgerKey`
   * names (the event's `ledger` tag), or, for a send without one, the record its message pointer
   * names. Either way only a record that holds that message id is changed. `unknown`: no record
   * holds that message (not recorded sent yet, sent before this existed, or another sender's).
   * It says nothing about counting: a campaign's counters have their own marker (`CampaignEventCounter`).
   * `reason`: the provider's, kept with the state (`failedReason`).
   */
  markDelivery(
    workspaceId: string,
    provider: string,
    providerMessageId: string,
    state: DeliveryState,
    atMs: number,
    ledgerKey?: string,
    reason?: string,
  ): Promise<DeliveryMark>;
}

/**
 * What `markDelivery` did: the state `updated` (or left `unchanged`: a replay, a weaker state after
 * a stronger one), or no record holds the message (`unknown`).
 */
export interface DeliveryMark {
  readonly result: 'updated' | 'unchanged' | 'unknown';
  /**
   * When the record's send was accepted (its `sentAtMs`), whenever a record holds the message:
   * a bounce or complaint is a fact about that send, counted in its hour.
   */
  readonly sentAtMs?: number;
}

/** A campaign's counters for an event of one of its sends (delivered, bounced, complained). */
export interface CampaignDeliveryCount {
  workspaceId: string;
  campaignId: string;
  nodeId?: string;
  sendId: string;
  kind: DeliveryState;
  /** When it happened (the marker's expiry runs from it). */
  at: Date;
}

export interface CampaignEventCounter {
  /**
   * Adds the event to its campaign's counters at most once per (send, kind): a marker item
   * `CAMPAIGNEVENT#<campaign>#<send>#<kind>` is created in the same transaction as the counters,
   * so a replay, a duplicate, or a retry after any later step failed adds nothing, whatever the
   * send record said meanwhile. The one dedupe key of the fact.
   */
  countOnce(event: CampaignDeliveryCount): Promise<void>;
}

/**
 * The send ledger as the provider's Send event sees it: the provider accepted the message of the
 * send `key`. `marked`: the record was not yet sent (its sender died, or has not written yet) and
 * is now, with the same effects as the sender's own `markSent` (hour counter; the message pointer
 * for a key too long for a tag); `unchanged`: already sent (or closed, or no such record): nothing
 * written.
 */
export interface SendAcknowledger {
  acknowledgeSent(
    workspaceId: string,
    key: string,
    accepted: { provider: 'ses' | 'resend'; providerMessageId: string; atMs: number },
  ): Promise<'marked' | 'unchanged'>;
}

export interface SoftBounceLog {
  /** Records one soft bounce (idempotent per `eventKey`) and answers every one recorded for the address (epoch ms, one per event key). */
  record(workspaceId: string, email: string, eventKey: string, atMs: number): Promise<number[]>;
}

export interface ReputationStore {
  /**
   * Adds `delta` to the hour's counters and marks `eventKey` counted, atomically; false (nothing
   * added) when that event was counted before. An empty `delta` only marks it (a fact no window counts).
   */
  countOnce(
    workspaceId: string,
    eventKey: string,
    hour: string,
    delta: Partial<ReputationCounts & { softBounces: number }>,
  ): Promise<boolean>;
  /** The counters summed over the hours `from`..`to` (inclusive). */
  counts(workspaceId: string, window: { from: string; to: string }): Promise<ReputationCounts>;
}

export interface SendingGateState {
  readonly pausedReason?: string;
  readonly pausedAtMs?: number;
  /** When a person last resumed sending: reputation is judged on what was sent since. */
  readonly resumedAtMs?: number;
  /** The counters of the resume's hour at the resume: not counted against the workspace again. */
  readonly resumedBaseline?: ReputationCounts;
}

export interface ReputationGuard {
  state(workspaceId: string): Promise<SendingGateState>;
  /** Pauses marketing and raises `alert`, both or neither; false when already paused. */
  pauseOnce(workspaceId: string, reason: string, atMs: number, alert: SecurityAlert): Promise<boolean>;
  /** Raises `alert` unless one was raised under `marker` already (per workspace); true when raised now. */
  raiseOnce(workspaceId: string, marker: string, alert: SecurityAlert): Promise<boolean>;
}

/** The contact timeline, through the one interaction path (recordInteraction). */
export interface EmailTimeline {
  /**
   * Records on the contact the send named (`contactId`, its `contact` tag) if it is live, or, for a
   * send that named none, on the live contact with that address, if any; idempotent per `interactionId`.
   */
  record(
    workspaceId: string,
    email: string,
    entry: {
      type: 'email_delivered' | 'email_bounced' | 'email_complained';
      interactionId: string;
      occurredAt: string;
      metadata: Record<string, string>;
    },
    contactId?: string,
  ): Promise<'recorded' | 'no-contact'>;
}

export interface SuppressionAdder {
  /** Suppresses the address in the workspace (a bounce, a complaint: facts about that mailbox). */
  suppress(workspaceId: string, email: string, reason: SuppressionReason, atMs: number): Promise<void>;
  /**
   * Adds `reason` to the contact's own opt-outs (`CONTACTOPTOUT#<id>`), which follow the person to
   * any address (a complaint, as an unsubscribe does).
   */
  suppressContact(workspaceId: string, contactId: string, reason: SuppressionReason, atMs: number): Promise<void>;
}

/** What the processor reports for metrics (EmailBounces, EmailComplaints, rates, EmailSendingPaused). */
export interface EmailEventMetrics {
  /** A hard bounce or complaint counted, or a send the provider reported failed (once each). */
  counted(kind: 'bounce' | 'complaint' | 'failed'): void;
  rates(rates: { bounceRate: number; complaintRate: number }): void;
  paused(): void;
}
