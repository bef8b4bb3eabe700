/** Reading one item, and the TTL attribute's encoding. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Key } from './cursor';

/** An item as the DocumentClient reads and writes it. */
export type Item = Record<string, unknown>;

export interface GetOptions {
  /** A strongly consistent read: sees what a write a moment ago left. */
  readonly consistent?: boolean;
  /** Only these attributes (a ProjectionExpression), e.g. `pk` to test existence. */
  readonly projection?: string;
}

/** GetItem: the item at `key`, or undefined. */
export async function getItem(
  db: DynamoDBDocumentClient,
  table: string,
  key: Key,
  { consistent, projection }: GetOptions = {},
): Promise<Item | undefined> {
  const out = await db.send(
    new GetCommand({
      TableName: table,
      Key: key,
      ...(consistent ? { ConsistentRead: true } : {}),
      ...(projection ? { ProjectionExpression: projection } : {}),
    }),
  );
  return out.Item;
}

/** DynamoDB TTL attributes are epoch seconds. */
export const epochSeconds = (at: Date | string): number => Math.floor(new Date(at).getTime() / 1000);
