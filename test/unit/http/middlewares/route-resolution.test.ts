import { afterEach, describe, expect, it } from 'vitest';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { routeResolution } from '../../../../shared/http/middlewares/route-resolution';
import { logger } from '../../../../shared/observability/logger';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';
import { captureOutput } from '../../../support/output-capture';

const table = [
  testRoute({ id: 'things.list', method: 'GET', path: '/api/things' }),
  testRoute({ id: 'things.create', method: 'POST', path: '/api/things' }),
];

afterEach(() => {
  logger.resetKeys();
});

describe('routeResolution', () => {
  it('accepts a declared route: the metric and the logs name it from here on', () => {
    const request = edgeRequest(apiEvent(), {}, table);
    const output = captureOutput();
    try {
      void routeResolution(table).before?.(request);
      logger.info('after the route step');
    } finally {
      output.stop();
    }
    expect(stateOf(request)).toMatchObject({ route: table[0], routeId: 'things.list' });
    expect(output.lines()).toContainEqual(expect.objectContaining({ routeId: 'things.list' }));
  });
  it('answers a known path with another method 405 listing the allowed ones', () => {
    const request = edgeRequest(apiEvent({ method: 'DELETE', routeKey: '$default' }), {}, table);
    expect(() => routeResolution(table).before?.(request)).toThrow(
      expect.objectContaining({ status: 405, allowed: ['GET', 'POST'] }),
    );
    expect(stateOf(request).routeId).toBe('unmatched');
  });
  it('answers an unknown path 404 ROUTE_NOT_FOUND', () => {
    const request = edgeRequest(apiEvent({ path: '/api/nothing', routeKey: '$default' }), {}, table);
    expect(() => routeResolution(table).before?.(request)).toThrow(
      expect.objectContaining({ status: 404, code: 'ROUTE_NOT_FOUND' }),
    );
  });
});
