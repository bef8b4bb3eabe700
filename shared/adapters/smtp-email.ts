/**
 * The SMTP provider (`EmailProvider`) over nodemailer: any relay named by a URL
 * (`smtp://user:pass@host:587` with STARTTLS, `smtps://user:pass@smtp.gmail.com:465` for Gmail
 * with an app password), pooled connections so a warm instance does not log in per message.
 *
 * SMTP errors are mapped into the shapes `classifyProviderError` reads (`smtpFault` decides):
 * - throttled (status 429): 452 (insufficient storage / too many recipients: pace and retry),
 *   and any 4xx whose text says rate or too many (Gmail's 421/450/451 "4.7.x ... rate limited");
 * - rejected (status 400): 550-554 and 556 to a recipient or the message (mailbox unknown,
 *   policy, message refused), an envelope refused before the message, a header that is not one line;
 * - unavailable, retried (status 503): other 4xx (421 closing, 450 greylisting, 451 local error,
 *   454 TLS), 5xx protocol errors (500-504), and network failures (connection, TLS, timeouts);
 * - unavailable, not retried (no status): authentication (530, 534, 535, 538, `EAUTH`), the
 *   sender refused (a 5xx to `MAIL FROM` other than 552, a size: "Sender address rejected", "not
 *   owned by user"; the From is the one configured sender of every mail), and the relay account's
 *   daily sending limit (Gmail's "Daily user sending limit exceeded", a 550 5.4.5): the relay's
 *   account or its sender configuration is at fault, never the message, and the next provider may
 *   take the message at once (with none, the send is retried later, never closed).
 * Tags have no SMTP counterpart and are not written into the message (they name internal ids).
 * The relay URL holds the password: it never appears in an error or a log line.
 */
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { EmailProvider, OutgoingEmail } from '../email/ports';
import { assertSendable } from './outgoing-email-guard';

export interface SmtpProviderOptions {
  /** `smtp://` or `smtps://` URL with credentials (from a secret, never logged). */
  readonly url: string;
  /** Connections kept open to the relay (default 2). */
  readonly maxConnections?: number;
}

export type SmtpEmail = OutgoingEmail & { readonly idempotencyKey?: string };

export type SmtpFault = 'throttled' | 'rejected' | 'unavailable-retry' | 'unavailable';

/** What nodemailer's errors carry that matters here. */
interface NodemailerError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
  /** The SMTP command the relay refused (`MAIL FROM`, `RCPT TO`, `DATA`...), when it answered one. */
  readonly command?: string;
}

const AUTH_CODES = new Set([530, 534, 535, 538]);
const REJECT_CODES = new Set([550, 551, 552, 553, 554, 556]);
const RATE_TEXT = /\b(rate|too many|throttl)/i;
/** A relay account's daily sending limit spent (Gmail: "550 5.4.5 Daily user sending limit exceeded"). */
const DAILY_LIMIT_TEXT = /\bdaily (user )?sending (limit|quota)\b/i;
/** 552 to `MAIL FROM` is the message's declared size (RFC 1870), not the sender. */
const SIZE_REFUSED = 552;

/** Whether the relay refused the sender or its account, not this message (see the module comment). */
function senderRefused(error: NodemailerError): boolean {
  const reply = error.responseCode;
  if (reply === undefined || reply < 500) return false;
  if (error.command === 'MAIL FROM' && reply !== SIZE_REFUSED) return true;
  return DAILY_LIMIT_TEXT.test(error.response ?? '');
}

/** Classifies a nodemailer error (pure; unit-tested). */
export function smtpFault(error: NodemailerError): SmtpFault {
  const reply = error.responseCode;
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH' || (reply !== undefined && AUTH_CODES.has(reply))) {
    return 'unavailable';
  }
  if (senderRefused(error)) return 'unavailable';
  if (reply !== undefined && reply >= 400 && reply < 500) {
    if (reply === 452 || RATE_TEXT.test(error.response ?? '')) return 'throttled';
    return 'unavailable-retry';
  }
  if (reply !== undefined && REJECT_CODES.has(reply)) return 'rejected';
  if (reply === undefined && error.code === 'EENVELOPE') return 'rejected';
  return 'unavailable-retry';
}

const STATUS: Record<SmtpFault, number | undefined> = {
  throttled: 429,
  rejected: 400,
  'unavailable-retry': 503,
  unavailable: undefined,
};

/** An SMTP failure in the failover classifier's terms (`status`), with the relay's reply kept. */
export class SmtpSendError extends Error {
  override name = 'SmtpSendError';
  readonly status?: number;
  readonly fault: SmtpFault;
  /** The relay's reply code (e.g. 550), when it answered. */
  readonly responseCode?: number;
  /** nodemailer's error code (`EAUTH`, `ECONNECTION`, `EENVELOPE`, ...). */
  readonly code?: string;

  constructor(error: NodemailerError) {
    const fault = smtpFault(error);
    const what = error.responseCode ? `${error.responseCode} ${error.response ?? ''}`.trim() : (error.code ?? 'error');
    super(`SMTP ${fault === 'unavailable-retry' ? 'unavailable' : fault}: ${what.slice(0, 300)}`);
    this.fault = fault;
    const status = STATUS[fault];
    if (status !== undefined) this.status = status;
    if (error.responseCode !== undefined) this.responseCode = error.responseCode;
    if (error.code !== undefined) this.code = error.code;
  }
}

/** A stable Message-ID for an idempotency key: a relay or client that sees the same message twice can tell. */
function messageIdFor(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'unite-hub.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

/**
 * `close()` lets go of the pooled connections once no message is in flight: the messages already
 * handed to the provider (queued in the pool too) are delivered first, never failed by the close
 * (nodemailer's own `close` fails a queued one). A message sent after `close()` (by a send still
 * holding a chain that was rebuilt meanwhile) opens a pool again, which is closed when it is idle.
 */
export function smtpProvider(options: SmtpProviderOptions): EmailProvider & { close(): void } {
  const open = () =>
    createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // No credentials or message bodies in nodemailer's own logs.
      logger: false,
      debug: false,
    });
  let transport: ReturnType<typeof open> | undefined;
  let inFlight = 0;
  let closing = false;
  const shut = () => {
    transport?.close();
    transport = undefined;
  };
  return {
    name: 'smtp',
    async send(email: SmtpEmail, signal?: AbortSignal) {
      assertSendable(email);
      signal?.throwIfAborted();
      transport ??= open();
      inFlight++;
      try {
        return await sendOn(transport, email, signal);
      } finally {
        inFlight--;
        if (closing && inFlight === 0) shut();
      }
    },
    close() {
      closing = true;
      if (inFlight === 0) shut();
    },
  };
}

/** One message on `transport`, its failure in the classifier's terms. */
async function sendOn(
  transport: ReturnType<typeof createTransport>,
  email: SmtpEmail,
  signal: AbortSignal | undefined,
): Promise<{ providerMessageId: string }> {
  const sending = transport.sendMail({
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: { ...email.headers },
    ...(email.idempotencyKey ? { messageId: messageIdFor(email.idempotencyKey, email.from) } : {}),
  });
  // nodemailer takes no AbortSignal; its own timeouts bound the call. An abort stops the wait
  // (the relay may still take the message: the send ledger's claim covers that window).
  const info = await (signal ? abortable(sending, signal) : sending).catch((error: unknown) => {
    if ((error as Error)?.name === 'AbortError' || error === signal?.reason) throw error;
    throw new SmtpSendError(error as NodemailerError);
  });
  return { providerMessageId: info.messageId };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
