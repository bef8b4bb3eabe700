/**
 * Domain events of a request, published after its write committed: one nothing retries (a person's
 * open, click or unsubscribe: the mail client fetches once; the emails function), or one whose
 * write landed and must answer its 2xx (the contacts function). EventBridge first (`bus`, the
 * {@link eventBridgePublisher}); the events it did not take go straight to the queues of the
 * bus's rules, each as its rule would have delivered it, so an event is not lost to a PutEvents
 * that failed after the SDK's own retries (today one rule: `campaign-triggers` -> drip-steps, which
 * starts campaigns and wakes waiting enrolments; lib/definition/event-rules.ts).
 *
 * - Which events: only those the bus did not take. A refusal names its entries
 *   (`EventPublishError.refused`): only those go to the queues, the accepted ones of the same
 *   batch are on the bus already. PutEvents is called per batch of 10; once a call throws (the
 *   bus unreachable, throttled past the retries), that batch and every later one go to the queues
 *   without trying the bus again.
 * - Where: each queue whose rule pattern matches the event (lib/definition/event-rules.ts
 *   `matchesPattern`, the matcher the local bus routes with); an event no rule matches would have
 *   reached no queue through the bus either.
 * - How: the message body is the EventBridge envelope an SQS target receives (`version`, `id`,
 *   `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`; the detail as
 *   PutEvents carries it, shared/adapters/eventbridge-events.ts `toEntry`), in SendMessageBatch
 *   calls of at most 10 entries and 256 KiB (a larger message goes alone, as a SendMessage), made by
 *   the {@link QueueSender} (sqs-queue-sender.ts, loaded only then: request-events.ts). The
 *   envelope's `id` is new; consumers dedupe on the detail's `eventId`, as for any redelivery.
 * - When the queue fails too (a call throws, or refuses entries), as `whenLost` says:
 *   - `'log'` (the default): an error log naming the event types and ids, and the metric
 *     `DomainEventsLost` (Count: the events lost); `publish` never throws. For a request whose
 *     answer (a pixel, a redirect, the unsubscribe page) does not depend on it and nothing retries.
 *   - `'throw'`: `publish` throws {@link DomainEventsUnsentError} naming the events neither took,
 *     and counts nothing lost: the caller keeps them and publishes them again (the contacts function:
 *     events pending on the contact item, published again by the retry of the request, or by the
 *     campaign sweeper when none comes (sweep-pending-events.ts), the same ids;
 *     those of the same publish the bus or a queue did take go again too, and consumers dedupe them).
 *     Only for a request whose retry is safe and publishes the same events: the HTTP edge answers it
 *     503 `EVENTS_UNAVAILABLE` with Retry-After (shared/http/error-response.ts).
 *   - `{ keep }`: for a request whose write landed and whose retry would not be safe (an interaction
 *     without a key records a second one): `keep` stores the events for a later publish (the
 *     contact's outbox, pending-events.ts `keepOnTheirContacts`) and answers those it could not
 *     keep; these are logged and counted lost as with `'log'` (so are all when `keep` throws).
 *     `publish` never throws: the request answers its 2xx. A warning names the kept events, and the
 *     metric `DomainEventsKept` counts them.
 *   A caller that is retried as a whole (a queue consumer) uses the plain publisher and throws instead.
 */
import { randomUUID } from 'node:crypto';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { matchesPattern } from '../../lib/definition/event-rules';
import type { DomainEvent, DomainEventPublisher } from '../crm/ports';
import { EventPublishError, PUT_EVENTS_BATCH, toEntry } from './eventbridge-events';

export const FALLBACK_EVENT_METRICS = { lost: 'DomainEventsLost', kept: 'DomainEventsKept' } as const;

/**
 * Thrown with `whenLost: 'throw'` when neither the bus nor the queues took some events: the message
 * names each (type and `eventId`), the bus's error and the queues'; `cause` is the bus's error.
 */
export class DomainEventsUnsentError extends Error {
  override name = 'DomainEventsUnsentError';
  constructor(
    message: string,
    /** The events neither the bus nor a queue took, in the order given. */
    readonly events: readonly DomainEvent[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A rule of the bus with a queue target: the events its pattern matches go to `queueUrl`. */
export interface RuleQueue {
  /** The rule's name (logs). */
  readonly rule: string;
  /** The rule's event pattern (EventBridge's JSON names: `source`, `detail-type`, `detail`). */
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly queueUrl: string;
}

/** What the fallback logs: a warning when it was used, an error when events were lost. */
export interface FallbackLog {
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/**
 * What the fallback sends with (sqs-queue-sender.ts): `sendAll` puts every body on the queue, in
 * as few calls as the queue allows, and answers the indexes of the bodies it did not take, and why.
 */
export interface QueueSender {
  sendAll(queueUrl: string, bodies: readonly string[]): Promise<{ failed: number[]; errors: string[] }>;
}

export interface FallbackEventsOptions {
  /** The EventBridge publisher (a refusal throws `EventPublishError` naming the refused events). */
  readonly bus: DomainEventPublisher;
  /**
   * The queue sender, asked for only when the bus did not take everything: a function loads the SQS
   * client then (`() => import('./sqs-queue-sender').then((m) => m.processQueueSender)`), not at its
   * cold start.
   */
  readonly queue: () => Promise<QueueSender>;
  readonly targets: readonly RuleQueue[];
  /** The envelope's `account` and `region`: those of the bus (the function's own). */
  readonly account: string;
  readonly region: string;
  readonly log: FallbackLog;
  readonly metrics: Pick<Metrics, 'singleMetric'>;
  /** The envelope's `id` (default: a random UUID, as EventBridge gives). */
  readonly newId?: () => string;
  /**
   * Events neither the bus nor the queues took: `'log'` (default) logs an error, counts
   * `DomainEventsLost` and resolves; `'throw'` throws {@link DomainEventsUnsentError} (the caller
   * keeps them for its retry); `{ keep }` hands them to `keep` and resolves, logging and counting
   * lost those it did not keep. See the module comment.
   */
  readonly whenLost?: WhenLost;
}

/** What {@link fallbackEventsPublisher} does with events neither the bus nor a queue took. */
export type WhenLost =
  | 'log'
  | 'throw'
  | {
      /** Keeps the events for a later publish; answers those it did not keep. */
      readonly keep: (events: readonly DomainEvent[]) => Promise<readonly DomainEvent[]>;
    };

/** The EventBridge envelope an SQS target of a rule receives for `event`. */
export type RuleEnvelope = ReturnType<typeof ruleEnvelope>;

export function ruleEnvelope(event: DomainEvent, origin: { account: string; region: string }, id: string) {
  const entry = toEntry(event, '');
  const time = entry.Time && !Number.isNaN(entry.Time.getTime()) ? entry.Time : new Date();
  return {
    version: '0',
    id,
    'detail-type': entry.DetailType as string,
    source: entry.Source as string,
    account: origin.account,
    // EventBridge's form: whole seconds, UTC.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: origin.region,
    resources: [] as string[],
    detail: JSON.parse(entry.Detail as string) as Record<string, unknown>,
  };
}

/** The account of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`); '' if it names none. */
export function queueAccount(queueUrl: string): string {
  try {
    return new URL(queueUrl).pathname.split('/')[1] ?? '';
  } catch {
    return '';
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** EventBridge first; what it did not take, straight to the rules' queues (see the module comment). */
export function fallbackEventsPublisher(options: FallbackEventsOptions): DomainEventPublisher {
  const newId = options.newId ?? randomUUID;

  /** The events the bus did not take, to the queues of the rules that match them. */
  async function fallBack(unsent: readonly DomainEvent[], busError: unknown): Promise<void> {
    const lost = new Set<DomainEvent>();
    const errors: string[] = [];
    const queued: string[] = [];
    try {
      const envelopes = unsent.map((event) => ({ event, envelope: ruleEnvelope(event, options, newId()) }));
      const queue = await options.queue();
      for (const target of options.targets) {
        const matched = envelopes.filter((e) => matchesPattern(target.pattern, e.envelope));
        if (matched.length === 0) continue;
        const out = await queue.sendAll(
          target.queueUrl,
          matched.map((m) => JSON.stringify(m.envelope)),
        );
        for (const index of out.failed) lost.add((matched[index] as (typeof matched)[number]).event);
        errors.push(...out.errors.map((e) => `${target.rule}: ${e}`));
        if (out.failed.length < matched.length) queued.push(target.rule);
      }
    } catch (error) {
      for (const event of unsent) lost.add(event);
      errors.push(messageOf(error));
    }
    const fields = { error: messageOf(busError), types: unsent.map((e) => e.type) };
    if (lost.size < unsent.length) {
      options.log.warn('Domain events not published on the bus; sent to their rule queues directly', {
        ...fields,
        rules: queued,
      });
    }
    if (lost.size > 0) {
      let gone: readonly DomainEvent[] = unsent.filter((e) => lost.has(e));
      const whenLost = options.whenLost;
      if (typeof whenLost === 'object') {
        const unkept = await keepOrLose(whenLost.keep, gone, errors);
        const kept = gone.filter((e) => !unkept.includes(e));
        if (kept.length > 0) {
          options.log.warn('Domain events not published: kept pending for a later publish', {
            ...fields,
            types: kept.map((e) => e.type),
            eventIds: kept.map((e) => e.detail.eventId),
          });
          options.metrics.singleMetric().addMetric(FALLBACK_EVENT_METRICS.kept, MetricUnit.Count, kept.length);
        }
        gone = unkept;
        if (gone.length === 0) return;
      }
      if (whenLost === 'throw') {
        const named = gone.map((e) => `${e.type} ${String(e.detail.eventId ?? '(no eventId)')}`).join(', ');
        throw new DomainEventsUnsentError(
          `Domain events not published, neither the bus nor its rules' queues took them (${gone.length} of ${unsent.length}): ${named} (bus: ${fields.error}; queues: ${errors.join('; ')})`,
          gone,
          { cause: busError },
        );
      }
      options.log.error('Domain events lost: neither the bus nor the queue fallback took them', {
        error: fields.error,
        fallbackErrors: errors,
        types: gone.map((e) => e.type),
        eventIds: gone.map((e) => e.detail.eventId).filter((id) => id !== undefined),
      });
      options.metrics.singleMetric().addMetric(FALLBACK_EVENT_METRICS.lost, MetricUnit.Count, gone.length);
    }
  }

  /** `keep`'s answer, or all of `events` when it throws (its error joins `errors`). */
  async function keepOrLose(
    keep: (events: readonly DomainEvent[]) => Promise<readonly DomainEvent[]>,
    events: readonly DomainEvent[],
    errors: string[],
  ): Promise<readonly DomainEvent[]> {
    try {
      const unkept = await keep(events);
      if (unkept.length > 0) errors.push(`keep: ${unkept.length} not kept`);
      return unkept;
    } catch (error) {
      errors.push(`keep: ${messageOf(error)}`);
      return events;
    }
  }

  return {
    async publish(events: readonly DomainEvent[]) {
      const unsent: DomainEvent[] = [];
      let busError: unknown;
      for (let i = 0; i < events.length; i += PUT_EVENTS_BATCH) {
        const chunk = events.slice(i, i + PUT_EVENTS_BATCH);
        // The bus failed as a whole: the rest go to the queues without waiting on it again.
        if (busError !== undefined && !(busError instanceof EventPublishError)) {
          unsent.push(...chunk);
          continue;
        }
        try {
          await options.bus.publish(chunk);
        } catch (error) {
          busError = error;
          const refused = error instanceof EventPublishError ? error.refused : [];
          unsent.push(...(refused.length > 0 ? refused : chunk));
        }
      }
      if (unsent.length > 0) await fallBack(unsent, busError);
    },
  };
}
