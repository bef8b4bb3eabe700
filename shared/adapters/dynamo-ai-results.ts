/** AI call results in the `core` table, one item per call under the workspace. */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AiCallResults } from '../ai/ai-call';
import { conditionally } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { aiCallSk, workspacePk } from './keys';

export function dynamoAiResults(db: DynamoDBDocumentClient, table: string): AiCallResults {
  return {
    async has(workspaceId, callId) {
      const key = { pk: workspacePk(workspaceId), sk: aiCallSk(callId) };
      return (await getItem(db, table, key, { consistent: true })) !== undefined;
    },
    async save(message, completion, completedAt) {
      // A failed condition: an earlier delivery saved this call's result already.
      await conditionally(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: workspacePk(message.workspaceId),
              sk: aiCallSk(message.callId),
              type: 'ai-call',
              agent: message.agent,
              ...completion,
              completedAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
