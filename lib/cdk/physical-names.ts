/**
 * Physical names of the stateful resources: `unite-hub-prod-core`, `unite-hub-prod-drip-steps-dlq`.
 *
 * Named, not generated, because a generated name turns "the stack was deleted and
 * redeployed" into "the application silently started on a new, empty table" while the
 * retained one sits orphaned; with a fixed name that deploy fails until the retained table
 * is imported back. The names also let runbooks and the console point at one resource.
 */
import { EVENT_BUS, SERVICE_NAME } from '../definition';
import type { Stage } from './stage';

export const physicalTableName = (stage: Stage, table: string): string => `${SERVICE_NAME}-${stage}-${table}`;
export const physicalQueueName = (stage: Stage, queue: string): string => `${SERVICE_NAME}-${stage}-${queue}`;
export const physicalDlqName = (stage: Stage, queue: string): string => `${physicalQueueName(stage, queue)}-dlq`;
/** `alias/unite-hub-prod-settings`: the key that wraps the data keys of secret settings. */
export const settingsKeyAlias = (stage: Stage): string => `alias/${SERVICE_NAME}-${stage}-settings`;
/** `unite-hub-prod-domain-events`: the bus domain events are put on (the local runtime's is `unite-hub-local-domain-events`). */
export const physicalEventBusName = (stage: Stage): string => `${SERVICE_NAME}-${stage}-${EVENT_BUS.name}`;
/** The archive that keeps the bus's events for replay. */
export const eventArchiveName = (stage: Stage): string => `${physicalEventBusName(stage)}-archive`;
/** `unite-hub/prod/resend-api-key`: a provider credential's secret, created by an operator (docs/EMAIL.md). */
export const providerSecretName = (stage: Stage, secret: string): string => `${SERVICE_NAME}/${stage}/${secret}`;
