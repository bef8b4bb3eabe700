/**
 * A conditional write that knows its own earlier application. The functions' DynamoDB client
 * retries a write whose answer was lost (a 500, a reset, a timeout), and DynamoDB may have applied
 * the first try: the retry then fails the condition that the first try's own write made false. Read
 * as another writer's win, one write becomes two (a pacer's tokens taken again) or a success is
 * read as a failure (a claim as another attempt's, a send's acceptance or delivery state as already
 * recorded by someone else, so never counted).
 *
 * So such a write carries a mark of its own (a token unique to the call, {@link ownToken}, or an id
 * it writes anyway, a claim's `claimId`) and asks for the item it was refused on
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`: with the refusal, in the same call, no read
 * more); a refusal whose item carries the mark (`isOwn`) is the write's own: written. Every other
 * refusal comes with the item that refused it, which callers read instead of reading it again.
 * DynamoDB returns the item on a refusal when there is one; the local emulator does the same
 * (lib/local/emulators/condition-failure-item.ts).
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Item } from './item';

export type OwnWrite =
  /** Written by this call: `attributes` are the write's `ReturnValues`, when it asked for some. */
  | { readonly written: true; readonly attributes?: Item }
  /**
   * Written by an earlier try of this call whose answer was lost (the SDK's retry was refused by
   * its own write): `item` is the item as the refusal found it, this write's effect in it. The
   * write's `ReturnValues` are lost with that answer.
   */
  | { readonly written: true; readonly again: true; readonly item: Item }
  /** Refused by another writer's item (`item`), or by no item at all. */
  | { readonly written: false; readonly item?: Item };

/** A token to mark one write with: 16 characters, 96 random bits. */
export const ownToken = (): string => randomBytes(12).toString('base64url');

/**
 * Sends a conditional PutItem or UpdateItem that asks for the refusing item, and reads a refusal
 * by its own earlier try (`isOwn` of that item) as written. Any other error is thrown.
 */
export async function writeOwn(
  db: DynamoDBDocumentClient,
  write: { readonly Put: PutCommandInput } | { readonly Update: UpdateCommandInput },
  isOwn: (item: Item) => boolean,
): Promise<OwnWrite> {
  try {
    const out =
      'Put' in write
        ? await db.send(new PutCommand({ ...write.Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
        : await db.send(new UpdateCommand({ ...write.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    return out.Attributes ? { written: true, attributes: out.Attributes } : { written: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const item = refusedItem(error);
    if (item && isOwn(item)) return { written: true, again: true, item };
    return item ? { written: false, item } : { written: false };
  }
}

/**
 * The item a conditional write was refused on, when the write asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`) and there was one. The document client does
 * not unmarshall an exception: its Item is raw AttributeValues, unmarshalled here.
 */
export function refusedItem(error: unknown): Item | undefined {
  return error instanceof ConditionalCheckFailedException && error.Item ? unmarshall(error.Item) : undefined;
}
