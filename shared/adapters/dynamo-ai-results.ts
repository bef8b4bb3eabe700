/** AI call results in the `core` table, one item per call under the workspace. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AiCallResults } from '../ai/ai-call';
import { workspacePk } from './keys';

const aiCallSk = (callId: string): string => `AICALL#${callId}`;

export function dynamoAiResults(db: DynamoDBDocumentClient, table: string): AiCallResults {
  return {
    async has(workspaceId, callId) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { pk: workspacePk(workspaceId), sk: aiCallSk(callId) },
          ConsistentRead: true,
        }),
      );
      return out.Item !== undefined;
    },
    async save(message, completion, completedAt) {
      try {
        await db.send(
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
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
