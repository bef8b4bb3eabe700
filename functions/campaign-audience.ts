/** State machine task of the campaign launch: enrol one page of the audience. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoAudience } from '../shared/adapters/dynamo-campaigns';
import { sqsStepQueue } from '../shared/adapters/sqs-step-queue';
import { documents } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import { enrolAudiencePage } from '../shared/campaigns/enrol-audience-page';
import { type AudiencePageResult, audiencePage } from '../shared/campaigns/messages';
import { queueUrl, tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';

const deps = {
  audience: dynamoAudience(documents, tableName('core')),
  queue: sqsStepQueue(sqs, queueUrl('drip-steps')),
};

// A malformed payload throws a zod error: the execution fails visibly instead of enrolling nobody.
const enrolPage = async (event: unknown): Promise<AudiencePageResult> =>
  enrolAudiencePage(audiencePage.parse(event), deps);

export const handler = middy(enrolPage).use(injectLambdaContext(logger, { resetKeys: true }));
