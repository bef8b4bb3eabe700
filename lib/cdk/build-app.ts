/**
 * Builds the whole CDK app for one stage. bin/app.ts calls it for `cdk synth`; the infra
 * tests call it with `bundle: false`, so they assert on the same app without running esbuild.
 */
import { readFileSync } from 'node:fs';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import { alarmEmailContext } from './alarm-routing';
import { AppStack } from './app-stack';
import { DataStack } from './data-stack';
import { EdgeLogsStack } from './edge-access-logs';
import { edgeDomainContext } from './edge-domain';
import { EdgeWafStack } from './edge-waf-stack';
import { publicBaseUrlContext } from './public-base-url';
import { fromRoot } from './repo-paths';
import { sentrySettings } from './sentry';
import { parseStage, type Stage, stackName, stageSettings } from './stage';

export interface BuildAppOptions {
  /** Defaults to the `stage` context value (`-c stage=prod`), else `dev`. */
  readonly stage?: Stage;
  /** Run esbuild for every function (default true). Tests pass false: assets are not built. */
  readonly bundle?: boolean;
  /** Register cdk-nag AwsSolutions as a synthesis validation plugin (default true). */
  readonly nag?: boolean;
  /** Where `app.synth()` writes the cloud assembly (default: a temporary directory). */
  readonly outdir?: string;
  /** Extra context, as `-c key=value` would give it (tests: `sentryDsn`, ...). */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** One stage's three stacks, as `buildStacks` makes them in an App or a `cdk.Stage`. */
export interface UniteHubStacks {
  readonly stage: Stage;
  readonly data: DataStack;
  readonly application: AppStack;
  /** The CloudFront web ACL, in us-east-1 whatever the region of the others. */
  readonly edgeWaf: EdgeWafStack;
  /** The distribution's access log delivery (standard logging v2), in us-east-1 too. */
  readonly edgeLogs: EdgeLogsStack;
}

export interface UniteHubApp extends UniteHubStacks {
  readonly app: App;
}

/**
 * cdk.json's context (feature flags, defaults) as App defaults: the CLI passes it anyway,
 * and tests that build the app in-process then see the same flags as `cdk synth`.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * Stacks are environment-agnostic on purpose: the template is the same with or without
 * credentials, so what the tests and cdk-nag check is exactly what `cdk deploy` ships to the
 * account and region of the caller's credentials. The exceptions are the edge WAF and edge
 * logs stacks, pinned to us-east-1 because CloudFront reads web ACLs from there only and
 * CloudWatch Logs takes CloudFront's log deliveries there only.
 */
export function buildApp(options: BuildAppOptions = {}): UniteHubApp {
  const app = new App({
    outdir: options.outdir,
    context: { ...cdkJsonContext(), ...options.context },
    // CDK runs asset bundling (esbuild, lib/cdk/house-function.ts) only for the stacks this list
    // matches; an empty list skips it.
    postCliContext: options.bundle === false ? { [BUNDLING_STACKS]: [] } : {},
  });
  const stage = options.stage ?? parseStage(app.node.tryGetContext('stage'));
  const stacks = buildStacks(app, stage);
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, ...stacks };
}

/**
 * One stage's stacks in `scope`: the App of `cdk synth` (buildApp), or a `cdk.Stage` of the
 * deploy pipeline (lib/cdk/pipeline-stack.ts). Context (`fromAddress`, `sentry`, ...) is read
 * from `scope`, so a Stage sees its App's. The stack names are set explicitly: in a Stage
 * CDK would prefix them with the stage's name, and the pipeline must update the same
 * CloudFormation stacks `npm run deploy` makes.
 */
export function buildStacks(scope: Construct, stage: Stage): UniteHubStacks {
  const settings = stageSettings(stage);
  const fromAddress = String(scope.node.tryGetContext('fromAddress') ?? 'no-reply@example.com');

  const data = new DataStack(scope, stackName(stage, 'Data'), {
    stackName: stackName(stage, 'Data'),
    description: `${SERVICE_NAME} ${stage}: tables, queues, settings key, domain-events bus and archive (stateful)`,
    settings,
    terminationProtection: stage === 'prod',
  });
  const edgeWaf = new EdgeWafStack(scope, stackName(stage, 'EdgeWaf'), {
    stackName: stackName(stage, 'EdgeWaf'),
    description: `${SERVICE_NAME} ${stage}: WAF web ACL of the CloudFront distribution (us-east-1)`,
    settings,
  });
  const application = new AppStack(scope, stackName(stage, 'App'), {
    stackName: stackName(stage, 'App'),
    description: `${SERVICE_NAME} ${stage}: functions, API, edge, workflow, schedules (stateless)`,
    settings,
    data,
    fromAddress,
    sentry: sentrySettings((key) => scope.node.tryGetContext(key)),
    publicBaseUrl: publicBaseUrlContext(scope.node.tryGetContext('publicBaseUrl')),
    edgeDomain: edgeDomainContext(
      scope.node.tryGetContext('edgeDomainName'),
      scope.node.tryGetContext('edgeCertificateArn'),
    ),
    alarmEmail: alarmEmailContext(scope.node.tryGetContext('alarmEmail')),
  });
  application.addStackDependency(data);
  // Deploy order only: the App stack reads the ACL's ARN from us-east-1 at deploy time.
  application.addStackDependency(edgeWaf);
  const edgeLogs = new EdgeLogsStack(scope, stackName(stage, 'EdgeLogs'), {
    stackName: stackName(stage, 'EdgeLogs'),
    description: `${SERVICE_NAME} ${stage}: access log delivery of the CloudFront distribution (us-east-1)`,
    settings,
  });
  // Deploy order only: this stack reads what the App stack publishes in us-east-1.
  edgeLogs.addStackDependency(application);

  for (const [key, value] of Object.entries({ project: SERVICE_NAME, stage, 'managed-by': 'cdk' })) {
    Tags.of(scope).add(key, value);
  }
  return { stage, data, application, edgeWaf, edgeLogs };
}
