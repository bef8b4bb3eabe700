/**
 * Outbound email through SES: one configuration set per stage (reputation metrics on,
 * TLS required to the receiving server, bounces and complaints suppressed), and the ARNs
 * a sender is allowed to use. The sending identity itself is verified once per account
 * (DNS records on the sender's domain), so it is referenced here, not created.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ConfigurationSet, ConfigurationSetTlsPolicy, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { Stage } from './stage';

export interface EmailSendingProps {
  readonly stage: Stage;
  /** `From` address; the SES identity of it, or of its domain, must be verified. */
  readonly fromAddress: string;
}

export class EmailSending extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly fromAddress: string;
  /** The configuration set and the identities SendEmail is checked against. */
  readonly sendResourceArns: string[];

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    this.fromAddress = props.fromAddress;
    const configurationSetName = `${props.stage}-${SERVICE_NAME}`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName,
      reputationMetrics: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
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
