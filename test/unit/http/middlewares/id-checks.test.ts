import { describe, expect, it } from 'vitest';
import { idChecks } from '../../../../shared/http/middlewares/id-checks';
import { apiEvent, edgeRequest } from '../../../support/edge-request';

const check = (input: Parameters<typeof apiEvent>[0]) => () => idChecks().before?.(edgeRequest(apiEvent(input)));

describe('idChecks', () => {
  it('lets well-formed ids through', () => {
    expect(
      check({ path: '/api/things/t-1', pathParameters: { id: 't-1' }, headers: { 'x-workspace-id': 'ws-1' } }),
    ).not.toThrow();
  });
  it('refuses an over-long or control-character path parameter with 400 INVALID_ID', () => {
    expect(check({ pathParameters: { id: 'x'.repeat(129) } })).toThrow(
      expect.objectContaining({ status: 400, code: 'INVALID_ID' }),
    );
    expect(check({ pathParameters: { id: 'a\u0000b' } })).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
  });
  it('refuses a malformed workspace selector in the header or the query', () => {
    expect(check({ headers: { 'x-workspace-id': 'ws/../other' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ID', details: [expect.objectContaining({ in: 'header' })] }),
    );
    expect(check({ path: '/api/things?workspaceId=%20x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ID', details: [expect.objectContaining({ in: 'query' })] }),
    );
  });
});
