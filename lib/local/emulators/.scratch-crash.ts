import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queues, tables } from '../../definition';
import { ensureQueues, ensureTables, localClientConfig, startEmulators } from './index';

const [mode, dataDir] = process.argv.slice(2) as [string, string];
const t0 = Date.now();
const em = await startEmulators({ dataDir, log: (m) => console.log('[log]', m) });
console.log('started in', Date.now() - t0, 'ms');
const ddb = new DynamoDBClient(localClientConfig(em.dynamodb.endpoint));
const sqs = new SQSClient(localClientConfig(em.sqs.endpoint));
if (mode === 'write') {
  await ensureTables(ddb, tables, 'x-');
  const q = await ensureQueues(sqs, queues, 'x-');
  await ddb.send(new PutItemCommand({ TableName: 'x-core', Item: { pk: { S: 'a' }, sk: { S: 'b' } } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: q['drip-steps']!.url, MessageBody: 'before-snapshot' }));
  await new Promise((r) => setTimeout(r, 2500));
  await sqs.send(new SendMessageCommand({ QueueUrl: q['drip-steps']!.url, MessageBody: 'after-snapshot' }));
  await ddb.send(new PutItemCommand({ TableName: 'x-core', Item: { pk: { S: 'late' }, sk: { S: 'b' } } }));
  console.log('READY');
  await new Promise(() => {});
} else {
  console.log((await ddb.send(new ListTablesCommand({}))).TableNames);
  console.log(
    'a',
    !!(await ddb.send(new GetItemCommand({ TableName: 'x-core', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }))).Item,
  );
  console.log(
    'late',
    !!(await ddb.send(new GetItemCommand({ TableName: 'x-core', Key: { pk: { S: 'late' }, sk: { S: 'b' } } }))).Item,
  );
  const q = await ensureQueues(sqs, queues, 'x-');
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q['drip-steps']!.url, MaxNumberOfMessages: 10 }));
  console.log(
    'messages',
    r.Messages?.map((m) => m.Body),
  );
  if (mode === 'hold') {
    console.log('HOLD');
    await new Promise(() => {});
  }
  await em.stop();
}
