/** Scheduled (EventBridge): launches every campaign whose slot is due. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoCampaignTriggers } from '../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule, dynamoCampaignStore } from '../shared/adapters/dynamo-campaigns';
import { dynamoLaunches } from '../shared/adapters/dynamo-launches';
import { sfnLaunchStarter } from '../shared/adapters/sfn-launch-starter';
import { documents } from '../shared/aws/dynamodb';
import { sfn } from '../shared/aws/sfn';
import { scheduledLaunchPlan } from '../shared/campaigns/campaign-triggers';
import { triggerDueCampaigns } from '../shared/campaigns/trigger-due-campaigns';
import { stateMachineArn, tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
const deps = {
  schedule: dynamoCampaignSchedule(documents, core),
  launches: sfnLaunchStarter(sfn, stateMachineArn()),
  now: () => new Date(),
  plan: scheduledLaunchPlan({
    campaigns: dynamoCampaignStore(documents, core),
    index: dynamoCampaignTriggers(documents, core),
    launches: dynamoLaunches(documents, core),
  }),
};

const trigger = async (): Promise<{ launched: number }> => {
  const result = await triggerDueCampaigns(deps);
  if (result.launched > 0) logger.info('Campaigns launched', result);
  return result;
};

export const handler = middy(trigger).use(injectLambdaContext(logger, { resetKeys: true }));
