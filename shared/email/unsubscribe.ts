/**
 * RFC 8058 one-click unsubscribe: the headers every marketing email carries, and honouring
 * an unsubscribe link (`POST /u/{token}`): the address is suppressed for marketing in its
 * workspace, the contact's timeline gets an `unsubscribed` interaction, and an audit entry is
 * written. Honouring twice changes nothing the second time.
 */
import type { AuditEntry } from '../identity/ports';
import type { SuppressionLookup } from './ports';
import type { SuppressionReason } from './suppression-rules';
import { openTrackingToken, sealTrackingToken, type TrackingPayload } from './tracking-token';

/** The link a token opens: `<base>/u/<token>`. */
export function unsubscribeUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/u/${token}`;
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
  who: { workspaceId: string; sendId: string; email: string; contactId?: string },
): { url: string; headers: Record<string, string> } {
  const payload: TrackingPayload = {
    kind: 'unsubscribe',
    workspaceId: who.workspaceId,
    sendId: who.sendId,
    email: who.email.trim().toLowerCase(),
    ...(who.contactId ? { contactId: who.contactId } : {}),
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

export interface UnsubscribeDeps {
  readonly key: Buffer;
  readonly suppressions: SuppressionLookup & {
    suppress(workspaceId: string, email: string, reason: SuppressionReason, atMs: number): Promise<void>;
  };
  /** The contact with this address in the workspace, if any. */
  readonly contactIdOf: (workspaceId: string, email: string) => Promise<string | undefined>;
  /** Appends `unsubscribed` to the contact's timeline (the interaction path). */
  readonly recordUnsubscribed: (
    workspaceId: string,
    contactId: string,
    metadata: Record<string, unknown>,
  ) => Promise<void>;
  readonly audit: (entry: AuditEntry) => Promise<void>;
  readonly now: () => Date;
}

export type UnsubscribeOutcome =
  | { readonly status: 'invalid' }
  | { readonly status: 'unsubscribed'; readonly already: boolean };

/** Honours an unsubscribe token at once. A bad token is `invalid` (a 400), never an error. */
export async function honourUnsubscribe(
  deps: UnsubscribeDeps,
  token: string,
  origin: { ip?: string; userAgent?: string } = {},
): Promise<UnsubscribeOutcome> {
  const payload = openUnsubscribeToken(token, deps.key);
  if (!payload) return { status: 'invalid' };
  const { workspaceId, email, sendId } = payload;
  const before = await deps.suppressions.reasonsFor(workspaceId, email);
  if (before.includes('unsubscribe')) return { status: 'unsubscribed', already: true };
  const at = deps.now();
  await deps.suppressions.suppress(workspaceId, email, 'unsubscribe', at.getTime());
  const contactId = payload.contactId ?? (await deps.contactIdOf(workspaceId, email));
  if (contactId) await deps.recordUnsubscribed(workspaceId, contactId, { sendId, via: 'list-unsubscribe' });
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
    metadata: { email, ...(contactId ? { contactId } : {}) },
  });
  return { status: 'unsubscribed', already: false };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The small pages of `/u/{token}` (no script; the confirm button is a form POST to the same URL). */
export function unsubscribePage(
  kind: 'confirm' | 'done' | 'invalid',
  detail: { action?: string; email?: string } = {},
): string {
  const body =
    kind === 'confirm'
      ? `<h1>Unsubscribe</h1><p>Stop marketing emails to ${escapeHtml(detail.email ?? 'this address')}?</p>
<form method="post" action="${escapeHtml(detail.action ?? '')}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`
      : kind === 'done'
        ? `<h1>Unsubscribed</h1><p>${escapeHtml(detail.email ?? 'This address')} will receive no more marketing emails.</p>`
        : '<h1>Invalid link</h1><p>This unsubscribe link is not valid (code INVALID_UNSUBSCRIBE_TOKEN).</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Unsubscribe</title></head><body>${body}</body></html>`;
}
