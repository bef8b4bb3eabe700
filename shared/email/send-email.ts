/**
 * The one way an email leaves the product (campaign steps, one-off sends, account mail):
 * inside its send window (a campaign mail)? -> claim -> who is the recipient? -> may this address
 * (and person) get this category? -> is marketing paused? -> render -> pace -> the first provider
 * that accepts it -> record. Every exit says what happened, and only `sent` means a provider
 * accepted the message.
 *
 * The recipient's contact is resolved once, before the suppression check: the one the request
 * names, else (for a marketing or tracked send) the workspace's live contact with the address.
 * That one contact is what the person's own opt-outs and CRM status are read for, what the
 * tracking links seal and what the provider's events name (the `contact` tag), so a send by
 * address and a send by contact are judged alike. With no live one, a soft-deleted contact that
 * still holds the address is the person whose opt-outs and status a marketing send is judged by
 * (a delete keeps the claim and the opt-outs). Who may get the mail is the one rule
 * `mailBlockFor` (suppression-rules.ts) that campaign audiences and broadcast pages ask too.
 */

import type { MarketingSendMoves } from '../campaigns/campaign-mailer';
import { nextWindowOpening, type ZonedSendWindow } from '../campaigns/send-window';
import type { Clock } from '../clock';
import { sanitizeEmail } from '../security/sanitize-identifiers';
import { LEDGER_TAG, ledgerTagOf } from './ledger-tag';
import type {
  OutgoingEmail,
  Pacer,
  ProviderName,
  ReleaseOptions,
  SendingGate,
  SendLedger,
  SuppressionLookup,
} from './ports';
import { type Accepted, type ChainLink, ProviderSendError, sendWithFailover } from './provider-failover';
import { type EmailCategory, mailBlockFor } from './suppression-rules';
import {
  type MergeContext,
  type MissingPart,
  missingFromRendered,
  renderTemplate,
  type TemplateContent,
  TemplateError,
} from './templates';
import { instrumentHtml } from './tracking';
import type { AbAttribution } from './tracking-token';

export interface SendRequest {
  readonly workspaceId: string;
  /** Unique per intended email, e.g. `campaign#<enrolment>#<node>#<version>`. */
  readonly idempotencyKey: string;
  readonly category: EmailCategory;
  readonly from: string;
  readonly to: string;
  readonly content: TemplateContent;
  readonly context: MergeContext;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** The send id the API answered: sealed into tracking links (required for tracking). */
  readonly sendId?: string;
  /**
   * The recipient's contact, when known (else the sender looks it up by address for a marketing
   * or tracked send): its own opt-outs stop marketing, opens, clicks and provider events land on
   * its timeline.
   */
  readonly contactId?: string;
  readonly campaignId?: string;
  readonly nodeId?: string;
  /** A campaign send's A/B attribution, sealed into its tracking links (opens and clicks per arm). */
  readonly ab?: AbAttribution;
  /** The marketing topic: an opt-out of it blocks the send (suppression-rules.ts). */
  readonly topic?: string;
  /** Open and click tracking; default: on for marketing, off for transactional (docs/EMAIL.md, "Tracking"). */
  readonly track?: boolean;
  /** A campaign send's window in the contact's zone: outside it the send waits for the next opening. */
  readonly window?: ZonedSendWindow;
}

/** Whether a send is instrumented with the open pixel and click links. */
export const tracksOpensAndClicks = (request: Pick<SendRequest, 'category' | 'track'>): boolean =>
  request.track ?? request.category === 'marketing';

export type SendOutcome =
  | ({ readonly status: 'sent' } & Accepted)
  /** Already sent by an earlier delivery of the same request: nothing done. */
  | { readonly status: 'duplicate' }
  /** Ended without mail, for good (suppressed, rejected by the provider, already closed). */
  | { readonly status: 'not-sent'; readonly reason: string }
  /** Try again after `retryAfterMs` (paced, throttled, claimed elsewhere, paused, providers down). */
  | { readonly status: 'retry'; readonly reason: string; readonly retryAfterMs: number };

/** The recipient's contact as the sender reads it at send time (a live contact; none: deleted or gone). */
export interface ContactAtSend {
  readonly status?: string | undefined;
  /** Its current address: a send naming it that goes to another address is closed. */
  readonly email?: string | undefined;
}

/**
 * A soft-deleted contact that still holds a send's address (docs/CRM.md: a soft delete keeps the
 * email claim; docs/EMAIL.md: and the contact's opt-outs), as the lookup by address read it: the
 * person who opted out, then had their CRM record tidied away, is still opted out at the address
 * (its `CONTACTOPTOUT#<id>` and its CRM status `unsubscribed` stop a marketing send by address).
 */
export interface DeletedHolder {
  readonly contactId: string;
  readonly deletedAt: string;
  /** Its CRM status as the lookup read it (no read of its own at send time). */
  readonly status?: string | undefined;
}

export interface SendDeps {
  readonly ledger: SendLedger;
  readonly suppressions: SuppressionLookup;
  readonly gate: SendingGate;
  readonly pacer: Pacer;
  readonly chain: readonly ChainLink[];
  readonly now: () => number;
  /** Where tracking links point and the key that seals them; without it nothing is tracked. */
  readonly tracking?: {
    readonly baseUrl: string;
    readonly key: Buffer;
  };
  /**
   * The contact that has this address, for a marketing or tracked send that names none (a one-off
   * send to an address): the live one's id (its opt-outs are read, its id sealed and tagged), else a
   * soft-deleted contact that still holds the address ({@link DeletedHolder}: a delete keeps the
   * claim and the person's opt-outs, so they still stop a marketing send; it is neither sealed nor
   * tagged), else undefined.
   */
  readonly contactIdOf?: (workspaceId: string, email: string) => Promise<string | DeletedHolder | undefined>;
  /**
   * The recipient's contact read at send time (undefined: none live), in the same moment as its
   * suppressions (the DynamoDB adapter reads it in their BatchGetItem): for every send that names
   * its contact (any category), and for a marketing send whose contact was found by address. A
   * send naming a contact that is deleted (or gone) or no longer holds the send's address is closed
   * (`contact gone: ...`, `contact moved: ...`): the message, queued with the contact's address and
   * fields, can wait long after (paused, paced, providers down), as the suppressions read here again
   * can change. The status stops a marketing send (`unsubscribed`, as an unsubscribe suppression
   * does: `mailBlockFor`), campaign sends too (their step's check is as old as the queueing).
   * Without it (unit tests of other steps) no contact is read.
   */
  readonly contactStatusOf?: (workspaceId: string, contactId: string) => Promise<ContactAtSend | undefined>;
  /**
   * A campaign's last word on a mail of one of its runs (shared/campaigns/send-fence.ts), asked with
   * the contact and suppressions (its reads ride in their BatchGetItem): a run a person exited or
   * the campaign archived closes it (`close`), a paused campaign gives it back to the queue (`hold`).
   * Undefined for any other mail. Without it (tests of other steps), nothing is asked.
   */
  readonly campaignFence?: (
    workspaceId: string,
    idempotencyKey: string,
  ) => Promise<{ readonly close: string } | { readonly hold: string; readonly retryAfterMs: number } | undefined>;
  /**
   * Campaign time (shared/clock.ts), which a campaign send's window is judged in, as its step judged
   * it: the wall clock in the cloud, faster locally with TIME_SCALE. Without it, `now`.
   */
  readonly campaignClock?: Pick<Clock, 'now' | 'realDelayMs' | 'fromReal'>;
  /**
   * The frequency cap's log of campaign marketing mail (campaign-mailer.ts, dynamo-marketing-send-log.ts),
   * which counts each mail at the instant the contact gets it ({@link countsAt}, the one place that
   * moves an entry, only ever later): a campaign's marketing mail held for its send window moves its
   * entry to the opening it waits for (after a ledger read that finds the mail not sent, closed nor
   * claimed); one given back to the queue (marketing paused, paced, the daily budget spent,
   * throttled, no provider available) to the instant it is tried again; one a provider may have taken
   * without answering to now; one sent after an earlier attempt held it (the claim's `claimedBefore`)
   * to the instant it went. Each a conditional UpdateItem (`heldUntil`). One closed unsent for good is
   * marked so (`unsent`, on the close). The ordinary path (sent at its first claim) does not touch
   * it. Without it (tests of other steps), nothing is told.
   */
  readonly marketingSends?: MarketingSendMoves;
  /** How long a claim protects a send in progress (longer than a provider call can take). */
  readonly leaseMs?: number;
  /**
   * How long a claim whose lease ran out is still held, from the first attempt that finds it so,
   * for the provider's Send event to acknowledge it (default 0: taken over at once). See
   * {@link claimGraceMsFor}.
   */
  readonly claimGraceMs?: number;
}

/**
 * The grace the sender gives a dead claim's Send event: the lease, at most a minute. SES publishes
 * Send within seconds of accepting a message and the events consumer takes it seconds later; the
 * grace starts only when a live attempt finds the lease run out, so the event pipeline has been
 * running for all of it (after a local restart too). A lease shortened for tests shortens it too.
 */
export const claimGraceMsFor = (leaseMs: number): number => Math.min(leaseMs, 60_000);

/** When marketing is paused, a queued message waits this long before it looks again. */
const PAUSED_RETRY_MS = 15 * 60 * 1000;
const PROVIDERS_DOWN_RETRY_MS = 60 * 1000;

export async function sendEmail(request: SendRequest, deps: SendDeps): Promise<SendOutcome> {
  const { workspaceId, idempotencyKey: key } = request;
  const held = windowWait(request, deps);
  if (held) return heldForWindow(request, held, deps);
  const claimedAtMs = deps.now();
  const claim = await deps.ledger.claim(
    workspaceId,
    key,
    claimedAtMs,
    deps.leaseMs ?? 5 * 60 * 1000,
    deps.claimGraceMs ?? 0,
  );
  if (claim.status === 'sent') return { status: 'duplicate' };
  if (claim.status === 'closed') {
    // Marked when it was closed; again here, in case that failed after the close (the delivery that
    // closed it threw, and this is its retry) or a step's replay logged it anew.
    await uncounted(request, claim.reason, deps);
    return { status: 'not-sent', reason: claim.reason };
  }
  if (claim.status === 'in-flight') {
    const reason = claim.awaitingAck
      ? "an earlier attempt may have reached the provider: waiting for the provider's Send event"
      : 'another attempt is sending it';
    return { status: 'retry', reason, retryAfterMs: Math.max(1, claim.untilMs - deps.now()) };
  }
  // Every release and close below is this claim's own (a slow attempt whose lease ran out and was
  // taken over gives nothing back that is not its own).
  const { claimId } = claim;
  // When this send was first sealed: the same for every attempt after one that may have reached a
  // provider, so its tracking links (deterministic tokens, tracking-token.ts) and so its whole body
  // are the same again, as Resend's idempotency key requires.
  const sealedAtMs = claim.sealedAtMs ?? claimedAtMs;
  // Whether a release by this attempt may let the next one seal afresh: only when this attempt is
  // the one that set the time. A time kept from an earlier attempt stays, whatever this one does:
  // that attempt may have reached a provider (a paced retry after an ambiguous failure must still
  // send the first body).
  const nothingSent = claim.sealedBefore ? undefined : NOTHING_SENT;

  // Everything between the claim and the provider call: any failure here sent nothing, so the
  // claim is given back (the queue's retry is not held by a dead lease plus its grace).
  let prepared: Prepared;
  try {
    prepared = await prepare(request, sealedAtMs, deps);
  } catch (error) {
    await deps.ledger.release(workspaceId, key, claimId, nothingSent);
    // Back on the queue (its retry): not received before now. A failed move is the retry's to
    // make again; the error that failed the send is the one to report.
    await countsAt(request, campaignMsOf(deps.now(), deps), deps).catch(() => undefined);
    throw error;
  }
  if (prepared.kind === 'close') return closed(request, claimId, prepared.reason, deps);
  if (prepared.kind === 'release') {
    return released(request, claimId, prepared.reason, prepared.retryAfterMs, deps, nothingSent);
  }

  let accepted: Accepted;
  try {
    accepted = await sendWithFailover(deps.chain, prepared.email, prepared.skip ? { skip: prepared.skip } : {});
  } catch (error) {
    const failure = error instanceof ProviderSendError ? error : undefined;
    if (failure?.uncertain && failure.fault !== 'idempotency-conflict') {
      // A provider may have the message: its call got no answer (outcome-unknown), it answered
      // that a request under this send's key is in progress (idempotency-in-progress), or a call
      // to it got no answer before it throttled or refused the retry. Never given back at once:
      // a retry starts the chain again at its first provider (SES, back from its 503s), which
      // knows nothing of the other's idempotency key, and sends a second copy. Held for the Send
      // event (SES's, or Resend's `email.sent`), which marks it sent, as every such case is: one rule.
      return awaitingAck(request, claimId, heldReason(failure), deps);
    }
    switch (failure?.fault) {
      case 'rejected':
        return closed(request, claimId, `rejected by ${failure.provider}`, deps);
      case 'throttled':
        // Nothing sent: the providers before the throttling one answered that they did not take
        // it (one that did not answer ends the chain), and every call to the throttling one was
        // answered (an unanswered one is `uncertain`: held above).
        return released(request, claimId, 'throttled by the provider', 1000, deps, nothingSent);
      case 'idempotency-conflict':
        // The provider already holds a request under this send's idempotency key, with another
        // body (content sealed before the tracking change, a rotated key, a changed renderer). That
        // earlier request was most likely accepted and delivered: a retry happens after an attempt
        // that reached the provider. Not `rejected` (it was not refused), not released (every retry
        // would meet the same 409 until the provider forgets the key after 24 h and then send a
        // second copy), not failed over (a second copy at once): closed, saying it may have gone.
        return closed(request, claimId, possiblyDelivered(failure.provider), deps);
      case 'idempotency-in-progress':
      case 'outcome-unknown':
        // Always `uncertain` (held above); kept for a ProviderSendError built without it.
        return awaitingAck(request, claimId, heldReason(failure), deps);
      case 'all-unavailable':
        // Every provider answered that it did not take the message, or was not called (an open
        // breaker): nothing was sent.
        return released(request, claimId, 'no provider available', PROVIDERS_DOWN_RETRY_MS, deps, nothingSent);
    }
    // Unclassified (not a provider's answer): it may have been sent. Held like an unknown outcome.
    await holdForAck(request, claimId, deps);
    throw error;
  }
  const sentAtMs = deps.now();
  await deps.ledger.markSent(workspaceId, key, { ...accepted, atMs: sentAtMs });
  // Held by an earlier attempt (given back, or its lease taken over): its cap entry is at that
  // attempt's retry, and the contact gets it now.
  if (claim.claimedBefore) await countsAt(request, campaignMsOf(sentAtMs, deps), deps);
  return { status: 'sent', ...accepted };
}

/**
 * A campaign mail found outside its send window (kept in the pipeline past the window's end: a
 * pause, the pace, providers down) waits for the next opening in the contact's zone, as its step
 * would have (execute-node.ts `emailNode`): deferred, never dropped nor sent at night. Judged before
 * the claim, from the message alone: a mail held overnight comes back every 15 minutes (SQS's
 * longest delay) and costs no ledger write each time (a campaign's marketing mail: one consistent
 * read of its ledger record and one conditional write to the frequency cap's log,
 * `SendDeps.marketingSends`, which moves its entry the first time: {@link heldForWindow}).
 * Answers the opening too: when the contact will get it.
 */
function windowWait(request: SendRequest, deps: SendDeps): { outcome: SendOutcome; openingMs: number } | undefined {
  if (!request.window) return undefined;
  const { zone, ...window } = request.window;
  const now = deps.campaignClock?.now() ?? new Date(deps.now());
  const opening = nextWindowOpening(now, window, zone);
  if (opening.getTime() <= now.getTime()) return undefined;
  const retryAfterMs = deps.campaignClock?.realDelayMs(opening) ?? opening.getTime() - now.getTime();
  return {
    outcome: {
      status: 'retry',
      reason: `outside the send window: held until ${opening.toISOString()}`,
      retryAfterMs: Math.max(1, retryAfterMs),
    },
    openingMs: opening.getTime(),
  };
}

/**
 * A campaign mail found outside its window: held until the opening. A campaign's marketing mail
 * held so is what its contact gets at the opening, and the frequency cap counts it there
 * (`MarketingSendMoves.heldUntil`), unless this copy is a redelivery of a mail the ledger already
 * holds (one consistent read, `SendLedger.stateOf`, on this path only): sent, it is a `duplicate`
 * and its entry stays at the instant the contact got it; closed, it ends as the claim would have
 * ended it (`not-sent`, its entry marked unsent unless possibly delivered); claimed, another attempt
 * (claimed inside the window) may be sending it now, so the entry stays, and this copy is held: at
 * the opening it is a duplicate, or, given back unsent meanwhile, the next copy found outside the
 * window moves the entry. Any other mail is held with no read or write.
 */
async function heldForWindow(
  request: SendRequest,
  held: { outcome: SendOutcome; openingMs: number },
  deps: SendDeps,
): Promise<SendOutcome> {
  const cap = capEntryOf(request, deps);
  if (!cap) return held.outcome;
  const { workspaceId, idempotencyKey: key } = request;
  const record = await deps.ledger.stateOf(workspaceId, key);
  if (record.state === 'sent') return { status: 'duplicate' };
  if (record.state === 'closed') {
    await uncounted(request, record.reason, deps);
    return { status: 'not-sent', reason: record.reason };
  }
  if (record.state !== 'claimed') await countsAt(request, held.openingMs, deps);
  return held.outcome;
}

/**
 * The frequency cap's entry of this mail: a campaign's marketing mail names its contact, and the
 * campaign mailer logged it under the contact and the send's key before it queued it. Undefined for
 * any other mail (never logged), or without the log.
 */
function capEntryOf(
  request: SendRequest,
  deps: SendDeps,
): { readonly log: MarketingSendMoves; readonly contactId: string } | undefined {
  const log = deps.marketingSends;
  if (!log || request.category !== 'marketing' || !request.campaignId || !request.contactId) return undefined;
  return { log, contactId: request.contactId };
}

/**
 * Keeps the frequency cap's entry of a campaign's marketing mail at the instant its contact gets
 * it (campaign time): moved to `atMs` if it is earlier (`MarketingSendMoves.heldUntil`, one
 * conditional UpdateItem; never earlier). Every path that holds a mail, gives it back or sends it
 * after a hold comes here, so a capped step of another campaign never finds room beside a mail
 * the sender still holds (review round 26: a mail released by a pause kept its queue-time entry,
 * and a second went out with it when sending resumed). Nothing for any other mail.
 */
async function countsAt(request: SendRequest, atMs: number, deps: SendDeps): Promise<void> {
  const cap = capEntryOf(request, deps);
  if (!cap) return;
  await cap.log.heldUntil(request.workspaceId, cap.contactId, request.idempotencyKey, atMs);
}

/** The campaign time (the cap log's) of a real instant of this sender. */
const campaignMsOf = (realMs: number, deps: SendDeps): number =>
  deps.campaignClock ? deps.campaignClock.fromReal(realMs).getTime() : realMs;

/**
 * A campaign's marketing mail closed for a reason that says it was not sent (suppressed, rejected,
 * unrenderable, its contact gone) counts no more for the frequency cap. One closed as possibly
 * delivered (the provider had its key) keeps counting.
 */
async function uncounted(request: SendRequest, reason: string, deps: SendDeps): Promise<void> {
  const cap = capEntryOf(request, deps);
  if (!cap || reason.startsWith(POSSIBLY_DELIVERED)) return;
  await cap.log.unsent(request.workspaceId, cap.contactId, request.idempotencyKey);
}

/** Why a send is held for its Send event: what the provider said, or that it said nothing. */
function heldReason(failure: ProviderSendError): string {
  const provider = failure.provider ?? 'the provider';
  switch (failure.fault) {
    case 'idempotency-in-progress':
      return `${provider} is still processing this send`;
    case 'outcome-unknown':
      return `${provider} did not answer`;
    default:
      return `${provider} answered ${failure.fault} after a call that got no answer`;
  }
}

/** How the closing reason of a send that may have gone begins (it keeps counting for the frequency cap). */
const POSSIBLY_DELIVERED = 'possibly delivered:';
/** The closing reason of a send whose idempotency key the provider had already taken. */
const possiblyDelivered = (provider: string | undefined): string =>
  `${POSSIBLY_DELIVERED} ${provider ?? 'the provider'} already had a request with this send's idempotency key (another payload); not sent again`;

const NOTHING_SENT = { nothingSent: true } as const;

/** What the steps before the provider call decided: the email to send, or why not (yet). */
type Prepared =
  /** `skip`: a provider whose daily quota is spent (the pace's `budgetOf`): the chain goes on without it. */
  | { readonly kind: 'send'; readonly email: OutgoingEmail; readonly skip?: ProviderName }
  | { readonly kind: 'close'; readonly reason: string }
  | { readonly kind: 'release'; readonly reason: string; readonly retryAfterMs: number };

/**
 * Recipient, suppressions and status, sending gate, rendering, pace: the email to send, or why it is
 * not sent (closed for good, released to retry later). Writes nothing to the ledger; a throw sent nothing.
 */
async function prepare(request: SendRequest, sealedAtMs: number, deps: SendDeps): Promise<Prepared> {
  const { workspaceId, idempotencyKey: key } = request;
  const found = await recipientOf(request, deps);
  const contactId = typeof found === 'string' ? found : undefined;
  // A send by address whose address a soft-deleted contact still holds: that person's opt-outs
  // stand (judged below with its status as the lookup read it); nothing seals or tags it.
  const holder = typeof found === 'object' ? found : undefined;
  // The person's own opt-outs (an unsubscribe, a complaint) and CRM status (`unsubscribed`) are
  // marketing opt-outs: read for every marketing send whose person is known. A transactional send
  // is stopped by its address's suppressions alone (a bounce, a complaint from that mailbox); no
  // status stops it. The contact a send names is read whatever its category: the message carries
  // its address and fields as they were when it was queued. Asked for together: one read of the store.
  const marketing = request.category === 'marketing';
  const person = marketing ? (contactId ?? holder?.contactId) : undefined;
  const read = request.contactId ?? (marketing ? contactId : undefined);
  const [reasons, contact, fence] = await Promise.all([
    deps.suppressions.reasonsFor(workspaceId, request.to, person),
    read ? deps.contactStatusOf?.(workspaceId, read) : undefined,
    deps.campaignFence?.(workspaceId, key),
  ]);
  const gone = request.contactId && deps.contactStatusOf ? recipientGone(request.to, contact) : undefined;
  if (gone) return { kind: 'close', reason: gone };
  // Closed as a suppression is (same reason, same outcome): a status `unsubscribed` is an unsubscribe.
  const status = read ? contact?.status : holder?.status;
  const blocked = mailBlockFor({ status }, reasons, request.category, request.topic);
  if (blocked) return { kind: 'close', reason: `suppressed: ${blocked}` };
  if (fence) {
    return 'close' in fence
      ? { kind: 'close', reason: fence.close }
      : { kind: 'release', reason: fence.hold, retryAfterMs: fence.retryAfterMs };
  }
  if (request.category === 'marketing') {
    const paused = await deps.gate.pausedReason(workspaceId);
    if (paused) return { kind: 'release', reason: paused, retryAfterMs: PAUSED_RETRY_MS };
  }

  let rendered: Awaited<ReturnType<typeof renderTemplate>>;
  try {
    // Each part bounded as it renders (templates.ts RENDERED_PART_MAX_CHARS): past it, a TemplateError.
    rendered = await renderTemplate(request.content, request.context);
  } catch (error) {
    // A template that cannot render never will: close, so the queue does not retry it.
    if (error instanceof TemplateError) return { kind: 'close', reason: error.message };
    throw error;
  }
  // A marketing mail whose source writes its unsubscribe link or postal address, rendered for this
  // recipient without it (shown to some recipients only): closed, as the preview reports it.
  const hidden = missingFromRendered(request.content, request.category, rendered, request.context);
  if (hidden.length > 0) return { kind: 'close', reason: hiddenReason(hidden) };
  // The daily budget is one provider's (SES's quota): when it is spent and the chain has another
  // provider, the pace still grants a token of the rate and the send skips that provider, as an
  // open breaker is skipped. A chain of that provider alone is held until a newer quota read.
  const budgetOf = deps.pacer.budgetOf;
  const budgetOptional = budgetOf !== undefined && deps.chain.some((link) => link.provider.name !== budgetOf);
  const pace = await deps.pacer.take(deps.now(), budgetOptional ? { budgetOptional } : undefined);
  if (!pace.granted) return { kind: 'release', reason: 'paced', retryAfterMs: Math.max(1, pace.waitMs) };

  const email: OutgoingEmail = {
    from: request.from,
    to: request.to,
    ...rendered,
    html: tracked(request, contactId, rendered.html, sealedAtMs, deps),
    headers: request.headers ?? {},
    // The provider's events name the ledger record (its Send event acknowledges the send) and the
    // recipient's contact, so they land on it (and a complaint opts the person out) with no lookup.
    tags: { ...request.tags, ...(contactId ? { [CONTACT_TAG]: contactId } : {}), ...ledgerTags(key) },
    idempotencyKey: `${workspaceId}:${key}`,
  };
  // The parts are bounded; the click links tracking adds are not (a short href becomes a sealed one).
  const bytes = encodedBytes(email);
  if (bytes > PROVIDER_MESSAGE_MAX_BYTES) {
    return {
      kind: 'close',
      reason: `the mail is ${bytes} bytes as sent, more than the ${PROVIDER_MESSAGE_MAX_BYTES} a provider accepts`,
    };
  }
  return { kind: 'send', ...(pace.budgetSpent && budgetOf ? { skip: budgetOf } : {}), email };
}

/** Why a marketing mail is closed for a part its recipient would not get. */
const hiddenReason = (hidden: readonly MissingPart[]): string =>
  `rendered for this recipient without ${hidden.map((m) => (m.item === 'unsubscribe_link' ? 'its unsubscribe link' : 'the postal address')).join(' or ')} (shown to some recipients only, or hidden by markup)`;

/**
 * The most a message may weigh as sent: SES v2 and Resend take 40 MB (MIME, base64), counted here
 * in decimal megabytes, the smaller reading.
 */
export const PROVIDER_MESSAGE_MAX_BYTES = 40_000_000;

/** Room for the headers, the MIME structure and the addresses around the parts. */
const MIME_OVERHEAD_BYTES = 64 * 1024;

/**
 * What `email` weighs as a provider sends it, at most: each part's UTF-8 in base64 (4 bytes per 3,
 * a line break every 76 characters), plus {@link MIME_OVERHEAD_BYTES}.
 */
function encodedBytes(email: Pick<OutgoingEmail, 'subject' | 'html' | 'text'>): number {
  const base64 = (part: string | undefined) =>
    part === undefined ? 0 : Math.ceil((Math.ceil(Buffer.byteLength(part) / 3) * 4 * 78) / 76);
  return base64(email.subject) + base64(email.html) + base64(email.text) + MIME_OVERHEAD_BYTES;
}

/**
 * Why a send naming its contact may not go to its address (undefined: it may): the contact is
 * deleted or gone, or holds another address now (the old one may be another person's: never mailed
 * with this contact's fields and unsubscribe link). Addresses are compared in the CRM's canonical form.
 */
function recipientGone(to: string, contact: ContactAtSend | undefined): string | undefined {
  if (!contact) return 'contact gone: the contact this mail names is deleted';
  if (contact.email === undefined || canonical(contact.email) !== canonical(to)) {
    return "contact moved: the contact this mail names no longer has the mail's address";
  }
  return undefined;
}

/** An address in the CRM's one form (sanitizeEmail), or trimmed and lower-cased when it is not one. */
function canonical(address: string): string {
  try {
    return sanitizeEmail(address);
  } catch {
    return address.trim().toLowerCase();
  }
}

function ledgerTags(key: string): Record<string, string> {
  const value = ledgerTagOf(key);
  return value ? { [LEDGER_TAG]: value } : {};
}

/** The provider tag naming the recipient's contact (provider-events.ts reads it back). */
const CONTACT_TAG = 'contact';

/**
 * The recipient's contact: the one the request names, else, for a marketing send (whose person's
 * opt-outs and status must be read) or a tracked one (whose links seal it), the live contact with
 * the address, or the soft-deleted one that still holds it (a {@link DeletedHolder}).
 */
async function recipientOf(request: SendRequest, deps: SendDeps): Promise<string | DeletedHolder | undefined> {
  if (request.contactId) return request.contactId;
  if (!deps.contactIdOf) return undefined;
  if (request.category !== 'marketing' && !tracks(request, deps)) return undefined;
  return deps.contactIdOf(request.workspaceId, request.to);
}

/** Whether this send gets the open pixel and click links (tracking configured, a send id, opted in). */
const tracks = (request: SendRequest, deps: SendDeps): boolean =>
  deps.tracking !== undefined && request.sendId !== undefined && tracksOpensAndClicks(request);

/**
 * The rendered HTML with its open pixel and click links, when this send is tracked. The links are
 * sealed with `issuedAtMs` = the ledger's `sealedAtMs` (not the time of this attempt), so an attempt
 * after one that may have reached a provider renders a byte-identical body.
 */
function tracked(
  request: SendRequest,
  contactId: string | undefined,
  html: string,
  issuedAtMs: number,
  deps: SendDeps,
): string {
  if (!deps.tracking || !request.sendId || !tracksOpensAndClicks(request)) return html;
  const { baseUrl, key } = deps.tracking;
  const send = {
    workspaceId: request.workspaceId,
    sendId: request.sendId,
    ...(contactId ? { contactId } : {}),
    ...(request.campaignId ? { campaignId: request.campaignId } : {}),
    ...(request.nodeId ? { nodeId: request.nodeId } : {}),
    ...(request.ab ? { ab: request.ab } : {}),
  };
  return instrumentHtml(html, send, {
    baseUrl,
    key,
    issuedAtMs,
    ...(request.context.unsubscribe_url ? { untouched: [request.context.unsubscribe_url] } : {}),
  }).html;
}

async function closed(
  request: SendRequest,
  claimId: string | undefined,
  reason: string,
  deps: SendDeps,
): Promise<SendOutcome> {
  await deps.ledger.close(request.workspaceId, request.idempotencyKey, reason, deps.now(), claimId);
  // After the close: a mark that fails leaves the message to its retry, which finds it closed and marks it.
  await uncounted(request, reason, deps);
  return { status: 'not-sent', reason };
}

/**
 * A provider may have taken the message without saying so: the claim is held for the grace
 * (`release` with `awaitAck`), as a dead attempt's is, so that the provider's Send event, naming
 * the record in its `ledger` tag, marks it sent and every later delivery is a `duplicate`. Only if
 * no event comes within the grace does the next attempt send (at-least-once after the grace: the
 * provider cannot be asked, and dropping the send could lose a mail it never took; docs/EMAIL.md,
 * "Exactly once"). The retry is asked for when the grace ends. Without a grace (a sender that
 * waits for no Send event) the claim is given back at once; sealedAtMs is kept either way.
 */
async function awaitingAck(
  request: SendRequest,
  claimId: string | undefined,
  reason: string,
  deps: SendDeps,
): Promise<SendOutcome> {
  const graceMs = await holdForAck(request, claimId, deps);
  const retryAfterMs = graceMs > 0 ? graceMs + HELD_RETRY_MARGIN_MS : PROVIDERS_DOWN_RETRY_MS;
  return { status: 'retry', reason: `${reason}: waiting for its Send event`, retryAfterMs };
}

/** Holds the claim for the grace (given back at once without one); answers the grace. */
async function holdForAck(request: SendRequest, claimId: string | undefined, deps: SendDeps): Promise<number> {
  const graceMs = deps.claimGraceMs ?? 0;
  const nowMs = deps.now();
  await deps.ledger.release(
    request.workspaceId,
    request.idempotencyKey,
    claimId,
    graceMs > 0 ? { awaitAck: { atMs: nowMs, graceMs } } : undefined,
  );
  // The provider may have taken it now: the contact may get it now (a retry that sends it after the
  // grace moves the entry again).
  await countsAt(request, campaignMsOf(nowMs, deps), deps);
  return graceMs;
}

/** A retry after a held claim comes this much after its grace ends (clocks of instances differ). */
const HELD_RETRY_MARGIN_MS = 1000;

async function released(
  request: SendRequest,
  claimId: string | undefined,
  reason: string,
  retryAfterMs: number,
  deps: SendDeps,
  options?: ReleaseOptions,
): Promise<SendOutcome> {
  await deps.ledger.release(request.workspaceId, request.idempotencyKey, claimId, options);
  // Given back to the queue (paused, paced, the daily budget spent, throttled, no provider): the
  // contact gets it no sooner than its retry, however long the hold lasts (each retry moves it on).
  await countsAt(request, campaignMsOf(deps.now() + retryAfterMs, deps), deps);
  return { status: 'retry', reason, retryAfterMs };
}
