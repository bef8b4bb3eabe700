/**
 * The domain-events bus (`unite-hub-<stage>-domain-events`) and its archive.
 *
 * Both live in the Data stack: the archive is stored data (every event for
 * `eventArchiveDays`, replayable onto the bus after a consumer bug or a new consumer's
 * backfill), and the bus has a fixed name like the tables and queues, so a redeployed App
 * stack can never start on a fresh, empty bus. The App stack references the bus by its
 * physical name (no cross-stack export, as with the tables) and grants `events:PutEvents`
 * on it to the functions that declare `publishesEvents`.
 *
 * No rule exists yet: no consumer of domain events is declared. A consumer adds a rule on
 * this bus in the App stack, with its own DLQ and retry policy.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Archive, EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EVENT_BUS, SERVICE_NAME } from '../definition';
import { eventArchiveName, physicalEventBusName } from './physical-names';
import type { Stage, StageSettings } from './stage';

/** Environment variable with the bus name (read by shared/config.ts). */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

export interface DomainEventBus {
  readonly bus: EventBus;
  readonly archive: Archive;
}

export function createDomainEventBus(scope: Construct, settings: StageSettings): DomainEventBus {
  const bus = new EventBus(scope, 'domain-events-bus', {
    eventBusName: physicalEventBusName(settings.stage),
    description: `${SERVICE_NAME} ${settings.stage}: domain events (source ${EVENT_BUS.source}), e.g. contact.score_threshold_crossed`,
  });
  bus.applyRemovalPolicy(settings.removalPolicy);
  const archive = new Archive(scope, 'domain-events-archive', {
    sourceEventBus: bus,
    archiveName: eventArchiveName(settings.stage),
    description: `Every event put on ${physicalEventBusName(settings.stage)}, kept ${settings.eventArchiveDays} days for replay`,
    // Every event on the bus: it carries nothing but this account's domain events.
    eventPattern: { account: [Stack.of(scope).account] },
    retention: Duration.days(settings.eventArchiveDays),
  });
  archive.applyRemovalPolicy(settings.removalPolicy);
  return { bus, archive };
}

/** The App stack's view of the bus: by physical name, so the grant names its ARN and pins no export. */
export function referenceDomainEventBus(scope: Construct, stage: Stage): IEventBus {
  return EventBus.fromEventBusName(scope, 'domain-events-bus', physicalEventBusName(stage));
}
