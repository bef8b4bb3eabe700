/**
 * The workspace's sending status (`GET /api/emails/sending`), a person's resume, and the Resend
 * webhook's intake. A resume lifts the pause and restarts the reputation window at that hour, so
 * the workspace is judged again on what it sends next (and needs the minimum volume first).
 */
import { ConflictError } from '../errors';
import type { SendingGateState } from './event-ports';
import { type EventEnvelope, resendEnvelope } from './provider-events';
import { judgeReputation, type ReputationCounts, type ReputationThresholds } from './reputation';
import { hourOf, REPUTATION_WINDOW_HOURS, windowCounts } from './reputation-window';
import { verifyWebhook, type WebhookHeaders, type WebhookVerdict } from './webhook-signature';

export interface SendingStatusDeps {
  readonly gate: {
    state(workspaceId: string): Promise<SendingGateState>;
    /** Lifts the pause stamped `pausedAtMs` only; false when the gate holds another or none. */
    resume(workspaceId: string, atMs: number, baseline: ReputationCounts, pausedAtMs?: number): Promise<boolean>;
  };
  readonly reputation: { counts(workspaceId: string, window: { from: string; to: string }): Promise<ReputationCounts> };
  readonly thresholds: ReputationThresholds;
  readonly now: () => number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export async function sendingStatus(workspaceId: string, deps: SendingStatusDeps) {
  const nowMs = deps.now();
  const gate = await deps.gate.state(workspaceId);
  const { window, counts } = await windowCounts(deps.reputation, workspaceId, nowMs, gate);
  const verdict = judgeReputation(counts, deps.thresholds);
  return {
    paused: gate.pausedReason !== undefined,
    ...(gate.pausedReason ? { reason: gate.pausedReason, since: iso(gate.pausedAtMs) } : {}),
    ...(gate.resumedAtMs !== undefined && !gate.pausedReason ? { resumedAt: iso(gate.resumedAtMs) } : {}),
    reputation: verdict.status,
    window: { hours: REPUTATION_WINDOW_HOURS, from: `${window.from}:00:00Z`, to: `${window.to}:59:59Z` },
    counts,
    rates: { bounceRate: verdict.bounceRate, complaintRate: verdict.complaintRate },
    thresholds: deps.thresholds,
  };
}

/**
 * Lifts a pause; `resumed: false` when nothing was paused (nothing written). Only the pause that
 * was read is lifted: a new pause written meanwhile (reputation judged again) is a 409 naming it,
 * so nobody lifts a pause they have not seen.
 */
export async function resumeSending(
  workspaceId: string,
  deps: Pick<SendingStatusDeps, 'gate' | 'reputation' | 'now'>,
): Promise<{ resumed: boolean; previousReason?: string }> {
  const gate = await deps.gate.state(workspaceId);
  if (!gate.pausedReason) return { resumed: false };
  const nowMs = deps.now();
  const hour = hourOf(nowMs);
  // What this hour counted so far stays behind: the new window starts at the resume.
  const baseline = await deps.reputation.counts(workspaceId, { from: hour, to: hour });
  if (await deps.gate.resume(workspaceId, nowMs, baseline, gate.pausedAtMs)) {
    return { resumed: true, previousReason: gate.pausedReason };
  }
  const now = await deps.gate.state(workspaceId);
  // Another resume came first: nothing left to lift.
  if (!now.pausedReason) return { resumed: false };
  throw new ConflictError(
    `Sending was paused again meanwhile (${now.pausedReason}); read the status and resume again if you still mean to`,
    'SENDING_PAUSE_CHANGED',
  );
}

export interface EventQueue {
  send(envelope: EventEnvelope): Promise<void>;
}

/**
 * A Resend webhook: verified against the raw body, then queued as an envelope (id = svix-id, for
 * the logs). Nothing is queued unless the signature holds; a redelivered webhook is queued again
 * (no record of svix ids is kept): the processor changes nothing twice for one fact.
 */
export async function acceptResendWebhook(
  request: { rawBody: string; headers: WebhookHeaders },
  deps: { secret: string | undefined; queue: EventQueue; now: () => number },
): Promise<WebhookVerdict | { valid: false; reason: 'not-configured' | 'malformed' }> {
  if (!deps.secret) return { valid: false, reason: 'not-configured' };
  const verdict = verifyWebhook(deps.secret, request.headers, request.rawBody, deps.now());
  if (!verdict.valid) return verdict;
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { valid: false, reason: 'malformed' };
  await deps.queue.send(resendEnvelope(verdict.id, body as Record<string, unknown>, new Date(deps.now())));
  return verdict;
}
