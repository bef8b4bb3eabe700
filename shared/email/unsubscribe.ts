/**
 * RFC 8058 one-click unsubscribe: the headers every marketing email carries, and honouring
 * an unsubscribe link (`POST /u/{token}`): the address is suppressed for marketing in its
 * workspace, the contact's timeline gets an `unsubscribed` interaction, and an audit entry is
 * written. Honouring twice changes nothing the second time, one request after the other or at once.
 *
 * A link is sealed for the address it was mailed to and, when the send named one, the contact it
 * was for. It opts out that contact (whatever its address is now) and suppresses that address;
 * never the contact that has the address when the link is clicked, which may be someone else (the
 * address changed hands since: a contact deleted, an address edited).
 */
import { randomUUID } from 'node:crypto';
import type { ConsentRecord } from '../crm/contacts/consent';
import { newAuditRecord } from '../identity/audit';
import type { AuditRecord } from '../identity/ports';
import { logger } from '../observability/logger';
import { trimEnd } from './linear-scan';
import { OptOutRefusedError } from './opt-out-refused';
import type { SuppressionLookup } from './ports';
import {
  MAX_REASONS_PER_ITEM,
  NON_TOPIC_REASONS,
  optedOutTopic,
  type SuppressionReason,
  TOPIC_ID_PATTERN,
  topicOptOut,
} from './suppression-rules';
import { openTrackingToken, sealTrackingToken, type TrackingPayload } from './tracking-token';

/** The link a token opens: `<base>/u/<token>`. */
export function unsubscribeUrl(baseUrl: string, token: string): string {
  return `${trimEnd(baseUrl, '/')}/u/${token}`;
}

/**
 * `List-Unsubscribe` (the https link, then the `mailto:` when one is configured) and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058 section 3.1).
 */
export function listUnsubscribeHeaders(url: string, mailto?: string): Record<string, string> {
  const targets = [`<${url}>`];
  if (mailto) targets.push(`<mailto:${mailto}?subject=unsubscribe>`);
  return {
    'List-Unsubscribe': targets.join(', '),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

export interface UnsubscribeLinkConfig {
  readonly baseUrl: string;
  readonly key: Buffer;
  readonly mailto?: string;
}

/** The link and headers of one marketing send to `email`. */
export function unsubscribeFor(
  link: UnsubscribeLinkConfig,
  who: { workspaceId: string; sendId: string; email: string; contactId?: string; topic?: string },
): { url: string; headers: Record<string, string> } {
  const payload: TrackingPayload = {
    kind: 'unsubscribe',
    workspaceId: who.workspaceId,
    sendId: who.sendId,
    email: who.email.trim().toLowerCase(),
    ...(who.contactId ? { contactId: who.contactId } : {}),
    ...(who.topic ? { topic: who.topic } : {}),
  };
  const url = unsubscribeUrl(link.baseUrl, sealTrackingToken(payload, link.key));
  return { url, headers: listUnsubscribeHeaders(url, link.mailto) };
}

/** An unsubscribe token, or `undefined` when tampered, foreign, of another kind or without an address. */
export function openUnsubscribeToken(
  token: string,
  key: Buffer,
): (TrackingPayload & { readonly email: string }) | undefined {
  const payload = openTrackingToken(token, key);
  if (payload?.kind !== 'unsubscribe' || typeof payload.email !== 'string' || payload.email === '') {
    return undefined;
  }
  return payload as TrackingPayload & { readonly email: string };
}

/**
 * The `unsubscribed` timeline entry of a contact's opt-out, kept on the contact's opt-out item
 * (written in the opt-out's transaction) until it is recorded: a request that died after the
 * opt-out, or whose timeline write failed, leaves it for a later POST to record under the same id.
 */
export interface UnrecordedUnsubscribe {
  /** The opt-out's id: its consent record's, and its timeline entry's interaction id. */
  readonly id: string;
  /** When it was honoured (the campaign clock, as `now`): the entry's `occurredAt`. */
  readonly atMs: number;
  /** When it was written, on the wall clock: another request records it {@link REDRIVE_AFTER_MS} later. */
  readonly writtenAtMs: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A contact's own opt-outs (`CONTACTOPTOUT#<id>`) and the timeline entries of them not recorded yet. */
export interface ContactOptOuts {
  readonly reasons: readonly SuppressionReason[];
  readonly unrecorded: readonly UnrecordedUnsubscribe[];
}

/**
 * One item an opt-out writes (the address's suppression, the contact's own opt-outs): the reasons
 * it adds, each only if the item holds none of them yet, and what the item held when read.
 *
 * A full unsubscribe (`reasons` = [`unsubscribe`]) supersedes the item's topic opt-outs: the item's
 * reasons become `held` without its topic opt-outs, plus `unsubscribe`, written only if its other
 * reasons are still those of `held` (nothing another writer added meanwhile is dropped). So the
 * address-wide unsubscribe always fits the item, however many topic opt-outs it held. Topic
 * opt-outs are added only while the item holds at most {@link MAX_REASONS_PER_ITEM} reasons with them.
 */
export interface OptOutTarget {
  readonly reasons: readonly SuppressionReason[];
  readonly held: readonly SuppressionReason[];
}

/**
 * What one honoured link writes, all or nothing: each target's reasons (above); with the
 * contact's, its consent withdrawal and its timeline entry to come; and the audit entry.
 */
export interface OptOutWrite {
  readonly workspaceId: string;
  readonly atMs: number;
  readonly address?: OptOutTarget & { readonly email: string };
  readonly person?: OptOutTarget & {
    readonly contactId: string;
    readonly consent: ConsentRecord;
    readonly unrecorded: UnrecordedUnsubscribe;
  };
  readonly audit: AuditRecord;
}

/** The suppression store as an unsubscribe reads and writes it. */
export type UnsubscribeSuppressions = SuppressionLookup & {
  /**
   * The address's own suppression in the workspace (`WS#<ws>` / `SUPPRESSION#<email>`), without
   * the global list's or any contact's: the item an opt-out writes. Strongly consistent.
   */
  addressOptOuts(workspaceId: string, email: string): Promise<readonly SuppressionReason[]>;
  /**
   * The contact's own opt-outs alone (`CONTACTOPTOUT#<id>`), without any address's: whether the
   * person a link names has opted out, whatever its old address's suppressions say; with the
   * timeline entries not recorded yet. Strongly consistent, as `reasonsFor`.
   */
  contactOptOuts(workspaceId: string, contactId: string): Promise<ContactOptOuts>;
  /**
   * Writes `write` in one transaction, conditional as each {@link OptOutTarget} says: false
   * (nothing written) when a target changed meanwhile (another request's reason, a bounce).
   * @throws OptOutRefusedError when the store refuses the write as invalid (an item too large)
   */
  optOut(write: OptOutWrite): Promise<boolean>;
  /** Forgets an opt-out's unrecorded timeline entry (it is on the timeline now, or has none). */
  unsubscribeRecorded(workspaceId: string, contactId: string, id: string): Promise<void>;
};

/** How long after an opt-out another request records its timeline entry (past any request's life). */
export const REDRIVE_AFTER_MS = 60_000;

export interface UnsubscribeDeps {
  readonly key: Buffer;
  readonly suppressions: UnsubscribeSuppressions;
  /**
   * Appends `unsubscribed` to the contact's timeline (the interaction path) under `entry`'s id and
   * time, so writing it again stores and scores nothing more; a deleted contact is no failure.
   */
  readonly recordUnsubscribed: (
    workspaceId: string,
    contactId: string,
    metadata: Record<string, unknown>,
    entry: { readonly interactionId: string; readonly occurredAt: Date },
  ) => Promise<void>;
  readonly now: () => Date;
  /**
   * The workspace's listed topics (its `email.topics` setting): a topic opt-out is honoured for
   * these and the link's own topic only. Without it, the link's own topic only.
   */
  readonly topics?: (workspaceId: string) => Promise<readonly string[]>;
  /** The wall clock (epoch ms; default `Date.now`): audit times and the re-drive's wait. */
  readonly wallClockMs?: () => number;
  /** Ids of opt-outs (default random UUIDs). */
  readonly newId?: () => string;
}

export { OptOutRefusedError };

export type UnsubscribeOutcome =
  | { readonly status: 'invalid' }
  | { readonly status: 'unsubscribed'; readonly already: boolean; readonly topics?: readonly string[] };

/** What an unsubscribe asks for: every marketing mail (one-click, the page's button), or some topics only. */
export type UnsubscribeChoice = { readonly scope: 'all' } | { readonly scope: 'topics'; readonly topics: string[] };

const MAX_TOPICS = 50;

/**
 * The choice a POST to `/u/{token}` carries: the preferences form (`scope=topics&topic=a&topic=b`,
 * urlencoded or multipart, which the edge hands over urlencoded; or JSON `{"topics": [...]}`) asks
 * for topics; anything else (RFC 8058's `List-Unsubscribe=One-Click`, `scope=all`, an empty body,
 * a body of a type the edge does not read) for everything.
 */
export function unsubscribeChoice(body: unknown): UnsubscribeChoice {
  const valid = (topics: unknown[]) =>
    [...new Set(topics.filter((t): t is string => typeof t === 'string' && TOPIC_ID_PATTERN.test(t)))].slice(
      0,
      MAX_TOPICS,
    );
  if (typeof body === 'string') {
    const form = new URLSearchParams(body);
    if (form.get('List-Unsubscribe') === 'One-Click' || form.get('scope') !== 'topics') return { scope: 'all' };
    return { scope: 'topics', topics: valid(form.getAll('topic')) };
  }
  if (typeof body === 'object' && body !== null && Array.isArray((body as { topics?: unknown }).topics)) {
    return { scope: 'topics', topics: valid((body as { topics: unknown[] }).topics) };
  }
  return { scope: 'all' };
}

/**
 * What the person a link was sent to has opted out of, as its page shows it: the own opt-outs of
 * the contact the link names (they follow the person to any address; its old address's
 * suppressions may be someone else's since), else, for a link of a send by address, the address's.
 */
export async function linkOptOuts(
  suppressions: Pick<UnsubscribeSuppressions, 'reasonsFor' | 'contactOptOuts'>,
  link: { readonly workspaceId: string; readonly email: string; readonly contactId?: string | undefined },
): Promise<readonly SuppressionReason[]> {
  return link.contactId
    ? (await suppressions.contactOptOuts(link.workspaceId, link.contactId)).reasons
    : suppressions.reasonsFor(link.workspaceId, link.email);
}

/**
 * Honours an unsubscribe token at once: from every marketing mail (the default, RFC 8058) or
 * from some topics. A bad token is `invalid` (a 400), never an error.
 *
 * The link's two targets each get what they lack: the address it was mailed to (suppressed: no
 * marketing to it, for whoever has it) and the contact it names (its own opt-out, which follows
 * it to any address; then its consent withdrawal and timeline entry). A link naming no contact
 * touches no contact: the one that has the address now need not be the one it was mailed to.
 * `already` when neither lacked anything.
 *
 * Once per opt-out, however many requests honour the link at once (a provider's one-click POST
 * and the person's click, a provider's retries): the opt-outs, the consent withdrawal and the
 * audit entry are one transaction, conditional on each target lacking what it adds, so only the
 * request whose write created them records anything; a request that lost the race reads again
 * and finds `already`, changing nothing. The timeline entry (scoring, domain events: more ways to
 * fail) follows, best effort and never the request's failure: its id and time are stored with the
 * opt-out until it is recorded, so a request that died or failed there leaves it to a later POST
 * of any link naming the contact ({@link REDRIVE_AFTER_MS} on), which records it under the same id
 * (stored and scored once).
 *
 * Bounded, and never a failure for what it stores (review round 13): topics are honoured only when
 * the workspace lists them or the link is of that topic (others are ignored: made-up ids write
 * nothing); a topic opt-out that would take an item past {@link MAX_REASONS_PER_ITEM}, or whose
 * write the store refuses ({@link OptOutRefusedError}: an item too large), is honoured as an
 * unsubscribe from all, which replaces the topic opt-outs and so always fits the address's item;
 * if the write with the contact's item is refused even so, the address is unsubscribed alone.
 * Honouring more than asked is the safe side of an opt-out; a 5xx on the public POST would honour
 * nothing.
 */
export async function honourUnsubscribe(
  deps: UnsubscribeDeps,
  token: string,
  origin: { ip?: string; userAgent?: string } = {},
  choice: UnsubscribeChoice = { scope: 'all' },
): Promise<UnsubscribeOutcome> {
  const payload = openUnsubscribeToken(token, deps.key);
  if (!payload) return { status: 'invalid' };
  const { workspaceId, email, sendId, contactId } = payload;
  const topics = choice.scope === 'topics' ? await knownTopics(deps, payload, choice.topics) : [];
  // What is honoured only ever widens, toward more opt-out: the topics asked; all marketing (a
  // topic opt-out past what an item keeps, or a write the store refused); the address's unsubscribe
  // alone (a write with the contact's opt-out refused too: the address's item always fits it).
  let scope: Widening = choice.scope;
  // A lost round means a target changed (a reason added by another request or a bounce: reasons
  // are only added, or dropped by an unsubscribe, which ends every later round in `already`), so
  // the lacking shrink; a refusal widens at most twice. So this many rounds always end.
  const rounds = 2 * (topics.length + NON_TOPIC_REASONS.length) + 3;
  for (let round = 1; round <= rounds; round++) {
    const [atAddress, ofPerson] = await Promise.all([
      deps.suppressions.addressOptOuts(workspaceId, email),
      contactId ? deps.suppressions.contactOptOuts(workspaceId, contactId) : undefined,
    ]);
    const person = scope === 'address' ? undefined : ofPerson;
    let plan = planOptOut(scope, topics, atAddress, person?.reasons);
    if (plan.overflows) {
      scope = 'all';
      plan = planOptOut(scope, topics, atAddress, person?.reasons);
    }
    const { forAddress, forPerson } = plan;
    if (forAddress.length === 0 && forPerson.length === 0) {
      // Nothing written, nothing recorded; an earlier opt-out's timeline entry that its request
      // left (it died, or the write failed) is recorded now, under its own id.
      if (contactId && ofPerson) await recordLeftOver(deps, workspaceId, contactId, ofPerson.unrecorded);
      const all = atAddress.includes('unsubscribe') && (person?.reasons.includes('unsubscribe') ?? true);
      return all ? { status: 'unsubscribed', already: true } : { status: 'unsubscribed', already: true, topics: [] };
    }
    const topicsOf = (reasons: readonly SuppressionReason[]) =>
      scope === 'topics' ? reasons.map((r) => optedOutTopic(r) as string) : undefined;
    const asked = topicsOf([...new Set([...forPerson, ...forAddress])]);
    const write = optOutWrite(deps, payload, origin, {
      address: { reasons: forAddress, held: atAddress },
      person: { reasons: forPerson, held: person?.reasons ?? [] },
      topics: asked,
      personTopics: topicsOf(forPerson),
    });
    let written: boolean;
    try {
      written = await deps.suppressions.optOut(write);
    } catch (error) {
      if (!(error instanceof OptOutRefusedError) || scope === 'address') throw error;
      const wider: Widening = scope === 'topics' ? 'all' : 'address';
      logger.error('Opt-out refused by the store; honoured more widely', {
        error: error.message,
        workspaceId,
        sendId,
        asked: scope,
        honoured: wider,
      });
      scope = wider;
      continue;
    }
    if (written) {
      if (write.person) await recordUnsubscribed(deps, workspaceId, write.person.contactId, write.person.unrecorded);
      return { status: 'unsubscribed', already: false, ...(asked ? { topics: asked } : {}) };
    }
  }
  throw new Error(`The unsubscribe of send ${sendId} kept losing to concurrent opt-outs`);
}

/** What an honour writes: the topics asked, all marketing, or the address's unsubscribe alone. */
type Widening = 'topics' | 'all' | 'address';

/**
 * What each target lacks of what is asked (nothing when it is unsubscribed from all: that covers
 * every topic), and whether a topic opt-out would take an item past {@link MAX_REASONS_PER_ITEM}.
 */
function planOptOut(
  scope: Widening,
  topics: readonly string[],
  atAddress: readonly SuppressionReason[],
  ofPerson: readonly SuppressionReason[] | undefined,
): { forAddress: SuppressionReason[]; forPerson: SuppressionReason[]; overflows: boolean } {
  const asked: SuppressionReason[] = scope === 'topics' ? topics.map(topicOptOut) : ['unsubscribe'];
  const lacking = (held: readonly SuppressionReason[]) =>
    held.includes('unsubscribe') ? [] : asked.filter((r) => !held.includes(r));
  const forAddress = lacking(atAddress);
  const forPerson = ofPerson ? lacking(ofPerson) : [];
  const overflows =
    scope === 'topics' &&
    ((forAddress.length > 0 && atAddress.length + forAddress.length > MAX_REASONS_PER_ITEM) ||
      (forPerson.length > 0 && (ofPerson?.length ?? 0) + forPerson.length > MAX_REASONS_PER_ITEM));
  return { forAddress, forPerson, overflows };
}

/**
 * The topics of a preferences POST that are honoured: those the workspace lists and the link's own
 * (the send's topic, which its page shows even when the list lacks it). Others are ignored: a page
 * rendered before a topic left the list still saves the rest, and made-up ids write nothing.
 */
async function knownTopics(deps: UnsubscribeDeps, link: TrackingPayload, asked: readonly string[]): Promise<string[]> {
  if (asked.length === 0) return [];
  const listed = new Set(deps.topics ? await deps.topics(link.workspaceId) : []);
  if (link.topic) listed.add(link.topic);
  return asked.filter((t) => listed.has(t));
}

/**
 * The writes of an opt-out: the address's reasons, the person's (the opt-out is the person's: on
 * the contact too, so a changed address does not bring the mail back; the address keeps its own,
 * so a send to the bare address, or a contact found by it later, is stopped too), and with the
 * person's, when its own opt-out changes (not for its old address alone), the consent withdrawal
 * and the timeline entry to record; the audit entry in any case.
 */
function optOutWrite(
  deps: UnsubscribeDeps,
  link: TrackingPayload & { readonly email: string },
  origin: { ip?: string; userAgent?: string },
  what: {
    address: OptOutTarget;
    person: OptOutTarget;
    topics: readonly string[] | undefined;
    personTopics: readonly string[] | undefined;
  },
): OptOutWrite {
  const { workspaceId, email, sendId, contactId } = link;
  const at = deps.now();
  const id = (deps.newId ?? randomUUID)();
  const wallClockMs = (deps.wallClockMs ?? Date.now)();
  const { address, person, topics, personTopics } = what;
  return {
    workspaceId,
    atMs: at.getTime(),
    ...(address.reasons.length > 0 ? { address: { email, ...address } } : {}),
    ...(contactId !== undefined && person.reasons.length > 0
      ? {
          person: {
            contactId,
            ...person,
            consent: {
              consentId: id,
              workspaceId,
              contactId,
              action: 'withdrawn',
              source: 'unsubscribe',
              at: at.toISOString(),
              recordedAt: at.toISOString(),
              scope: personTopics ?? 'all',
              sendId,
              ...(origin.ip ? { ip: origin.ip } : {}),
            },
            unrecorded: {
              id,
              atMs: at.getTime(),
              writtenAtMs: wallClockMs,
              metadata: {
                sendId,
                via: personTopics ? 'preferences' : 'list-unsubscribe',
                ...(personTopics ? { topics: personTopics } : {}),
              },
            },
          },
        }
      : {}),
    audit: newAuditRecord(
      {
        workspaceId,
        eventType: 'email',
        eventAction: 'unsubscribed',
        actorType: 'system',
        actorId: 'unsubscribe-link',
        resourceType: 'email',
        resourceId: sendId,
        ...(origin.ip ? { ip: origin.ip } : {}),
        ...(origin.userAgent ? { userAgent: origin.userAgent } : {}),
        metadata: { email, ...(contactId ? { contactId } : {}), ...(topics ? { topics } : {}) },
      },
      new Date(wallClockMs),
    ),
  };
}

/**
 * Records an opt-out's timeline entry under its id and time, then forgets it on the opt-out
 * item. Best effort: the opt-out and its legal records are stored; a failure is logged and the
 * entry stays for a later POST ({@link recordLeftOver}).
 */
async function recordUnsubscribed(
  deps: UnsubscribeDeps,
  workspaceId: string,
  contactId: string,
  entry: UnrecordedUnsubscribe,
): Promise<void> {
  try {
    await deps.recordUnsubscribed(
      workspaceId,
      contactId,
      { ...entry.metadata },
      { interactionId: entry.id, occurredAt: new Date(entry.atMs) },
    );
    await deps.suppressions.unsubscribeRecorded(workspaceId, contactId, entry.id);
  } catch (error) {
    logger.warn('Unsubscribe honoured; its timeline entry is left for a later request to record', {
      error: (error as Error).message,
      workspaceId,
      contactId,
      optOutId: entry.id,
    });
  }
}

/** The timeline entries of earlier opt-outs their requests left, once those requests are surely over. */
async function recordLeftOver(
  deps: UnsubscribeDeps,
  workspaceId: string,
  contactId: string,
  unrecorded: readonly UnrecordedUnsubscribe[],
): Promise<void> {
  const nowMs = (deps.wallClockMs ?? Date.now)();
  for (const entry of unrecorded) {
    if (nowMs - entry.writtenAtMs >= REDRIVE_AFTER_MS) await recordUnsubscribed(deps, workspaceId, contactId, entry);
  }
}

/** A topic of the preferences page, and whether this address already opted out of it. */
export interface TopicChoice {
  readonly id: string;
  readonly label: string;
  readonly optedOut: boolean;
}

/** The page's topics: the workspace's list, plus the send's own topic when the list lacks it. */
export function topicChoices(
  listed: readonly { id: string; label: string }[],
  sendTopic: string | undefined,
  reasons: readonly SuppressionReason[],
): TopicChoice[] {
  const all = [...listed];
  if (sendTopic && !all.some((t) => t.id === sendTopic)) all.push({ id: sendTopic, label: sendTopic });
  return all.map((t) => ({ ...t, optedOut: reasons.includes(topicOptOut(t.id)) }));
}

/** The confirm page: topic checkboxes (when the workspace has topics) and "unsubscribe from all". */
function confirmBody(detail: {
  action?: string;
  email?: string;
  topics?: readonly TopicChoice[];
  unsubscribedAll?: boolean;
}) {
  const who = escapeHtml(detail.email ?? 'this address');
  if (detail.unsubscribedAll) return `<h1>Unsubscribed</h1><p>${who} receives no marketing emails.</p>`;
  const topics = detail.topics ?? [];
  const boxes = topics
    .map((t) =>
      t.optedOut
        ? `<li><label><input type="checkbox" checked disabled> ${escapeHtml(t.label)} (unsubscribed)</label></li>`
        : `<li><label><input type="checkbox" name="topic" value="${escapeHtml(t.id)}"> ${escapeHtml(t.label)}</label></li>`,
    )
    .join('');
  const choose =
    topics.length > 0
      ? `<p>Stop emails about these topics only:</p><ul>${boxes}</ul><button type="submit" name="scope" value="topics">Update preferences</button> `
      : '';
  return `<h1>Unsubscribe</h1><p>Stop marketing emails to ${who}?</p>
<form method="post" action="${escapeHtml(detail.action ?? '')}">${choose}<button type="submit" name="scope" value="all">Unsubscribe from all</button></form>`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The small pages of `/u/{token}` (no script; the confirm button is a form POST to the same URL). */
export function unsubscribePage(
  kind: 'confirm' | 'done' | 'topics-done' | 'invalid',
  detail: { action?: string; email?: string; topics?: readonly TopicChoice[]; unsubscribedAll?: boolean } = {},
): string {
  const body =
    kind === 'confirm'
      ? confirmBody(detail)
      : kind === 'done'
        ? `<h1>Unsubscribed</h1><p>${escapeHtml(detail.email ?? 'This address')} will receive no more marketing emails.</p>`
        : kind === 'topics-done'
          ? `<h1>Preferences saved</h1><p>${escapeHtml(detail.email ?? 'This address')} will receive no more emails about: ${escapeHtml((detail.topics ?? []).map((t) => t.label).join(', ') || 'nothing new')}.</p>`
          : '<h1>Invalid link</h1><p>This unsubscribe link is not valid (code INVALID_UNSUBSCRIBE_TOKEN).</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Unsubscribe</title></head><body>${body}</body></html>`;
}
