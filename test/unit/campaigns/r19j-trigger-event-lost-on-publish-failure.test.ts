/**
 * Review round 19 (r19j): a campaign trigger event lost for good when its publish fails once.
 *
 * Defect: `createContact` and `updateContact` (shared/crm/contacts/use-cases.ts) write the contact
 * first and then publish `contact.created` / `contact.tag_added` (no outbox, nothing kept to publish
 * again). When the publish throws (a PutEvents entry refused or throttled: FailedEntryCount, an
 * outage), the caller gets a 5xx for a change that has landed, and the natural retry can never
 * publish the event:
 * - `POST /api/contacts` again is 409 CONTACT_EMAIL_TAKEN (the contact exists), publishing nothing;
 * - `PATCH /api/contacts/{id}` with the same tags finds no difference (`diff` is empty) and
 *   returns 200 without publishing.
 * So the contact never enters the `contact-created` / `tag-added` campaigns (docs/CAMPAIGNS.md
 * "Triggers": "a contact when `tag` appears on it"), silently. The project fixed exactly this for
 * score crossings (test/unit/crm/score-crossing-republished-on-retry.test.ts: the retry publishes
 * the kept crossing again with the same event id) but not for the contact events that start
 * campaigns. "Nothing queued is lost".
 *
 * Severity: MEDIUM (needs one failed publish, but then the loss is silent and permanent).
 *
 * Root cause: shared/crm/contacts/use-cases.ts createContact / updateContact (publish after the
 * write, with no record of the unpublished events and no republish on the retry path).
 *
 * Correct behaviour: an event whose publish failed is published by the retry (as score crossings
 * are: keep the pending events with the write, or have the retry that finds the change already
 * made publish it again with the same `eventId`; the consumers dedupe on it), or an outbox.
 */
import { describe, expect, it } from 'vitest';
import { contactCreateSchema, contactPatchSchema } from '../../../shared/crm/contacts/contact-fields';
import { createContact, updateContact } from '../../../shared/crm/contacts/use-cases';
import type { DomainEvent, DomainEventPublisher } from '../../../shared/crm/ports';
import { fakeClock, memoryContacts, sequentialIds } from '../crm/contacts/memory-stores';

const WS = 'ws-r19j';

/** A publisher that refuses its first `failures` calls (EventBridge FailedEntryCount, a throttle). */
function flakyEvents(failures: number): DomainEventPublisher & { published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  let left = failures;
  return {
    published,
    async publish(events) {
      if (left > 0) {
        left -= 1;
        throw new Error('EventBridge refused 1 of 1 events: ThrottlingException');
      }
      published.push(...events);
    },
  };
}

const setup = (failures: number) => {
  const clock = fakeClock();
  return { contacts: memoryContacts(), now: clock.now, newId: sequentialIds(), events: flakyEvents(failures), clock };
};

describe('r19j: campaign trigger events survive a failed publish', () => {
  it('a contact created while the publish failed: the retried create still publishes contact.created', async () => {
    const deps = setup(1);
    const body = contactCreateSchema.parse({ email: 'ada@example.com' });
    // The first try writes the contact, then the publish fails: the client sees a 5xx and retries.
    await expect(createContact(WS, body, deps)).rejects.toThrow(/EventBridge/);
    const retry = await createContact(WS, body, deps).then(
      (c) => ({ created: c.contactId }),
      (error: Error & { code?: string }) => ({ error: error.code ?? error.message }),
    );
    const stored = [...deps.contacts.rows.values()].find((c) => c.email === 'ada@example.com');
    expect(stored, 'the first try created the contact').toBeDefined();
    // Whatever the retry answers, the contact-created trigger must hear about this contact once.
    expect(
      deps.events.published.filter((e) => e.type === 'contact.created' && e.detail.contactId === stored?.contactId),
      `retry answered ${JSON.stringify(retry)}; contact.created was never published, so no contact-created campaign enrols the contact`,
    ).toHaveLength(1);
  });

  it('a tag added while the publish failed: the retried PATCH still publishes contact.tag_added', async () => {
    const deps = setup(0);
    const contact = await createContact(WS, contactCreateSchema.parse({ email: 'bob@example.com' }), deps);
    deps.events.published.length = 0;
    const failing = { ...deps, events: flakyEvents(1) };
    const patch = contactPatchSchema.parse({ tags: ['vip'] });
    await expect(updateContact(WS, contact.contactId, patch, failing)).rejects.toThrow(/EventBridge/);
    expect((await deps.contacts.get(WS, contact.contactId))?.tags, 'the tag landed').toEqual(['vip']);
    // The client retries the same PATCH after its 5xx.
    await updateContact(WS, contact.contactId, patch, failing);
    expect(
      failing.events.published.filter((e) => e.type === 'contact.tag_added' && e.detail.tag === 'vip'),
      'contact.tag_added for "vip" was never published: the tag-added campaign never enrols the contact',
    ).toHaveLength(1);
  });
});
