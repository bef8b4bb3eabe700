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
 * @throws ValidationError `INVALID_RANGE` when `from` is after `to`; `INVALID_CURSOR` for a bad cursor.
 */
export async function listAuditLog(
  caller: Caller,
  input: AuditListInput,
  reader: AuditReader,
): Promise<{ entries: StoredAuditEntry[]; nextCursor?: string }> {
  // Stored times are `toISOString()` text, so bounds are normalised to that form to compare as strings.
  const from = input.from === undefined ? undefined : new Date(input.from).toISOString();
  const to = input.to === undefined ? undefined : new Date(input.to).toISOString();
  if (from && to && from > to) throw new ValidationError('`from` is after `to`', 'INVALID_RANGE');
  const { items, nextCursor } = await reader.list({ ...input, workspaceId: caller.workspaceId, from, to });
  const entries = [...items];
  return nextCursor ? { entries, nextCursor } : { entries };
}
