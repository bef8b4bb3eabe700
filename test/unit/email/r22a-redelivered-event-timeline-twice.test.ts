// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (a): a provider event redelivered after its first delivery clamped its time to
 * "now" is put on the contact's timeline (and scored) a second time.
 *
 * processEmailEvent dates the event `atMs = min(event.at, now)` and writes the timeline entry under
 * an id derived from the event key with `occurredAt = atMs`. The interaction store keeps an entry
 * once per (interactionId, occurredAt) (its sort key is `INTERACTION#<occurredAt>#<id>`;
 * record-interaction.ts: "same id and occurredAt: stored once, scored once"). An event stamped
 * ahead of our clock (the provider's clock, or, locally, the Resend stand-in, whose webhooks are
 * stamped 300/400/900 ms after the send and POSTed at once) is clamped to the consumer's "now", so
 * each delivery of it gets another `occurredAt`: a redelivery (SQS retry after a later step failed,
 * the stand-in's journaled webhooks sent again at restart, Svix's retries) stores and scores the
 * same fact again. The soft-bounce log already reads one time per event key for exactly this reason
 * (docs/EMAIL.md: "a redelivery is one bounce even when its time was clamped to a later now"); the
 * timeline does not, though docs/EMAIL.md promises "a replay is the same interaction (stored and
 * scored once)".
 */
import { describe, expect, it } from 'vitest';
import { contactCreateSchema } from '../../../shared/crm/contacts/contact-fields';
import { createContact } from '../../../shared/crm/contacts/use-cases';
import { interactionTimeline } from '../../../shared/email/email-timeline';
import { type ProcessEventDeps, processEmailEvent } from '../../../shared/email/process-event';
import { parseResendWebhook } from '../../../shared/email/provider-events';
import { DEFAULT_REPUTATION_THRESHOLDS } from '../../../shared/email/reputation';
import {
  countingScorer,
  fakeClock,
  memoryContacts,
  memoryEvents,
  memoryInteractions,
  sequentialIds,
} from '../crm/contacts/memory-stores';

const WS = 'ws-r22a';

describe('a provider event redelivered after its time was clamped (r22a)', () => {
  it('is on the contact timeline once and scored once', async () => {
    const clock = fakeClock('2026-12-04T10:00:00.000Z');
    const contacts = memoryContacts();
    const interactions = memoryInteractions();
    const scorer = countingScorer(contacts, interactions);
    // As the DynamoDB scorer stores and scores (one transaction, its put conditional): once per
    // interaction id and occurredAt (the table's sort key), or once per id for a caller that claims
    // it (`claimId`). countingScorer alone would score a repeat it did not store.
    const firstResult = new Map<string, Awaited<ReturnType<typeof scorer.recordAndScore>>>();
    const recordAndScore = scorer.recordAndScore;
    scorer.recordAndScore = async (interaction, audit, options) => {
      const key = options?.claimId
        ? interaction.interactionId
        : `${interaction.interactionId}@${interaction.occurredAt}`;
      const first = firstResult.get(key);
      if (first) return first;
      const result = await recordAndScore(interaction, audit, options);
      firstResult.set(key, result);
      return result;
    };
    const crm = { contacts, interactions, scorer, now: clock.now, newId: sequentialIds('i'), events: memoryEvents() };
    const { contactId } = await createContact(WS, contactCreateSchema.parse({ email: 'reader@example.com' }), crm);

    let nowMs = Date.parse('2026-12-04T10:00:00.000Z');
    const deps: ProcessEventDeps = {
      sends: { markDelivery: async () => ({ result: 'updated', sentAtMs: nowMs - 1000 }) },
      suppressions: { suppress: async () => {}, suppressContact: async () => {} },
      softBounces: { record: async () => [] },
      timeline: interactionTimeline(crm),
      reputation: { countOnce: async () => true, counts: async () => ({ sent: 0, bounces: 0, complaints: 0 }) },
      guard: { state: async () => ({}), pauseOnce: async () => true, raiseOnce: async () => true },
      thresholds: DEFAULT_REPUTATION_THRESHOLDS,
      now: () => nowMs,
      wait: async () => {},
    };
    // Resend's email.delivered, stamped 300 ms ahead of the consumer's clock (as the local stand-in
    // stamps it; any provider clock running ahead does the same).
    const webhook = {
      type: 'email.delivered',
      created_at: '2026-12-04T10:00:00.300Z',
      data: {
        email_id: 're-1',
        created_at: '2026-12-04T09:59:59.000Z',
        to: ['reader@example.com'],
        tags: [
          { name: 'workspace', value: WS },
          { name: 'send', value: 'send-1' },
          { name: 'contact', value: contactId },
        ],
      },
    };
    const parsed = parseResendWebhook(webhook);
    if (parsed.status !== 'events') throw new Error(parsed.reason);
    const [event] = parsed.events;
    if (!event) throw new Error('no event');

    await processEmailEvent(event, deps);
    // The same webhook delivered again 5 s later (an SQS redelivery, Svix's retry, a restart).
    nowMs += 5000;
    await processEmailEvent(event, deps);

    const delivered = interactions.all.filter((i) => i.type === 'email_delivered');
    expect(
      delivered.map((i) => `${i.interactionId} @ ${i.occurredAt}`),
      'one delivery of one message was stored on the timeline once per delivery of its event',
    ).toHaveLength(1);
    expect(
      scorer.calls.filter((c) => c.interaction.type === 'email_delivered'),
      'the redelivered fact was scored again',
    ).toHaveLength(1);
  });
});
