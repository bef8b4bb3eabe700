/** The EventBridge client, created once per process (endpoint: `AWS_ENDPOINT_URL_EVENTBRIDGE` locally). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KeyedSha256 } from './keyed-sha256';

export const eventBridge = new EventBridgeClient({ sha256: KeyedSha256 });
