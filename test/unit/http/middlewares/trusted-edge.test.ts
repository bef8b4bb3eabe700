import { describe, expect, it } from 'vitest';
import { fixedOriginSecrets } from '../../../../shared/adapters/origin-secrets';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { trustedEdge } from '../../../../shared/http/middlewares/trusted-edge';
import { apiEvent, edgeRequest } from '../../../support/edge-request';

const behindCloudFront = {
  originSecrets: fixedOriginSecrets(['the-secret', 'the-old-secret']),
  clientAddressHeader: 'x-viewer-address',
};

describe('trustedEdge', () => {
  it('without an origin secret (locally), names the socket address and the Host', async () => {
    const request = edgeRequest(apiEvent({ sourceIp: '203.0.113.5', headers: { 'x-viewer-address': '192.0.2.1:1' } }));
    await trustedEdge({}).before?.(request);
    expect(stateOf(request).caller).toEqual({ clientAddress: '203.0.113.5', publicHost: 'app.example' });
  });
  it('with a local source that has no value (variable unset), does not check', async () => {
    const request = edgeRequest(apiEvent({ sourceIp: '203.0.113.5' }));
    await trustedEdge({ originSecrets: async () => undefined }).before?.(request);
    expect(stateOf(request).caller?.clientAddress).toBe('203.0.113.5');
  });
  it('behind CloudFront, refuses a request without the secret with 403 ORIGIN_NOT_VERIFIED', async () => {
    const request = edgeRequest(apiEvent({ headers: { 'x-origin-verify': 'guessed' } }));
    await expect(trustedEdge(behindCloudFront).before?.(request)).rejects.toThrow(
      expect.objectContaining({ status: 403, code: 'ORIGIN_NOT_VERIFIED' }),
    );
    expect(stateOf(request).caller).toBeUndefined();
  });
  it.each(['the-secret', 'the-old-secret'])(
    'behind CloudFront, believes the viewer address and public host of a request verified with %s',
    async (value) => {
      const request = edgeRequest(
        apiEvent({
          headers: {
            'x-origin-verify': value,
            'x-viewer-address': '192.0.2.1:4711',
            'x-forwarded-host': 'crm.example',
          },
        }),
      );
      await trustedEdge(behindCloudFront).before?.(request);
      expect(stateOf(request).caller).toEqual({ clientAddress: '192.0.2.1', publicHost: 'crm.example' });
    },
  );
});
