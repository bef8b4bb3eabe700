/**
 * The route keys API Gateway will serve, read back from a synthesized template. A test
 * compares them with the local runtime's routes, so the two hosts cannot drift apart.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { routeKey, routes } from '../definition';
import { buildApp } from './build-app';
import type { Stage } from './stage';

/** The `$default` key: requests that match no declared route go to `fallbackRoute`'s function. */
export const DEFAULT_ROUTE_KEY = '$default';

/** Sorted `RouteKey`s of every AWS::ApiGatewayV2::Route in the App stack's template. */
export function synthesizedRouteKeys(template: Template): string[] {
  const resources = template.findResources('AWS::ApiGatewayV2::Route');
  return Object.values(resources)
    .map((resource) => (resource as { Properties: { RouteKey: string } }).Properties.RouteKey)
    .sort();
}

/**
 * Builds the App stack (no bundling, no cdk-nag: a few seconds) and returns its sorted
 * route keys, e.g. `['$default', 'GET /', 'GET /api/health', ...]`.
 */
export function appRouteKeys(stage: Stage = 'dev'): string[] {
  const { application } = buildApp({ stage, bundle: false, nag: false });
  return synthesizedRouteKeys(Template.fromStack(application));
}

/** Sorted keys the declarations ask for: every declared route plus `$default`. */
export function declaredRouteKeys(): string[] {
  return [...routes.map(routeKey), DEFAULT_ROUTE_KEY].sort();
}
