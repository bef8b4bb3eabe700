import { afterEach, describe, expect, it } from 'vitest';
import { EDGE, stateOf } from '../../../../shared/http/middlewares/edge-state';
import { requestContext } from '../../../../shared/http/middlewares/request-context';
import { logger } from '../../../../shared/observability/logger';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';
import { flushedMetrics } from '../../../support/output-capture';

const things = testRoute({ id: 'things.list', method: 'GET', path: '/api/things' });

afterEach(() => {
  flushedMetrics();
});

describe('requestContext', () => {
  it('gives the invocation a state of its own: correlation id, lower-cased headers, cookies, the declared route', async () => {
    const event = apiEvent({ headers: { 'X-Workspace-Id': 'ws-1', cookie: 'session=s1; csrf-token=t1' } });
    const request = { event, context: {} as never, response: undefined, error: undefined, internal: {} };

    await requestContext(new Map([['GET /api/things', things]])).before?.(request);

    expect(request.event).not.toBe(event);
    expect(event[EDGE as never]).toBeUndefined();
    expect(logger.getCorrelationId()).toBe('req-1');
    expect(stateOf(request)).toMatchObject({
      requestId: 'req-1',
      headers: { 'x-workspace-id': 'ws-1', host: 'app.example' },
      cookies: { session: 's1', 'csrf-token': 't1' },
      declared: things,
      routeId: 'unmatched',
      presented: { status: 'absent' },
      answerHeaders: {},
    });
  });
  it('knows no route for a routeKey the function does not declare', () => {
    const request = edgeRequest(apiEvent({ routeKey: '$default' }), {}, [things]);
    expect(stateOf(request).declared).toBeUndefined();
  });
  it('records each answer once, with its route and status class, whether it succeeded or failed', async () => {
    const middleware = requestContext(new Map());
    const ok = edgeRequest(apiEvent(), { routeId: 'things.list' });
    ok.response = { statusCode: 201 };
    await middleware.after?.(ok);
    expect(flushedMetrics()).toEqual([
      expect.objectContaining({ routeId: 'things.list', status: '201', Http2xx: 1, Latency: expect.any(Number) }),
    ]);

    const failed = edgeRequest(apiEvent(), {});
    failed.response = { statusCode: 500 };
    await middleware.onError?.(failed);
    expect(flushedMetrics()).toEqual([expect.objectContaining({ routeId: 'unmatched', status: '500', Http5xx: 1 })]);
  });
});
