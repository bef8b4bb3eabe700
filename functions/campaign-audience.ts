/** State machine task of the campaign launch: enrol one page of the audience. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { withCoalescedGets } from '../shared/adapters/dynamo/batch';
import { contactAudience } from '../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../shared/adapters/dynamo-contacts';
import { dynamoLaunches } from '../shared/adapters/dynamo-launches';
import { dynamoSuppressions } from '../shared/adapters/dynamo-suppressions';
import { sqsStepQueue } from '../shared/adapters/sqs-step-queue';
import { documents as direct } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import { runLaunchTask } from '../shared/campaigns/enrol-audience-page';
import { campaignClock, queueUrl, tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';

// A page's contacts are looked up at once: their plain reads share BatchGetItem calls.
const documents = withCoalescedGets(direct);
// Campaign time (TIME_SCALE locally), as the launch's start: its end must not come before it.
const clock = campaignClock();

const core = tableName('core');
const contacts = dynamoContacts(documents, core);
const deps = {
  audience: contactAudience(contacts),
  queue: sqsStepQueue(sqs, queueUrl('drip-steps')),
  suppressions: dynamoSuppressions(documents, core),
  launches: dynamoLaunches(documents, core),
  // Live or deleted, address and status: the page judges who may get marketing mail.
  contacts,
  now: () => clock.now(),
};

const enrolPage = (event: unknown) => runLaunchTask(event, deps);

export const handler = middy(enrolPage).use(injectLambdaContext(logger, { resetKeys: true }));
