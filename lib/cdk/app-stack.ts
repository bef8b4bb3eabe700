/**
 * The stateless half: functions, their grants, the HTTP API behind CloudFront (and the
 * secret only CloudFront knows), the workflow, the schedules, email sending (with its
 * event destination and alarms), the service alarms, the alarm topic every alarm notifies
 * and the operations dashboard. Everything is derived from
 * lib/definition; nothing here names a route, table or queue.
 */
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { LambdaApplication } from 'aws-cdk-lib/aws-codedeploy';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { type FunctionName, functions, stateMachines } from '../definition';
import { AlarmTopic } from './alarm-routing';
import type { CanaryDeploymentTarget } from './canary-release';
import type { DataStack } from './data-stack';
import { addDeadLetterRollbackAlarms } from './dead-letter-alarms';
import { referenceDomainEventBus } from './domain-events';
import { CLIENT_ADDRESS_HEADER, EdgeDistribution } from './edge-distribution';
import type { EdgeDomain } from './edge-domain';
import { addEmailAlarms, type EmailAlarms } from './email-alarms';
import { EmailSending } from './email-sending';
import { addFailedMessageRollbackAlarms } from './failed-message-alarms';
import { applyDeclaredAccess } from './function-access';
import { HouseFunction } from './house-function';
import { ApplicationApi } from './http-api';
import { addLossAlarms } from './loss-alarms';
import { OperationsDashboard } from './operations-dashboard';
import { OriginVerification } from './origin-verification';
import { PUBLIC_BASE_URL_ENV } from './public-base-url';
import { addSchedules } from './schedules';
import { applySentry, type SentrySettings } from './sentry';
import { addServiceAlarms, type ServiceAlarms } from './service-alarms';
import type { StageSettings } from './stage';
import { addCampaignAlarms, type CampaignAlarms, referenceStepTimers } from './step-timers';
import { referenceTables } from './table-references';
import { TrackingKey } from './tracking-key';
import { WebAclReference } from './web-acl-reference';
import { Workflow } from './workflow';

export interface AppStackProps extends StackProps {
  readonly settings: StageSettings;
  readonly data: DataStack;
  /** Sender of outbound email; its SES identity (or its domain's) must be verified. */
  readonly fromAddress: string;
  /** Error reporting (`-c sentry=on`); without it the functions get no SENTRY_* variable. */
  readonly sentry?: SentrySettings;
  /** What mailed links start with (`-c publicBaseUrl=`); default the CloudFront URL. */
  readonly publicBaseUrl?: string;
  /** ARN of the CloudFront web ACL; default: read from the EdgeWaf stack's parameter in us-east-1. */
  readonly webAclArn?: string;
  /** A custom domain for the distribution (`-c edgeDomainName= -c edgeCertificateArn=`). */
  readonly edgeDomain?: EdgeDomain;
  /** Subscribed to the alarm topic (`-c alarmEmail=`); no subscription when absent. */
  readonly alarmEmail?: string;
}

/** Environment variable naming the header the client address is read from (lower case, as Lambda sees headers). */
export const CLIENT_ADDRESS_HEADER_ENV = 'CLIENT_ADDRESS_HEADER';

export class AppStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, HouseFunction>;
  readonly api: ApplicationApi;
  readonly edge: EdgeDistribution;
  readonly workflows: readonly Workflow[];
  readonly originVerification: OriginVerification;
  readonly alarms: ServiceAlarms;
  readonly emailAlarms: EmailAlarms;
  readonly campaignAlarms: CampaignAlarms;
  /** Every alarm of this stack notifies it, on alarm and back to OK (lib/cdk/alarm-routing.ts). */
  readonly alarmTopic: AlarmTopic;
  readonly dashboard: OperationsDashboard;
  /** The public URL (CloudFront); the deploy pipeline's smoke step reads it. */
  readonly apiUrlOutput: CfnOutput;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { settings, data } = props;

    const deployment = this.canaryDeploymentTarget();
    this.functions = new Map(
      functions.map((declaration) => [
        declaration.name,
        new HouseFunction(this, declaration.name, {
          declaration,
          settings,
          deployment,
        }),
      ]),
    );

    this.workflows = stateMachines.map(
      (declaration) => new Workflow(this, declaration.name, { declaration, functions: this.functions, settings }),
    );
    // Declarations say "starts the state machine"; with several, that would need a name.
    const stateMachine = this.workflows.length === 1 ? this.workflows[0]?.stateMachine : undefined;

    const tables = referenceTables(this, settings.stage);
    const email = new EmailSending(this, 'Email', { stage: settings.stage, fromAddress: props.fromAddress });
    const eventBus = referenceDomainEventBus(this, settings.stage);
    const stepTimers = referenceStepTimers(this, settings.stage, data.queues['drip-steps'].queue);
    for (const fn of this.functions.values()) {
      applyDeclaredAccess(fn, {
        stage: settings.stage,
        tables,
        queues: data.queues,
        email,
        stateMachine,
        settingsKey: data.settingsKey,
        eventBus,
        stepTimers,
      });
    }
    addDeadLetterRollbackAlarms(this, data.queues, this.functions.values());
    addFailedMessageRollbackAlarms(this.functions.values(), settings.stage);
    addSchedules(this, this.functions);

    // `-c originSecretVersion=<VersionId>`: step 2 of a rotation (docs/runbooks/origin-secret-rotation.md).
    const pinnedVersionId = this.node.tryGetContext('originSecretVersion') as string | undefined;
    this.originVerification = new OriginVerification(this, 'OriginVerification', {
      settings,
      ...(pinnedVersionId ? { pinnedVersionId: String(pinnedVersionId) } : {}),
    });
    for (const fn of this.functions.values()) {
      if (fn.declaration.kind !== 'http') continue;
      this.originVerification.applyTo(fn);
      // Errors are reported from the HTTP edge's error contract only, so only these read the DSN.
      applySentry(fn, props.sentry, settings.stage);
      // Trusted only when the origin secret matched, i.e. CloudFront set it.
      fn.addEnvironment(CLIENT_ADDRESS_HEADER_ENV, CLIENT_ADDRESS_HEADER.toLowerCase());
    }

    const trackingKey = new TrackingKey(this, 'TrackingKey', { settings });
    for (const fn of this.functions.values()) if (fn.declaration.sealsLinkTokens) trackingKey.applyTo(fn);

    this.api = new ApplicationApi(this, 'Api', { functions: this.functions, settings });
    this.edge = new EdgeDistribution(this, 'Edge', {
      api: this.api,
      settings,
      originVerification: this.originVerification,
      webAclArn: props.webAclArn ?? new WebAclReference(this, 'WebAcl', { settings }).arn,
      domain: props.edgeDomain,
    });
    this.alarms = addServiceAlarms(this, settings.stage);
    this.emailAlarms = addEmailAlarms(this, settings.stage, data.queues);
    this.campaignAlarms = addCampaignAlarms(this, settings.stage, data.queues);
    addLossAlarms(this, settings.stage);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { settings, email: props.alarmEmail });
    this.alarmTopic.routeAlarmsOf(this);
    this.dashboard = new OperationsDashboard(this, 'Operations', {
      stage: settings.stage,
      api: this.api,
      queues: data.queues,
      functions: this.functions,
    });

    // One configured base for every mailed link; the functions never build one from a Host.
    const publicBaseUrl = props.publicBaseUrl ?? this.edge.url;
    for (const fn of this.functions.values()) fn.addEnvironment(PUBLIC_BASE_URL_ENV, publicBaseUrl);

    this.apiUrlOutput = new CfnOutput(this, 'ApiUrl', { value: this.edge.url, description: 'Public URL (CloudFront)' });
    new CfnOutput(this, 'ExecuteApiUrl', { value: this.api.url, description: 'HTTP API URL behind CloudFront' });
  }

  /** One CodeDeploy application and service role shared by every function's canary. */
  private canaryDeploymentTarget(): CanaryDeploymentTarget {
    const application = new LambdaApplication(this, 'Deployments');
    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('codedeploy.amazonaws.com') });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        'LambdaDeploymentGroup always attaches this AWS-maintained policy: the Limited variant CodeDeploy documents for Lambda (update aliases, read alarms, invoke CodeDeployHook_* functions), kept current by AWS as CodeDeploy changes.',
    });
    return { application, role };
  }
}
