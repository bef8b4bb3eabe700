/**
 * A DocumentClient like the functions' (default retries) whose first `command` (e.g.
 * UpdateItemCommand, or any of several) matching `when` reaches DynamoDB and is applied, then is answered with a 500 as
 * DynamoDB may: the SDK retries it. `between` runs in that moment (another writer landing before the
 * SDK's retry). Commands are counted as sent (`calls`), not as tried.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../lib/local/emulators';
import { countingClient } from './dynamo-emulator';

export function losingFirstAnswer(
  endpoint: string,
  command: string | readonly string[],
  when: (input: Record<string, unknown>) => boolean = () => true,
  between: () => Promise<void> = async () => {},
) {
  const raw = new DynamoDBClient(localClientConfig(endpoint));
  let lost = 0;
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (
        [command].flat().includes(String(context.commandName)) &&
        lost === 0 &&
        when(args.input as Record<string, unknown>)
      ) {
        lost += 1;
        await between();
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return out;
    },
    { step: 'deserialize', name: 'loseFirstAnswer', priority: 'low' },
  );
  const counted = countingClient(
    DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
  );
  return { db: counted.db, calls: counted.calls, lost: () => lost };
}
