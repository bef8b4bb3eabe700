/** The EventBridge client, created once per process (endpoint: `AWS_ENDPOINT_URL_EVENTBRIDGE` locally). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

export const eventBridge = new EventBridgeClient({});
