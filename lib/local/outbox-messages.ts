/**
 * Every message the local email stand-ins took (the SES emulator, the Resend stand-in, the SMTP
 * sink), read from their `/store` JSON and put in one shape, newest first. The unified outbox
 * page (outbox-page.ts) lists them; tests and scripts count them per recipient.
 */
import type { Email as SesEmail } from 'aws-ses-v2-local/dist/store';
import type { ResendEmailRecord } from './emulators/resend-server';
import type { SmtpMessage } from './emulators/smtp-sink';

export type OutboxProvider = 'ses' | 'resend' | 'smtp';
export const OUTBOX_PROVIDERS: readonly OutboxProvider[] = ['ses', 'resend', 'smtp'];

export interface OutboxMessage {
  readonly provider: OutboxProvider;
  /** The provider's message id. */
  readonly id: string;
  /** When the provider took it (ISO 8601; SES's emulator keeps whole seconds). */
  readonly at: string;
  readonly from: string;
  /** Recipients (SMTP: the envelope's). */
  readonly to: readonly string[];
  readonly subject: string;
  /** Every header the provider kept, in order: SES and Resend keep the custom ones, SMTP all lines. */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** Resend's tags (SES's emulator does not keep its EmailTags; SMTP has none). */
  readonly tags?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly html?: string;
  readonly text?: string;
}

export interface OutboxSnapshot {
  /** Newest first. */
  readonly messages: readonly OutboxMessage[];
  /** Stand-ins whose store could not be read (the others are still listed). */
  readonly unavailable: ReadonlyArray<{ readonly provider: OutboxProvider; readonly reason: string }>;
}

/** Where each stand-in's outbox is (`runtime.outboxes`); its JSON is at `/store`. */
export type OutboxSources = Readonly<Record<OutboxProvider, string>>;

type Unordered = OutboxMessage & { readonly atMs: number; readonly seq: number };

const fromSes = (emails: readonly SesEmail[]): Unordered[] =>
  emails.map((e, seq) => ({
    provider: 'ses',
    id: e.messageId,
    atMs: e.at * 1000,
    at: new Date(e.at * 1000).toISOString(),
    from: e.from,
    to: [...e.destination.to, ...e.destination.cc, ...e.destination.bcc],
    subject: e.subject,
    headers: e.headers ?? [],
    ...(e.body.html !== undefined ? { html: e.body.html } : {}),
    ...(e.body.text !== undefined ? { text: e.body.text } : {}),
    seq,
  }));

const fromResend = (emails: readonly ResendEmailRecord[]): Unordered[] =>
  emails.map((e, seq) => ({
    provider: 'resend',
    id: e.id,
    atMs: Date.parse(e.created_at),
    at: e.created_at,
    from: e.from,
    to: [...e.to, ...(e.cc ?? []), ...(e.bcc ?? [])],
    subject: e.subject,
    headers: Object.entries(e.headers).map(([name, value]) => ({ name, value })),
    tags: e.tags,
    ...(e.html !== undefined ? { html: e.html } : {}),
    ...(e.text !== undefined ? { text: e.text } : {}),
    seq,
  }));

const fromSmtp = (messages: readonly SmtpMessage[]): Unordered[] =>
  messages.map((m, seq) => ({
    provider: 'smtp',
    id: m.id,
    atMs: Date.parse(m.receivedAt),
    at: m.receivedAt,
    from: m.from ?? m.envelope.from,
    to: m.envelope.to,
    subject: m.subject ?? '',
    headers: m.headers,
    ...(m.html !== undefined ? { html: m.html } : {}),
    ...(m.text !== undefined ? { text: m.text } : {}),
    seq,
  }));

/** Newest first; within one provider and one timestamp (SES: one second), the later stored first. */
export function mergeOutboxes(stores: {
  ses?: readonly SesEmail[];
  resend?: readonly ResendEmailRecord[];
  smtp?: readonly SmtpMessage[];
}): OutboxMessage[] {
  const all = [...fromSes(stores.ses ?? []), ...fromResend(stores.resend ?? []), ...fromSmtp(stores.smtp ?? [])];
  all.sort((a, b) => b.atMs - a.atMs || (a.provider === b.provider ? b.seq - a.seq : 0));
  return all.map(({ atMs: _atMs, seq: _seq, ...message }) => message);
}

/** Reads the three stand-ins' stores (in parallel) and merges them; an unreachable one is reported, not fatal. */
export async function readOutboxes(sources: OutboxSources, signal?: AbortSignal): Promise<OutboxSnapshot> {
  const unavailable: Array<{ provider: OutboxProvider; reason: string }> = [];
  const read = async <T>(provider: OutboxProvider, pick: (body: Record<string, unknown>) => unknown) => {
    try {
      const res = await fetch(new URL('/store', sources[provider]), signal ? { signal } : {});
      if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
      const list = pick((await res.json()) as Record<string, unknown>);
      if (!Array.isArray(list)) throw new Error('GET /store answered an unexpected shape');
      return list as T[];
    } catch (error) {
      unavailable.push({ provider, reason: (error as Error).message });
      return [];
    }
  };
  const [ses, resend, smtp] = await Promise.all([
    read<SesEmail>('ses', (b) => b.emails),
    read<ResendEmailRecord>('resend', (b) => b.emails),
    read<SmtpMessage>('smtp', (b) => b.messages),
  ]);
  return { messages: mergeOutboxes({ ses, resend, smtp }), unavailable };
}

/** Messages per recipient (addresses lower-cased; `Name <a@b>` counted as `a@b`). */
export function countByRecipient(messages: readonly OutboxMessage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of messages) {
    for (const to of new Set(m.to.map(addressOf))) counts[to] = (counts[to] ?? 0) + 1;
  }
  return counts;
}

export const addressOf = (recipient: string): string =>
  (/<([^<>]+)>\s*$/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();
