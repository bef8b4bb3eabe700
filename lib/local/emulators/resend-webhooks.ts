/**
 * The Resend stand-in's webhooks: after each email it takes, what Resend would POST to a webhook
 * endpoint, signed as Resend signs (Svix: `svix-id`, `svix-timestamp`,
 * `svix-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the `whsec_` secret).
 * The signing is written here on its own (not imported from the product), so the product's
 * verification is checked against a second implementation.
 *
 * Resend's test addresses, with an optional `+label` (`bounced+3@resend.dev`):
 * - `bounced@resend.dev` -> email.sent, email.bounced (Permanent, General: the recipient's server
 *   refused it, SMTP 550, as Resend simulates it);
 * - `suppressed@resend.dev` -> email.sent, email.suppressed (`suppressed: {message, type}`, the
 *   `resend` SDK's `EmailSuppressedEvent`: the address is on the account's suppression list and
 *   Resend did not attempt it; Resend no longer reports this as email.bounced);
 * - `complained@resend.dev` -> email.sent, email.delivered, email.complained;
 * - `delivered@resend.dev` and any other address -> email.sent, email.delivered.
 * Each webhook is journaled with the email before the send is answered (resend-journal.ts) and
 * owed until delivered: until the runtime gives the URL (`configure`, once the API listens) they
 * wait, while the API does not answer they are retried with a growing delay, and those a stop
 * finds undelivered go at the next start, with the same Svix id. The API queues every delivery it
 * verifies (it keeps no record of Svix ids); the events processor changes nothing twice for one
 * fact (shared/email/process-event.ts), so a webhook delivered again is harmless.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { OwedWebhook } from './resend-journal';

/** The fixed local secret (base64 of 24 bytes); the runtime gives the functions the same one. */
export const LOCAL_RESEND_WEBHOOK_SECRET = 'whsec_bG9jYWwtcmVzZW5kLXdlYmhvb2stc2VjcmV0';

export type ResendTestOutcome = 'delivered' | 'bounced' | 'suppressed' | 'complained';

const TEST_OUTCOMES: ReadonlySet<string> = new Set<ResendTestOutcome>(['bounced', 'suppressed', 'complained']);

export function resendTestOutcome(address: string): ResendTestOutcome {
  const bare = (/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();
  const [local = '', domain] = bare.split('@');
  if (domain !== 'resend.dev') return 'delivered';
  const name = local.split('+', 1)[0] ?? '';
  return TEST_OUTCOMES.has(name) ? (name as ResendTestOutcome) : 'delivered';
}

/** Resend's `bounce` object of the bouncing test address. */
const BOUNCE: Readonly<Record<string, string>> = {
  message: "The recipient's email provider rejected the message: 550 5.1.1 user unknown.",
  subType: 'General',
  type: 'Permanent',
};

/** Resend's `suppressed` object (`EmailSuppressed`: `{message, type}`) of the suppressed test address. */
const SUPPRESSED: Readonly<Record<string, string>> = {
  message:
    "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
  type: 'OnAccountSuppressionList',
};

export interface TakenEmail {
  readonly id: string;
  readonly created_at: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly tags: ReadonlyArray<{ name: string; value: string }>;
}

/** The webhook bodies one email produces, in order. */
export function resendWebhooksOf(email: TakenEmail, nowMs: number): Array<Record<string, unknown>> {
  const data = (extra: Record<string, unknown> = {}, to: readonly string[] = email.to) => ({
    created_at: email.created_at,
    email_id: email.id,
    from: email.from,
    to: [...to],
    subject: email.subject,
    tags: email.tags.map((t) => ({ ...t })),
    ...extra,
  });
  const at = (offset: number) => new Date(nowMs + offset).toISOString();
  const hooks: Array<Record<string, unknown>> = [{ type: 'email.sent', created_at: at(0), data: data() }];
  const by = (o: ResendTestOutcome) => email.to.filter((a) => resendTestOutcome(a) === o);
  const delivered = [...by('delivered'), ...by('complained')];
  if (delivered.length) hooks.push({ type: 'email.delivered', created_at: at(300), data: data({}, delivered) });
  const bounced = by('bounced');
  if (bounced.length)
    hooks.push({ type: 'email.bounced', created_at: at(400), data: data({ bounce: { ...BOUNCE } }, bounced) });
  const suppressed = by('suppressed');
  if (suppressed.length) {
    hooks.push({
      type: 'email.suppressed',
      created_at: at(400),
      data: data({ suppressed: { ...SUPPRESSED } }, suppressed),
    });
  }
  const complained = by('complained');
  if (complained.length) hooks.push({ type: 'email.complained', created_at: at(900), data: data({}, complained) });
  return hooks;
}

/** A fresh Svix message id (`msg_` and 32 hex digits). */
export const newSvixId = () => `msg_${randomUUID().replace(/-/g, '')}`;

/** Svix's headers for `body`. */
export function svixHeaders(secret: string, body: string, nowMs: number, id = newSvixId()) {
  const timestamp = String(Math.floor(nowMs / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` };
}

export interface ResendWebhookSender {
  /** Where the webhooks go (the runtime gives it once the API listens); until then they wait. */
  configure(target: { url: string; secret: string } | undefined): void;
  /** Sends one email's webhooks in order, each once the one before it is done. */
  deliver(hooks: readonly OwedWebhook[]): void;
  /** Resolves once every webhook given is done (or the sender stopped). */
  idle(): Promise<void>;
  /** No more attempts (those in flight are aborted): what was not delivered stays owed in the journal. */
  stop(): void;
}

/** Attempts a webhook the API refuses (a 4xx other than 408 and 429) gets before it is given up. */
export const REFUSED_ATTEMPTS = 4;
/** Failed attempts after which a webhook still retried is logged (once). */
const LOG_AFTER_FAILURES = 4;

/**
 * Posts webhooks to the configured URL, signed at each attempt. Unreachable, 408, 429 or 5xx:
 * retried after each of `delaysMs` (the last one repeating) for as long as the sender runs, as
 * Resend retries while an endpoint is down; another 4xx: {@link REFUSED_ATTEMPTS} attempts, then
 * given up and logged. `onDone(id)` when a webhook was delivered or given up.
 */
export function resendWebhookSender(
  log: (msg: string) => void,
  onDone: (hookId: string) => void = () => undefined,
  delaysMs: readonly number[] = [500, 1000, 2000, 5000, 10_000, 30_000],
): ResendWebhookSender {
  let target: { url: string; secret: string } | undefined;
  const stopper = new AbortController();
  const inFlight = new Set<Promise<void>>();
  /** Woken by `configure` and `stop`. */
  const waiting: Array<() => void> = [];
  const wake = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  const changed = () => new Promise<void>((resolve) => waiting.push(resolve));
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopper.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopper.signal.addEventListener('abort', done);
    });

  const post = async (hook: OwedWebhook) => {
    const body = JSON.stringify(hook.body);
    for (let failures = 0; !stopper.signal.aborted; ) {
      const to = target;
      if (!to) {
        await changed();
        continue;
      }
      let problem: string;
      let refused = false;
      try {
        // Signed at each attempt, as Svix does: a retry carries a fresh timestamp, the same id.
        const res = await fetch(to.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...svixHeaders(to.secret, body, Date.now(), hook.id) },
          body,
          signal: AbortSignal.any([stopper.signal, AbortSignal.timeout(10_000)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return onDone(hook.id);
        problem = `HTTP ${res.status}`;
        refused = res.status < 500 && res.status !== 408 && res.status !== 429;
      } catch (error) {
        problem = (error as Error).message;
      }
      if (stopper.signal.aborted) return;
      failures += 1;
      if (refused && failures >= REFUSED_ATTEMPTS) {
        log(`resend: webhook ${hook.body.type} ${hook.id} refused ${failures} times, given up: ${problem}`);
        return onDone(hook.id);
      }
      if (!refused && failures === LOG_AFTER_FAILURES) {
        log(
          `resend: webhook ${hook.body.type} ${hook.id} not delivered after ${failures} attempts (${problem}); still retrying`,
        );
      }
      await pause(delaysMs[Math.min(failures, delaysMs.length) - 1] ?? 1000);
    }
  };

  return {
    configure(t) {
      target = t;
      wake();
    },
    deliver(hooks) {
      const p = (async () => {
        for (const hook of hooks) {
          await post(hook);
          if (stopper.signal.aborted) return;
        }
      })().finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop() {
      target = undefined;
      stopper.abort();
      wake();
    },
  };
}
