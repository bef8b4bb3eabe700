import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { workspacePk } from '../../adapters/keys';
import { ConflictError } from '../../errors';
import { SCORING_RULES_SK } from '../keys';
import { conditionFailed, jobSk, readRulesItem, strip } from './dynamo-score-common';
import type { RecomputeJob, RulesStore } from './ports';

type Db = DynamoDBDocumentClient;

export function dynamoRulesStore(db: Db, table: string): RulesStore {
  return {
    async saveRules(workspaceId, rules, meta) {
      const current = await readRulesItem(db, table, workspaceId);
      const expected = meta.expectedVersion ?? current.version;
      if (expected !== current.version)
        throw new ConflictError('The rules changed since you read them', 'RULES_VERSION_CONFLICT');
      const version = expected + 1;
      const at = meta.now.toISOString();
      const pk = workspacePk(workspaceId);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk,
                    sk: SCORING_RULES_SK,
                    type: 'scoringRules',
                    version,
                    rules,
                    updatedAt: at,
                    updatedBy: meta.updatedBy,
                    recomputeJobId: meta.jobId,
                  },
                  ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
                  ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':v': expected } }),
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk,
                    sk: jobSk(meta.jobId),
                    type: 'scoreJob',
                    jobId: meta.jobId,
                    version,
                    status: 'running',
                    pages: 0,
                    contacts: 0,
                    startedAt: at,
                    updatedAt: at,
                  },
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (conditionFailed(error, 0))
          throw new ConflictError('The rules changed since you read them', 'RULES_VERSION_CONFLICT');
        throw error;
      }
      return version;
    },

    async readJob(workspaceId, jobId) {
      const out = await db.send(
        new GetCommand({ TableName: table, Key: { pk: workspacePk(workspaceId), sk: jobSk(jobId) } }),
      );
      return out.Item ? (strip(out.Item) as unknown as RecomputeJob) : undefined;
    },
  };
}
