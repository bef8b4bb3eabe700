/** The EventBridge Scheduler client, created once per process (endpoint: `AWS_ENDPOINT_URL_SCHEDULER` locally). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { KeyedSha256 } from './keyed-sha256';

export const scheduler = new SchedulerClient({ sha256: KeyedSha256 });
