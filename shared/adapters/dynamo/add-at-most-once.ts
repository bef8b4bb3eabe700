/**
 * Counters on hot items (a campaign's stats shards, a workspace's sent-per-hour item) are plain
 * `ADD`s: ADDs on one item serialise, where transactions on it would conflict and fail under load.
 * A plain ADD is not idempotent, though: the SDK's retry of one DynamoDB applied but whose answer
 * was lost (a 500, a reset, a timeout) would count it twice. So these ADDs are sent at most once:
 * the SDK retries them only after a definite refusal (a 4xx: throttled, a transaction in flight on
 * the item, nothing applied); an answer that leaves it unknown whether the ADD was applied is not
 * retried and is reported as `unknown` (the caller logs it: an undercount at worst, never a double).
 */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

/** An ADD whose answer was lost: DynamoDB may or may not have applied it. Carries no `cause`, so the SDK's retry does not see the transient error behind it. */
export class AddOutcomeUnknownError extends Error {
  override readonly name = 'AddOutcomeUnknownError';
  constructor(readonly lost: unknown) {
    super(`The counter's ADD may or may not have been applied: ${(lost as Error)?.message ?? String(lost)}`);
  }
}

/** A 4xx answer from DynamoDB: it refused the request, so nothing was applied and a retry is safe. */
const refused = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
};

/**
 * Sends `update` (an ADD) at most once; `unknown` when its answer was lost (see the module comment),
 * logged with the item it was for. Any refusal that outlasts the SDK's retries is thrown, as for any write.
 */
export async function addAtMostOnce(
  db: DynamoDBDocumentClient,
  update: UpdateCommandInput,
): Promise<'added' | 'unknown'> {
  const command = new UpdateCommand(update);
  command.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (refused(error) || error instanceof AddOutcomeUnknownError) throw error;
        throw new AddOutcomeUnknownError(error);
      }
    },
    // Inside the SDK's retry loop, around the deserializer and the HTTP call. Unnamed: the document
    // client copies a command's stack into the client command it sends.
    { step: 'deserialize', priority: 'high' },
  );
  try {
    await db.send(command);
    return 'added';
  } catch (error) {
    if (error instanceof AddOutcomeUnknownError) {
      // Loaded here, not with the adapter: the logger reads the configuration when imported, and an
      // adapter may be imported (by a test, a script) before the environment it runs in is set.
      const { logger } = await import('../../observability/logger');
      logger.warn('A counter ADD was not retried: its answer was lost, so it may not have been applied', {
        table: update.TableName,
        key: update.Key,
        error: error.lost as Error,
      });
      return 'unknown';
    }
    throw error;
  }
}
