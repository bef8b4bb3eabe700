/**
 * The HTTP API (payload v2): one Lambda integration per function, one route per declared
 * route, and a `$default` route to the fallback function so an unknown path or method
 * gets the application's own JSON 404/405 rather than API Gateway's bare message.
 */
import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AuthMode, type FunctionName, fallbackRoute, routes, SERVICE_NAME } from '../definition';
import type { HouseFunction } from './house-function';
import type { StageSettings } from './stage';

export interface ApplicationApiProps {
  readonly functions: ReadonlyMap<FunctionName, HouseFunction>;
  readonly settings: StageSettings;
}

/**
 * One JSON object per request: enough to find a request by id, client or route. Never the raw
 * path (`$context.path`): a path can hold a credential (the campaign hook's `{token}`, the
 * unsubscribe and tracking links' `{token}`) and API Gateway cannot rewrite a value, so the
 * route key (the template, `POST /api/hooks/campaigns/{id}/{token}`) names the route instead.
 * A request that matched no route logs `$default`.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    responseLength: '$context.responseLength',
    integrationError: '$context.integrationErrorMessage',
  }),
);

const APIG4_REASON: Record<AuthMode | 'fallback', string> = {
  public: 'Declared public (health, CSRF token, status page): no caller identity is required by design.',
  user: 'Authenticated in the function edge (session cookie or API key, workspace permission, CSRF), which the local runtime runs too; an API Gateway authorizer would exist only in the cloud.',
  fallback: 'The $default route only answers 404/405 JSON for paths and methods that match no declared route.',
};

export class ApplicationApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ApplicationApiProps) {
    super(scope, id);
    const { settings } = props;
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      const existing = integrations.get(name);
      if (existing) return existing;
      const fn = props.functions.get(name);
      if (!fn) throw new Error(`A route targets ${name}, which is not a declared function`);
      const integration = new HttpLambdaIntegration(`${name}-integration`, fn.alias, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
      integrations.set(name, integration);
      return integration;
    };

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${SERVICE_NAME}-${settings.stage}`,
      description: `${SERVICE_NAME} HTTP API (${settings.stage})`,
      createDefaultStage: false,
      defaultIntegration: integrationFor(fallbackRoute.function),
    });
    const defaultRoute = this.api.node.tryFindChild('DefaultRoute');
    if (defaultRoute)
      Validations.of(defaultRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: APIG4_REASON.fallback });

    for (const route of routes) {
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
      });
      if (created) Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: APIG4_REASON[route.auth] });
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    // The stage is explicit because the implicit default stage takes neither a throttle nor
    // access logging. The throttle is a ceiling that protects the account's Lambda
    // concurrency; per-client rate tiers are enforced by the function edge.
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.throttle,
      // Per-route Count, 4xx, 5xx and Latency for the operations dashboard (lib/cdk/operations-dashboard.ts).
      detailedMetricsEnabled: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
  }

  /** `https://{id}.execute-api.{region}.amazonaws.com/` */
  get url(): string {
    return this.stage.url;
  }

  /** The execute-api host name CloudFront uses as its origin. */
  get domainName(): string {
    return `${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}`;
  }
}
