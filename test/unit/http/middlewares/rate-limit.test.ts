import { afterEach, describe, expect, it } from 'vitest';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { rateLimit } from '../../../../shared/http/middlewares/rate-limit';
import type { PresentedKey } from '../../../../shared/identity/authenticate';
import type { User } from '../../../../shared/identity/model';
import { fakeEdge } from '../../../support/edge-fakes';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';
import { flushedMetrics } from '../../../support/output-capture';

const things = testRoute({ id: 'things.list', method: 'GET', path: '/api/things', rateTier: 'public' });
const caller = { clientAddress: '198.51.100.9', publicHost: 'app.example' };
const counted = (presented?: PresentedKey) =>
  edgeRequest(apiEvent(), { caller, ...(presented ? { presented } : {}) }, [things]);

afterEach(() => {
  flushedMetrics();
});

describe('rateLimit', () => {
  it('lets a request under the limits through with the RateLimit-* headers for every answer', async () => {
    const request = counted();
    await rateLimit(fakeEdge().deps).before?.(request);
    expect(stateOf(request).answerHeaders).toMatchObject({
      'ratelimit-limit': expect.any(String),
      'ratelimit-remaining': expect.any(String),
      'ratelimit-reset': expect.any(String),
    });
  });
  it('refuses the request past a limit with 429 and Retry-After, counts it and remembers the client', async () => {
    const { deps, counters } = fakeEdge();
    const middleware = rateLimit(deps);
    for (let i = 0; i < 20; i++) await middleware.before?.(counted());
    flushedMetrics();

    const request = counted();
    await expect(middleware.before?.(request)).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(stateOf(request).answerHeaders).toMatchObject({
      'ratelimit-remaining': '0',
      'retry-after': expect.any(String),
    });
    expect(flushedMetrics()).toContainEqual(expect.objectContaining({ rateTier: 'public', RateLimitHits: 1 }));
    expect([...counters.counts.keys()].some((key) => key.includes('198.51.100.9'))).toBe(true);
  });
  it('counts a verified API key against its user, and anything else against the address', async () => {
    const { deps, counters } = fakeEdge();
    const verified: PresentedKey = {
      status: 'verified',
      hash: 'h',
      found: { key: {} as never, user: { userId: 'u-7' } as User },
    };
    await rateLimit(deps).before?.(counted(verified));
    await rateLimit(deps).before?.(counted({ status: 'invalid', reason: 'unknown' }));
    const keys = counters.groups.map((g) => g.key);
    expect(keys.some((key) => key.includes('u-7'))).toBe(true);
    expect(keys.filter((key) => key.includes('u-7'))).not.toHaveLength(keys.length);
  });
  it('lets the request through when the counter store fails', async () => {
    const { deps, counters } = fakeEdge();
    counters.failing = true;
    const request = counted();
    await expect(rateLimit(deps).before?.(request)).resolves.toBeUndefined();
  });
});
