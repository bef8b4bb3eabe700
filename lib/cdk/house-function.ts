/**
 * The one way this codebase creates a Lambda function: a local esbuild ESM bundle on
 * arm64 and the current Node.js runtime, source maps, X-Ray, its own log group and role,
 * and a `live` alias shifted by a CodeDeploy canary. Every caller invokes the alias.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionDeclaration, SERVICE_NAME } from '../definition';
import { type CanaryDeploymentTarget, CanaryRelease } from './canary-release';
import { appVersion, fromRoot, repoRoot } from './repo-paths';
import type { StageSettings } from './stage';

export interface HouseFunctionProps {
  readonly declaration: FunctionDeclaration;
  readonly settings: StageSettings;
  readonly deployment: CanaryDeploymentTarget;
}

/**
 * esbuild emits ESM, but CommonJS dependencies inside the bundle still call `require`
 * for Node built-ins; ESM has none, so the banner provides one.
 */
const REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export class HouseFunction extends Construct {
  readonly declaration: FunctionDeclaration;
  readonly function: NodejsFunction;
  /** What API Gateway, SQS, EventBridge and Step Functions invoke; never $LATEST. */
  readonly alias: Alias;
  readonly role: Role;
  readonly release: CanaryRelease;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const { declaration, settings } = props;
    this.declaration = declaration;
    const timeout = Duration.seconds(declaration.timeoutSeconds);

    const logGroup = new LogGroup(this, 'Logs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });

    // An own role instead of the default one, which carries the AWSLambdaBasicExecutionRole
    // managed policy (write to any log group): this role writes to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runtime role of ${SERVICE_NAME} ${declaration.name} (${settings.stage})`,
    });
    logGroup.grantWrite(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (IAM service authorization reference for X-Ray).',
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: fromRoot(declaration.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: fromRoot('package-lock.json'),
      description: declaration.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout,
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        STAGE: settings.stage,
        SERVICE_NAME,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        LOG_LEVEL: settings.logLevel,
        APP_VERSION: appVersion(),
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Source text is not needed to map stack traces and would double the bundle.
        sourcesContent: false,
        // The SDK is bundled so production runs the version the tests ran against,
        // not whichever one the Lambda runtime ships this month.
        bundleAwsSDK: true,
        banner: REQUIRE_SHIM,
      },
    });

    this.alias = new Alias(this, 'Live', { aliasName: 'live', version: this.function.currentVersion });
    this.release = new CanaryRelease(this, 'Release', { alias: this.alias, timeout, target: props.deployment });
  }

  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
