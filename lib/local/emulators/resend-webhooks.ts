/**
 * The Resend stand-in's webhooks: after each email it takes, what Resend would POST to a webhook
 * endpoint, signed as Resend signs (Svix: `svix-id`, `svix-timestamp`,
 * `svix-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the `whsec_` secret).
 * The signing is written here on its own (not imported from the product), so the product's
 * verification is checked against a second implementation.
 *
 * Resend's test addresses, with an optional `+label` (`bounced+3@resend.dev`):
 * - `bounced@resend.dev` -> email.sent, email.bounced (Permanent);
 * - `complained@resend.dev` -> email.sent, email.delivered, email.complained;
 * - `delivered@resend.dev` and any other address -> email.sent, email.delivered.
 * Until the runtime gives the URL (`configure`, once the API listens) nothing is sent. A delivery
 * that fails (network, non-2xx) is retried 3 times (0.5, 1, 2 s), then logged.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** The fixed local secret (base64 of 24 bytes); the runtime gives the functions the same one. */
export const LOCAL_RESEND_WEBHOOK_SECRET = 'whsec_bG9jYWwtcmVzZW5kLXdlYmhvb2stc2VjcmV0';

export type ResendTestOutcome = 'delivered' | 'bounced' | 'complained';

export function resendTestOutcome(address: string): ResendTestOutcome {
  const bare = (/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();
  const [local = '', domain] = bare.split('@');
  if (domain !== 'resend.dev') return 'delivered';
  const name = local.split('+', 1)[0];
  return name === 'bounced' ? 'bounced' : name === 'complained' ? 'complained' : 'delivered';
}

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
  if (bounced.length) {
    hooks.push({
      type: 'email.bounced',
      created_at: at(400),
      data: data(
        {
          bounce: {
            message:
              "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
            subType: 'General',
            type: 'Permanent',
          },
        },
        bounced,
      ),
    });
  }
  const complained = by('complained');
  if (complained.length) hooks.push({ type: 'email.complained', created_at: at(900), data: data({}, complained) });
  return hooks;
}

/** Svix's headers for `body`. */
export function svixHeaders(secret: string, body: string, nowMs: number, id = `msg_${randomUUID().replace(/-/g, '')}`) {
  const timestamp = String(Math.floor(nowMs / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` };
}

export interface ResendWebhookSender {
  configure(target: { url: string; secret: string } | undefined): void;
  deliver(email: TakenEmail): void;
  idle(): Promise<void>;
  /** No more deliveries or retries. */
  stop(): void;
}

export function resendWebhookSender(
  log: (msg: string) => void,
  delaysMs: readonly number[] = [500, 1000, 2000],
): ResendWebhookSender {
  let target: { url: string; secret: string } | undefined;
  const inFlight = new Set<Promise<void>>();

  const post = async (hook: Record<string, unknown>, to: { url: string; secret: string }) => {
    const body = JSON.stringify(hook);
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      try {
        // Signed at each attempt, as Svix does: a retry carries a fresh timestamp, the same id.
        const res = await fetch(to.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...svixHeaders(to.secret, body, Date.now(), id) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        problem = `HTTP ${res.status}`;
      } catch (error) {
        problem = (error as Error).message;
      }
      const wait = delaysMs[attempt];
      if (wait === undefined || !target) {
        log(`resend: webhook ${hook.type} ${id} not delivered after ${attempt + 1} attempts: ${problem}`);
        return;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  };

  return {
    configure(t) {
      target = t;
    },
    deliver(email) {
      const to = target;
      if (!to) return;
      const hooks = resendWebhooksOf(email, Date.now());
      const p = (async () => {
        for (const hook of hooks) await post(hook, to);
      })().finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop() {
      target = undefined;
    },
  };
}
