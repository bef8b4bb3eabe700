/**
 * Outbound email through SES: one configuration set per stage (reputation metrics on,
 * TLS required to the receiving server, bounces and complaints suppressed, every sending
 * event published to the account's default EventBridge bus, where the `ses-events` rule
 * queues them for the email-events processor: lib/cdk/event-rules.ts), and the ARNs
 * a sender is allowed to use. The sending identity itself is verified once per account
 * (DNS records on the sender's domain), so it is referenced here, not created.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import {
  ConfigurationSet,
  type ConfigurationSetEventDestination,
  ConfigurationSetTlsPolicy,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { Stage } from './stage';

export interface EmailSendingProps {
  readonly stage: Stage;
  /** `From` address; the SES identity of it, or of its domain, must be verified. */
  readonly fromAddress: string;
}

/**
 * Every event SES can publish. Opens and clicks only occur once tracking is enabled on the
 * configuration set; subscription events only with SES list management: listed anyway, so the
 * processor sees them the day either is turned on.
 */
export const SES_EVENT_TYPES = [
  EmailSendingEvent.SEND,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.DELIVERY_DELAY,
  EmailSendingEvent.RENDERING_FAILURE,
  EmailSendingEvent.OPEN,
  EmailSendingEvent.CLICK,
  EmailSendingEvent.SUBSCRIPTION,
] as const;

/** The stage's configuration set, `<stage>-unite-hub`: the `ses-events` rule takes only its events. */
export const sesConfigurationSetName = (stage: Stage): string => `${stage}-${SERVICE_NAME}`;

export class EmailSending extends Construct {
  readonly configurationSet: ConfigurationSet;
  /** SES -> the default bus (SES v2 publishes to the default bus only). */
  readonly eventDestination: ConfigurationSetEventDestination;
  readonly fromAddress: string;
  /** The configuration set and the identities SendEmail is checked against. */
  readonly sendResourceArns: string[];

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    this.fromAddress = props.fromAddress;
    const configurationSetName = sesConfigurationSetName(props.stage);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName,
      reputationMetrics: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.eventDestination = this.configurationSet.addEventDestination('Events', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [...SES_EVENT_TYPES],
    });

    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ses', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const domain = props.fromAddress.split('@')[1] ?? props.fromAddress;
    // SES authorizes against the identity that verified the sender: the address or its domain.
    this.sendResourceArns = [
      arn('configuration-set', configurationSetName),
      arn('identity', props.fromAddress),
      arn('identity', domain),
    ];
  }
}
