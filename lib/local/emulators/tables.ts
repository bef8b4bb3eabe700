/** Creates the declared DynamoDB tables in the local emulator (idempotent across restarts). */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, TableDeclaration } from '../../definition/types';
import { localResourceName } from './local-aws';

/**
 * Creates every declared table (PAY_PER_REQUEST, its GSIs projecting ALL) that does not exist
 * yet and waits until it is ACTIVE. An existing table is kept with its data; if its keys or
 * indexes differ from the declaration it is reported through `log`, since the emulator cannot
 * add indexes to a table (delete the data directory to recreate it).
 *
 * @returns declared table name -> physical table name (`namePrefix + name`).
 */
export async function ensureTables(
  client: DynamoDBClient,
  declarations: readonly TableDeclaration[],
  namePrefix: string,
  log: (msg: string) => void = () => {},
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const declaration of declarations) {
    const tableName = localResourceName(namePrefix, declaration.name);
    names[declaration.name] = tableName;
    let existing = await describe(client, tableName);
    if (!existing) {
      try {
        await client.send(new CreateTableCommand(createTableInput(declaration, tableName)));
      } catch (error) {
        // Another process created it between our describe and create: fine.
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
      existing = await waitUntilActive(client, tableName);
    }
    const drift = describeDrift(declaration, existing);
    if (drift)
      log(
        `dynamodb: table ${tableName} differs from its declaration (${drift}); delete the data directory to recreate it`,
      );
  }
  return names;
}

function createTableInput(declaration: TableDeclaration, tableName: string) {
  const attributes = new Map<string, KeyAttribute['type']>();
  const keySchema = (partition: KeyAttribute, sort?: KeyAttribute): KeySchemaElement[] => {
    attributes.set(partition.name, partition.type);
    if (sort) attributes.set(sort.name, sort.type);
    return [
      { AttributeName: partition.name, KeyType: 'HASH' },
      ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
    ];
  };
  const KeySchema = keySchema(declaration.partitionKey, declaration.sortKey);
  const GlobalSecondaryIndexes = declaration.globalIndexes.map((index) => ({
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  const AttributeDefinitions: AttributeDefinition[] = [...attributes].map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions,
    KeySchema,
    ...(GlobalSecondaryIndexes.length ? { GlobalSecondaryIndexes } : {}),
  };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const table = await describe(client, tableName);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A short description of how an existing table differs from its declaration, or ''. */
function describeDrift(declaration: TableDeclaration, table: TableDescription): string {
  const keys = (elements: KeySchemaElement[] | undefined) => (elements ?? []).map((k) => k.AttributeName).join('+');
  const declaredKeys = (p: KeyAttribute, s?: KeyAttribute) => [p.name, ...(s ? [s.name] : [])].join('+');
  const problems: string[] = [];
  if (keys(table.KeySchema) !== declaredKeys(declaration.partitionKey, declaration.sortKey))
    problems.push('key schema');
  const actual = new Map((table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, keys(i.KeySchema)]));
  for (const index of declaration.globalIndexes) {
    if (actual.get(index.name) !== declaredKeys(index.partitionKey, index.sortKey))
      problems.push(`index ${index.name}`);
    actual.delete(index.name);
  }
  for (const extra of actual.keys()) problems.push(`undeclared index ${extra}`);
  return problems.join(', ');
}
