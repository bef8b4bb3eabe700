/** Scheduled (EventBridge): launches every campaign whose slot is due. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamoCampaignSchedule } from '../shared/adapters/dynamo-campaigns';
import { sfnLaunchStarter } from '../shared/adapters/sfn-launch-starter';
import { documents } from '../shared/aws/dynamodb';
import { sfn } from '../shared/aws/sfn';
import { triggerDueCampaigns } from '../shared/campaigns/trigger-due-campaigns';
import { stateMachineArn, tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';

const deps = {
  schedule: dynamoCampaignSchedule(documents, tableName('core')),
  launches: sfnLaunchStarter(sfn, stateMachineArn()),
  now: () => new Date(),
};

const trigger = async (): Promise<{ launched: number }> => {
  const result = await triggerDueCampaigns(deps);
  if (result.launched > 0) logger.info('Campaigns launched', result);
  return result;
};

export const handler = middy(trigger).use(injectLambdaContext(logger, { resetKeys: true }));
