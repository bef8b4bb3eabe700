/**
 * Review round 10: this test failed at bad0c0c for the reason below; it passes since the fix.
 * FAULT (review 10, MEDIUM): every per-address rate limit is per single IPv6 address (/128), so an
 * IPv6 client rotates through its own /64 (2^64 addresses, every home and cloud host gets one) and
 * is never limited: the public webhook trigger, the unsubscribe and tracking links, sign-up and
 * log-in, and everything else keyed by address.
 *
 * Where: shared/http/middlewares/rate-limit.ts:54-57 (`clientIdentity`: the address is
 * `caller.clientAddress` as is) over shared/security/trusted-edge.ts:63-67 (`resolveCaller`: the
 * viewer address CloudFront sends, parsed by `parseViewerAddress`, kept whole), and
 * shared/rate-limit/rate-limiter.ts:101 (`planCounterGroups`: the counter key is
 * `ip:<full address>`). Two addresses of one /64 are two clients with two budgets.
 *
 * The test drives the edge as the cloud does (origin secret verified, `x-viewer-address` from
 * CloudFront) on the public campaign hook route (tier `hook`: the 100 req/s flood guard and the
 * /api rule of 20 per 2 s, both by address). 25 requests in the same instant from one IPv6 address
 * meet a 429 (the limit works); 25 from 25 addresses of the same /64 all pass.
 *
 * Fix: key IPv6 clients by their /64 prefix (and IPv4-mapped IPv6 by the IPv4 address) where the
 * client address is decided (resolveCaller / clientIdentity), so a rotating client shares one budget.
 */
import { describe, expect, it } from 'vitest';
import { fixedOriginSecrets } from '../../../shared/adapters/origin-secrets';
import { rateLimit } from '../../../shared/http/middlewares/rate-limit';
import { trustedEdge } from '../../../shared/http/middlewares/trusted-edge';
import { fakeEdge } from '../../support/edge-fakes';
import { apiEvent, edgeRequest, testRoute } from '../../support/edge-request';

const hook = testRoute({
  id: 'hooks.campaign',
  method: 'POST',
  path: '/api/hooks/campaigns/{id}/{token}',
  rateTier: 'hook',
});
const behindCloudFront = {
  originSecrets: fixedOriginSecrets(['the-secret']),
  clientAddressHeader: 'x-viewer-address',
};

/** Sends `n` hook requests at one instant, the i-th from `viewer(i)`; answers how many got a 429. */
async function refusedOf(n: number, viewer: (i: number) => string): Promise<number> {
  const { deps } = fakeEdge();
  const edge = trustedEdge(behindCloudFront);
  const limiter = rateLimit(deps);
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const request = edgeRequest(
      apiEvent({
        method: 'POST',
        path: '/api/hooks/campaigns/c-1/tok',
        routeKey: 'POST /api/hooks/campaigns/{id}/{token}',
        headers: { 'x-origin-verify': 'the-secret', 'x-viewer-address': viewer(i) },
      }),
      {},
      [hook],
    );
    await edge.before?.(request);
    try {
      await limiter.before?.(request);
    } catch (error) {
      if ((error as { status?: number }).status !== 429) throw error;
      refused += 1;
    }
  }
  return refused;
}

describe('per-address rate limits against an IPv6 client', () => {
  it('refuse one IPv6 address past the limit (control)', async () => {
    expect(await refusedOf(25, () => '[2001:db8:1:2::1]:443')).toBeGreaterThan(0);
  });

  it('refuse the same client rotating through addresses of its own /64', async () => {
    // Today: 0 refused. Each address of 2001:db8:1:2::/64 has a budget of its own.
    expect(await refusedOf(25, (i) => `[2001:db8:1:2::${(i + 1).toString(16)}]:443`)).toBeGreaterThan(0);
  });
});
