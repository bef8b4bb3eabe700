/** The EventBridge Scheduler client, created once per process (endpoint: `AWS_ENDPOINT_URL_SCHEDULER` locally). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';

export const scheduler = new SchedulerClient({});
