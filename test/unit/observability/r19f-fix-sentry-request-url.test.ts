// Review round 19: this test failed at 4ce0ffd.
// Sentry's beforeSend sent `request.url` with the path token of the route (the campaign hook's
// credential, the unsubscribe token) and the client's address in IP-bearing headers.
import { describe, expect, it } from 'vitest';
import { type SentryErrorEvent, sentryBeforeSend } from '../../../shared/observability/sentry-scrub';

const TOKEN = 'hooktok_Zq3kW9vN2xR7pL5mT8yB4cD6fG1hJ0aS';

const event = (routeKey: string | undefined, url: string): SentryErrorEvent => ({
  type: undefined,
  request: {
    url,
    method: 'POST',
    headers: {
      'user-agent': 'curl/8',
      'x-forwarded-for': '203.0.113.9, 10.0.0.1',
      'X-Real-IP': '203.0.113.9',
      'cf-connecting-ip': '203.0.113.9',
      'true-client-ip': '203.0.113.9',
      forwarded: 'for=203.0.113.9',
      'x-viewer-address': '203.0.113.9:4431',
      'cloudfront-viewer-address': '203.0.113.9:4431',
      'x-load-client': '198.51.100.7',
      'x-load-client-ip': '198.51.100.7',
    },
  },
  tags: { requestId: 'r-1', ...(routeKey ? { routeKey } : {}) },
});

describe('r19f: sentryBeforeSend and the request', () => {
  it('redacts the path segments the route declares as a secret (the hook token)', () => {
    const out = sentryBeforeSend(
      event('POST /api/hooks/campaigns/{id}/{token}', `https://api.example.org/api/hooks/campaigns/c_1/${TOKEN}?x=1`),
    );
    expect(out.request?.url).toBe('https://api.example.org/api/hooks/campaigns/c_1/[REDACTED]?x=1');
  });

  it('redacts the unsubscribe token and drops the URL user info and fragment', () => {
    const out = sentryBeforeSend(event('POST /u/{token}', `https://u:pw@api.example.org/u/${TOKEN}#frag`));
    expect(out.request?.url).toBe('https://api.example.org/u/[REDACTED]');
  });

  it('keeps a path without declared secrets (and the query redaction)', () => {
    const out = sentryBeforeSend(event('GET /api/contacts/{id}', 'https://api.example.org/api/contacts/c_1?token=t'));
    expect(out.request?.url).toBe('https://api.example.org/api/contacts/c_1?token=[REDACTED]');
  });

  it('drops every header that carries the client address', () => {
    const out = sentryBeforeSend(event('GET /api/health', 'https://api.example.org/api/health'));
    expect(out.request?.headers).toEqual({ 'user-agent': 'curl/8' });
    expect(JSON.stringify(out)).not.toContain('203.0.113.9');
    expect(JSON.stringify(out)).not.toContain('198.51.100.7');
  });
});
