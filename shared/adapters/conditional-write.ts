/** The one place a conditional write's failed condition becomes a plain `false`. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** Runs a conditional write; false when its condition failed, any other error thrown on. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** DynamoDB TTL attributes are epoch seconds. */
export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
