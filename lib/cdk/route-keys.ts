/**
 * The route keys API Gateway will serve, read back from a synthesized template. A test
 * compares them with the local runtime's routes, so the two hosts cannot drift apart.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { routeKey, routes } from '../definition';

/** The `$default` key: requests that match no declared route go to `fallbackRoute`'s function. */
export const DEFAULT_ROUTE_KEY = '$default';

/** Sorted `RouteKey`s of every AWS::ApiGatewayV2::Route in the App stack's template. */
export function synthesizedRouteKeys(template: Template): string[] {
  const resources = template.findResources('AWS::ApiGatewayV2::Route');
  return Object.values(resources)
    .map((resource) => (resource as { Properties: { RouteKey: string } }).Properties.RouteKey)
    .sort();
}

/** Sorted keys the declarations ask for: every declared route plus `$default`. */
export function declaredRouteKeys(): string[] {
  return [...routes.map(routeKey), DEFAULT_ROUTE_KEY].sort();
}
