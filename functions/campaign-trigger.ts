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
import { campaignClock, stateMachineArn, tableName } from '../shared/config';
import { logger } from '../shared/observability/logger';

const core = tableName('core');
// Slots are real time (this function runs every 5 real minutes); a launch's record is campaign
// time (TIME_SCALE locally), as its pages are.
const clock = campaignClock();
const realNow = () => new Date();
const deps = {
  schedule: dynamoCampaignSchedule(documents, core),
  launches: sfnLaunchStarter(sfn, stateMachineArn()),
  now: realNow,
  plan: scheduledLaunchPlan({
    campaigns: dynamoCampaignStore(documents, core),
    index: dynamoCampaignTriggers(documents, core),
    launches: dynamoLaunches(documents, core),
    now: () => clock.now(),
    realNow,
  }),
};

const trigger = async (): Promise<{ launched: number; failed: number }> => {
  const result = await triggerDueCampaigns(deps);
  if (result.launched > 0) logger.info('Campaigns launched', { launched: result.launched });
  // Each failed slot stays due: the next run (5 minutes later, or the asynchronous invocation's
  // own retry) tries it again; the others went on. The run still fails, so the function's Errors
  // metric (and its alarm) shows it.
  if (result.failed.length > 0) {
    logger.error('Scheduled launches failed', { failed: result.failed });
    throw new Error(`${result.failed.length} scheduled launch(es) failed; they stay due for the next run`);
  }
  return { launched: result.launched, failed: 0 };
};

export const handler = middy(trigger).use(injectLambdaContext(logger, { resetKeys: true }));
