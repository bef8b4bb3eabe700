/**
 * The attempts of webhook effects kept in memory, as dynamo-webhook-attempts.ts keeps them in the
 * table (one record per key: POSTs counted up to the cap, failures, done), for the engine's tests.
 * `unsettled` of a spent count or a failure: counted POSTs with no outcome recorded, unless `settled`
 * says the copies that counted them have ended (the table judges that by the times of the counts).
 */
import {
  WEBHOOK_ATTEMPTS,
  type WebhookAttemptStart,
  type WebhookAttempts,
  type WebhookFailureRecord,
} from '../../../shared/campaigns/webhook-action';

export interface WebhookAttemptRecord {
  attempts: number;
  failed: number;
  done: boolean;
}

export function memoryWebhookAttempts(options: { settled?: () => boolean } = {}) {
  const records = new Map<string, WebhookAttemptRecord>();
  const of = (key: string): WebhookAttemptRecord => {
    const found = records.get(key);
    if (found) return found;
    const created = { attempts: 0, failed: 0, done: false };
    records.set(key, created);
    return created;
  };
  const attempts: WebhookAttempts = {
    async begin(_workspaceId, key): Promise<WebhookAttemptStart> {
      const r = of(key);
      if (r.done) return { kind: 'done' };
      if (r.attempts >= WEBHOOK_ATTEMPTS) {
        return { kind: 'spent', failed: r.failed, unsettled: r.attempts > r.failed && !options.settled?.() };
      }
      r.attempts += 1;
      return { kind: 'counted', attempt: r.attempts };
    },
    async succeeded(_workspaceId, key) {
      of(key).done = true;
    },
    async failed(_workspaceId, key): Promise<WebhookFailureRecord> {
      const r = of(key);
      if (r.done) return { kind: 'done' };
      r.failed += 1;
      return {
        kind: 'failed',
        failed: r.failed,
        unsettled: options.settled?.() ? 0 : Math.max(0, r.attempts - r.failed),
      };
    },
  };
  return { attempts, records };
}
