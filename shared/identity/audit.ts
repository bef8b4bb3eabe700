/**
 * Writing audit entries. A failed audit write never fails the caller's request: it is
 * logged and counted (metric `AuditWriteFailures`) so an alarm can catch a silent gap.
 */
import { randomUUID } from 'node:crypto';
import { logger, metrics } from '../observability/logger';
import type { AuditEntry, AuditSink } from './ports';

export async function recordAudit(sink: AuditSink, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  try {
    await sink.append({ ...entry, id: randomUUID(), createdAt: now.toISOString() });
  } catch (error) {
    metrics.addMetric('AuditWriteFailures', 'Count', 1);
    logger.error('Audit write failed; the request goes on', {
      error: error as Error,
      eventType: entry.eventType,
      workspaceId: entry.workspaceId,
    });
  }
}
