/**
 * Links in mail (one-click unsubscribe, open pixel, tracked click) carry many people's requests
 * from one address (a mailbox provider's RFC 8058 POSTs, image proxies, an office's NAT): they are
 * under the per-address flood guard only, never the `public` tier's 20 a minute, which refused
 * the 21st unsubscribe of a provider's minute (and so never honoured it).
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/definition';
import { ALL_ROUTES_RULE, API_RULE, rulesFor, TIER_RULES } from '../../../shared/rate-limit/rules';

describe('the link rate tier', () => {
  it('counts a link only against the flood guard', () => {
    expect(rulesFor('link', '/u/token')).toEqual([ALL_ROUTES_RULE]);
    expect(rulesFor('link', '/t/c/token')).toEqual([ALL_ROUTES_RULE]);
  });

  it('is the tier of every unsubscribe and tracking route', () => {
    const links = routes.filter((r) => r.path.startsWith('/u/') || r.path.startsWith('/t/'));
    expect(links.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /t/c/{token}',
      'GET /t/o/{token}',
      'GET /u/{token}',
      'HEAD /t/c/{token}',
      'POST /u/{token}',
    ]);
    for (const r of links) expect(r.rateTier, `${r.method} ${r.path}`).toBe('link');
  });
});

describe('the hook rate tier', () => {
  it('keeps the /api rule and the flood guard, not the public tier of 20 a minute', () => {
    expect(rulesFor('hook', '/api/hooks/campaigns/c1/token')).toEqual([ALL_ROUTES_RULE, API_RULE]);
    expect(rulesFor('public', '/api/hooks/campaigns/c1/token')).toContainEqual(TIER_RULES.public);
  });

  it('is the tier of the campaign webhook trigger', () => {
    const hook = routes.find((r) => r.path === '/api/hooks/campaigns/{id}/{token}');
    expect(hook?.rateTier).toBe('hook');
  });
});
