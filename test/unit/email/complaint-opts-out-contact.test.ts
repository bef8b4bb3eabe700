/**
 * A spam complaint follows the person (review 7, email; fixed). A contact who marked a campaign
 * email as spam used to keep getting marketing as soon as their address changed (a CRM edit, an
 * import): the next campaign or broadcast mail to the contact went out at the new address.
 * Was: processEmailEvent suppressed only the address (`suppressions.suppress(ws, email,
 * 'complaint')`), although the event names the contact (`event.contactId`, from the `contact` tag);
 * an unsubscribe writes the contact's own opt-out CONTACTOPTOUT#<id>, a complaint, the stronger
 * opt-out, did not.
 * Now: a complaint whose send record confirms the message (so its `contact` tag is trusted) also
 * writes `complaint` on the contact's own opt-outs (`suppressContact`), which every marketing send
 * to the contact reads. A hard bounce stays with the address (a fact about that mailbox), and a
 * complaint no record confirms suppresses the address only.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryMark } from '../../../shared/email/event-ports';
import type { EmailProvider, OutgoingEmail } from '../../../shared/email/ports';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import type { EmailEvent } from '../../../shared/email/provider-events';
import { providerBreaker } from '../../../shared/email/provider-failover';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';
import { type SendDeps, type SendRequest, sendEmail } from '../../../shared/email/send-email';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import { MemorySendLedger } from '../../support/memory-send-ledger';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const WS = 'ws-1';
const CONTACT = 'c-ada';

/** dynamoSuppressions' model: reasons per (workspace, address) and per (workspace, contact). */
function memorySuppressions() {
  const byAddress = new Map<string, Set<SuppressionReason>>();
  const byContact = new Map<string, Set<SuppressionReason>>();
  const add = (map: Map<string, Set<SuppressionReason>>, key: string, reason: SuppressionReason) =>
    map.set(key, new Set([...(map.get(key) ?? []), reason]));
  return {
    byAddress,
    byContact,
    async suppress(ws: string, email: string, reason: SuppressionReason) {
      add(byAddress, `${ws}|${email.trim().toLowerCase()}`, reason);
    },
    async suppressContact(ws: string, contactId: string, reason: SuppressionReason) {
      add(byContact, `${ws}|${contactId}`, reason);
    },
    async reasonsFor(ws: string, email: string, contactId?: string) {
      return [
        ...new Set([
          ...(byAddress.get(`${ws}|${email.trim().toLowerCase()}`) ?? []),
          ...(contactId ? (byContact.get(`${ws}|${contactId}`) ?? []) : []),
        ]),
      ];
    },
  };
}

function eventDepsOf(
  suppressions: ReturnType<typeof memorySuppressions>,
  result: DeliveryMark['result'] = 'updated',
): ProcessEventDeps {
  return {
    sends: { markDelivery: async () => ({ result }) },
    suppressions,
    softBounces: { record: async () => [] },
    timeline: { record: async () => 'recorded' },
    reputation: { countOnce: async () => true, counts: async () => ({ sent: 1000, bounces: 0, complaints: 1 }) },
    guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
    thresholds: DEFAULT_REPUTATION_THRESHOLDS,
    now: () => T0,
    wait: async () => {},
  };
}

/** The campaign email to Ada's old address, reported on; the event names her contact. */
const eventOf = (type: 'complained' | 'bounced', extra: Partial<EmailEvent> = {}): EmailEvent => ({
  provider: 'ses',
  type,
  providerMessageId: 'ses-1',
  workspaceId: WS,
  sendId: 'send-1',
  ledgerKey: 'campaign#cmp1#c-ada#1#welcome#1',
  campaign: { campaignId: 'cmp1', nodeId: 'welcome' },
  contactId: CONTACT,
  email: 'ada@old.example',
  at: new Date(T0).toISOString(),
  ...extra,
});

/** The sender a day later, with an outbox. */
function sender(suppressions: ReturnType<typeof memorySuppressions>) {
  const outbox: OutgoingEmail[] = [];
  const ses: EmailProvider = {
    name: 'ses',
    send: async (email) => {
      outbox.push(email);
      return { providerMessageId: `ses-${outbox.length + 1}` };
    },
  };
  const deps: SendDeps = {
    ledger: new MemorySendLedger(),
    suppressions,
    gate: { pausedReason: async () => undefined },
    pacer: { take: async () => ({ granted: true, waitMs: 0 }) },
    chain: [{ provider: ses, breaker: providerBreaker('ses') }],
    now: () => T0 + 86_400_000,
  };
  return { deps, outbox };
}

/** The next campaign's mail to Ada's contact, at her new address. */
const next: SendRequest = {
  workspaceId: WS,
  idempotencyKey: 'campaign#cmp2#c-ada#1#promo#1',
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@new.example',
  contactId: CONTACT,
  content: { subject: 'Our offer', html: '<p>Buy now</p>' },
  context: { contact: {}, workspace: { name: 'Acme' } },
};

describe('a spam complaint and the person who made it', () => {
  it('stops marketing to the contact, also once its address changed', async () => {
    const suppressions = memorySuppressions();
    expect(await processEmailEvent(eventOf('complained'), eventDepsOf(suppressions))).toMatchObject({
      suppressed: 'complaint',
    });
    expect([...(suppressions.byContact.get(`${WS}|${CONTACT}`) ?? [])]).toEqual(['complaint']);

    // Ada's address is changed in the CRM; the next campaign mails her contact at the new one.
    const { deps, outbox } = sender(suppressions);
    expect(await sendEmail(next, deps)).toEqual({ status: 'not-sent', reason: 'suppressed: complaint' });
    expect(outbox).toHaveLength(0);

    // A transactional mail to her new mailbox still goes: the person's record is a marketing
    // opt-out; the mailbox that complained stops all mail.
    const receipt = { ...next, idempotencyKey: 'api#generated#receipt', category: 'transactional' as const };
    expect((await sendEmail(receipt, deps)).status).toBe('sent');
    expect(
      await sendEmail({ ...receipt, idempotencyKey: 'api#generated#receipt-2', to: 'ada@old.example' }, deps),
    ).toEqual({ status: 'not-sent', reason: 'suppressed: complaint' });
  });

  it('suppresses only the address when no send record confirms the message (its contact tag is not trusted)', async () => {
    const suppressions = memorySuppressions();
    await processEmailEvent(eventOf('complained'), eventDepsOf(suppressions, 'unknown'));
    expect(suppressions.byAddress.get(`${WS}|ada@old.example`)).toEqual(new Set(['complaint']));
    expect(suppressions.byContact.size).toBe(0);
  });

  it('leaves a hard bounce with the address: the new mailbox gets the next campaign', async () => {
    const suppressions = memorySuppressions();
    const bounced = await processEmailEvent(eventOf('bounced', { bounceType: 'permanent' }), eventDepsOf(suppressions));
    expect(bounced).toMatchObject({ suppressed: 'hard-bounce' });
    expect(suppressions.byContact.size).toBe(0);

    const { deps, outbox } = sender(suppressions);
    expect((await sendEmail(next, deps)).status).toBe('sent');
    expect(outbox.map((e) => e.to)).toEqual(['ada@new.example']);
  });
});
