/** The workspace's versioned scoring rules, saved with the recompute job they start (core table). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecomputeJob, RulesStore } from '../crm/scoring/ports';
import { ConflictError } from '../errors';
import { conditionally } from './dynamo/conditions';
import { getItem } from './dynamo/item';
import { transactWrite } from './dynamo/transact';
import { readRulesItem, strip } from './dynamo-score-common';
import { jobSk, SCORING_RULES_SK, workspacePk } from './keys';

const versionConflict = () => new ConflictError('The rules changed since you read them', 'RULES_VERSION_CONFLICT');

export function dynamoRulesStore(db: DynamoDBDocumentClient, table: string): RulesStore {
  return {
    async saveRules(workspaceId, rules, meta) {
      const current = await readRulesItem(db, table, workspaceId);
      const expected = meta.expectedVersion ?? current.version;
      if (expected !== current.version) throw versionConflict();
      const version = expected + 1;
      const at = meta.now.toISOString();
      const pk = workspacePk(workspaceId);
      const saved = await conditionally(
        transactWrite(db, [
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
        ]),
        0,
      );
      if (!saved) throw versionConflict();
      return version;
    },

    async readJob(workspaceId, jobId) {
      const item = await getItem(db, table, { pk: workspacePk(workspaceId), sk: jobSk(jobId) });
      return item ? (strip(item) as unknown as RecomputeJob) : undefined;
    },
  };
}
