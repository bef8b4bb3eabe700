/**
 * The rate-limit rules of the HTTP edge. Limits are per client (the user of a verified API
 * key when the request carries one, else the client address) in fixed windows aligned to the epoch, so
 * the state is one counter per (rule, client, window) that every function instance shares.
 * The counters of one client live together, one item per bucket of time (see rate-limiter.ts):
 * a window that divides 60 s shares the client's minute item, any other has a bucket of its own.
 */
import type { RateTier } from '../../lib/definition';

export interface RateRule {
  /** Stable id, part of the counter's attribute name and the metric; keep it short (item size). */
  readonly id: string;
  readonly limit: number;
  /** Whole seconds. */
  readonly windowSeconds: number;
  /** What the client is keyed by: `client` (a verified key's user, else the address) or always the address. */
  readonly keyBy: 'client' | 'address';
}

/**
 * Every route but the `exempt` ones asked without a query (health, and `POST /api/hooks/resend`,
 * Resend's signed webhook): 100 req/s per address, so no one address can saturate the service.
 */
export const ALL_ROUTES_RULE: RateRule = { id: 'all', limit: 100, windowSeconds: 1, keyBy: 'address' };

/** `/api` routes: 10 req/s sustained with bursts of 20, as a 20-per-2-seconds window. */
export const API_RULE: RateRule = { id: 'api', limit: 20, windowSeconds: 2, keyBy: 'client' };

/** The reference's tiers, selectable per route. */
export const TIER_RULES: Readonly<Record<Exclude<RateTier, 'exempt' | 'link' | 'hook'>, RateRule>> = {
  public: { id: 'tier-public', limit: 20, windowSeconds: 60, keyBy: 'client' },
  authenticated: { id: 'tier-authenticated', limit: 100, windowSeconds: 60, keyBy: 'client' },
  premium: { id: 'tier-premium', limit: 1000, windowSeconds: 60, keyBy: 'client' },
  ai: { id: 'tier-ai', limit: 10, windowSeconds: 60, keyBy: 'client' },
  email: { id: 'tier-email', limit: 50, windowSeconds: 3600, keyBy: 'client' },
};

/**
 * The rules one request is counted against. An `exempt` route (health, the Resend webhook) is
 * counted against none when asked plainly; with a query (`?deep=1` probes every store) it is a
 * `public` route, so nobody can make the service hammer its own dependencies. A `link` route only
 * against the per-address flood guard.
 */
export function rulesFor(tier: RateTier, path: string, hasQuery = false): RateRule[] {
  if (tier === 'exempt' && !hasQuery) return [];
  if (tier === 'exempt') return rulesFor('public', path);
  // Links in mail (unsubscribe, open pixel, tracked click): many people's requests come from one
  // address (a mailbox provider's one-click unsubscribe POSTs, image proxies, an office's NAT), and
  // an unsubscribe refused is one not honoured. Their sealed token is checked before anything is
  // written, so only the flood guard applies.
  if (tier === 'link') return [ALL_ROUTES_RULE];
  // Inbound webhooks (a campaign's trigger URL): one sender (a form backend, an integration
  // platform) posts every enrolment from one address, and the URL's secret token is checked before
  // anything is written. The public tier's 20 a minute refused a form's 21st submission of a
  // minute; the /api rule (10 a second, bursts of 20) and the flood guard still apply.
  if (tier === 'hook') return [ALL_ROUTES_RULE, API_RULE];
  const rules = [ALL_ROUTES_RULE, TIER_RULES[tier]];
  if (path.startsWith('/api/')) rules.splice(1, 0, API_RULE);
  return rules;
}
