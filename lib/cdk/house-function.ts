/**
 * The one way this codebase creates a Lambda function: a local esbuild ESM build split at every
 * `import()` (lib/cdk/function-bundles.ts) on arm64 and the current Node.js runtime, source
 * maps, X-Ray, its own log group and role, and a `live` alias shifted by a CodeDeploy canary.
 * Every caller invokes the alias.
 *
 * Not NodejsFunction: it builds one `--outfile`, so esbuild inlines every `import()` and a cold
 * start reads and parses code it may never run (the password estimator's 460 KB of dictionaries,
 * the optional mail providers' SDKs). The asset is built the way NodejsFunction builds its own
 * (the repository as the asset's source, hashed by its output, bundled locally without Docker,
 * skipped where `aws:cdk:bundling-stacks` says so), with esbuild's API and `splitting`.
 */
import path from 'node:path';
import { AssetHashType, DockerImage, Duration, Validations } from 'aws-cdk-lib';
import { type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionDeclaration, SERVICE_NAME } from '../definition';
import { type CanaryDeploymentTarget, CanaryRelease } from './canary-release';
import { buildFunctionBundleSync, type FunctionBundling } from './function-bundles';
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

/**
 * The Sentry SDK, imported only by shared/observability/sentry.ts, and only dynamically: bundled
 * into every function that can report, as a lazy chunk. Without a DSN (no `-c sentry=on`, or an
 * empty secret) that import never runs and the chunk is never read; a cold start reads ~1 KB more
 * than without it (`npm run bench:cold` rows; the SDK itself is ~930 KB of lazy chunks). So adding
 * Sentry to a stage is `-c sentry=on` (the secret's name and permission), never a different build.
 */
export const SENTRY_SDK = '@sentry/aws-serverless';

/** The SDK's default credential chain, replaced in bundles by {@link LAMBDA_CREDENTIALS}. */
export const CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS = 'shared/aws/lambda-credentials.ts';

/** The LRU of the SDK's endpoint-discovery cache, replaced in bundles by {@link LRU_CACHE}. */
export const ENDPOINT_CACHE_LRU = 'mnemonist/lru-cache';
export const LRU_CACHE = 'shared/aws/lru-cache.ts';

/**
 * The esbuild options of every function: ESM for Node.js 24, minified, split at every `import()`
 * (lib/cdk/function-bundles.ts), nothing external.
 */
export function bundlingFor(): FunctionBundling {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    target: 'node24',
    minify: true,
    // Maps beside the code, read only when a stack is logged or reported
    // (shared/observability/mapped-stack.ts): the functions run without --enable-source-maps.
    sourcemap: true,
    // Source text is not needed to map stack traces and would double the bundle.
    sourcesContent: false,
    // The AWS SDK is bundled so production runs the version the tests ran against, not whichever
    // one the Lambda runtime ships this month.
    external: [],
    banner: { js: REQUIRE_SHIM },
    // Credentials come from Lambda's environment: the SDK's full default chain is ~130 KB.
    // and the endpoint-discovery cache's LRU (mnemonist, ~7 KB) is a Map (shared/aws/lru-cache.ts).
    alias: { [CREDENTIAL_CHAIN]: fromRoot(LAMBDA_CREDENTIALS), [ENDPOINT_CACHE_LRU]: fromRoot(LRU_CACHE) },
  };
}

/** The function's code: its build, made by CDK's local bundling into the asset folder. */
export function functionCode(entry: string, bundling: FunctionBundling): Code {
  return Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws (esbuild is a dependency of the repo).
      image: DockerImage.fromRegistry('local-esbuild-only'),
      // Never run either, but it names what is built: CDK caches a staged asset per synth under the
      // JSON of these options, which drops `local`, so without the entry here every function of
      // the app would get the first one's code.
      command: ['esbuild', path.relative(repoRoot, entry), JSON.stringify(bundling)],
      local: {
        tryBundle(outputDir: string): boolean {
          buildFunctionBundleSync(bundling, entry, outputDir);
          return true;
        },
      },
    },
  });
}

export class HouseFunction extends Construct implements IGrantable {
  readonly declaration: FunctionDeclaration;
  readonly function: LambdaFunction;
  /** The esbuild options the function was built with. */
  readonly bundling: FunctionBundling;
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

    this.bundling = bundlingFor();
    this.function = new LambdaFunction(this, 'Function', {
      code: functionCode(fromRoot(declaration.entry), this.bundling),
      handler: 'index.handler',
      description: declaration.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout,
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        STAGE: settings.stage,
        SERVICE_NAME,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        LOG_LEVEL: settings.logLevel,
        APP_VERSION: appVersion(),
      },
    });

    this.alias = new Alias(this, 'Live', { aliasName: 'live', version: this.function.currentVersion });
    this.release = new CanaryRelease(this, 'Release', { alias: this.alias, timeout, target: props.deployment });
  }

  /** Grants go to the function's own role (`key.grant(fn, ...)`, `table.grantReadData(fn)`). */
  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
