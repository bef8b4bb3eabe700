/**
 * Reading the audit log of a workspace. Entries are written everywhere through
 * `recordAudit` (append-only table; the edge audits every state-changing workspace
 * request); only the security function reads them.
 */
import { ValidationError } from '../errors';
import type { AuditQuery, AuditReader, Caller, StoredAuditEntry } from './ports';

/** A listing as the caller asks for it: `from`/`to` are ISO-8601 with any offset (normalised here). */
export type AuditListInput = Omit<AuditQuery, 'workspaceId'>;

/**
 * Entries of the caller's workspace matching every filter, newest first.
 * @throws ValidationError `INVALID_RANGE` when `from` is after `to`, or either is outside the years
 *   0000-9999 in UTC (the edge's schema refuses those first); `INVALID_CURSOR` for a bad cursor.
 */
export async function listAuditLog(
  caller: Caller,
  input: AuditListInput,
  reader: AuditReader,
): Promise<{ entries: StoredAuditEntry[]; nextCursor?: string }> {
  // Stored times are `toISOString()` text, so bounds are normalised to that form to compare as strings.
  const from = bound(input.from, 'from');
  const to = bound(input.to, 'to');
  if (from && to && from > to) throw new ValidationError('`from` is after `to`', 'INVALID_RANGE');
  const { items, nextCursor } = await reader.list({ ...input, workspaceId: caller.workspaceId, from, to });
  const entries = [...items];
  return nextCursor ? { entries, nextCursor } : { entries };
}

/**
 * A bound in the stored form. An instant outside the years 0000-9999 has no such form (its
 * `toISOString()` is `+010000-...` / `-000001-...`, which sorts outside every stored key and would
 * turn the key range upside down): refused.
 */
function bound(value: string | undefined, field: 'from' | 'to'): string | undefined {
  if (value === undefined) return undefined;
  const iso = new Date(value).toISOString();
  if (iso.startsWith('+') || iso.startsWith('-')) {
    throw new ValidationError(`\`${field}\` must be in the years 0000-9999 (UTC)`, 'INVALID_RANGE');
  }
  return iso;
}
