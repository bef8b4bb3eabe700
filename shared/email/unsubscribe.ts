/**
 * RFC 8058 one-click unsubscribe: the headers every marketing email carries, and honouring
 * an unsubscribe link (`POST /u/{token}`): the address is suppressed for marketing in its
 * workspace, the contact's timeline gets an `unsubscribed` interaction, and an audit entry is
 * written. Honouring twice changes nothing the second time.
 *
 * A link is sealed for the address it was mailed to and, when the send named one, the contact it
 * was for. It opts out that contact (whatever its address is now) and suppresses that address;
 * never the contact that has the address when the link is clicked, which may be someone else (the
 * address changed hands since: a contact deleted, an address edited).
 */
import type { AuditEntry } from '../identity/ports';
import { trimEnd } from './linear-scan';
import type { SuppressionLookup } from './ports';
import { optedOutTopic, type SuppressionReason, TOPIC_ID_PATTERN, topicOptOut } from './suppression-rules';
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

/** The suppression store as an unsubscribe reads and writes it. */
export type UnsubscribeSuppressions = SuppressionLookup & {
  suppress(workspaceId: string, email: string, reason: SuppressionReason, atMs: number): Promise<void>;
  /** The contact's own opt-out: it follows the person to a new address. */
  suppressContact(workspaceId: string, contactId: string, reason: SuppressionReason, atMs: number): Promise<void>;
  /**
   * The contact's own opt-outs alone (`CONTACTOPTOUT#<id>`), without any address's: whether the
   * person a link names has opted out, whatever its old address's suppressions say. Strongly
   * consistent, as `reasonsFor`.
   */
  contactOptOuts(workspaceId: string, contactId: string): Promise<readonly SuppressionReason[]>;
};

export interface UnsubscribeDeps {
  readonly key: Buffer;
  readonly suppressions: UnsubscribeSuppressions;
  /** Appends `unsubscribed` to the contact's timeline (the interaction path). */
  readonly recordUnsubscribed: (
    workspaceId: string,
    contactId: string,
    metadata: Record<string, unknown>,
  ) => Promise<void>;
  readonly audit: (entry: AuditEntry) => Promise<void>;
  /** Records the withdrawal of consent (all marketing, or some topics) in the contact's consent record. */
  readonly withdrawConsent?: (
    workspaceId: string,
    contactId: string,
    withdrawal: { scope: 'all' | readonly string[]; sendId: string; at: Date; ip?: string },
  ) => Promise<void>;
  readonly now: () => Date;
}

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
    ? suppressions.contactOptOuts(link.workspaceId, link.contactId)
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
  const [atAddress, ofPerson] = await Promise.all([
    deps.suppressions.reasonsFor(workspaceId, email),
    contactId ? deps.suppressions.contactOptOuts(workspaceId, contactId) : undefined,
  ]);
  if (atAddress.includes('unsubscribe') && (ofPerson?.includes('unsubscribe') ?? true)) {
    return { status: 'unsubscribed', already: true };
  }
  const asked: SuppressionReason[] = choice.scope === 'all' ? ['unsubscribe'] : choice.topics.map(topicOptOut);
  // A full unsubscribe already covers every topic.
  const lacking = (held: readonly SuppressionReason[]) =>
    held.includes('unsubscribe') ? [] : asked.filter((r) => !held.includes(r));
  const forAddress = lacking(atAddress);
  const forPerson = ofPerson ? lacking(ofPerson) : [];
  const topicsOf = (reasons: readonly SuppressionReason[]) =>
    choice.scope === 'topics' ? reasons.map((r) => optedOutTopic(r) as string) : undefined;
  const topics = topicsOf([...new Set([...forPerson, ...forAddress])]);
  if (forAddress.length === 0 && forPerson.length === 0) return { status: 'unsubscribed', already: true, topics: [] };
  const at = deps.now();
  // The opt-out is the person's: on the contact too, so a changed address does not bring the
  // mail back (a send for the contact reads both). The address keeps its own: a send to the bare
  // address, or a contact found by it later, is stopped too.
  for (const reason of forPerson) {
    if (contactId) await deps.suppressions.suppressContact(workspaceId, contactId, reason, at.getTime());
  }
  for (const reason of forAddress) await deps.suppressions.suppress(workspaceId, email, reason, at.getTime());
  // The suppressions above are what stop the mail; the records of it follow, the legal ones
  // (consent, audit) before the timeline entry, whose wider reach (scoring, domain events) may
  // fail more ways: a second click finds the suppressions and does nothing more. The person's
  // records only when the person's own opt-out changed (not for its old address alone).
  const personTopics = topicsOf(forPerson);
  const personChanged = contactId !== undefined && forPerson.length > 0;
  if (personChanged) {
    await deps.withdrawConsent?.(workspaceId, contactId, {
      scope: personTopics ?? 'all',
      sendId,
      at,
      ...(origin.ip ? { ip: origin.ip } : {}),
    });
  }
  await deps.audit({
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
  });
  if (personChanged) {
    await deps.recordUnsubscribed(workspaceId, contactId, {
      sendId,
      via: personTopics ? 'preferences' : 'list-unsubscribe',
      ...(personTopics ? { topics: personTopics } : {}),
    });
  }
  return { status: 'unsubscribed', already: false, ...(topics ? { topics } : {}) };
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
