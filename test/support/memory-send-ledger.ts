/**
 * An in-memory send ledger with the DynamoDB adapter's rules (shared/adapters/dynamo-send-ledger.ts),
 * for unit tests of the use cases around it: claim with lease and grace, markSent and the Send
 * event's acknowledgement (the first to turn `claimed`/`released` -> `sent` counts the hour),
 * close and release, `stateOf`, and `sealedAtMs` (set by the first claim, kept by a takeover and by a release
 * without `nothingSent`, forgotten by one with it). The adapter itself is tested on the DynamoDB emulator
 * (test/integration/email-send-ack.test.ts).
 */
import type { SendAcknowledger } from '../../shared/email/event-ports';
import type { ClaimResult, ProviderName, ReleaseOptions, SendLedger, SendRecordState } from '../../shared/email/ports';
import { hourOf } from '../../shared/email/reputation-window';

export interface MemoryRecord {
  state: 'claimed' | 'released' | 'sent' | 'closed';
  leaseUntilMs?: number;
  staleSinceMs?: number;
  provider?: ProviderName;
  providerMessageId?: string;
  markedBy?: 'sender' | 'event';
  reason?: string;
  sealedAtMs?: number;
  /** Claims taken so far (the adapter's `attempts`). */
  attempts?: number;
}

export class MemorySendLedger implements SendLedger, SendAcknowledger {
  readonly records = new Map<string, MemoryRecord>();
  /** `<ws>|<hour>` -> sends counted. */
  readonly hours = new Map<string, number>();

  record(ws: string, key: string): MemoryRecord | undefined {
    return this.records.get(`${ws}|${key}`);
  }

  sentIn(ws: string, atMs: number): number {
    return this.hours.get(`${ws}|${hourOf(atMs)}`) ?? 0;
  }

  async claim(ws: string, key: string, nowMs: number, leaseMs: number, graceMs = 0): Promise<ClaimResult> {
    const r = this.record(ws, key);
    const expired = r?.state === 'claimed' && (r.leaseUntilMs ?? 0) <= nowMs;
    const takeable =
      !r || r.state === 'released' || (expired && (graceMs === 0 || (r.staleSinceMs ?? Infinity) <= nowMs - graceMs));
    if (takeable) {
      const sealedAtMs = r?.sealedAtMs ?? nowMs;
      const attempts = (r?.attempts ?? 0) + 1;
      this.records.set(`${ws}|${key}`, { state: 'claimed', leaseUntilMs: nowMs + leaseMs, sealedAtMs, attempts });
      return { status: 'claimed', sealedAtMs, sealedBefore: r?.sealedAtMs !== undefined, claimedBefore: attempts > 1 };
    }
    if (r.state === 'sent') {
      return { status: 'sent', provider: r.provider as ProviderName, providerMessageId: r.providerMessageId ?? '' };
    }
    if (r.state === 'closed') return { status: 'closed', reason: r.reason ?? 'closed' };
    if (expired) {
      r.staleSinceMs ??= nowMs;
      return { status: 'in-flight', untilMs: r.staleSinceMs + graceMs, awaitingAck: true };
    }
    return { status: 'in-flight', untilMs: r.leaseUntilMs ?? nowMs + 1000 };
  }

  async stateOf(ws: string, key: string): Promise<SendRecordState> {
    const r = this.record(ws, key);
    if (r?.state === 'closed') return { state: 'closed', reason: r.reason ?? 'closed' };
    if (r?.state === 'sent' || r?.state === 'claimed') return { state: r.state };
    return { state: 'open' };
  }

  async markSent(
    ws: string,
    key: string,
    a: { provider: ProviderName; providerMessageId: string; atMs: number },
  ): Promise<void> {
    if (this.accept(ws, key, a, 'sender')) return;
    const r = this.record(ws, key);
    if (r?.state === 'sent' && r.provider === a.provider && r.providerMessageId === a.providerMessageId) return;
    throw new Error(`Send ${key} is no longer claimed by this attempt; not marked sent`);
  }

  async acknowledgeSent(
    ws: string,
    key: string,
    a: { provider: 'ses' | 'resend'; providerMessageId: string; atMs: number },
  ): Promise<'marked' | 'unchanged'> {
    return this.accept(ws, key, a, 'event') ? 'marked' : 'unchanged';
  }

  async close(ws: string, key: string, reason: string): Promise<void> {
    const r = this.record(ws, key);
    if (r?.state !== 'sent') this.records.set(`${ws}|${key}`, { state: 'closed', reason });
  }

  async release(ws: string, key: string, _claimId?: string, options?: ReleaseOptions): Promise<void> {
    const r = this.record(ws, key);
    if (r?.state !== 'claimed') return;
    const keep = !options?.nothingSent && r.sealedAtMs !== undefined;
    this.records.set(`${ws}|${key}`, {
      state: 'released',
      ...(keep ? { sealedAtMs: r.sealedAtMs } : {}),
      ...(r.attempts !== undefined ? { attempts: r.attempts } : {}),
    });
  }

  private accept(
    ws: string,
    key: string,
    a: { provider: ProviderName; providerMessageId: string; atMs: number },
    by: 'sender' | 'event',
  ): boolean {
    const r = this.record(ws, key);
    if (r?.state !== 'claimed' && r?.state !== 'released') return false;
    this.records.set(`${ws}|${key}`, {
      state: 'sent',
      provider: a.provider,
      providerMessageId: a.providerMessageId,
      markedBy: by,
    });
    const hour = `${ws}|${hourOf(a.atMs)}`;
    this.hours.set(hour, (this.hours.get(hour) ?? 0) + 1);
    return true;
  }
}
