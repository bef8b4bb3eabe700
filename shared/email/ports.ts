/** Ports of email delivery: providers, and (as the pipeline grows) its stores. */

export type ProviderName = 'ses' | 'resend' | 'smtp';

/** A rendered message, ready for any provider. */
export interface OutgoingEmail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, ...); at most 15 (SES). */
  readonly headers: Readonly<Record<string, string>>;
  /** Provider tags (workspace, campaign, send id), for events and reporting. */
  readonly tags: Readonly<Record<string, string>>;
  /** `<workspace>:<send key>`: providers that dedupe (Resend) or stamp a Message-ID use it. */
  readonly idempotencyKey?: string;
}

/** One email provider. `send` resolves once the provider accepted the message. */
export interface EmailProvider {
  readonly name: ProviderName;
  send(email: OutgoingEmail, signal?: AbortSignal): Promise<{ providerMessageId: string }>;
}

/** How a claim on a send's idempotency key went. */
export type ClaimResult =
  /**
   * Ours: go on and send. `claimId` names this claim: a release or close that passes it changes
   * the record only while this claim holds it (not after a later attempt took an expired lease over).
   */
  | {
      readonly status: 'claimed';
      readonly claimId?: string;
      /**
       * When this send's content was first sealed (epoch ms): the `nowMs` of the first claim since
       * the record was created or last released with `nothingSent`, kept across attempts that may
       * have reached a provider. The tracking links seal it as `issuedAtMs`, so a retry renders
       * the very body the earlier attempt sent (Resend's idempotency key needs it). Absent from
       * ledgers that do not keep it (the sender then uses the claim's time).
       */
      readonly sealedAtMs?: number;
      /** True when `sealedAtMs` was kept from an earlier attempt (this claim did not set it). */
      readonly sealedBefore?: boolean;
      /**
       * True when an earlier attempt claimed this send (given back: paused, paced, throttled,
       * providers down; or its lease taken over): the mail goes later than it was first tried, so
       * the sender moves its frequency-cap entry to the instant it goes (send-email.ts). Absent from
       * ledgers that do not count attempts (read as a first claim).
       */
      readonly claimedBefore?: boolean;
    }
  /** A provider already accepted this send: never again. */
  | { readonly status: 'sent'; readonly provider: ProviderName; readonly providerMessageId: string }
  /**
   * Another attempt holds it (until `untilMs`): try later. `awaitingAck`: its lease ran out, or its
   * attempt could not tell whether the provider took the message (`release` with `awaitAck`); the
   * provider may have accepted it, and the claim is held a grace period for the provider's Send
   * event to acknowledge it (docs/EMAIL.md, "Exactly once").
   */
  | { readonly status: 'in-flight'; readonly untilMs: number; readonly awaitingAck?: true }
  /** It ended without a send (rejected, suppressed): never again. */
  | { readonly status: 'closed'; readonly reason: string };

/**
 * What the ledger holds of a send, read without claiming it (`SendLedger.stateOf`): `open`, no
 * record or one given back (nothing sent, no attempt holds it); `claimed`, an attempt holds it (its
 * lease running, run out, or held for the provider's Send event: it may be sending it); `sent`;
 * `closed`, with the reason it was closed for.
 */
export type SendRecordState =
  | { readonly state: 'open' }
  | { readonly state: 'claimed' }
  | { readonly state: 'sent' }
  | { readonly state: 'closed'; readonly reason: string };

/**
 * The send ledger: one record per (workspace, idempotency key). A send is claimed by a
 * conditional write before any provider call and marked sent only after a provider accepted
 * it, so a redelivered request never reaches a provider twice.
 */
export interface SendLedger {
  /**
   * Claims `key` for `leaseMs` unless it is sent, closed, or claimed by someone else whose lease
   * still runs. With `graceMs`, a claim whose lease ran out is taken over only `graceMs` after an
   * attempt first found it so (`in-flight` with `awaitingAck` until then): time for the provider's
   * Send event, if the dead holder's call was accepted, to mark it sent first.
   */
  claim(workspaceId: string, key: string, nowMs: number, leaseMs: number, graceMs?: number): Promise<ClaimResult>;
  /**
   * The record's state now, by a strongly consistent read, changing nothing: how the sender learns,
   * on the hold path of a campaign's marketing mail (send-email.ts), that a copy found outside its
   * window is of a mail already sent or closed, whose frequency-cap entry must not move. The
   * DynamoDB adapter and the tests' memory ledger have it; a test double without it is read as
   * `open` (nothing is known sent).
   */
  stateOf(workspaceId: string, key: string): Promise<SendRecordState>;
  /**
   * Records the provider's acceptance (only the claim holder calls it). If the provider's Send
   * event marked this very message sent first, that is success (counted once, by the event).
   */
  markSent(
    workspaceId: string,
    key: string,
    accepted: { provider: ProviderName; providerMessageId: string; fallbackUsed: boolean; atMs: number },
  ): Promise<void>;
  /**
   * Ends the send without mail (rejected, suppressed, paused for good): never retried. With
   * `claimId`, not while another attempt's claim holds the record.
   */
  close(workspaceId: string, key: string, reason: string, atMs: number, claimId?: string): Promise<void>;
  /**
   * Gives the claim back so a later attempt may send (throttled, providers down). With `claimId`,
   * only that claim: an attempt whose lease ran out (a slow provider call) cannot release the claim
   * of the attempt that took over, which would let a third attempt send while the second does.
   *
   * `nothingSent`: no provider can have the message from any attempt since `sealedAtMs` was set
   * (this attempt set it, and was paced, paused, throttled by the first provider asked, or failed
   * before the provider call), so the record forgets `sealedAtMs` and the next attempt seals
   * afresh. Without it (an ambiguous outcome: an unclassified provider error, providers
   * unreachable; or a time kept from an earlier attempt) the time is kept, so the retry sends the
   * same body under the same idempotency key.
   *
   * `awaitAck`: not given back yet. A provider may have taken the message without saying so (no
   * answer); the claim is held awaiting its Send event as a dead attempt's is: the lease ends at
   * `atMs + graceMs` and `staleSinceMs` = `atMs`, so a claim with that grace takes it over only
   * then (and one without a grace no sooner), and the Send event marks it sent meanwhile. Keeps
   * `sealedAtMs`. A ledger that does not know it gives the claim back at once.
   */
  release(workspaceId: string, key: string, claimId?: string, options?: ReleaseOptions): Promise<void>;
}

export interface ReleaseOptions {
  /** No attempt since the record's `sealedAtMs` was set can have reached a provider: forget it. */
  readonly nothingSent?: boolean;
  /**
   * Hold the claim until `atMs + graceMs` for the provider's Send event instead of giving it back
   * (the outcome of a provider call is unknown). Not with `nothingSent`.
   */
  readonly awaitAck?: { readonly atMs: number; readonly graceMs: number };
}

/** Suppressions that apply to an address in a workspace (its own and the global list). */
export interface SuppressionLookup {
  /**
   * Why `email` may not be mailed in the workspace: its address suppressions and, when the mail is
   * for a contact (`contactId`), that contact's own opt-outs. Those are the person's marketing
   * opt-outs (an unsubscribe, a topic opt-out, a spam complaint follow the person to a new
   * address; a bounce stays with the address): callers name the contact for marketing mail.
   */
  reasonsFor(
    workspaceId: string,
    email: string,
    contactId?: string,
  ): Promise<readonly import('./suppression-rules').SuppressionReason[]>;
}

/** Why marketing sends of a workspace are paused, if they are. */
export interface SendingGate {
  pausedReason(workspaceId: string): Promise<string | undefined>;
}

/** The shared pace: takes one token, or says how long to wait. */
export interface Pacer {
  /**
   * The provider whose daily quota is the pace's daily budget (SES, `GetAccount`). When that budget
   * is spent only this provider is out: a send that has another provider in its chain skips it.
   * Without it the budget holds every send.
   */
  readonly budgetOf?: ProviderName;
  /**
   * Takes one token. With `budgetOptional` (the caller's chain has a provider other than
   * `budgetOf`), a spent daily budget still grants a token of the rate, with `budgetSpent`: the
   * send must then skip `budgetOf`.
   */
  take(nowMs: number, options?: { readonly budgetOptional?: boolean }): Promise<PaceGrant>;
}

/** What the pace granted: a token (`budgetSpent`: of the rate alone), or how long to wait. */
export interface PaceGrant {
  readonly granted: boolean;
  readonly waitMs: number;
  readonly budgetSpent?: boolean;
}
