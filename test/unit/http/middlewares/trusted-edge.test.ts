import { describe, expect, it } from 'vitest';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { trustedEdge } from '../../../../shared/http/middlewares/trusted-edge';
import { apiEvent, edgeRequest } from '../../../support/edge-request';

const behindCloudFront = { originSecret: 'the-secret', clientAddressHeader: 'x-viewer-address' };

describe('trustedEdge', () => {
  it('without an origin secret (locally), names the socket address and the Host', () => {
    const request = edgeRequest(apiEvent({ sourceIp: '203.0.113.5', headers: { 'x-viewer-address': '192.0.2.1:1' } }));
    void trustedEdge({}).before?.(request);
    expect(stateOf(request).caller).toEqual({ clientAddress: '203.0.113.5', publicHost: 'app.example' });
  });
  it('behind CloudFront, refuses a request without the secret with 403 ORIGIN_NOT_VERIFIED', () => {
    const request = edgeRequest(apiEvent({ headers: { 'x-origin-verify': 'guessed' } }));
    expect(() => trustedEdge(behindCloudFront).before?.(request)).toThrow(
      expect.objectContaining({ status: 403, code: 'ORIGIN_NOT_VERIFIED' }),
    );
    expect(stateOf(request).caller).toBeUndefined();
  });
  it('behind CloudFront, believes the viewer address and public host of a verified request', () => {
    const request = edgeRequest(
      apiEvent({
        headers: {
          'x-origin-verify': 'the-secret',
          'x-viewer-address': '192.0.2.1:4711',
          'x-forwarded-host': 'crm.example',
        },
      }),
    );
    void trustedEdge(behindCloudFront).before?.(request);
    expect(stateOf(request).caller).toEqual({ clientAddress: '192.0.2.1', publicHost: 'crm.example' });
  });
});
