/** recordInteractionOnce: the interaction POST with a client's idempotency key, over in-memory ports. */
import { beforeEach, describe, expect, it } from 'vitest';
import { contactCreateSchema } from '../../../../shared/crm/contacts/contact-fields';
import type { ContactStore, InteractionStore } from '../../../../shared/crm/contacts/ports';
import type { InteractionInput } from '../../../../shared/crm/contacts/record-interaction';
import {
  interactionRequestSchema,
  recordInteractionOnce,
} from '../../../../shared/crm/contacts/record-interaction-once';
import { createContact, getContact } from '../../../../shared/crm/contacts/use-cases';
import { memoryIdempotency } from '../../idempotency/memory-idempotency';
import {
  countingScorer,
  fakeClock,
  memoryContacts,
  memoryEvents,
  memoryInteractions,
  sequentialIds,
} from './memory-stores';

const WS = 'ws-once';
const withScorer = <C extends ContactStore, I extends InteractionStore>(contacts: C, interactions: I) => ({
  contacts,
  interactions,
  scorer: countingScorer(contacts, interactions),
});
const setup = () => {
  const clock = fakeClock();
  return {
    ...withScorer(memoryContacts(), memoryInteractions()),
    idempotency: memoryIdempotency(clock.now),
    now: clock.now,
    newId: sequentialIds('i'),
    events: memoryEvents(),
    clock,
  };
};
let deps: ReturnType<typeof setup>;
let contactId: string;
const newContact = async (ws = WS, email = 'once@example.com') =>
  (await createContact(ws, contactCreateSchema.parse({ email }), deps)).contactId;
beforeEach(async () => {
  deps = setup();
  contactId = await newContact();
});

const opened: InteractionInput = { type: 'email_opened', metadata: { campaign: 'c-1' }, source: 'u-1' };
const post = (input: InteractionInput, key?: string, ws = WS, contact = contactId) =>
  recordInteractionOnce(deps, ws, contact, input, key);

describe("recordInteractionOnce and the client's own interactionId", () => {
  it('claims a body interactionId (stored once per id, under any key or time), and no id it made itself', async () => {
    await post({ ...opened, interactionId: 'client-1' }, 'key-a');
    await post({ ...opened, interactionId: 'client-1', occurredAt: '2026-03-01T09:00:00Z' }, 'key-b');
    await post({ ...opened, interactionId: 'client-2' });
    await post(opened, 'key-c');
    await post(opened);
    expect(deps.scorer.claimedIds).toEqual(['client-1', 'client-1', 'client-2']);
  });
});

describe('recordInteractionOnce with an Idempotency-Key', () => {
  it('stores and scores three identical requests once, and answers each with the first result', async () => {
    const first = await post(opened, 'key-1');
    deps.clock.advance(2000);
    const second = await post({ ...opened, metadata: { campaign: 'c-1' } }, 'key-1');
    const third = await post(opened, '"key-1"');

    expect(deps.interactions.all).toHaveLength(1);
    expect(deps.scorer.calls).toHaveLength(1);
    expect(first.replayed).toBe(false);
    expect([second.replayed, third.replayed]).toEqual([true, true]);
    const { replayed: _r, ...original } = first;
    expect(second).toEqual({ ...original, replayed: true });
    expect(third).toEqual(second);
    expect(first.interaction.occurredAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('refuses the key with another body, contact or caller (422), storing nothing more', async () => {
    await post(opened, 'key-1');
    const other = await newContact(WS, 'other@example.com');
    for (const attempt of [
      () => post({ ...opened, type: 'email_clicked' }, 'key-1'),
      () => post({ ...opened, metadata: { campaign: 'c-2' } }, 'key-1'),
      () => post({ ...opened, occurredAt: '2026-03-01T09:00:00Z' }, 'key-1'),
      () => post(opened, 'key-1', WS, other),
      () => post({ ...opened, source: 'u-2' }, 'key-1'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    expect(deps.interactions.all).toHaveLength(1);
    expect(deps.scorer.calls).toHaveLength(1);
  });

  it('keeps one workspace’s keys apart from another’s', async () => {
    const elsewhere = await newContact('ws-other');
    await post(opened, 'shared-key');
    const there = await post(opened, 'shared-key', 'ws-other', elsewhere);

    expect(there.replayed).toBe(false);
    expect(deps.interactions.all.map((i) => i.workspaceId)).toEqual([WS, 'ws-other']);
  });

  it('refuses a malformed key with 400 before anything is stored', async () => {
    await expect(post(opened, 'x'.repeat(129))).rejects.toMatchObject({ status: 400, code: 'INVALID_IDEMPOTENCY_KEY' });
    await expect(post(opened, '')).rejects.toMatchObject({ status: 400 });
    expect(deps.interactions.all).toEqual([]);
    expect(deps.idempotency.records.size).toBe(0);
  });

  it('re-runs a request that failed after storing with the same id and time: one interaction, scored', async () => {
    const score = deps.scorer.applyInteraction;
    deps.scorer.applyInteraction = async () => {
      throw new Error('scorer unavailable');
    };
    await expect(post(opened, 'key-1')).rejects.toThrow('scorer unavailable');
    deps.scorer.applyInteraction = score;
    deps.clock.advance(60_000);

    const retried = await post(opened, 'key-1');

    expect(deps.interactions.all).toHaveLength(1);
    expect(retried.interaction).toEqual(deps.interactions.all[0]);
    expect(retried.interaction.occurredAt).toBe('2026-03-01T10:00:00.000Z');
    expect(deps.scorer.calls.map((c) => c.interaction.interactionId)).toEqual([retried.interaction.interactionId]);
  });

  it('a 404 for a missing contact stays a 404 on retry, and leaves the timeline empty', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(post(opened, 'key-404', WS, 'no-such-contact')).rejects.toMatchObject({ status: 404 });
    }
    expect(deps.interactions.all).toEqual([]);
  });
});

describe('recordInteractionOnce with the client’s interactionId', () => {
  it('uses the interactionId as the key when no header is sent: one interaction with that id', async () => {
    const input = { ...opened, interactionId: 'client-id-1' };
    const answers = [await post(input), await post(input), await post(input)];

    expect(answers.map((a) => a.replayed)).toEqual([false, true, true]);
    expect(deps.interactions.all.map((i) => i.interactionId)).toEqual(['client-id-1']);
    expect(deps.scorer.calls).toHaveLength(1);
  });

  it('records every request when there is neither key nor interactionId, as before', async () => {
    await post(opened);
    await post(opened);
    expect(deps.interactions.all).toHaveLength(2);
    expect(deps.idempotency.records.size).toBe(0);
    expect((await getContact(WS, contactId, deps)).lastInteractionAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('accepts an interactionId in the route body only as a bounded id', () => {
    expect(interactionRequestSchema.safeParse({ type: 'call', interactionId: 'abc_DEF-1' }).success).toBe(true);
    for (const interactionId of ['', 'has space', 'x'.repeat(65), 'a#b']) {
      expect(interactionRequestSchema.safeParse({ type: 'call', interactionId }).success).toBe(false);
    }
    expect(interactionRequestSchema.safeParse({ type: 'call', extra: 1 }).success).toBe(false);
  });
});
