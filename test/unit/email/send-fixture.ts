/**
 * The sender (shared/email/send-email.ts `sendEmail`) over in-memory ports: one SES provider that
 * keeps every mail it is handed in `outbox`, nothing suppressed, paused or paced; a marketing send
 * request to Ada; and what the marketing lint and the preview are handed (a template to save, a
 * stored version).
 */
import type { OutgoingEmail, SendLedger } from '../../../shared/email/ports';
import { providerBreaker } from '../../../shared/email/provider-failover';
import type { SendDeps, SendRequest } from '../../../shared/email/send-email';
import type { TemplateInput } from '../../../shared/email/stored-templates';
import { MemorySendLedger } from '../../support/memory-send-ledger';

/**
 * The sender's deps: `ledger` (default a {@link MemorySendLedger}), `now` (default 1,000 ms), and
 * any other dep of `over` in place of the default; the mails the provider took land in `outbox`.
 */
export function sendWorld<L extends SendLedger = MemorySendLedger>(
  over: Partial<Omit<SendDeps, 'ledger'>> & { readonly ledger?: L; readonly outbox?: OutgoingEmail[] } = {},
) {
  const { outbox = [], ledger = new MemorySendLedger() as SendLedger as L, ...rest } = over;
  const deps: SendDeps = {
    ledger,
    suppressions: { reasonsFor: async () => [] },
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [
      {
        provider: {
          name: 'ses',
          send: async (email) => {
            outbox.push(email);
            return { providerMessageId: `ses-${outbox.length}` };
          },
        },
        breaker: providerBreaker('ses'),
      },
    ],
    now: () => 1_000,
    ...rest,
  };
  return { deps, outbox, ledger };
}

/** A ledger that claims every key afresh and notes the reason of each send it closes in `closed`. */
export const closingLedger = (closed: string[]): SendLedger =>
  ({
    claim: async () => ({ status: 'claimed' }),
    markSent: async () => undefined,
    close: async (_ws: string, _key: string, reason: string) => void closed.push(reason),
    release: async () => undefined,
  }) as unknown as SendLedger;

/** The sender's deps with mails kept in `outbox` and closed sends' reasons in `closed`. */
export const recordingSendDeps = (outbox: OutgoingEmail[], closed: string[]): SendDeps =>
  sendWorld({ outbox, ledger: closingLedger(closed), now: () => 1_000_000 }).deps;

/** A marketing send of `html` to Ada (an address, no contact named) from Acme, under a new key. */
export const marketingRequest = (html: string, over: Partial<SendRequest> = {}): SendRequest => ({
  workspaceId: 'ws-1',
  idempotencyKey: `api#generated#${Math.random()}`,
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  content: { subject: 'News', html },
  context: { contact: { email: 'ada@example.com' }, workspace: { name: 'Acme' } },
  ...over,
});

/** The unsubscribe link and the postal address the marketing lint asks every recipient to get. */
export const LINK = '<a href="{{ unsubscribe_url }}">Unsubscribe</a>';
export const ADDRESS = '<p>{{ workspace.postalAddress }}</p>';

/** A marketing template of `html` to save. */
export const marketingTemplate = (html: string): TemplateInput => ({
  name: 'n',
  category: 'marketing',
  subject: 'News',
  html,
});

/** `input` as stored: version 1 (the latest) of template `t1` of workspace `ws`. */
export const storedTemplate = <T extends TemplateInput>(input: T) => ({
  ...input,
  workspaceId: 'ws',
  templateId: 't1',
  version: 1,
  latestVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'u1',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
