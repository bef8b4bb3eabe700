/**
 * HTTP function `scoring`: a contact's score with its ledger, the hot leads and the
 * workspace's scoring rules. Every use case is scoped by the workspace the edge resolved,
 * so another workspace's contact id is not found.
 */

import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { crmRoutes } from '../lib/definition/crm-routes';
import { dynamoRulesStore } from '../shared/adapters/dynamo-rules-store';
import { dynamoScoreReader } from '../shared/adapters/dynamo-score-reader';
import { dynamoScoreStore } from '../shared/adapters/dynamo-score-store';
import { sqsRecomputeQueue } from '../shared/adapters/sqs-recompute-queue';
import { documents } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import { campaignClock, queueUrl, tableName } from '../shared/config';
import { getContactScore, listHotLeads } from '../shared/crm/scoring/read-score';
import { getScoringRules, putScoringRules } from '../shared/crm/scoring/recompute';
import { scoringRulesSchema } from '../shared/crm/scoring/rules';
import { callerOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { pageQuery } from '../shared/http/query-numbers';
import { contactScore, hotLeads, rulesReplaced, scoringRules } from '../shared/http/responses/scoring';

const core = tableName('core');
// Campaign time (TIME_SCALE locally), as the contacts function stamps interactions and scores with:
// a score is decayed to it and the rules are stamped with it.
const clock = campaignClock();
const now = () => clock.now();
const store = dynamoScoreStore(documents, core);
const reader = dynamoScoreReader(documents, core);
const rules = dynamoRulesStore(documents, core);
const queue = sqsRecomputeQueue(sqs, queueUrl('score-recompute'));

const idParam = z.object({ id: z.string().check(z.regex(/^[0-9a-zA-Z-]{1,64}$/)) });
const page = (max: number, fallback: number) => z.object(pageQuery(max, fallback));

export const handler = httpFunction('scoring', crmRoutes, {
  'scores.get': defineOperation(
    { params: idParam, query: page(100, 50), response: contactScore },
    async ({ params, query }, request) => ({
      status: 200,
      body: await getContactScore(callerOf(request).workspaceId, params.id, query, { reader, store, now }),
    }),
  ),

  'scores.hot-leads': defineOperation({ query: page(100, 25), response: hotLeads }, async ({ query }, request) => ({
    status: 200,
    body: await listHotLeads(callerOf(request).workspaceId, query, reader),
  })),

  'scoring-rules.get': defineOperation({ response: scoringRules }, async (_input, request) => ({
    status: 200,
    body: await getScoringRules(callerOf(request).workspaceId, { store, rules }),
  })),

  'scoring-rules.put': defineOperation(
    {
      body: z.object({ rules: scoringRulesSchema, expectedVersion: z.optional(z.number().check(z.int(), z.gte(0))) }),
      response: rulesReplaced,
    },
    async ({ body }, request) => {
      const caller = callerOf(request);
      const out = await putScoringRules(
        caller.workspaceId,
        { ...body, updatedBy: caller.userId },
        { rules, queue, newId: randomUUID, now },
      );
      return { status: 202, body: out, audit: { resourceType: 'scoring-rules', metadata: { version: out.version } } };
    },
  ),
});
