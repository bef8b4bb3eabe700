/**
 * What a provider event changes (the `email-events` consumer calls this once per event):
 *
 * - delivered: the send record says so; the contact's timeline gets `email_delivered`.
 * - bounced: the record says so; a hard bounce suppresses the address at once; a soft one is added
 *   to the address's log, and the whole log is judged (suppression-rules.ts
 *   `softBounceSuppressedAt`): 3 within any 7 days suppress, whatever order the queue delivers
 *   them in (a standard queue keeps none, and a retry lands behind later events), the suppression
 *   dated at the third bounce of the span; the timeline gets `email_bounced`; a hard bounce counts
 *   toward the bounce rate (as SES counts only hard bounces).
 * - complained: the record says so; the address is suppressed and, when the send record confirms
 *   the message and the send named its contact, so is the person (the contact's own opt-out, as an
 *   unsubscribe writes: a changed address does not bring marketing back); `email_complained`;
 *   counted. A bounce stays with the address: it is a fact about that mailbox, not the person.
 * - A bounce or complaint for an address on the provider account's suppression list
 *   (`accountSuppressed`, provider-events.ts `isAccountSuppression`: SES `OnAccountSuppressionList`,
 *   Resend `OnAccountSuppressionList` or `Suppressed`; the provider did not attempt it, and the list
 *   is shared by every workspace) is recorded and suppresses the address in the workspace, but is
 *   not counted in, nor judged by, the workspace's reputation window (SES does not count it
 *   either), and a complaint of that kind is not the person's: the contact is not opted out.
 * - A complaint whose feedback report says `not-spam` is no complaint: it changes nothing.
 * - A bounce or complaint is a fact about a send: it counts in the hour of that send (the record's
 *   `sentAtMs`, which `markDelivery` answers), the hour its `sent` was counted in, so the window's
 *   rates are of one set of sends however late the fact comes. A hard bounce or complaint about a
 *   send made before the workspace's last resume is counted once (its marker, its metric) but in
 *   no window: the window since a resume judges what was sent since (the resume's own hour too,
 *   which its baseline alone cannot split), and is judged as it stands. An event no send record confirms (`unknown`: its
 *   sender died before recording the message and the Send event has not come, or a send the
 *   ledger never held) has no send time: it counts in the hour it happened, as any event did
 *   before, and is judged.
 * - After a counted bounce or complaint the workspace's rolling rates are judged: `warn` raises
 *   one alert a day, `pause` pauses marketing with the reason and raises one alert (both in one
 *   write, once per pause).
 * - sent (the provider accepted the message): an acknowledgement of the send named by the
 *   `ledger` tag. A ledger record still `claimed` (its sender died between the provider's answer
 *   and `markSent`, or has not written yet) is marked sent with `markSent`'s effects, counted
 *   once whichever comes first; so a redelivery finds it sent and mails nothing again.
 * - failed (Resend `email.failed`: it accepted the send, then did not send it: a daily quota, an
 *   unverified domain...): the send record says `failed`, with the reason, so a ledger record
 *   `sent` no longer hides a mail that never left; counted once (`EmailsFailed`), when it turned
 *   the record. Not a bounce: no suppression, no reputation, no timeline; nothing is re-sent.
 * - A campaign send's delivered, bounced or complained adds to its campaign's counters once per
 *   (send, kind), whatever order they come in, by a marker item written with the counters.
 * - Everything else (opens and clicks: our own tracking routes record those; delays, rejects,
 *   rendering failures) changes nothing.
 *
 * An event is dated by itself (its provider's stamp, {@link eventTimeOf}), never by when it is
 * processed: every delivery of it writes the same time, so whatever an event's time is part of (the
 * timeline entry's sort key `INTERACTION#<occurredAt>#<id>`, the soft-bounce log's entry) is the
 * same item on a redelivery. A stamp a little ahead of our clock (the provider's clock, the local
 * stand-in's) is kept as it is; only the counting hour is never later than now (`countingHour`).
 *
 * Every step is idempotent, so a redelivered event changes nothing twice: state and suppression
 * writes are naturally so, timeline entries carry an id derived from the event and its own time,
 * reputation counters move in the same write that marks the event counted (one marker per fact,
 * whichever hour the delivery that counted it chose: a first delivery that found no record counts
 * in the event's hour, a later one that finds it counts nothing again), and campaign counters in
 * the same transaction that creates their (send, kind) marker: one dedupe key per counted fact, so a retry after a later
 * step failed, or a duplicate meeting a record written since, counts nothing twice, and a crash
 * right after the record's update is counted by the retry. Judging runs again on a replay, which is
 * how a crash between counting and judging is repaired.
 */
import { createHash } from 'node:crypto';
import type { SecurityAlert } from '../security/abuse-alerts';
import type {
  CampaignEventCounter,
  DeliveryMark,
  DeliveryState,
  EmailEventMetrics,
  EmailTimeline,
  ReputationGuard,
  ReputationStore,
  SendAcknowledger,
  SendingGateState,
  SendRecordUpdater,
  SoftBounceLog,
  SuppressionAdder,
} from './event-ports';
import type { EmailEvent } from './provider-events';
import { judgeReputation, type ReputationThresholds, type ReputationVerdict } from './reputation';
import { countingHour, dayOf, windowCounts } from './reputation-window';
import { type SuppressionReason, softBounceSuppressedAt, suppressionCausedBy } from './suppression-rules';

export interface ProcessEventDeps {
  readonly sends: SendRecordUpdater;
  /** The send ledger, acknowledged by `sent` events (without it they are ignored). */
  readonly ledger?: SendAcknowledger;
  readonly suppressions: SuppressionAdder;
  readonly softBounces: SoftBounceLog;
  readonly timeline: EmailTimeline;
  readonly reputation: ReputationStore;
  readonly guard: ReputationGuard;
  readonly thresholds: ReputationThresholds;
  readonly metrics?: EmailEventMetrics;
  /** A campaign send's delivery, bounce or complaint adds to its campaign's counters, once per (send, kind). */
  readonly campaigns?: CampaignEventCounter;
  readonly now: () => number;
  /** Waits (the send record of a fresh event may be a moment from written); default a timer. */
  readonly wait?: (ms: number) => Promise<void>;
}

/** An event this fresh may beat the ledger's `markSent` (one write after the provider's answer). */
const FRESH_MS = 2 * 60 * 1000;
const RECORD_RETRIES = [250, 750];

export type ProcessOutcome =
  | { readonly status: 'ignored'; readonly reason: string }
  /** A `sent` event: `marked` when it recorded the send (its sender had not), else `unchanged`. */
  | { readonly status: 'acknowledged'; readonly ledger: 'marked' | 'unchanged' }
  | {
      readonly status: 'processed';
      /** Whether this delivery of the event counted it (false on a replay); see the top for where. */
      readonly counted: boolean;
      readonly suppressed?: SuppressionReason;
      readonly verdict?: ReputationVerdict;
      readonly paused?: boolean;
    };

/**
 * The dedupe key of an event: one per fact, whatever the delivery. A fact is a message, a recipient
 * and what happened to it, with every facet that makes a different fact of one type: a bounce's
 * kind (a soft bounce, e.g. a full mailbox SES gave up on, and a later hard bounce of the same
 * message, the recipient server's asynchronous "user unknown", are two facts, counted and put on
 * the timeline each), and whether the provider never attempted it (`accountSuppressed`: not
 * counted, and no stand-in for a real bounce or complaint of the message). Other types have one fact per
 * message and recipient: a delivery (a delivery delay is its own type, so never the delivery's
 * key), a complaint (one per message and recipient whatever its feedback type, as SES counts
 * complaints; a `not-spam` report is ignored before any key is made).
 * `ses#<message>#bounced:hard#<email>`, `ses#<message>#complained#<email>`.
 */
export const eventKeyOf = (e: EmailEvent): string =>
  `${e.provider}#${e.providerMessageId}#${factOf(e)}#${e.email}`.slice(0, 700);

/** The event's type with the facets that tell two facts of that type apart. */
function factOf(e: EmailEvent): string {
  const kind = e.type === 'bounced' ? `:${e.bounceType === 'permanent' ? 'hard' : 'soft'}` : '';
  const account = e.accountSuppressed && (e.type === 'bounced' || e.type === 'complained') ? ':account' : '';
  return `${e.type}${kind}${account}`;
}

/** A stable id from the event, so a replayed timeline entry is the same interaction. */
const interactionIdOf = (eventKey: string) => {
  const h = createHash('sha256').update(eventKey).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * When the event happened: its own stamp, whenever it is processed, so every delivery of it is
 * dated alike (see the top). Only an event that carries no time at all (the parsers' epoch
 * fallback) is dated `nowMs`.
 */
export function eventTimeOf(event: Pick<EmailEvent, 'at'>, nowMs: number): number {
  const atMs = Date.parse(event.at);
  return Number.isFinite(atMs) && atMs > 0 ? atMs : nowMs;
}

export async function processEmailEvent(event: EmailEvent, deps: ProcessEventDeps): Promise<ProcessOutcome> {
  if (event.type === 'sent') return acknowledge(event, deps);
  if (event.type === 'failed') return recordFailure(event, deps);
  if (event.type !== 'delivered' && event.type !== 'bounced' && event.type !== 'complained') {
    return { status: 'ignored', reason: `${event.type} events change nothing here` };
  }
  if (event.type === 'complained' && event.notSpam) {
    return { status: 'ignored', reason: 'a not-spam feedback report is no complaint' };
  }
  const nowMs = deps.now();
  const atMs = eventTimeOf(event, nowMs);
  const key = eventKeyOf(event);
  const { workspaceId, email } = event;
  const state: DeliveryState = event.type;
  const marked = await markRecord(event, state, atMs, nowMs, deps);
  // Counted through the (send, kind) marker alone, whatever the send record said: found or not
  // (its sender died before recording the provider's id and the Send event has not come yet),
  // updated or unchanged. The record cannot be a second dedupe key: it may appear between two
  // deliveries of this event (a retry after the timeline's publish failed), which would then count
  // it twice. Counted last, after every effect of the event (the suppression, the timeline, the
  // reputation and its pause): a counter write that fails (retried, then dead-lettered) never
  // keeps a complaint or a hard bounce from suppressing the address; the replay repeats the
  // effects (each idempotent) and counts once.
  const counted = async <T>(outcome: T): Promise<T> => {
    if (event.campaign) {
      await deps.campaigns?.countOnce({
        workspaceId,
        ...event.campaign,
        sendId: event.sendId,
        kind: state,
        at: new Date(atMs),
      });
    }
    return outcome;
  };

  const hard = event.type === 'bounced' && event.bounceType === 'permanent';
  let suppressed: SuppressionReason | undefined;
  let suppressedAtMs = atMs;
  if (event.type === 'complained') suppressed = suppressionCausedBy('complaint', atMs);
  else if (hard) suppressed = suppressionCausedBy('hard-bounce', atMs);
  else if (event.type === 'bounced') {
    // The whole log (this bounce in it, once however often it is delivered), not the days before
    // this one: events come in any order, so the one completing a span may be its oldest. Judged
    // again on a replay, which repairs a crash between recording and suppressing.
    const log = await deps.softBounces.record(workspaceId, email, key, atMs);
    const metAtMs = softBounceSuppressedAt(log);
    if (metAtMs !== undefined) {
      suppressed = 'soft-bounces';
      suppressedAtMs = metAtMs;
    }
  }
  if (suppressed) await deps.suppressions.suppress(workspaceId, email, suppressed, suppressedAtMs);
  // The send's `contact` tag names the contact only when the send record confirms the message is
  // ours; otherwise the timeline finds the contact by address, as for any other send.
  const contactId = marked.result === 'unknown' ? undefined : event.contactId;
  // A complaint is the person's too: their strongest "no more marketing", kept on the contact as an
  // unsubscribe is, so mail to the contact at a new address is stopped (its marketing reads it).
  if (event.type === 'complained' && contactId && !event.accountSuppressed) {
    await deps.suppressions.suppressContact(workspaceId, contactId, 'complaint', atMs);
  }

  await deps.timeline.record(
    workspaceId,
    email,
    {
      type:
        event.type === 'delivered'
          ? 'email_delivered'
          : event.type === 'bounced'
            ? 'email_bounced'
            : 'email_complained',
      interactionId: interactionIdOf(key),
      occurredAt: new Date(atMs).toISOString(),
      metadata: {
        provider: event.provider,
        sendId: event.sendId,
        ...(event.bounceType ? { bounceType: hard ? 'hard' : 'soft' } : {}),
        ...(event.bounceSubType ? { bounceSubType: event.bounceSubType.slice(0, 100) } : {}),
      },
    },
    contactId,
  );

  if (event.type === 'delivered') return counted({ status: 'processed', counted: false });
  // Another workspace's history put the address on the account's list: not this workspace's reputation.
  if (event.accountSuppressed) {
    return counted({ status: 'processed', counted: false, ...(suppressed ? { suppressed } : {}) });
  }
  // In the hour of the send it is about; without a record, of the event (see the top).
  const sentAtMs = marked.result === 'unknown' ? undefined : marked.sentAtMs;
  const hour = countingHour(sentAtMs ?? atMs, nowMs);
  if (event.type === 'bounced' && !hard) {
    // Not in the rate, never judged: no window reads it, so no gate is read for it.
    const soft = await deps.reputation.countOnce(workspaceId, key, hour, { softBounces: 1 });
    return counted({ status: 'processed', counted: soft, ...(suppressed ? { suppressed } : {}) });
  }
  // Read before counting: a fact about a send made before the last resume is not the new window's.
  const gate = await deps.guard.state(workspaceId);
  const beforeResume = sentAtMs !== undefined && gate.resumedAtMs !== undefined && sentAtMs < gate.resumedAtMs;
  const delta = beforeResume ? {} : event.type === 'complained' ? { complaints: 1 } : { bounces: 1 };
  const inReputation = await deps.reputation.countOnce(workspaceId, key, hour, delta);
  if (inReputation) deps.metrics?.counted(event.type === 'complained' ? 'complaint' : 'bounce');
  const { verdict, paused } = await judge(workspaceId, nowMs, deps, gate);
  return counted({
    status: 'processed',
    counted: inReputation,
    ...(suppressed ? { suppressed } : {}),
    verdict,
    paused,
  });
}

/**
 * Puts `state` on the event's send record. A fresh event may beat the sender's `markSent` (one
 * write after the provider's answer): while no record holds the message, it is asked again twice.
 */
async function markRecord(
  event: EmailEvent,
  state: DeliveryState,
  atMs: number,
  nowMs: number,
  deps: ProcessEventDeps,
  reason?: string,
): Promise<DeliveryMark> {
  const mark = () =>
    deps.sends.markDelivery(
      event.workspaceId,
      event.provider,
      event.providerMessageId,
      state,
      atMs,
      event.ledgerKey,
      ...(reason ? [reason] : []),
    );
  let marked = await mark();
  for (const ms of RECORD_RETRIES) {
    if (marked.result !== 'unknown' || nowMs - atMs > FRESH_MS) break;
    await (deps.wait ?? ((t) => new Promise<void>((r) => setTimeout(r, t))))(ms);
    marked = await mark();
  }
  return marked;
}

/**
 * A provider's report that a send it accepted was not sent (Resend `email.failed`): the send record
 * says `failed` with the reason. Counted once: by the delivery that turned the record (the record's
 * rank condition lets one write of a state through).
 */
async function recordFailure(event: EmailEvent, deps: ProcessEventDeps): Promise<ProcessOutcome> {
  const nowMs = deps.now();
  const reason = event.failedReason ?? 'unknown';
  const marked = await markRecord(event, 'failed', eventTimeOf(event, nowMs), nowMs, deps, reason);
  if (marked.result === 'unknown') return { status: 'ignored', reason: 'failed event for a send no record holds' };
  const counted = marked.result === 'updated';
  if (counted) deps.metrics?.counted('failed');
  return { status: 'processed', counted };
}

/** A provider's Send event: the send it names is recorded sent, if nobody did yet. */
async function acknowledge(event: EmailEvent, deps: ProcessEventDeps): Promise<ProcessOutcome> {
  if (!event.ledgerKey) return { status: 'ignored', reason: 'sent event without a ledger tag' };
  if (!deps.ledger) return { status: 'ignored', reason: 'sent events change nothing here' };
  const nowMs = deps.now();
  // The acceptance is recorded (and its hour counted) once, by whichever write turns the record;
  // a send is never accepted in our future, so a stamp ahead of our clock is read as now.
  const atMs = Math.min(eventTimeOf(event, nowMs), nowMs);
  const ledger = await deps.ledger.acknowledgeSent(event.workspaceId, event.ledgerKey, {
    provider: event.provider,
    providerMessageId: event.providerMessageId,
    atMs,
  });
  return { status: 'acknowledged', ledger };
}

/** Judges the workspace's window (under the gate state `known`, read now when not given); pauses or warns, each at most once. */
export async function judge(
  workspaceId: string,
  nowMs: number,
  deps: Pick<ProcessEventDeps, 'reputation' | 'guard' | 'thresholds' | 'metrics'>,
  known?: SendingGateState,
): Promise<{ verdict: ReputationVerdict; paused: boolean }> {
  const gate = known ?? (await deps.guard.state(workspaceId));
  const { counts } = await windowCounts(deps.reputation, workspaceId, nowMs, gate);
  const verdict = judgeReputation(counts, deps.thresholds);
  deps.metrics?.rates(verdict);
  const alert = (title: string, severity: SecurityAlert['severity'], kind: string): SecurityAlert => ({
    id: createHash('sha256').update(`${workspaceId}#${kind}#${nowMs}`).digest('hex').slice(0, 32),
    alertType: 'email_reputation',
    severity,
    title,
    workspaceId,
    createdAt: new Date(nowMs).toISOString(),
    metadata: {
      kind,
      sent: counts.sent,
      bounces: counts.bounces,
      complaints: counts.complaints,
      bounceRate: verdict.bounceRate,
      complaintRate: verdict.complaintRate,
    },
  });
  if (verdict.status === 'pause' && !gate.pausedReason) {
    const reason = verdict.reason ?? 'Marketing sends paused: sender reputation';
    const paused = await deps.guard.pauseOnce(
      workspaceId,
      reason,
      nowMs,
      alert(reason, 'high', 'email.reputation_paused'),
    );
    if (paused) deps.metrics?.paused();
    return { verdict, paused };
  }
  if (verdict.status === 'warn') {
    await deps.guard.raiseOnce(
      workspaceId,
      dayOf(nowMs),
      alert(verdict.reason ?? 'Sender reputation warning', 'medium', 'email.reputation_warning'),
    );
  }
  return { verdict, paused: false };
}
