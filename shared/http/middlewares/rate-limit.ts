/**
 * Per-client rate limits (shared/rate-limit), counted before the route is resolved so unknown
 * paths cost a prober too: every answer gets the RateLimit-* headers; a refused request is
 * answered 429 `RATE_LIMITED` with `Retry-After`, counted (`RateLimitHits`) and remembered for
 * the abuse alerts. A failing counter store lets the request through (logged).
 */
import { randomUUID } from 'node:crypto';
import { TooManyRequestsError } from '../../errors';
import type { PresentedKey } from '../../identity/authenticate';
import { recordRateLimited } from '../../observability/http-metrics';
import { logger } from '../../observability/logger';
import { type ClientIdentity, checkRateLimits, rateLimitHeaders } from '../../rate-limit/rate-limiter';
import { rulesFor } from '../../rate-limit/rules';
import { recordRateLimitRefusal } from '../../security/abuse-alerts';
import { limitedAddressOf } from '../../security/client-address';
import type { CallerOrigin } from '../../security/trusted-edge';
import type { EdgeDeps } from '../edge-deps';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

export function rateLimit(deps: Pick<EdgeDeps, 'counters' | 'refusals' | 'alerts' | 'now'>): EdgeMiddleware {
  return {
    name: 'rate-limit',
    before: async (request) => {
      const state = stateOf(request);
      const { event } = request;
      const tier = state.declared?.rateTier ?? 'public';
      const hasQuery = Object.keys(event.queryStringParameters ?? {}).length > 0;
      const identity = clientIdentity(found(state.caller, 'caller'), state.presented);
      const nowMs = deps.now();
      const decision = await checkRateLimits(rulesFor(tier, event.rawPath, hasQuery), identity, {
        store: deps.counters,
        ...(deps.refusals ? { refusals: deps.refusals } : {}),
        nowMs,
        onStoreError: (error) => logger.warn('Rate-limit store failed; request let through', { error: error as Error }),
      });
      if (!decision) return;
      state.answerHeaders = rateLimitHeaders(decision);
      if (decision.allowed) return;
      const client = identity.userId ? `user:${identity.userId}` : `ip:${identity.address}`;
      await recordRateLimitRefusal(
        { client, rule: decision.refusedBy ?? 'unknown', nowMs, newId: randomUUID },
        { counters: deps.counters, alerts: deps.alerts },
      ).catch((error: unknown) => logger.warn('Could not record a rate-limit refusal', { error: error as Error }));
      recordRateLimited(tier);
      throw new TooManyRequestsError(
        `Too many requests; retry after ${decision.resetSeconds} s`,
        decision.resetSeconds,
      );
    },
  };
}

/**
 * A verified API key makes its user the client of the per-client rules: one budget however
 * many keys the user mints. Anything else (no key, a made-up or revoked one) is the address.
 * The address is the client's network as limits count it (shared/security/client-address.ts):
 * an IPv6 client is its /64, so rotating through its own addresses does not buy new budgets.
 */
function clientIdentity(caller: CallerOrigin, presented: PresentedKey): ClientIdentity {
  const address = limitedAddressOf(caller.clientAddress);
  if (presented.status !== 'verified') return { address };
  return { address, userId: presented.found.user.userId };
}
