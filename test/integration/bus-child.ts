/**
 * Helper process for event-bus-rule-delivery-lost.test.ts (not a test): the local event bus on
 * DATA_DIR with the declared rules, its rule targets on the SQS endpoint SQS_ENDPOINT (the test
 * gives one that accepts connections and never answers, so a delivery stays in progress). Prints
 * `{"endpoint": ...}` once listening; the test then kills it with SIGKILL.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { eventRules } from '../../lib/definition';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import { startEventBus } from '../../lib/local/event-bus';

const dataDir = process.env.DATA_DIR as string;
const sqsEndpoint = process.env.SQS_ENDPOINT as string;
const bus = await startEventBus({
  dataDir,
  busName: 'unite-hub-local-domain-events',
  rules: eventRules,
  targets: {
    sqs: new SQSClient({ ...localClientConfig(sqsEndpoint), maxAttempts: 1 }),
    queueUrls: { 'drip-steps': `${sqsEndpoint}/000000000000/unite-hub-local-drip-steps` },
  },
});
process.stdout.write(`${JSON.stringify({ endpoint: bus.endpoint })}\n`);
