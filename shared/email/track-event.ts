/**
 * An open (`GET /t/o/{token}`) or a click (`GET|HEAD /t/c/{token}`) of a tracked email: the
 * sealed token names the send, the contact and, for a click, the target. A good event goes
 * onto the contact's timeline (`email_opened` / `email_clicked`) with its bot signals; an
 * event that looks like a machine's is kept but flagged (`metadata.suspectedBot`), and the
 * scorer gives flagged interactions no points (shared/crm/scoring/automation.ts).
 * A bad token records nothing.
 */
import { type BotSignal, botSignals } from './tracking';
import { openTrackingToken, type TrackingPayload } from './tracking-token';

export type TrackedInteraction = 'email_opened' | 'email_clicked';

export interface TrackEventDeps {
  readonly key: Buffer;
  /** Appends the interaction to the contact's timeline (the interaction path); a deleted contact is ignored there. */
  readonly record: (
    workspaceId: string,
    contactId: string,
    type: TrackedInteraction,
    metadata: Record<string, unknown>,
  ) => Promise<void>;
  readonly now: () => number;
}

export interface HitOrigin {
  readonly method: string;
  readonly userAgent: string;
  readonly ip?: string;
}

export type TrackOutcome =
  | { readonly status: 'invalid' }
  | {
      readonly status: 'tracked';
      /** Whether a timeline entry was written (the token names a contact). */
      readonly recorded: boolean;
      readonly signals: readonly BotSignal[];
      /** The click's target. */
      readonly url?: string;
    };

/** Records an open; a tampered, foreign or non-open token is `invalid` and writes nothing. */
export function trackOpen(deps: TrackEventDeps, token: string, origin: HitOrigin): Promise<TrackOutcome> {
  return track(deps, token, 'open', origin);
}

/** Records a click and answers its target; a bad token is `invalid` (no redirect, nothing written). */
export function trackClick(deps: TrackEventDeps, token: string, origin: HitOrigin): Promise<TrackOutcome> {
  return track(deps, token, 'click', origin);
}

async function track(
  deps: TrackEventDeps,
  token: string,
  kind: 'open' | 'click',
  origin: HitOrigin,
): Promise<TrackOutcome> {
  const payload = openTrackingToken(token, deps.key);
  if (!payload || payload.kind !== kind || (kind === 'click' && !payload.url)) return { status: 'invalid' };
  const signals = botSignals({
    kind,
    method: origin.method,
    userAgent: origin.userAgent,
    nowMs: deps.now(),
    ...(origin.ip ? { ip: origin.ip } : {}),
    ...(payload.issuedAtMs !== undefined ? { issuedAtMs: payload.issuedAtMs } : {}),
  });
  const recorded = payload.contactId !== undefined;
  if (payload.contactId) {
    await deps.record(
      payload.workspaceId,
      payload.contactId,
      kind === 'open' ? 'email_opened' : 'email_clicked',
      metadataOf(payload, signals, origin),
    );
  }
  return { status: 'tracked', recorded, signals, ...(payload.url ? { url: payload.url } : {}) };
}

function metadataOf(
  payload: TrackingPayload,
  signals: readonly BotSignal[],
  origin: HitOrigin,
): Record<string, unknown> {
  return {
    sendId: payload.sendId,
    ...(payload.campaignId ? { campaignId: payload.campaignId } : {}),
    ...(payload.nodeId ? { nodeId: payload.nodeId } : {}),
    ...(payload.ab ? { ab: payload.ab } : {}),
    ...(payload.url ? { url: payload.url } : {}),
    ...(signals.length > 0 ? { suspectedBot: [...signals] } : {}),
    ...(origin.userAgent ? { userAgent: origin.userAgent.slice(0, 200) } : {}),
  };
}
