/**
 * Writing audit entries. A failed audit write never fails the caller's request: it is
 * logged and counted (metric `AuditWriteFailures`) so an alarm can catch a silent gap.
 */
import { randomUUID } from 'node:crypto';
import { logger, metrics } from '../observability/logger';
import type { AuditEntry, AuditInWrite, AuditRecord, AuditSink } from './ports';

/** The stored form of an entry: a fresh id, the time. */
export const newAuditRecord = (entry: AuditEntry, now: Date = new Date()): AuditRecord => ({
  ...entry,
  id: randomUUID(),
  createdAt: now.toISOString(),
});

/**
 * An entry to write with a change (see {@link AuditInWrite}); `entryFor` completes it from
 * the change's subject (e.g. the interaction's id, known only once the use case has made it).
 */
export function auditInWrite<S>(
  entryFor: (subject: S) => AuditEntry,
  now: () => Date = () => new Date(),
): AuditInWrite<S> {
  let written = false;
  return {
    recordFor: (subject) => newAuditRecord(entryFor(subject), now()),
    markWritten: () => {
      written = true;
    },
    get written() {
      return written;
    },
  };
}

export async function recordAudit(sink: AuditSink, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  try {
    await sink.append(newAuditRecord(entry, now));
  } catch (error) {
    metrics.addMetric('AuditWriteFailures', 'Count', 1);
    logger.error('Audit write failed; the request goes on', {
      error: error as Error,
      eventType: entry.eventType,
      workspaceId: entry.workspaceId,
    });
  }
}
