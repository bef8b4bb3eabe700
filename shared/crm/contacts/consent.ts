/**
 * A contact's consent record: when and how consent to marketing mail was given (the API, an
 * import, a form...) and from which address, and each withdrawal (an unsubscribe from all
 * mail or from some topics). Records are appended, never changed, so the history stays
 * provable; `GET /api/contacts/{id}/consent` lists them, oldest first.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../../errors';
import { mapLimit } from '../../resilience/map-limit';
import { isoInstant } from '../../security/iso-instant';
import { ContactNotFoundError } from './errors';
import type { ContactStore } from './ports';
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

export interface ConsentStore {
  append(records: readonly ConsentRecord[]): Promise<void>;
  /** A contact's records, oldest first. */
  list(workspaceId: string, contactId: string): Promise<ConsentRecord[]>;
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

/** Consent records read at once by {@link consentGivenWhereMissing}. */
const MISSING_CHECK_CONCURRENCY = 16;

/**
 * The records of consent given to those of `contactIds` that have none given from `input.source`
 * yet (one read per contact): what an import records for its unchanged rows, so a retry records
 * the consent a failed attempt wrote its contacts without, and a plain re-import records nothing
 * again.
 */
export async function consentGivenWhereMissing(
  store: ConsentStore,
  workspaceId: string,
  contactIds: readonly string[],
  input: ConsentInput,
  origin: { ip?: string; now: Date; newId: () => string },
): Promise<ConsentRecord[]> {
  const has = await mapLimit(contactIds, MISSING_CHECK_CONCURRENCY, async (contactId) =>
    (await store.list(workspaceId, contactId)).some((r) => r.action === 'given' && r.source === input.source),
  );
  return consentGiven(
    workspaceId,
    contactIds.filter((_, i) => !has[i]),
    input,
    origin,
  );
}

/**
 * The consent an import records, as its `onWritten` and `onUnchanged` (import-contacts.ts): given
 * to the contacts each slice of writes created or changed, and to those of the unchanged rows that
 * have none from that source ({@link consentGivenWhereMissing}). `input.at` should be fixed for
 * the request, so its records agree on when consent was given.
 */
export function importConsent(
  store: ConsentStore,
  workspaceId: string,
  input: ConsentInput,
  origin: () => { ip?: string; now: Date; newId: () => string },
) {
  const append = async (records: readonly ConsentRecord[]) => {
    if (records.length > 0) await store.append(records);
  };
  return {
    onWritten: (contactIds: string[]) => append(consentGiven(workspaceId, contactIds, input, origin())),
    onUnchanged: async (contactIds: string[]) =>
      append(await consentGivenWhereMissing(store, workspaceId, contactIds, input, origin())),
  };
}

/** A live contact's consent records, oldest first. @throws ContactNotFoundError */
export async function listConsent(
  deps: { contacts: ContactStore; consent: ConsentStore },
  workspaceId: string,
  contactId: string,
): Promise<ConsentRecord[]> {
  const contact = await deps.contacts.get(workspaceId, contactId);
  if (!contact || contact.deletedAt) throw new ContactNotFoundError();
  return deps.consent.list(workspaceId, contactId);
}
