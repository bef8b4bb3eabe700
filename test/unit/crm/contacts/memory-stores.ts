/** In-memory contacts, interactions and scorer for the use-case tests: same contracts as the Dynamo adapters. */
import {
  ContactEmailMovedError,
  ContactEmailTakenError,
  ContactNotFoundError,
} from '../../../../shared/crm/contacts/errors';
import { pendingChange, pendingSlotOf } from '../../../../shared/crm/contacts/pending-events';
import type {
  ContactOutbox,
  ContactStore,
  InteractionStore,
  PendingCreate,
} from '../../../../shared/crm/contacts/ports';
import { changesSomething, readStillHolds, rebaseChange } from '../../../../shared/crm/contacts/rebase-change';
import { matchesFilter } from '../../../../shared/crm/contacts/search';
import type { Contact, Interaction } from '../../../../shared/crm/model';
import type { DomainEvent, DomainEventPublisher, InteractionScorer } from '../../../../shared/crm/ports';

const cursorOf = (n: number) => Buffer.from(String(n)).toString('base64url');
const offsetOf = (c: string | undefined) => (c ? Number(Buffer.from(c, 'base64url').toString()) : 0);

export function memoryContacts() {
  const rows = new Map<string, Contact>();
  const claims = new Map<string, string>();
  /** The effect keys claimed, `<ws>/<contact>/<key>` (ContactUpdateOptions.effectKey). */
  const effects = new Set<string>();
  /** The events each contact's writes left pending (ContactOutbox), by `<ws>/<contact>`, by slot (pending-events.ts). */
  const pending = new Map<string, Map<string, DomainEvent>>();
  /** The create of each contact whose `contact.created` is pending. */
  const creates = new Map<string, PendingCreate>();
  const key = (ws: string, id: string) => `${ws}/${id}`;
  const slotsOf = (k: string) => {
    const slots = pending.get(k) ?? new Map<string, DomainEvent>();
    pending.set(k, slots);
    return slots;
  };
  const pendingList = (k: string) =>
    [...(pending.get(k)?.values() ?? [])].sort(
      (a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.type.localeCompare(b.type),
    );
  const claimKey = (ws: string, email: string) => `${ws}/${email.toLowerCase()}`;
  const taken = (ws: string, email: string) => {
    const owner = rows.get(key(ws, claims.get(claimKey(ws, email)) ?? ''));
    return new ContactEmailTakenError(
      owner ? { contactId: owner.contactId, deleted: Boolean(owner.deletedAt) } : undefined,
    );
  };
  const store: ContactStore &
    ContactOutbox & {
      rows: Map<string, Contact>;
      effects: Set<string>;
      pending: Map<string, Map<string, DomainEvent>>;
    } = {
    rows,
    effects,
    pending,
    async get(ws, id) {
      return rows.get(key(ws, id));
    },
    async getWithPending(ws, id) {
      const contact = rows.get(key(ws, id));
      if (!contact) return undefined;
      const created = pending.get(key(ws, id))?.has('created') ? creates.get(key(ws, id)) : undefined;
      return { contact, pending: pendingList(key(ws, id)), ...(created ? { created } : {}) };
    },
    async published(ws, id, events) {
      const slots = slotsOf(key(ws, id));
      for (const e of events) {
        // Only while the slot still holds this very event.
        if (slots.get(pendingSlotOf(e))?.detail.eventId !== e.detail.eventId) continue;
        slots.delete(pendingSlotOf(e));
        if (pendingSlotOf(e) === 'created') creates.delete(key(ws, id));
      }
    },
    async findByEmails(ws, emails) {
      const out = new Map<string, Contact>();
      for (const e of emails) {
        const id = claims.get(claimKey(ws, e));
        const c = id ? rows.get(key(ws, id)) : undefined;
        if (c) out.set(e, c);
      }
      return out;
    },
    async create(c, options) {
      if (claims.has(claimKey(c.workspaceId, c.email))) throw taken(c.workspaceId, c.email);
      claims.set(claimKey(c.workspaceId, c.email), c.contactId);
      rows.set(key(c.workspaceId, c.contactId), c);
      const events = options?.events ?? [];
      for (const e of events) slotsOf(key(c.workspaceId, c.contactId)).set(pendingSlotOf(e), e);
      // No audit table here: the entry is left to the edge (never marked written).
      if (events.length > 0) {
        creates.set(key(c.workspaceId, c.contactId), {
          ...(options?.requestedBy !== undefined ? { requestedBy: options.requestedBy } : {}),
          audited: false,
        });
      }
    },
    async update(before, asked, options) {
      const current = rows.get(key(before.workspaceId, before.contactId));
      if (!current || current.deletedAt) throw new ContactNotFoundError();
      if (options?.ifEmail !== undefined && current.email !== options.ifEmail) throw new ContactEmailMovedError();
      // As the Dynamo adapter: a change under a claimed key writes nothing; a change computed from a
      // read the contact no longer matches is made again onto it (rebase-change.ts).
      const effect =
        options?.effectKey === undefined
          ? undefined
          : `${key(before.workspaceId, before.contactId)}/${options.effectKey}`;
      if (effect !== undefined && effects.has(effect)) return current;
      const changes = readStillHolds(before, asked, current) ? asked : rebaseChange(before, asked, current);
      if (!changesSomething(changes)) {
        if (effect !== undefined) effects.add(effect);
        return current;
      }
      if (changes.email && changes.email !== current.email) {
        if (claims.has(claimKey(current.workspaceId, changes.email))) throw taken(current.workspaceId, changes.email);
        claims.delete(claimKey(current.workspaceId, current.email));
        claims.set(claimKey(current.workspaceId, changes.email), current.contactId);
      }
      if (effect !== undefined) effects.add(effect);
      const slots = slotsOf(key(before.workspaceId, before.contactId));
      const { record, drop } = pendingChange(current, changes, options?.events ?? []);
      for (const slot of drop) slots.delete(slot);
      for (const e of record) slots.set(pendingSlotOf(e), e);
      const next = { ...current } as Record<string, unknown>;
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined) delete next[k];
        else next[k] = v;
      }
      rows.set(key(before.workspaceId, before.contactId), next as unknown as Contact);
      options?.onPending?.(pendingList(key(before.workspaceId, before.contactId)));
      return next as unknown as Contact;
    },
    async setDeleted(ws, id, deletedAt, updatedAt) {
      const c = rows.get(key(ws, id));
      if (!c) throw new ContactNotFoundError();
      const { deletedAt: _d, ...rest } = c;
      rows.set(key(ws, id), { ...rest, updatedAt, ...(deletedAt ? { deletedAt } : {}) });
    },
    async list(ws, filter, page) {
      const all = [...rows.values()]
        .filter((c) => c.workspaceId === ws && matchesFilter(c, filter))
        .sort((a, b) => a.contactId.localeCompare(b.contactId));
      const from = offsetOf(page.cursor);
      const contacts = all.slice(from, from + page.limit);
      const more = from + page.limit < all.length;
      return { contacts, ...(more ? { nextCursor: cursorOf(from + page.limit) } : {}) };
    },
    async touchInteraction(ws, id, at) {
      const c = rows.get(key(ws, id));
      if (c && (!c.lastInteractionAt || c.lastInteractionAt < at))
        rows.set(key(ws, id), { ...c, lastInteractionAt: at });
    },
    async writeMany(writes, onProgress) {
      const failures: Array<{ index: number; error: Error }> = [];
      for (const [index, w] of writes.entries()) {
        try {
          if (w.kind === 'create') await store.create(w.contact);
          else await store.update(w.before, w.changes, { ifEmail: w.before.email });
        } catch (error) {
          failures.push({ index, error: error as Error });
        }
      }
      onProgress?.(writes.length);
      return failures;
    },
  };
  return store;
}

export function memoryInteractions(): InteractionStore & { all: Interaction[] } {
  const all: Interaction[] = [];
  return {
    all,
    async put(i) {
      if (all.some((x) => x.interactionId === i.interactionId && x.occurredAt === i.occurredAt)) return false;
      all.push(i);
      return true;
    },
    async timeline(ws, contactId, page) {
      const mine = all
        .filter((i) => i.workspaceId === ws && i.contactId === contactId)
        .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
      const from = offsetOf(page.cursor);
      const more = from + page.limit < mine.length;
      return {
        interactions: mine.slice(from, from + page.limit),
        ...(more ? { nextCursor: cursorOf(from + page.limit) } : {}),
      };
    },
  };
}

/**
 * Ten points per interaction; remembers what it was asked to score. Its `recordAndScore` stores,
 * stamps and scores one call at a time (unlike the DynamoDB scorer's single transaction), so the
 * tests can fail the scoring after the interaction was stored and check that a retry heals it.
 */
export function countingScorer(
  contacts: ContactStore,
  interactions: InteractionStore,
): InteractionScorer & {
  calls: Array<{ contact: Contact; interaction: Interaction }>;
  claimedIds: string[];
} {
  const calls: Array<{ contact: Contact; interaction: Interaction }> = [];
  /** The ids recorded with `claimId` (stored once per id by the real store). */
  const claimedIds: string[] = [];
  const scorer = {
    calls,
    claimedIds,
    async applyInteraction(contact: Contact, interaction: Interaction) {
      calls.push({ contact, interaction });
      const score = Math.min(100, contact.score + 10);
      return { score, tier: contact.tier, previousScore: contact.score, previousTier: contact.tier };
    },
    async recordAndScore(interaction: Interaction, _audit?: unknown, options?: { readonly claimId?: boolean }) {
      const { workspaceId, contactId } = interaction;
      if (options?.claimId) claimedIds.push(interaction.interactionId);
      const contact = await contacts.get(workspaceId, contactId);
      if (!contact || contact.deletedAt) throw new ContactNotFoundError();
      await interactions.put(interaction);
      const later = !contact.lastInteractionAt || interaction.occurredAt > contact.lastInteractionAt;
      if (later) await contacts.touchInteraction(workspaceId, contactId, interaction.occurredAt);
      // Looked up on the object at call time: a test may swap applyInteraction for a failing one.
      return scorer.applyInteraction(
        later ? { ...contact, lastInteractionAt: interaction.occurredAt } : contact,
        interaction,
      );
    },
  };
  return scorer;
}

/** A clock that moves only when told. */
export function fakeClock(start = '2026-03-01T10:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

export function sequentialIds(prefix = 'c') {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(5, '0')}`;
}

/** A domain-event publisher that keeps what it was given. */
export function memoryEvents(): DomainEventPublisher & { published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  return {
    published,
    async publish(events) {
      published.push(...events);
    },
  };
}
