/**
 * On signed-in routes, the API key a request presents is looked up before the rate limits:
 * only a verified key names a rate-limit client of its own (and skips CSRF), and
 * authentication reuses the lookup instead of reading the key again. Public routes ignore
 * keys: they are counted by address and always pass CSRF. Never refuses by itself.
 */
import { checkPresentedKey } from '../../identity/authenticate';
import type { ApiKeyLookup } from '../../identity/ports';
import { type EdgeMiddleware, stateOf } from './edge-state';

export function apiKeyPrecheck(apiKeys: ApiKeyLookup): EdgeMiddleware {
  return {
    name: 'api-key-precheck',
    before: async (request) => {
      const state = stateOf(request);
      if (state.declared?.auth === 'user') state.presented = await checkPresentedKey(state.headers, apiKeys);
    },
  };
}
