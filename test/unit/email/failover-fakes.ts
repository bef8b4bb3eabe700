/**
 * Fixtures of the failover tests: the memory ledger with the DynamoDB adapter's hold of an
 * ambiguous release (`awaitAck`: still claimed, the lease to now + grace, `staleSinceMs` = now),
 * and a chain of fake providers that count the copies they accepted (Resend deduping on the
 * email's idempotency key, as it does).
 */
import type { EmailProvider, OutgoingEmail, ProviderName, ReleaseOptions } from '../../../shared/email/ports';
import { type ChainLink, providerBreaker } from '../../../shared/email/provider-failover';
import type { SendDeps, SendRequest } from '../../../shared/email/send-email';
import { MemorySendLedger } from '../../support/memory-send-ledger';

export class HoldingLedger extends MemorySendLedger {
  override async release(ws: string, key: string, claimId?: string, options?: ReleaseOptions): Promise<void> {
    const r = this.record(ws, key);
    const hold = options?.awaitAck;
    if (hold && r?.state === 'claimed') {
      r.leaseUntilMs = hold.atMs + hold.graceMs;
      r.staleSinceMs = hold.atMs;
      return;
    }
    return super.release(ws, key, claimId, options);
  }
}

export const LEASE = 300_000;
export const GRACE = 60_000;

export const request: SendRequest = {
  workspaceId: 'ws-1',
  idempotencyKey: 'campaign#e1#n1#v1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'Hi', html: '<p>Hello</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
};

export const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const apiError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, status, $metadata: { httpStatusCode: status } });

export type Behaviour = 'accept' | 'accept-lose-answer' | 'fail-503' | 'throttle-429' | 'in-progress-409';

export interface Copy {
  provider: ProviderName;
  email: OutgoingEmail;
  id: string;
}

/** A fake provider: Resend dedupes on the idempotency key (a repeat answers the first id), others do not. */
export function fakeProvider(
  name: ProviderName,
  queue: Behaviour[],
  copies: Copy[],
  calls: ProviderName[],
): EmailProvider {
  return {
    name,
    async send(email) {
      calls.push(name);
      const behaviour = queue.shift() ?? 'accept';
      if (behaviour === 'fail-503') throw apiError('ServiceUnavailable', 503);
      if (behaviour === 'throttle-429') throw apiError('rate_limit_exceeded', 429);
      if (behaviour === 'in-progress-409') throw apiError('concurrent_idempotent_requests', 409);
      const earlier =
        name === 'resend'
          ? copies.find((c) => c.provider === name && c.email.idempotencyKey === email.idempotencyKey)
          : undefined;
      const id = earlier?.id ?? `${name}-${copies.length + 1}`;
      if (!earlier) copies.push({ provider: name, email, id });
      if (behaviour === 'accept-lose-answer') throw reset();
      return { providerMessageId: id };
    },
  };
}

export function setup(links: Array<[ProviderName, EmailProvider | Behaviour[]]>, options: { retries?: number } = {}) {
  const copies: Copy[] = [];
  const calls: ProviderName[] = [];
  const chain: ChainLink[] = links.map(([name, p]) => ({
    provider: Array.isArray(p) ? fakeProvider(name, p, copies, calls) : p,
    breaker: providerBreaker(name),
    ...(options.retries ? { retry: { retries: options.retries, baseMs: 1, capMs: 1 } } : {}),
  }));
  const ledger = new HoldingLedger();
  let now = 1_000_000;
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain,
    now: () => now,
    leaseMs: LEASE,
    claimGraceMs: GRACE,
  };
  return {
    deps,
    ledger,
    copies,
    calls,
    advance: (ms: number) => (now += ms),
    now: () => now,
    record: () => ledger.record('ws-1', request.idempotencyKey),
  };
}
