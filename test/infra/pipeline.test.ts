import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  buildPipelineApp,
  PIPELINE_STACK_NAME,
  PLACEHOLDER,
  pipelineSettings,
  smokeSecretName,
} from '../../lib/cdk/pipeline-stack';
import { stackName } from '../../lib/cdk/stage';

// Synthesized once, without esbuild (postCliContext BUNDLING_STACKS = [], as synth.ts does).
const CONTEXT = {
  pipelineAccount: '111111111111',
  pipelineRegion: 'eu-west-1',
  pipelineConnectionArn:
    'arn:aws:codestar-connections:eu-west-1:111111111111:connection/11111111-2222-3333-4444-555555555555',
  pipelineRepo: 'acme/unite-hub-serverless',
  pipelineBranch: 'main',
};
const { app, pipelineStack } = buildPipelineApp({ bundle: false, nag: false, context: CONTEXT, env: {} });
const template = Template.fromStack(pipelineStack);
const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

interface Action {
  Name: string;
  RunOrder: number;
  ActionTypeId: { Category: string; Provider: string };
  Configuration?: Record<string, unknown>;
}
interface PipelineStage {
  Name: string;
  Actions: Action[];
}

const [pipeline] = Object.values(json.Resources).filter((r) => r.Type === 'AWS::CodePipeline::Pipeline');
const stages = (pipeline?.Properties.Stages ?? []) as PipelineStage[];
const stage = (name: string): PipelineStage => {
  const found = stages.find((s) => s.Name === name);
  if (!found) throw new Error(`no pipeline stage ${name}: ${stages.map((s) => s.Name).join(', ')}`);
  return found;
};
const isDeploy = (a: Action) => a.ActionTypeId.Category === 'Deploy' && a.ActionTypeId.Provider === 'CloudFormation';
/** The build commands of the CodeBuild project an action runs, one a line. */
function buildSpecOf(action: Action): string {
  const ref = (action.Configuration?.ProjectName as { Ref?: string } | undefined)?.Ref;
  const project = ref ? json.Resources[ref] : undefined;
  const spec = JSON.parse(
    String((project?.Properties.Source as { BuildSpec?: string } | undefined)?.BuildSpec ?? '{}'),
  );
  return ((spec.phases?.build?.commands ?? []) as string[]).join('\n');
}

describe('the deploy pipeline', () => {
  it('runs Source, Build (synth), UpdatePipeline (self-mutation), Assets, dev, prod, in that order', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'dev', 'prod']);
    expect(stage('Source').Actions[0]?.ActionTypeId).toMatchObject({
      Category: 'Source',
      Provider: 'CodeStarSourceConnection',
    });
    expect(stage('Source').Actions[0]?.Configuration).toMatchObject({
      ConnectionArn: CONTEXT.pipelineConnectionArn,
      FullRepositoryId: CONTEXT.pipelineRepo,
      BranchName: 'main',
    });
    expect(stage('Build').Actions.map((a) => a.Name)).toEqual(['Synth']);
    expect(stage('UpdatePipeline').Actions.map((a) => a.Name)).toEqual(['SelfMutate']);
  });

  it('synthesizes with npm ci, npm test, then cdk synth of the pipeline app, passing its context on', () => {
    const spec = buildSpecOf(stage('Build').Actions[0] as Action);
    const order = ['npm ci', 'npm test', 'cdk synth'].map((command) => spec.indexOf(command));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(spec).toContain('bin/pipeline.ts');
    // The self-update must rebuild this pipeline, not the placeholders.
    expect(spec).toContain(`-c pipelineConnectionArn=${CONTEXT.pipelineConnectionArn}`);
    expect(spec).toContain(`-c pipelineRepo=${CONTEXT.pipelineRepo}`);
  });

  it('deploys dev, then smokes it with the stage URL and the smoke secret, before any approval', () => {
    const dev = stage('dev').Actions;
    const deploys = dev.filter(isDeploy);
    expect(deploys.map((a) => a.Name).filter((n) => n.endsWith('.Deploy'))).toEqual(
      expect.arrayContaining(['Data', 'EdgeWaf', 'App'].map((p) => `${stackName('dev', p as 'App')}.Deploy`)),
    );
    const smoke = dev.find((a) => a.Name === 'Smoke') as Action;
    expect(smoke.RunOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder)));
    const spec = buildSpecOf(smoke);
    for (const command of ['bin/stage-smoke.ts', 'load/run.mjs smoke', 'TARGET="$STAGE_URL"']) {
      expect(spec).toContain(command);
    }
    // STAGE_URL is the dev App stack's ApiUrl output, read from the deploy action's variables.
    expect(JSON.stringify(smoke.Configuration?.EnvironmentVariables)).toMatch(/"name\\":\\"STAGE_URL\\".*ApiUrl/);
    const ref = (smoke.Configuration?.ProjectName as { Ref?: string } | undefined)?.Ref ?? '';
    expect(json.Resources[ref]?.Properties.Environment).toMatchObject({
      EnvironmentVariables: expect.arrayContaining([
        { Name: 'LOAD_TEST_EMAIL', Type: 'SECRETS_MANAGER', Value: `${smokeSecretName('dev')}:email` },
        { Name: 'LOAD_TEST_PASSWORD', Type: 'SECRETS_MANAGER', Value: `${smokeSecretName('dev')}:password` },
      ]),
    });
    expect(dev.some((a) => a.ActionTypeId.Category === 'Approval')).toBe(false);
  });

  it('puts a manual approval before every prod deploy action', () => {
    const prod = stage('prod').Actions;
    const approvals = prod.filter(
      (a) => a.ActionTypeId.Category === 'Approval' && a.ActionTypeId.Provider === 'Manual',
    );
    expect(approvals).toHaveLength(1);
    const deploys = prod.filter(isDeploy);
    expect(deploys.length).toBeGreaterThanOrEqual(6); // Prepare + Deploy of Data, EdgeWaf, App
    for (const deploy of deploys) expect(deploy.RunOrder, deploy.Name).toBeGreaterThan(approvals[0]?.RunOrder ?? 0);
    // No prod deploy anywhere else in the pipeline.
    const prodElsewhere = stages
      .filter((s) => s.Name !== 'prod')
      .flatMap((s) => s.Actions)
      .filter((a) => isDeploy(a) && a.Name.includes('-prod-'));
    expect(prodElsewhere).toEqual([]);
  });

  it('deploys the stacks under the names npm run deploy gives them', () => {
    const names = app
      .synth()
      .stacksRecursively.map((s) => s.stackName)
      .sort();
    expect(names).toEqual(
      expect.arrayContaining(
        (['dev', 'prod'] as const).flatMap((s) => (['Data', 'EdgeWaf', 'App'] as const).map((p) => stackName(s, p))),
      ),
    );
    expect(names).toContain(PIPELINE_STACK_NAME);
  });

  it('mutates itself, with no Docker anywhere', () => {
    const selfMutate = buildSpecOf(stage('UpdatePipeline').Actions[0] as Action);
    expect(selfMutate).toMatch(/cdk -a \. deploy/);
    expect(selfMutate).toContain(PIPELINE_STACK_NAME);
    for (const [id, r] of Object.entries(json.Resources)) {
      if (r.Type === 'AWS::CodeBuild::Project') {
        expect((r.Properties.Environment as { PrivilegedMode?: boolean }).PrivilegedMode, id).toBe(false);
      }
    }
  });

  it('holds no secret value: only the smoke secret name, resolved by CodeBuild at run time', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/\{\{resolve:secretsmanager/);
    expect(text).not.toMatch(/SecretString|"password"\s*:/i);
    expect(text).not.toContain('AWS::SecretsManager::Secret');
    const secretVariables = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::CodeBuild::Project')
      .flatMap(
        (r) =>
          (r.Properties.Environment as { EnvironmentVariables?: { Type?: string; Value: string }[] })
            .EnvironmentVariables ?? [],
      )
      .filter((v) => v.Type === 'SECRETS_MANAGER');
    expect(secretVariables.map((v) => v.Value).sort()).toEqual(
      [`${smokeSecretName('dev')}:email`, `${smokeSecretName('dev')}:password`].sort(),
    );
    // Plain-text variables carry no credential-looking value.
    const plain = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::CodeBuild::Project')
      .flatMap(
        (r) =>
          (r.Properties.Environment as { EnvironmentVariables?: { Name: string; Type?: string }[] })
            .EnvironmentVariables ?? [],
      )
      .filter((v) => v.Type !== 'SECRETS_MANAGER');
    expect(plain.filter((v) => /password|secret|token|key/i.test(v.Name))).toEqual([]);
  });

  it('leaves no warning or error when the source and account are given', () => {
    // The assembly Template.fromStack made (Annotations.fromStack would synthesize again).
    const messages = app.synth().getStackByName(PIPELINE_STACK_NAME).messages;
    expect(messages.filter((m) => m.level !== 'info').map((m) => m.entry.data)).toEqual([]);
  });
});

// What the pipeline app adds to the stage stacks (which test/infra/cdk-nag.test.ts checks): the
// pipeline stack and CDK Pipelines' us-east-1 support stack. Same checks, no second synth.
const supportStacks = Object.values(pipelineStack.pipeline.pipeline.crossRegionSupport)
  .map((s) => s.stack)
  .filter((stack) => stack !== pipelineStack);
const pipelineScopes: IConstruct[] = [pipelineStack, ...supportStacks];

describe('cdk-nag AwsSolutions on the pipeline', () => {
  it('has a us-east-1 support stack (the EdgeWaf deploys) and checks it too', () => {
    expect(supportStacks.map((s) => Stack.of(s).region)).toEqual(['us-east-1']);
  });

  it('reports no unacknowledged error or warning', () => {
    const found = pipelineScopes.flatMap((scope) =>
      new AwsSolutionsChecks(scope, { verbose: true })
        .validateScope(scope)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
        ),
    );
    expect(found).toEqual([]);
  });

  it('acknowledges with real reasons, never a to-do, and never on the stage stacks', () => {
    const acks = pipelineScopes.flatMap((scope) =>
      scope.node
        .findAll()
        .flatMap((c) => c.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
    );
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `reason for ${id}`).toBeGreaterThan(60);
      expect(reason, `reason for ${id}`).not.toMatch(/\b(yet|before public launch|TODO|to-do|later)\b/i);
    }
    // The stages are not inside the pipeline stack, so its acknowledgements cannot reach them.
    for (const stage of Object.values(pipelineStack.stages)) {
      expect(stage.node.path.startsWith(pipelineStack.node.path)).toBe(false);
    }
  });
});

describe('pipeline settings', () => {
  it('synthesizes offline with placeholders, and names them', () => {
    const settings = pipelineSettings(() => undefined, {});
    expect(settings.placeholders).toEqual(['account', 'region', 'repo', 'connectionArn']);
    expect(settings.source).toEqual({
      kind: 'connection',
      connectionArn: PLACEHOLDER.connectionArn,
      repo: PLACEHOLDER.repo,
      branch: 'main',
    });
  });

  it('takes a CodeCommit repository, and the account and region of the CLI', () => {
    const context: Record<string, string> = {
      pipelineSource: 'codecommit',
      pipelineRepo: 'unite-hub',
      pipelineBranch: 'release',
    };
    const settings = pipelineSettings((key) => context[key], {
      CDK_DEFAULT_ACCOUNT: '222222222222',
      CDK_DEFAULT_REGION: 'us-west-2',
    });
    expect(settings).toEqual({
      account: '222222222222',
      region: 'us-west-2',
      source: { kind: 'codecommit', repositoryName: 'unite-hub', branch: 'release' },
      placeholders: [],
    });
  });

  it('refuses an unknown source or a malformed repository', () => {
    expect(() => pipelineSettings((key) => (key === 'pipelineSource' ? 'github' : undefined), {})).toThrow(
      /pipelineSource/,
    );
    expect(() => pipelineSettings((key) => (key === 'pipelineRepo' ? 'no-owner' : undefined), {})).toThrow(
      /owner\/name/,
    );
    expect(() => pipelineSettings((key) => (key === 'pipelineSource' ? 'codecommit' : undefined), {})).toThrow(
      /pipelineRepo/,
    );
  });
});
