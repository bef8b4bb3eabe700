import { describe, expect, it } from 'vitest';
import { functions, queues, routeKey, routes } from '../../lib/definition';
import { logicalIdAt, resourcesOfType, synthesize } from './synth';

const built = synthesize('dev');
const DASHBOARD = 'AWS::CloudWatch::Dashboard';

/** The dashboard body with its tokens left in: literal text plus `{"Ref": ...}` pieces. */
function dashboardBody(): string {
  const dashboards = resourcesOfType(built.appTemplate, DASHBOARD);
  expect(dashboards).toHaveLength(1);
  const [, dashboard] = dashboards[0] ?? [];
  return JSON.stringify(dashboard?.Properties?.DashboardBody);
}

describe('operations dashboard', () => {
  it('exists once per stage, named after the service and stage', () => {
    built.appTemplate.hasResourceProperties(DASHBOARD, { DashboardName: 'unite-hub-dev' });
  });

  it('has depth, oldest-message age and dead letters for every declared queue', () => {
    const body = dashboardBody();
    for (const { name } of queues) {
      for (const title of [`${name}: depth`, `${name}: oldest message (s)`, `${name}: dead letters`]) {
        expect(body, title).toContain(title);
      }
    }
    for (const metric of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']) {
      expect(body).toContain(metric);
    }
  });

  it('has errors, throttles and concurrency of every declared function, on that function', () => {
    const body = dashboardBody();
    for (const { name } of functions) {
      expect(body, name).toContain(`${name}: errors, throttles, concurrency`);
      const functionId = logicalIdAt(built.appTemplate, 'AWS::Lambda::Function', `${name.replace(/-/g, '')}Function`);
      expect(body, name).toContain(JSON.stringify({ Ref: functionId }));
    }
    for (const metric of ['Errors', 'Throttles', 'ConcurrentExecutions']) expect(body).toContain(`\\"${metric}\\"`);
  });

  it('graphs requests, 4xx/5xx and p99 latency of every declared route', () => {
    const body = dashboardBody();
    for (const route of routes) expect(body, route.id).toContain(`\\"Route\\",\\"${routeKey(route)}\\"`);
    for (const metric of ['Count', '4xx', '5xx', 'Latency'])
      expect(body).toContain(`\\"AWS/ApiGateway\\",\\"${metric}\\"`);
  });

  it('turns on the per-route metrics it graphs', () => {
    built.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { DetailedMetricsEnabled: true },
    });
  });
});
