/**
 * The world of the tests that run a real function over the emulators while EventBridge refuses its
 * events (the queue fallback of shared/adapters/fallback-events.ts, the events kept on contacts, the
 * campaign sweeper's contact sweep): the emulators, the declared tables under `prefix`, the
 * drip-steps queue and one queue standing for every other, the local bus with the declared rules
 * delivering to drip-steps, and `process.env` pointing a function at all of it with
 * EVENT_BUS_NAME naming a bus that does not exist, so every entry of a function's PutEvents is
 * refused. Import the function under test after {@link startRefusedBusWorld}: its module reads the
 * environment when it loads.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventRules, queues, tables } from '../../lib/definition';
import { queueEnvName, tableEnvName } from '../../lib/definition/names';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { type LocalEventBus, startEventBus } from '../../lib/local/event-bus';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { createApiKey } from '../../shared/governance/api-keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { storedOwner } from './stored-accounts';

export interface RefusedBusWorld {
  readonly emulators: Emulators;
  readonly bus: LocalEventBus;
  readonly raw: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** The drip-steps queue's URL: where the declared rules, and the fallback, deliver. */
  readonly dripSteps: string;
  /** The core table's name. */
  readonly core: string;
  stop(): Promise<void>;
}

/** Starts the world of `prefix` (e.g. `r20f2-`); `logLevel` is the functions' LOG_LEVEL. */
export async function startRefusedBusWorld(prefix: string, logLevel = 'WARN'): Promise<RefusedBusWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const emulators = await startEmulators({ dataDir });
  const raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, tables, prefix);
  const sqs = new SQSClient(localClientConfig(emulators.sqs.endpoint));
  const queueUrl = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}${name}` }))).QueueUrl as string;
  const dripSteps = await queueUrl('drip-steps');
  const other = await queueUrl('other');
  const bus = await startEventBus({
    dataDir: join(dataDir, 'events'),
    busName: `${prefix}domain-events`,
    rules: eventRules,
    targets: { sqs, queueUrls: { 'drip-steps': dripSteps } },
  });
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqs.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    STAGE: 'local',
    LOCAL_SECRET_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://localhost:3000',
    // No such bus: every entry of a function's PutEvents is refused.
    EVENT_BUS_NAME: `${prefix}no-such-bus`,
    RATE_LIMITS: 'off',
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_LEVEL: logLevel,
  };
  for (const t of tables) env[tableEnvName(t.name)] = `${prefix}${t.name}`;
  for (const q of queues) env[queueEnvName(q.name)] = q.name === 'drip-steps' ? dripSteps : other;
  Object.assign(process.env, env);
  return {
    emulators,
    bus,
    raw,
    db,
    sqs,
    dripSteps,
    core: `${prefix}core`,
    async stop() {
      sqs.destroy();
      raw.destroy();
      await bus.stop();
      await emulators.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An owner of a new workspace and an API key (named `name`) carrying the owner's permissions. */
export async function ownerWithKey(
  db: DynamoDBDocumentClient,
  core: string,
  name: string,
): Promise<{ workspaceId: string; key: string }> {
  const owner = await storedOwner(db, core);
  const permissions = BUILTIN_ROLE_PERMISSIONS.owner;
  const { key } = await createApiKey(
    {
      workspaceId: owner.workspaceId,
      organizationId: owner.organizationId,
      role: 'owner',
      userId: owner.userId,
      email: owner.email,
      permissions: new Set(permissions),
      passwordVersion: 0,
    },
    { name, scopes: permissions },
    { store: dynamoApiKeys(db, core), now: () => new Date(), users: owner.accounts },
  );
  return { workspaceId: owner.workspaceId, key };
}
