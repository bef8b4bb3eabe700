/**
 * The two hosts expose the same API: every route key the CDK stack synthesizes is served
 * by the local runtime (never answered by the 404/405 fallback), and the local runtime
 * serves nothing the stack lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRouteKeys, synthesizedRouteKeys } from '../../lib/cdk/route-keys';
import { routes } from '../../lib/definition';
import type { Runtime } from '../../lib/local/runtime';
import { resolveRoute } from '../../shared/http/path-match';
import { synthesize } from '../infra/synth';
import { rawRequest, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let cloudKeys: string[];
beforeAll(async () => {
  cloudKeys = synthesizedRouteKeys(synthesize('dev').appTemplate);
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

describe('route parity between the CDK stack and the local runtime', () => {
  it('synthesizes exactly the declared routes plus $default', () => {
    expect(cloudKeys).toEqual(declaredRouteKeys());
  });

  it('serves every synthesized route locally, none of them through the fallback', async () => {
    const served = cloudKeys.filter((k) => k !== '$default');
    expect(served.length).toBeGreaterThan(0);
    for (const key of served) {
      const [method, template] = key.split(' ') as [string, string];
      const path = template.replace(/\{[^}]+\}/g, 'parity-probe');
      const res = await rawRequest(`${runtime.url}${path}`, { method });
      const code = res.body.startsWith('{') ? (JSON.parse(res.body) as { code?: string }).code : undefined;
      expect(code, key).not.toBe('ROUTE_NOT_FOUND');
      expect(res.status, key).not.toBe(405);
    }
  });

  it('routes the local host by the same declarations, so an undeclared key falls through', () => {
    const local = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const key of cloudKeys.filter((k) => k !== '$default')) expect(local.has(key)).toBe(true);
    expect(resolveRoute(routes, 'GET', '/api/definitely-not-declared').route).toBeUndefined();
  });
});
