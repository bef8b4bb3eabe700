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
 * SES's deliveries and bounces come after the send. Until the runtime gives the bus endpoint
 * (`configure`), events are dropped (one log line). A failed PutEvents is retried 3 times (0.2,
 * 0.4, 0.8 s), then logged with the message id. The Send events of the sends a killed runtime may
 * have left unpublished (`replay`, from ses-send-journal.ts) are published again by the first
 * `configure` with an endpoint, which resolves once they are on the bus.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT, LOCAL_REGION, localClientConfig } from './local-aws';

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
  /** Points the publisher at the bus; the first time, resolves once the replayed Send events are on it. */
  configure(eventBusEndpoint: string | undefined): Promise<void>;
  publish(send: AcceptedSend): Promise<void>;
  /** Resolves when every publish started so far has ended (tests, stop). */
  idle(): Promise<void>;
  stop(): void;
}

export function sesEventPublisher(
  log: (msg: string) => void,
  delaysMs: readonly number[] = [200, 400, 800],
  outcomeDelayMs = 1000,
  replay: readonly AcceptedSend[] = [],
): SesEventPublisher {
  let client: EventBridgeClient | undefined;
  let toReplay = [...replay];
  let warned = false;
  const inFlight = new Set<Promise<void>>();

  /** Puts `events` (of `send`, or of `sends[i]` each when given) with retries. */
  const put = async (send: AcceptedSend, events: ReturnType<typeof sesEventsOf>, sends?: readonly AcceptedSend[]) => {
    if (events.length === 0) return;
    const entries = events.map((e, i) => {
      const of = sends?.[i] ?? send;
      return {
        Source: 'aws.ses',
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
        EventBusName: 'default',
        Resources: [`arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:configuration-set/${of.configurationSet ?? 'local'}`],
        Time: new Date(of.atMs),
      };
    });
    for (let attempt = 0; ; attempt++) {
      const target = client;
      if (!target) {
        if (!warned) log('ses: no event bus configured yet, send events are not published');
        warned = true;
        return;
      }
      try {
        const out = await target.send(new PutEventsCommand({ Entries: entries }));
        if (!out.FailedEntryCount) return;
        throw new Error(`${out.FailedEntryCount} entries refused: ${out.Entries?.find((e) => e.ErrorCode)?.ErrorCode}`);
      } catch (error) {
        const wait = delaysMs[attempt];
        if (wait === undefined) {
          log(
            `ses: events of ${send.messageId} not published after ${attempt + 1} attempts: ${(error as Error).message}`,
          );
          return;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };

  return {
    async configure(endpoint) {
      client?.destroy();
      client = endpoint ? new EventBridgeClient({ ...localClientConfig(endpoint), maxAttempts: 1 }) : undefined;
      warned = false;
      if (!client || toReplay.length === 0) return;
      const sends = toReplay;
      toReplay = [];
      // Only the Send records (the acknowledgement); ten to a PutEvents, as the service allows.
      const p = (async () => {
        for (let i = 0; i < sends.length; i += 10) {
          const batch = sends.slice(i, i + 10);
          await put(
            batch[0] as AcceptedSend,
            batch.flatMap((send) => sesEventsOf(send).slice(0, 1)),
            batch,
          );
        }
        log(`ses: published the Send events of ${sends.length} recent send(s) again (kept across a restart)`);
      })().finally(() => inFlight.delete(p));
      inFlight.add(p);
      await p;
    },
    publish(send) {
      const [sent, ...outcomes] = sesEventsOf(send);
      const p = (async () => {
        await put(send, sent ? [sent] : []);
        await new Promise((r) => setTimeout(r, outcomeDelayMs));
        await put(send, outcomes);
      })().finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop() {
      client?.destroy();
      client = undefined;
    },
  };
}
