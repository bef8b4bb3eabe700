import { describe, expect, it } from 'vitest';
import { appRouteKeys, DEFAULT_ROUTE_KEY, declaredRouteKeys, synthesizedRouteKeys } from '../../lib/cdk/route-keys';
import { fallbackRoute, routeKey, routes } from '../../lib/definition';
import { resourcesOfType, synthesize } from './synth';

const { appTemplate } = synthesize('dev');
const prefix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

describe('HTTP API routes', () => {
  it('serves every declared route plus $default, and nothing else', () => {
    expect(synthesizedRouteKeys(appTemplate)).toEqual(declaredRouteKeys());
  });

  it('gives the same keys through appRouteKeys(), the helper other suites use', () => {
    expect(appRouteKeys('dev')).toEqual(synthesizedRouteKeys(appTemplate));
  });

  it.each(routes)('$method $path has a route', (route) => {
    expect(synthesizedRouteKeys(appTemplate)).toContain(routeKey(route));
  });

  it('sends unmatched requests to the fallback function, so 404/405 are the app’s JSON', () => {
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: DEFAULT_ROUTE_KEY });
    const [, defaultRoute] =
      resourcesOfType(appTemplate, 'AWS::ApiGatewayV2::Route').find(
        ([, route]) => route.Properties?.RouteKey === DEFAULT_ROUTE_KEY,
      ) ?? [];
    const integrationId = JSON.stringify(defaultRoute?.Properties?.Target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
    const integration = appTemplate.toJSON().Resources[integrationId];
    expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(`${prefix(fallbackRoute.function)}Live`);
  });

  it('integrates every function with payload v2 on its live alias', () => {
    const integrations = resourcesOfType(appTemplate, 'AWS::ApiGatewayV2::Integration');
    const httpFunctions = new Set([...routes.map((r) => r.function), fallbackRoute.function]);
    expect(integrations).toHaveLength(httpFunctions.size);
    for (const [, integration] of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(JSON.stringify(integration.Properties?.IntegrationUri)).toMatch(/Live[0-9A-F]{8}"/);
    }
  });

  it('lets API Gateway invoke only aliases, one permission per route', () => {
    const permissions = resourcesOfType(appTemplate, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties?.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions).toHaveLength(routes.length + 1);
    for (const [, permission] of permissions) {
      expect(JSON.stringify(permission.Properties?.FunctionName)).toMatch(/Live[0-9A-F]{8}"/);
    }
  });
});
