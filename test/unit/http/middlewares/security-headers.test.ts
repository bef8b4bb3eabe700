import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../../../shared/http/middlewares/security-headers';
import { SECURITY_HEADERS } from '../../../../shared/http/security-headers';
import { apiEvent, edgeRequest } from '../../../support/edge-request';

describe('securityHeaders', () => {
  it('adds every security header to an answer, under the headers the answer sets itself', async () => {
    const request = edgeRequest(apiEvent());
    request.response = { statusCode: 200, headers: { 'x-request-id': 'req-1', 'x-frame-options': 'SAMEORIGIN' } };

    await securityHeaders().after?.(request);

    expect(request.response.headers).toEqual({
      ...SECURITY_HEADERS,
      'x-frame-options': 'SAMEORIGIN',
      'x-request-id': 'req-1',
    });
    expect(Object.keys(request.response.headers ?? {}).slice(0, 6)).toEqual(Object.keys(SECURITY_HEADERS));
  });
  it('adds them to error answers too, and leaves a request without an answer alone', async () => {
    const failed = edgeRequest(apiEvent());
    failed.response = { statusCode: 500 };
    await securityHeaders().onError?.(failed);
    expect(failed.response.headers).toEqual(SECURITY_HEADERS);

    const unanswered = edgeRequest(apiEvent());
    await securityHeaders().onError?.(unanswered);
    expect(unanswered.response).toBeUndefined();
  });
});
