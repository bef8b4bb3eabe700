/**
 * A contact's consent record: when and how consent to marketing mail was given (the API, an
 * import, a form...) and from which address, and each withdrawal (an unsubscribe from all
 * mail or from some topics). Records are appended, never changed, so the history stays
 * provable; `GET /api/contacts/{id}/consent` pages through them, oldest first. An import records
 * consent only where it adds to a contact's record ({@link importConsent}), so re-imports of one
 * file (a sync that runs every hour) do not grow the history.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../../errors';
import { mapLimit } from '../../resilience/map-limit';
import { isoInstant } from '../../security/iso-instant';
import { ContactNotFoundError } from './errors';
import type { ContactStore, PageRequest } from './ports';
import { MAX_CLOCK_SKEW_MS } from './record-interaction';

export const CONSENT_SOURCES = ['api', 'import', 'form', 'event', 'manual', 'other'] as const;

/** The optional `consent` of a contact create (body) or import (query): consent was given. */
export const consentInputSchema = z.strictObject({
  source: z.enum(CONSENT_SOURCES),
  /** When consent was given; default now. */
  at: z.optional(isoInstant),
});
export type ConsentInput = z.infer<typeof consentInputSchema>;

export interface ConsentRecord {
  readonly consentId: string;
  readonly workspaceId: string;
  readonly contactId: string;
  readonly action: 'given' | 'withdrawn';
  /** How it was given (`api`, `import`, ...) or withdrawn (`unsubscribe`). */
  readonly source: string;
  /** When it was given or withdrawn (ISO). */
  readonly at: string;
  /** When it was recorded (ISO). */
  readonly recordedAt: string;
  /** The address of the request that gave or withdrew it. */
  readonly ip?: string;
  /** A withdrawal: of all marketing mail, or of these topics. */
  readonly scope?: 'all' | readonly string[];
  /** The send whose link withdrew it. */
  readonly sendId?: string;
}

/** A page of a contact's consent records, oldest first; `nextCursor` when more follow. */
export interface ConsentPage {
  readonly consent: ConsentRecord[];
  readonly nextCursor?: string;
}

export interface ConsentStore {
  append(records: readonly ConsentRecord[]): Promise<void>;
  /**
   * A page of a contact's records, oldest first, cut to what a function may answer.
   * @throws InvalidCursorError for a cursor that is unreadable or names another contact's history.
   */
  list(workspaceId: string, contactId: string, page: PageRequest): Promise<ConsentPage>;
  /** A contact's latest record (the last of its history, by `at`), read strongly consistent. */
  latest(workspaceId: string, contactId: string): Promise<ConsentRecord | undefined>;
}

/** When consent was given. @throws ValidationError `CONSENT_IN_FUTURE` beyond the clock skew. */
export function consentTime(input: ConsentInput, now: Date): Date {
  const at = input.at ? new Date(input.at) : now;
  if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new ValidationError('consent.at is in the future', 'CONSENT_IN_FUTURE');
  }
  return at;
}

/** The record of consent given to `contactIds` (a create, or an import's written rows). */
export function consentGiven(
  workspaceId: string,
  contactIds: readonly string[],
  input: ConsentInput,
  origin: { ip?: string; now: Date; newId: () => string },
): ConsentRecord[] {
  const at = consentTime(input, origin.now);
  return contactIds.map((contactId) => ({
    consentId: origin.newId(),
    workspaceId,
    contactId,
    action: 'given',
    source: input.source,
    at: at.toISOString(),
    recordedAt: origin.now.toISOString(),
    ...(origin.ip ? { ip: origin.ip } : {}),
  }));
}

/** Latest consent records read at once by {@link importConsent}. */
const LATEST_READ_CONCURRENCY = 16;

/**
 * Whether consent given at `at` adds to a contact's record whose latest entry is `latest`: when it
 * has none, or its latest is a withdrawal from before `at` (consent given again since). Consent
 * given already (from whatever source) is not given again, and a withdrawal at or after `at` stands
 * (a consent dated before it would change nothing, and sort before it).
 */
export const addsConsent = (latest: ConsentRecord | undefined, at: Date): boolean =>
  latest === undefined || (latest.action === 'withdrawn' && Date.parse(latest.at) < at.getTime());

/** Those of `contactIds` whose latest consent record (one item read each) passes `keep`. */
async function whereLatest(
  store: ConsentStore,
  workspaceId: string,
  contactIds: readonly string[],
  keep: (latest: ConsentRecord | undefined) => boolean,
): Promise<string[]> {
  const kept = await mapLimit(contactIds, LATEST_READ_CONCURRENCY, async (contactId) =>
    keep(await store.latest(workspaceId, contactId)),
  );
  return contactIds.filter((_, i) => kept[i]);
}

/**
 * The consent an import records, as its `onWritten` and `onUnchanged` (import-contacts.ts), each
 * reading at most a contact's latest record, never its history:
 * - the contacts a slice of writes created get it (a new contact has no record);
 * - those it changed get it where it adds to their record ({@link addsConsent}): a re-import that
 *   changes a field of a contact whose consent stands records nothing, so alternating imports
 *   cannot grow its history;
 * - those of the unchanged rows get it only when they have no record at all: what an attempt that
 *   failed after writing them left without (its retry finishes it). A contact with a record keeps
 *   it as it stands: a plain re-import never gives consent again after a withdrawal.
 * `input.at` should be fixed for the request, so its records agree on when consent was given.
 */
export function importConsent(
  store: ConsentStore,
  workspaceId: string,
  input: ConsentInput,
  origin: () => { ip?: string; now: Date; newId: () => string },
) {
  const record = async (contactIds: readonly string[]) => {
    if (contactIds.length === 0) return;
    await store.append(consentGiven(workspaceId, contactIds, input, origin()));
  };
  return {
    onWritten: async (contactIds: string[], created: ReadonlySet<string> = new Set()) => {
      const at = consentTime(input, origin().now);
      const changed = await whereLatest(
        store,
        workspaceId,
        contactIds.filter((id) => !created.has(id)),
        (latest) => addsConsent(latest, at),
      );
      await record([...contactIds.filter((id) => created.has(id)), ...changed]);
    },
    onUnchanged: async (contactIds: string[]) =>
      record(await whereLatest(store, workspaceId, contactIds, (latest) => latest === undefined)),
  };
}

/**
 * A page of a live contact's consent records, oldest first.
 * @throws ContactNotFoundError
 * @throws InvalidCursorError for a cursor of another contact's (or workspace's) history.
 */
export async function listConsent(
  deps: { contacts: ContactStore; consent: ConsentStore },
  workspaceId: string,
  contactId: string,
  page: PageRequest,
): Promise<ConsentPage> {
  const contact = await deps.contacts.get(workspaceId, contactId);
  if (!contact || contact.deletedAt) throw new ContactNotFoundError();
  return deps.consent.list(workspaceId, contactId, page);
}
