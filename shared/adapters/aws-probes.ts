/**
 * Dependency probes over the real AWS clients: cheap, read-only control-plane calls. The SES
 * client (~60 KB) is loaded by the first probe that needs it, not at the function's cold start.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Probe } from '../health/health-check';

export interface ProbeTargets {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** The SES client, made on first use (e.g. `() => import('../aws/ses').then((m) => m.ses)`). */
  readonly ses: () => Promise<SESv2Client>;
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
        const [client, { GetAccountCommand }] = await Promise.all([t.ses(), import('@aws-sdk/client-sesv2')]);
        const out = await client.send(new GetAccountCommand({}));
        if (out.SendingEnabled === false) throw new Error('sending is disabled');
      },
    },
  ];
}
