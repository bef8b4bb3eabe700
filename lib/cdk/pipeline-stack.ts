/**
 * The deploy pipeline (CDK Pipelines on CodePipeline + CodeBuild, self-mutating): source ->
 * synth (`npm ci`, `npm test`, `cdk synth` of bin/pipeline.ts) -> update the pipeline itself ->
 * publish assets -> deploy `dev` -> smoke the dev stage -> manual approval -> deploy `prod`.
 * Each stage is a `cdk.Stage` holding the very stacks `npm run deploy -c stage=<stage>` makes
 * (buildStacks in build-app.ts), under the same stack names, so the pipeline takes over stacks
 * deployed by hand. Within a stage, the functions' CodeDeploy canaries (canary-release.ts)
 * roll a bad version back on their alarms and fail the App stack's deployment, which stops the
 * pipeline there; a failed smoke stops it before the approval. docs/runbooks/pipeline.md.
 */
import {
  Annotations,
  App,
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Stage,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import {
  BuildEnvironmentVariableType,
  BuildSpec,
  ComputeType,
  type IBuildImage,
  LinuxBuildImage,
} from 'aws-cdk-lib/aws-codebuild';
import { Repository } from 'aws-cdk-lib/aws-codecommit';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import {
  CodeBuildStep,
  CodePipeline,
  CodePipelineSource,
  ManualApprovalStep,
  type StageDeployment,
} from 'aws-cdk-lib/pipelines';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import { buildStacks, cdkJsonContext, type UniteHubStacks } from './build-app';
import type { Stage as StageName } from './stage';

export const PIPELINE_STACK_NAME = 'UniteHub-Pipeline';
/** Pipeline stage (and `cdk.Stage`) names, in deploy order. */
export const PIPELINE_STAGES = ['dev', 'prod'] as const satisfies readonly StageName[];

/**
 * Placeholders that let the pipeline synthesize offline with no flag. A pipeline deployed with
 * them has a source that cannot run: the synth warns whenever one is in use.
 */
export const PLACEHOLDER = {
  account: '000000000000',
  region: 'eu-west-1',
  connectionArn: 'arn:aws:codestar-connections:eu-west-1:000000000000:connection/00000000-0000-0000-0000-000000000000',
  repo: 'your-org/unite-hub-serverless',
} as const;

/**
 * The secret (Secrets Manager, JSON `{"email": ..., "password": ...}`) of the account the
 * smoke step signs in with: a user signed up on the dev stage for that purpose only. CodeBuild
 * reads it when the step starts; the template names it, never holds its value.
 */
export const smokeSecretName = (stage: StageName): string => `unite-hub/${stage}/smoke-account`;

export type PipelineSource =
  | { readonly kind: 'connection'; readonly connectionArn: string; readonly repo: string; readonly branch: string }
  | { readonly kind: 'codecommit'; readonly repositoryName: string; readonly branch: string };

export interface PipelineSettings {
  /** Where the pipeline (and, today, both stages) live. */
  readonly account: string;
  readonly region: string;
  readonly source: PipelineSource;
  /** The placeholders (PLACEHOLDER) in use: fine to synthesize, useless to deploy. */
  readonly placeholders: readonly string[];
}

/** The context keys the pipeline reads; the synth step passes them on, so a self-update keeps them. */
export const PIPELINE_CONTEXT_KEYS = [
  'pipelineAccount',
  'pipelineRegion',
  'pipelineSource',
  'pipelineConnectionArn',
  'pipelineRepo',
  'pipelineBranch',
] as const;

/**
 * `-c pipelineSource=connection|codecommit` (default connection), `-c pipelineConnectionArn=`,
 * `-c pipelineRepo=owner/name` (a CodeCommit repository's name with codecommit),
 * `-c pipelineBranch=` (default main), `-c pipelineAccount=` / `-c pipelineRegion=` (default
 * the CLI's account and region, CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION).
 */
export function pipelineSettings(
  context: (key: (typeof PIPELINE_CONTEXT_KEYS)[number]) => unknown,
  env: NodeJS.ProcessEnv = process.env,
): PipelineSettings {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const placeholders: string[] = [];
  const orPlaceholder = (value: string | undefined, name: keyof typeof PLACEHOLDER): string => {
    if (value !== undefined) return value;
    placeholders.push(name);
    return PLACEHOLDER[name];
  };
  const account = orPlaceholder(text(context('pipelineAccount')) ?? text(env.CDK_DEFAULT_ACCOUNT), 'account');
  const region = orPlaceholder(text(context('pipelineRegion')) ?? text(env.CDK_DEFAULT_REGION), 'region');
  const branch = text(context('pipelineBranch')) ?? 'main';
  const kind = text(context('pipelineSource')) ?? 'connection';
  let source: PipelineSource;
  if (kind === 'codecommit') {
    const repositoryName = text(context('pipelineRepo'));
    if (!repositoryName) throw new Error('-c pipelineSource=codecommit needs -c pipelineRepo=<repository name>');
    source = { kind, repositoryName, branch };
  } else if (kind === 'connection') {
    const repo = orPlaceholder(text(context('pipelineRepo')), 'repo');
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(`-c pipelineRepo=${repo}: expected owner/name`);
    source = {
      kind,
      connectionArn: orPlaceholder(text(context('pipelineConnectionArn')), 'connectionArn'),
      repo,
      branch,
    };
  } else {
    throw new Error(`Unknown -c pipelineSource=${kind}: use connection|codecommit`);
  }
  return { account, region, source, placeholders };
}

/** One deployment stage: the three stacks of `npm run deploy -c stage=<stage>`. */
export class UniteHubStage extends Stage {
  readonly stacks: UniteHubStacks;

  constructor(scope: Construct, stage: StageName, props: { readonly env: { account: string; region: string } }) {
    super(scope, stage, { env: props.env });
    this.stacks = buildStacks(this, stage);
  }
}

export interface PipelineStackProps extends StackProps {
  readonly settings: PipelineSettings;
  /**
   * The stages, in the App rather than in this stack: what this stack acknowledges to cdk-nag
   * must not reach the application's stacks.
   */
  readonly stages: Readonly<Record<StageName, UniteHubStage>>;
}

/** The `-c key=value` flags that rebuild this pipeline as it is (the synth step's command). */
export function contextFlags(settings: PipelineSettings): string[] {
  const { source } = settings;
  const values: Record<string, string> = {
    pipelineAccount: settings.account,
    pipelineRegion: settings.region,
    pipelineSource: source.kind,
    pipelineBranch: source.branch,
    ...(source.kind === 'connection'
      ? { pipelineConnectionArn: source.connectionArn, pipelineRepo: source.repo }
      : { pipelineRepo: source.repositoryName }),
  };
  return Object.entries(values).map(([key, value]) => `-c ${key}=${value}`);
}

/** The synth step's commands: install, the whole test suite, then the pipeline app's synth. */
export function synthCommands(settings: PipelineSettings): string[] {
  return ['npm ci', 'npm test', `npx cdk synth --app "npx tsx bin/pipeline.ts" ${contextFlags(settings).join(' ')}`];
}

/** The smoke step's commands (after `npm ci`): bin/stage-smoke.ts, then the load smoke profile. */
export const SMOKE_COMMANDS = [
  'npm ci',
  'npx tsx bin/stage-smoke.ts',
  // `shed`: one CodeBuild address is one client to the per-client limits (20 public requests a
  // minute), so 429s are expected and counted; a 5xx, a failed flow or a slow p95/p99 still fails.
  `TARGET="$STAGE_URL" LOAD_SUMMARY_DIR="$CODEBUILD_SRC_DIR/.tmp/load-summary" node load/run.mjs smoke --variables '{"statusMode":"shed"}'`,
];

/**
 * What the build steps run on: CodeBuild's standard image (Ubuntu), Node.js 22 for npm; `npm ci`
 * installs the `node` devDependency (Node 24), which every npm script then runs on.
 */
const BUILD_IMAGE: IBuildImage = LinuxBuildImage.STANDARD_7_0;

export class PipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  readonly stages: Readonly<Record<StageName, UniteHubStage>>;
  readonly deployments: Readonly<Record<StageName, StageDeployment>>;
  readonly smoke: CodeBuildStep;
  readonly approval: ManualApprovalStep;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { settings } = props;
    if (settings.placeholders.length > 0) {
      Annotations.of(this).addWarningV2(
        'unite-hub:pipelinePlaceholders',
        `Pipeline placeholders in use (${settings.placeholders.join(', ')}): fine for a synth, not for a deploy. ` +
          'Pass -c pipelineConnectionArn= -c pipelineRepo= (or -c pipelineSource=codecommit) and deploy with credentials.',
      );
    }

    const source =
      settings.source.kind === 'connection'
        ? CodePipelineSource.connection(settings.source.repo, settings.source.branch, {
            connectionArn: settings.source.connectionArn,
          })
        : CodePipelineSource.codeCommit(
            Repository.fromRepositoryName(this, 'Repository', settings.source.repositoryName),
            settings.source.branch,
          );

    const logs = new Bucket(this, 'ArtifactAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket only receives the server access logs of the pipeline artifact bucket; logging access to it would need another bucket with the same question, and CloudTrail covers its management events.',
    });
    const artifactBucket = new Bucket(this, 'Artifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const synth = new CodeBuildStep('Synth', {
      input: source,
      commands: synthCommands(settings),
      primaryOutputDirectory: 'cdk.out',
      // `npm test` runs the whole suite (unit, integration on local emulators, e2e, infra).
      timeout: Duration.minutes(60),
      buildEnvironment: { computeType: ComputeType.LARGE },
    });

    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: SERVICE_NAME,
      pipelineType: PipelineType.V2,
      synth,
      selfMutation: true,
      crossAccountKeys: false,
      artifactBucket,
      dockerEnabledForSynth: false,
      dockerEnabledForSelfMutation: false,
      codeBuildDefaults: {
        buildEnvironment: { buildImage: BUILD_IMAGE, computeType: ComputeType.MEDIUM },
        partialBuildSpec: BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: 22 } } } }),
        timeout: Duration.minutes(30),
      },
    });

    const { dev, prod } = props.stages;
    this.stages = props.stages;

    this.smoke = new CodeBuildStep('Smoke', {
      input: source,
      envFromCfnOutputs: { STAGE_URL: dev.stacks.application.apiUrlOutput },
      commands: SMOKE_COMMANDS,
      timeout: Duration.minutes(20),
      buildEnvironment: {
        environmentVariables: {
          // Resolved by CodeBuild when the step starts: `secret-id:json-key`.
          LOAD_TEST_EMAIL: {
            type: BuildEnvironmentVariableType.SECRETS_MANAGER,
            value: `${smokeSecretName('dev')}:email`,
          },
          LOAD_TEST_PASSWORD: {
            type: BuildEnvironmentVariableType.SECRETS_MANAGER,
            value: `${smokeSecretName('dev')}:password`,
          },
        },
      },
    });
    this.approval = new ManualApprovalStep('PromoteToProd', {
      comment: 'dev is deployed and its smoke passed. Approve to deploy the same commit to prod.',
    });
    this.deployments = {
      dev: this.pipeline.addStage(dev, { post: [this.smoke] }),
      prod: this.pipeline.addStage(prod, { pre: [this.approval] }),
    };
    // Build now rather than at synth, so the generated roles and projects can be acknowledged.
    this.pipeline.buildPipeline();
    this.acknowledgeGenerated(artifactBucket);
    Tags.of(this).add('project', SERVICE_NAME);
    Tags.of(this).add('managed-by', 'cdk');
  }

  /**
   * cdk-nag findings on what CDK Pipelines generates (roles, CodeBuild projects, the us-east-1
   * replication bucket), each acknowledged by its exact finding id, so a wildcard anyone adds
   * later (a step's extra policy statement, say) is still reported.
   */
  private acknowledgeGenerated(artifactBucket: Bucket): void {
    const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    const resourceFinding = (value: string) =>
      `AwsSolutions-IAM5[Resource::${flattenCfnReference(this.resolve(value))}]`;
    const arn = (service: string, resource: string, resourceName: string) =>
      this.formatArn({
        service,
        resource,
        resourceName,
        arnFormat: service === 'logs' ? ArnFormat.COLON_RESOURCE_NAME : ArnFormat.SLASH_RESOURCE_NAME,
      });
    const scope = this.pipeline;

    ack(
      scope,
      'AwsSolutions-CB4',
      'These projects run inside CodePipeline, which stores their inputs and outputs in the pipeline artifact bucket (SSE-S3, TLS only, access-logged) whatever key a project names. The artifacts are the cloud assembly and the function bundles (no secret: the smoke credentials come from Secrets Manager at run time), the same files the CDK bootstrap asset bucket holds with SSE-S3.',
    );
    const bucketGrant =
      "CDK's grants on the pipeline's own artifact bucket and its us-east-1 replication bucket, the only resources of these statements: the wildcard spans the variants of one verb (GetObject, GetObjectVersion, ...) that CodePipeline and CodeBuild use on artifacts.";
    for (const action of ['Abort*', 'DeleteObject*', 'GetBucket*', 'GetObject*', 'List*']) {
      ack(scope, `AwsSolutions-IAM5[Action::s3:${action}]`, bucketGrant);
    }
    ack(
      scope,
      resourceFinding(`${artifactBucket.bucketArn}/*`),
      'The objects of the pipeline artifact bucket: every build and deploy action reads or writes artifacts under generated keys, one per execution.',
    );
    // The other regions' replication buckets (us-east-1, for EdgeWaf); the home region's is artifactBucket.
    for (const [region, { replicationBucket }] of Object.entries(this.pipeline.pipeline.crossRegionSupport)) {
      if (region === this.region) continue;
      ack(
        scope,
        resourceFinding(`${replicationBucket.bucketArn}/*`),
        'The objects of the us-east-1 replication bucket, where CodePipeline copies the artifacts of the EdgeWaf deploy actions under generated keys, one per execution.',
      );
      ack(
        replicationBucket,
        'AwsSolutions-S1',
        'CDK Pipelines creates this bucket in its us-east-1 support stack to hold short-lived copies of pipeline artifacts for the EdgeWaf deploy actions; only the pipeline role reads and writes it, and CloudTrail records its management events.',
      );
    }
    const ownLogs =
      "CodeBuild's own log streams and test reports of this one project: the log group and report groups are named after the project, and their streams and reports are created per build.";
    for (const project of [this.pipeline.synthProject, this.pipeline.selfMutationProject, this.smoke.project]) {
      ack(scope, resourceFinding(`${arn('logs', 'log-group', `/aws/codebuild/${project.projectName}`)}:*`), ownLogs);
      ack(scope, resourceFinding(arn('codebuild', 'report-group', `${project.projectName}-*`)), ownLogs);
    }

    const assets = this.pipeline.node.findChild('Assets').node.findChild('FileRole');
    ack(
      assets,
      resourceFinding(arn('logs', 'log-group', '/aws/codebuild/*')),
      'CDK Pipelines shares this role across the asset-publishing projects, one per asset (20 and more here), so their log groups and report groups are named by the /aws/codebuild/ prefix rather than one statement per project.',
    );
    ack(
      assets,
      resourceFinding(arn('codebuild', 'report-group', '*')),
      'CDK Pipelines shares this role across the asset-publishing projects, one per asset (20 and more here), so their report groups are named by prefix rather than one statement per project.',
    );
    ack(
      assets,
      'AwsSolutions-IAM5[Resource::*]',
      'CDK Pipelines makes this role the action role of the asset-publishing actions too: it starts and watches those builds (codebuild:StartBuild, BatchGetBuilds, StopBuild), one project per asset, and the policy names them by wildcard rather than grow with each asset.',
    );

    const selfMutation = this.pipeline.selfMutationProject.role ?? this.pipeline.selfMutationProject;
    ack(
      selfMutation,
      'AwsSolutions-IAM5[Resource::*]',
      'The self-mutation step runs `cdk deploy` of this stack: the CLI reads the bootstrap stack (cloudformation:DescribeStacks) and finds the asset bucket (s3:ListBucket) before it assumes the bootstrap roles, and both happen before it knows which stack or bucket it will meet.',
    );
    ack(
      selfMutation,
      resourceFinding(`arn:*:iam::${this.account}:role/*`),
      "sts:AssumeRole on this account's roles only under the condition iam:ResourceTag/aws-cdk:bootstrap-role in (deploy, file-publishing, image-publishing): the CDK bootstrap roles, whose names carry the bootstrap qualifier the CLI reads at run time.",
    );
  }
}

export interface BuildPipelineAppOptions {
  /** Run esbuild for every function of both stages (default true). Tests pass false. */
  readonly bundle?: boolean;
  /** Register cdk-nag AwsSolutions as a synthesis validation plugin (default true). */
  readonly nag?: boolean;
  readonly outdir?: string;
  /** Extra context, as `-c key=value` would give it. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Where CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface PipelineApp {
  readonly app: App;
  readonly pipelineStack: PipelineStack;
}

/** The pipeline app of bin/pipeline.ts: one stack, the pipeline, holding both stages. */
export function buildPipelineApp(options: BuildPipelineAppOptions = {}): PipelineApp {
  const app = new App({
    outdir: options.outdir,
    context: { ...cdkJsonContext(), ...options.context },
    postCliContext: options.bundle === false ? { [BUNDLING_STACKS]: [] } : {},
  });
  const settings = pipelineSettings((key) => app.node.tryGetContext(key), options.env);
  // Both stages in the pipeline's account and region, as `npm run deploy` puts them side by side.
  const env = { account: settings.account, region: settings.region };
  const stages = Object.fromEntries(
    PIPELINE_STAGES.map((stage) => [stage, new UniteHubStage(app, stage, { env })]),
  ) as Record<StageName, UniteHubStage>;
  const pipelineStack = new PipelineStack(app, PIPELINE_STACK_NAME, {
    description: `${SERVICE_NAME}: deploy pipeline (dev, smoke, approval, prod)`,
    env,
    settings,
    stages,
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, pipelineStack };
}
