/** Dependency probes over the real AWS clients: cheap, read-only control-plane calls. */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Probe } from '../health/health-check';

export interface ProbeTargets {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly ses: SESv2Client;
}

export function awsProbes(t: ProbeTargets): Probe[] {
  return [
    {
      name: 'dynamodb',
      critical: true,
      run: async () => {
        const out = await t.dynamodb.send(new DescribeTableCommand({ TableName: t.tableName }));
        if (out.Table?.TableStatus !== 'ACTIVE') throw new Error(`table is ${out.Table?.TableStatus}`);
      },
    },
    {
      name: 'sqs',
      critical: true,
      run: async () => {
        await t.sqs.send(new GetQueueAttributesCommand({ QueueUrl: t.queueUrl, AttributeNames: ['QueueArn'] }));
      },
    },
    {
      // Email can wait in the queue while SES is down: degraded, not unhealthy.
      name: 'ses',
      critical: false,
      run: async () => {
        const out = await t.ses.send(new GetAccountCommand({}));
        if (out.SendingEnabled === false) throw new Error('sending is disabled');
      },
    },
  ];
}
