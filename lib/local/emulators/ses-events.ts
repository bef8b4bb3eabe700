/**
 * The SES emulator's event publishing: what a configuration set's EventBridge destination does,
 * for every send the emulator accepts. The events go to the local bus's `default` bus with the
 * real `PutEvents` protocol (`@aws-sdk/client-eventbridge`), source `aws.ses`, the detail-type SES
 * uses ("Email Sent", "Email Bounced"...) and SES's record as `detail`, the send's message tags
 * included as `mail.tags` (`{name: [value]}`).
 *
 * The mailbox simulator (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html),
 * with an optional `+label` in the local part as SES allows (`bounce+7@simulator.amazonses.com`):
 * - `success@` -> Send, Delivery; `ooto@` -> Send, Delivery (the auto-reply is not simulated);
 * - `bounce@` -> Send, Bounce (Permanent, General); `suppressionlist@` -> Send, Bounce
 *   (Permanent, Suppressed: the address is on SES's global suppression list);
 * - `complaint@` -> Send, Delivery, Complaint (abuse).
 * Any other address: Send, Delivery. (Real SES publishes only for sends through a configuration
 * set; locally every send publishes, so the pipeline can be watched without one.)
 *
 * The Send event is published at once, the others a moment later (`outcomeDelayMs`, 1 s), as
 * SES's deliveries and bounces come after the send. A failed PutEvents is retried 3 times (0.2,
 * 0.4, 0.8 s), then logged with the message id. Nothing accepted is lost: the send journal
 * (ses-send-journal.ts) notes which of a send's events reached the bus, and the events that did
 * not (a bus down, no bus configured yet, a stop or a kill before the outcome's moment) are
 * published by the first `configure` with an endpoint of the next start, which resolves once they
 * are on the bus (sends accepted before the first `configure` of this run go then too). A send's
 * events go in order: when its Send event did not reach the bus, its outcomes wait for the
 * replay. `stop` puts the outcome events still waiting for their moment at once (one attempt,
 * the bus may be gone already) and leaves what did not go to the journal.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT, LOCAL_REGION, localClientConfig } from './local-aws';
import type { SendJournal } from './ses-send-journal';

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

export type SimulatorOutcome = 'delivery' | 'bounce' | 'suppressionlist' | 'complaint';

/** What the mailbox simulator does with an address (anything else is delivered). */
export function simulatorOutcome(address: string): SimulatorOutcome {
  const bare = (/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();
  const at = bare.lastIndexOf('@');
  if (at < 0 || bare.slice(at + 1) !== SIMULATOR_DOMAIN) return 'delivery';
  const local = bare.slice(0, at).split('+', 1)[0];
  if (local === 'bounce') return 'bounce';
  if (local === 'suppressionlist') return 'suppressionlist';
  if (local === 'complaint') return 'complaint';
  return 'delivery';
}

export interface AcceptedSend {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly tags: ReadonlyArray<{ Name: string; Value: string }>;
  readonly configurationSet?: string;
  readonly atMs: number;
}

const DETAIL_TYPES: Readonly<Record<string, string>> = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
};

/** The SES event records of one accepted send, in order, with their EventBridge detail-types. */
export function sesEventsOf(send: AcceptedSend): Array<{ detailType: string; detail: Record<string, unknown> }> {
  const iso = (offsetMs: number) => new Date(send.atMs + offsetMs).toISOString();
  const fromAddress = /<([^<>]+)>\s*$/.exec(send.from)?.[1] ?? send.from;
  const domain = fromAddress.split('@')[1] ?? 'localhost';
  const tags: Record<string, string[]> = {
    'ses:source-ip': ['127.0.0.1'],
    'ses:from-domain': [domain],
    'ses:caller-identity': ['local'],
    ...(send.configurationSet ? { 'ses:configuration-set': [send.configurationSet] } : {}),
  };
  for (const t of send.tags) tags[t.Name] = [t.Value];
  const mail = {
    timestamp: iso(0),
    source: send.from,
    sourceArn: `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${domain}`,
    sendingAccountId: LOCAL_ACCOUNT,
    messageId: send.messageId,
    destination: [...send.to],
    headersTruncated: false,
    commonHeaders: { from: [send.from], to: [...send.to], messageId: send.messageId, subject: send.subject },
    tags,
  };
  const record = (eventType: string, extra: Record<string, unknown>) => ({
    detailType: DETAIL_TYPES[eventType] as string,
    detail: { eventType, mail, ...extra },
  });
  const by = (o: SimulatorOutcome) => send.to.filter((a) => simulatorOutcome(a) === o);
  const delivered = [...by('delivery'), ...by('complaint')];
  const hard = by('bounce');
  const suppressed = by('suppressionlist');
  const complained = by('complaint');

  const events = [record('Send', { send: {} })];
  if (delivered.length > 0) {
    events.push(
      record('Delivery', {
        delivery: {
          timestamp: iso(500),
          processingTimeMillis: 500,
          recipients: delivered,
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: 'local.simulator',
        },
      }),
    );
  }
  for (const [recipients, subType, code] of [
    [hard, 'General', 'smtp; 550 5.1.1 user unknown'],
    [
      suppressed,
      'Suppressed',
      'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
    ],
  ] as const) {
    if (recipients.length === 0) continue;
    events.push(
      record('Bounce', {
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: subType,
          bouncedRecipients: recipients.map((emailAddress) => ({
            emailAddress,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: code,
          })),
          timestamp: iso(400),
          feedbackId: `${send.messageId}-bounce`,
          reportingMTA: 'dns; local.simulator',
        },
      }),
    );
  }
  if (complained.length > 0) {
    events.push(
      record('Complaint', {
        complaint: {
          complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
          timestamp: iso(1000),
          feedbackId: `${send.messageId}-complaint`,
          complaintFeedbackType: 'abuse',
          userAgent: 'local-simulator',
          arrivalDate: iso(900),
        },
      }),
    );
  }
  return events;
}

export interface SesEventPublisher {
  /** Points the publisher at the bus; the first time, resolves once the replayed events are on it. */
  configure(eventBusEndpoint: string | undefined): Promise<void>;
  publish(send: AcceptedSend): Promise<void>;
  /** Resolves when every publish started so far has ended (tests). */
  idle(): Promise<void>;
  /**
   * Puts the outcome events waiting for their moment now (one attempt), waits for every put in
   * flight, and closes; what did not reach the bus stays in the journal for the next start.
   */
  stop(): Promise<void>;
}

/** What the publisher needs of the send journal (a plain list: the sends to replay, nothing noted). */
export type PublishJournal = Pick<SendJournal, 'replay' | 'published' | 'markPublished'> &
  Partial<Pick<SendJournal, 'pending' | 'flush'>>;

type Item = { send: AcceptedSend; event: ReturnType<typeof sesEventsOf>[number] };

export function sesEventPublisher(
  log: (msg: string) => void,
  delaysMs: readonly number[] = [200, 400, 800],
  outcomeDelayMs = 1000,
  journalOrReplay: PublishJournal | readonly AcceptedSend[] = [],
): SesEventPublisher {
  const journal: PublishJournal = Array.isArray(journalOrReplay)
    ? { replay: journalOrReplay as readonly AcceptedSend[], published: () => 0, markPublished: () => undefined }
    : (journalOrReplay as PublishJournal);
  let client: EventBridgeClient | undefined;
  /** Sends whose events go at the first `configure` with an endpoint (the last run's, then this one's). */
  let toReplay: AcceptedSend[] = [...journal.replay];
  let configured = false;
  let warned = false;
  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  /** The waits (outcome moments, retry backoffs) in progress: `stop` ends them. */
  const waits = new Set<() => void>();
  const sleep = (ms: number) =>
    stopping
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waits.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          waits.add(done);
        });
  const track = (p: Promise<void>) => {
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };

  /** Puts `items` (ten at most) with retries; whether they reached the bus. */
  const put = async (items: readonly Item[]): Promise<boolean> => {
    if (items.length === 0) return true;
    const entries = items.map(({ send, event }) => ({
      Source: 'aws.ses',
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      EventBusName: 'default',
      Resources: [`arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:configuration-set/${send.configurationSet ?? 'local'}`],
      Time: new Date(send.atMs),
    }));
    for (let attempt = 0; ; attempt++) {
      const target = client;
      if (!target) {
        if (!warned) log('ses: no event bus configured yet, send events are kept for when there is one');
        warned = true;
        return false;
      }
      try {
        const out = await target.send(new PutEventsCommand({ Entries: entries }));
        if (!out.FailedEntryCount) return true;
        throw new Error(`${out.FailedEntryCount} entries refused: ${out.Entries?.find((e) => e.ErrorCode)?.ErrorCode}`);
      } catch (error) {
        const wait = delaysMs[attempt];
        if (wait === undefined || stopping) {
          const ids = [...new Set(items.map((i) => i.send.messageId))].join(', ');
          log(
            `ses: events of ${ids} not published after ${attempt + 1} attempt(s), kept for the next start: ${(error as Error).message}`,
          );
          return false;
        }
        await sleep(wait);
      }
    }
  };

  /** Notes, per send, how many of its events (`index` is 1-based) reached the bus. */
  const mark = (items: ReadonlyArray<Item & { index: number; total: number }>) => {
    const reached = new Map<string, { count: number; total: number }>();
    for (const i of items) reached.set(i.send.messageId, { count: i.index, total: i.total });
    for (const [id, { count, total }] of reached) journal.markPublished(id, count, total);
  };

  return {
    async configure(endpoint) {
      client?.destroy();
      client = endpoint ? new EventBridgeClient({ ...localClientConfig(endpoint), maxAttempts: 1 }) : undefined;
      warned = false;
      if (!client || configured) return;
      configured = true;
      const sends = toReplay;
      toReplay = [];
      if (sends.length === 0) return;
      // The events of each send that had not reached the bus, in order; ten to a PutEvents.
      const items = sends.flatMap((send) => {
        const events = sesEventsOf(send);
        const from = journal.published(send.messageId);
        return events.slice(from).map((event, i) => ({ send, event, index: from + i + 1, total: events.length }));
      });
      await track(
        (async () => {
          for (let i = 0; i < items.length; i += 10) {
            const batch = items.slice(i, i + 10);
            // In order: what follows a batch that did not go waits for the next start.
            if (!(await put(batch))) return;
            mark(batch);
          }
          log(
            `ses: published ${items.length} event(s) of ${sends.length} recent send(s) that had not reached the bus (kept across a restart)`,
          );
        })(),
      );
    },
    publish(send) {
      const events = sesEventsOf(send);
      const items = events.map((event, i) => ({ send, event, index: i + 1, total: events.length }));
      return track(
        (async () => {
          if (!configured) {
            // No bus yet: the first `configure` with one publishes them (the journal has them).
            toReplay.push(send);
            await put(items.slice(0, 1));
            return;
          }
          if (!(await put(items.slice(0, 1)))) return;
          mark(items.slice(0, 1));
          if (items.length === 1) return;
          await sleep(outcomeDelayMs);
          if (await put(items.slice(1))) mark(items.slice(1));
        })(),
      );
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      stopping = true;
      for (const wake of [...waits]) wake();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      client?.destroy();
      client = undefined;
      journal.flush?.();
      const left = journal.pending?.() ?? 0;
      if (left > 0) log(`ses: the events of ${left} send(s) that did not reach the bus go at the next start`);
    },
  };
}
