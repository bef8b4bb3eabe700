/**
 * The stage's operations dashboard, generated from the declarations: a declared route,
 * queue or function shows up without anyone editing a widget list.
 *
 * - Stage: the application's own EMF metrics (namespace `UniteHub`, exactly {service, stage}:
 *   docs/OBSERVABILITY.md), i.e. answers by status class, p99 latency, rate-limit refusals
 *   and email sends with their bounce and complaint rates.
 * - Routes: API Gateway's detailed (per-route) metrics, which the HTTP API stage enables
 *   (lib/cdk/http-api.ts): Count, 4xx, 5xx and Latency with {ApiId, Stage, Route}. The EMF
 *   metrics carry the route only as metadata, so they cannot be graphed per route.
 * - Queues: depth, age of the oldest message, and the dead-letter queue's depth.
 * - Functions: errors, throttles and concurrent executions (all versions of the function).
 */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IWidget, Metric, PeriodOverride, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { QueueName } from '../definition';
import { type FunctionName, queues, routeKey, routes, SERVICE_NAME } from '../definition';
import type { QueuePair } from './data-stack';
import type { HouseFunction } from './house-function';
import type { ApplicationApi } from './http-api';
import { METRICS_NAMESPACE } from './service-alarms';
import type { Stage } from './stage';

export interface OperationsDashboardProps {
  readonly stage: Stage;
  readonly api: ApplicationApi;
  readonly queues: Readonly<Record<QueueName, QueuePair>>;
  readonly functions: ReadonlyMap<FunctionName, HouseFunction>;
}

const PERIOD = Duration.minutes(5);
/** CloudWatch dashboards lay widgets out on a 24-column grid. */
const THIRD = 8;
const HEIGHT = 6;

/** `unite-hub-dev`: one dashboard per stage. */
export const dashboardName = (stage: Stage): string => `${SERVICE_NAME}-${stage}`;

export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(props.stage),
      defaultInterval: Duration.hours(3),
      periodOverride: PeriodOverride.AUTO,
    });
    this.dashboard.addWidgets(...heading('Stage', 'Application metrics (EMF, namespace `UniteHub`).'));
    this.dashboard.addWidgets(...stageWidgets(props.stage));
    this.dashboard.addWidgets(...heading('Routes', 'API Gateway detailed metrics, one line per declared route.'));
    for (const row of routeRows(props)) this.dashboard.addWidgets(...row);
    this.dashboard.addWidgets(...heading('Queues', 'Depth, age of the oldest message, dead letters.'));
    for (const { name } of queues) this.dashboard.addWidgets(...queueRow(name, props.queues[name]));
    this.dashboard.addWidgets(...heading('Functions', 'Errors, throttles and concurrency of every version.'));
    this.dashboard.addWidgets(...functionWidgets(props.functions));
  }
}

function heading(title: string, detail: string): IWidget[] {
  return [new TextWidget({ markdown: `## ${title}\n${detail}`, width: 24, height: 2 })];
}

function graph(title: string, left: Metric[], right: Metric[] = []): GraphWidget {
  return new GraphWidget({ title, left, right, width: THIRD, height: HEIGHT });
}

function stageWidgets(stage: Stage): IWidget[] {
  const app = (metricName: string, statistic: string, label = metricName) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, stage },
      statistic,
      period: PERIOD,
      label,
    });
  return [
    graph(
      'Answers by status class',
      ['Http2xx', 'Http3xx', 'Http4xx', 'Http5xx'].map((name) => app(name, 'Sum')),
    ),
    graph(
      'Latency p99 (ms) and rate-limit refusals',
      [app('Latency', 'p99', 'Latency p99')],
      [app('RateLimitHits', 'Sum')],
    ),
    graph(
      'Email: sends, bounce and complaint rate (%)',
      [app('EmailsSent', 'Sum')],
      [app('EmailBounceRate', 'Maximum'), app('EmailComplaintRate', 'Maximum')],
    ),
  ];
}

/** One row per HTTP function: requests, 4xx/5xx and p99 latency of each of its routes. */
function routeRows(props: OperationsDashboardProps): IWidget[][] {
  const { api } = props.api;
  const stageName = props.api.stage.stageName;
  const byFunction = new Map<FunctionName, typeof routes>();
  for (const route of routes) byFunction.set(route.function, [...(byFunction.get(route.function) ?? []), route]);
  return [...byFunction].map(([fn, served]) => {
    const metric = (metricName: string, statistic: string, route: (typeof routes)[number], suffix = '') =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: api.apiId, Stage: stageName, Route: routeKey(route) },
        statistic,
        period: PERIOD,
        label: `${route.id}${suffix}`,
      });
    return [
      graph(
        `${fn}: requests`,
        served.map((r) => metric('Count', 'Sum', r)),
      ),
      graph(
        `${fn}: 4xx / 5xx`,
        served.flatMap((r) => [metric('4xx', 'Sum', r, ' 4xx'), metric('5xx', 'Sum', r, ' 5xx')]),
      ),
      graph(
        `${fn}: latency p99 (ms)`,
        served.map((r) => metric('Latency', 'p99', r)),
      ),
    ];
  });
}

function queueRow(name: QueueName, pair: QueuePair): IWidget[] {
  const max = { period: PERIOD, statistic: 'Maximum' };
  return [
    graph(`${name}: depth`, [
      pair.queue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'visible' }),
      pair.queue.metricApproximateNumberOfMessagesNotVisible({ ...max, label: 'in flight' }),
    ]),
    graph(`${name}: oldest message (s)`, [pair.queue.metricApproximateAgeOfOldestMessage({ ...max, label: 'age' })]),
    graph(`${name}: dead letters`, [pair.dlq.metricApproximateNumberOfMessagesVisible({ ...max, label: 'in DLQ' })]),
  ];
}

function functionWidgets(functions: ReadonlyMap<FunctionName, HouseFunction>): IWidget[] {
  return [...functions].map(([name, fn]) =>
    graph(
      `${name}: errors, throttles, concurrency`,
      [
        fn.function.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'errors' }),
        fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'throttles' }),
      ],
      [fn.function.metric('ConcurrentExecutions', { period: PERIOD, statistic: 'Maximum', label: 'concurrent' })],
    ),
  );
}
