/**
 * Review round 11: this test failed at eab1d13 (a link of a send by address, clicked after its
 * recipient's contact was deleted and the address given to another contact, opted that other
 * contact out: its own opt-out, its consent withdrawn, an `unsubscribed` on its timeline; and a
 * link naming a contact whose old address had meanwhile been suppressed by someone else's
 * unsubscribe answered "already unsubscribed" without opting out the contact it was sent to,
 * which kept getting marketing at its new address).
 *
 * FAULT: `honourUnsubscribe` took the person from `payload.contactId ?? contactIdOf(address)`, the
 * live contact that has the address at click time, and judged "already" on the union of the
 * address's suppressions and that person's opt-outs.
 *
 * Now: the link opts out the person it was sent to, the contact it names (whatever its address
 * is now), and suppresses the address it was sent to; each target gets what it lacks. A link that
 * names no contact (a send to an address nobody had when it was queued) suppresses the address
 * alone: mail to it stops for whoever has it, and nobody's consent or timeline is touched.
 * The page of the link shows what the person it names has opted out of (else the address).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { honourUnsubscribe, linkOptOuts, unsubscribeFor } from '../../../shared/email/unsubscribe';
import { memoryOptOuts } from './memory-opt-outs';

const key = randomBytes(32);
const WS = 'ws-1';
const link = { baseUrl: 'https://app.example.com', key };
const tokenOf = (who: { email: string; contactId?: string }) =>
  unsubscribeFor(link, { workspaceId: WS, sendId: 'send-1', ...who }).url.split('/u/')[1] as string;

/** The CRM and the suppression store as the function wires them (dynamoSuppressions' model). */
function world(holders: Record<string, string>) {
  const contacts = new Map(Object.entries(holders)); // contactId -> address
  const memory = memoryOptOuts();
  const suppressions = memory.store;
  const timeline: string[] = [];
  const byContact = { get: (contactId: string) => memory.byContact(WS, contactId)[0] };
  // Not typed as UnsubscribeDeps: `contactIdOf` is what the function passed at eab1d13.
  const deps = {
    key,
    suppressions,
    contactIdOf: async (_ws: string, email: string) => [...contacts].find(([, e]) => e === email)?.[0],
    recordUnsubscribed: async (_ws: string, contactId: string) => void timeline.push(contactId),
    now: () => new Date('2026-12-04T10:00:00Z'),
  };
  /** Would a marketing send to `email` for `contactId` be stopped (the sender's read)? */
  const stopped = async (email: string, contactId?: string) =>
    (await suppressions.reasonsFor(WS, email, contactId)).includes('unsubscribe');
  return {
    deps,
    contacts,
    byContact,
    get consent() {
      return memory.consent.map((c) => c.contactId);
    },
    timeline,
    get audits() {
      return memory.audits.map((a) => a.metadata ?? {});
    },
    stopped,
  };
}

describe('an old unsubscribe link, after the address changed hands', () => {
  it('a link of a send by address never opts out the contact that has the address now', async () => {
    // Ada had old@x when a marketing mail went to the address; her contact was deleted since, and
    // Bob's contact has old@x now.
    const w = world({ 'c-bob': 'old@x.test' });
    const outcome = await honourUnsubscribe(w.deps, tokenOf({ email: 'old@x.test' }));
    expect(outcome).toEqual({ status: 'unsubscribed', already: false });
    // The address it was sent to is suppressed: whoever has it gets no marketing there.
    expect(await w.stopped('old@x.test')).toBe(true);
    // Bob himself did not opt out: no opt-out of his own, no consent withdrawn, nothing on his timeline.
    expect(w.byContact.get('c-bob')).toBeUndefined();
    expect(w.consent).toEqual([]);
    expect(w.timeline).toEqual([]);
    expect(w.audits).toEqual([{ email: 'old@x.test' }]);
  });

  it('a link naming a contact opts out that contact, even when its old address was suppressed by someone else', async () => {
    // Ada (c-ada) got the mail at old@x and moved to new@x; Bob has old@x now and unsubscribed.
    const w = world({ 'c-ada': 'new@x.test', 'c-bob': 'old@x.test' });
    await honourUnsubscribe(w.deps, tokenOf({ email: 'old@x.test', contactId: 'c-bob' }));
    expect(await w.stopped('new@x.test', 'c-ada')).toBe(false);
    // Ada clicks the link of the mail she got at old@x.
    const outcome = await honourUnsubscribe(w.deps, tokenOf({ email: 'old@x.test', contactId: 'c-ada' }));
    expect(outcome).toEqual({ status: 'unsubscribed', already: false });
    expect(await w.stopped('new@x.test', 'c-ada')).toBe(true);
    expect(w.consent).toEqual(['c-bob', 'c-ada']);
    expect(w.timeline).toEqual(['c-bob', 'c-ada']);
    // A second click changes nothing.
    expect(await honourUnsubscribe(w.deps, tokenOf({ email: 'old@x.test', contactId: 'c-ada' }))).toEqual({
      status: 'unsubscribed',
      already: true,
    });
    expect(w.consent).toEqual(['c-bob', 'c-ada']);
  });

  it('a link naming a deleted contact suppresses the address and opts out nobody else', async () => {
    // Ada's contact (named by the link) was deleted; Bob has old@x now.
    const w = world({ 'c-bob': 'old@x.test' });
    await honourUnsubscribe(w.deps, tokenOf({ email: 'old@x.test', contactId: 'c-ada' }));
    expect(await w.stopped('old@x.test')).toBe(true);
    expect(w.byContact.get('c-bob')).toBeUndefined();
    expect([...w.consent, ...w.timeline].filter((id) => id === 'c-bob')).toEqual([]);
  });

  it("the link's page shows what the contact it names opted out of, not the address's new holder's state", async () => {
    const w = world({ 'c-ada': 'new@x.test', 'c-bob': 'old@x.test' });
    await honourUnsubscribe(w.deps, tokenOf({ email: 'old@x.test', contactId: 'c-bob' }));
    // Ada's link: she has not opted out (the form is shown); Bob's and a link by address: out.
    expect(
      await linkOptOuts(w.deps.suppressions, { workspaceId: WS, email: 'old@x.test', contactId: 'c-ada' }),
    ).toEqual([]);
    expect(
      await linkOptOuts(w.deps.suppressions, { workspaceId: WS, email: 'old@x.test', contactId: 'c-bob' }),
    ).toEqual(['unsubscribe']);
    expect(await linkOptOuts(w.deps.suppressions, { workspaceId: WS, email: 'old@x.test' })).toEqual(['unsubscribe']);
  });
});
