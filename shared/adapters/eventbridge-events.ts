/**
 * Domain events onto the EventBridge bus: one entry per event, PutEvents in batches of 10
 * (the API's limit), all or throw.
 *
 * Each entry: `Source` = `unite-hub`, `DetailType` = the event type
 * (`contact.score_threshold_crossed`), `Time` = when it occurred, and `Detail` = the JSON
 * `{ workspaceId, occurredAt, ...detail }`, so a rule can match on the workspace and a
 * consumer needs nothing but the detail. PutEvents may accept part of a batch: any
 * refused entry makes the whole call throw, naming the error codes and the refused events
 * (`EventPublishError.refused`; shared/adapters/fallback-events.ts re-sends only those). The caller retries;
 * a retry may deliver the accepted entries twice, so consumers treat events as
 * at-least-once (as EventBridge itself does).
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_BUS } from '../../lib/definition/names';
import type { DomainEvent, DomainEventPublisher } from '../crm/ports';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;

/** Thrown when EventBridge refused at least one entry of a batch. */
export class EventPublishError extends Error {
  override name = 'EventPublishError';
  constructor(
    message: string,
    /** `ErrorCode` of each refused entry, in order (e.g. `InternalFailure`, `ThrottlingException`). */
    readonly errorCodes: readonly string[],
    options?: ErrorOptions,
    /** The refused events of the failing batch, in order (the others of that batch went on the bus). */
    readonly refused: readonly DomainEvent[] = [],
  ) {
    super(message, options);
  }
}

/** The PutEvents entry of one domain event (exported for the tests and the local bus). */
export function toEntry(event: DomainEvent, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: EVENT_BUS.source,
    DetailType: event.type,
    Time: new Date(event.occurredAt),
    Detail: JSON.stringify({ workspaceId: event.workspaceId, occurredAt: event.occurredAt, ...event.detail }),
  };
}

export function eventBridgePublisher(client: EventBridgeClient, busName: string): DomainEventPublisher {
  return {
    async publish(events: readonly DomainEvent[]) {
      for (let i = 0; i < events.length; i += PUT_EVENTS_BATCH) {
        const chunk = events.slice(i, i + PUT_EVENTS_BATCH);
        const out = await client.send(new PutEventsCommand({ Entries: chunk.map((e) => toEntry(e, busName)) }));
        if ((out.FailedEntryCount ?? 0) > 0) {
          const results = out.Entries ?? [];
          const failed = results.filter((entry) => entry.ErrorCode);
          // The answer's entries are in the request's order; without them (or their codes), the whole batch.
          const named = results.length === chunk.length ? chunk.filter((_, j) => results[j]?.ErrorCode) : [];
          const codes = failed.map((entry) => entry.ErrorCode as string);
          const detail = failed.map((entry) => `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`.trim()).join('; ');
          throw new EventPublishError(
            `EventBridge refused ${out.FailedEntryCount} of ${chunk.length} events on ${busName}: ${detail || 'no error codes given'}`,
            codes,
            undefined,
            named.length > 0 ? named : chunk,
          );
        }
      }
    },
  };
}
