/** What the HTTP edge needs from outside, built once per function instance (cold start). */
import { dynamoApiKeys } from '../adapters/dynamo-api-keys';
import { dynamoAudit } from '../adapters/dynamo-audit';
import { dynamoCounterStore } from '../adapters/dynamo-counter-store';
import { dynamoMemberships } from '../adapters/dynamo-memberships';
import { dynamoSecurityAlerts } from '../adapters/dynamo-security-alerts';
import { dynamoSessions } from '../adapters/dynamo-sessions';
import { documents } from '../aws/dynamodb';
import { config, tableName } from '../config';
import type { AuthDeps } from '../identity/authenticate';
import type { AuditSink } from '../identity/ports';
import { logger } from '../observability/logger';
import { type CounterStore, RefusalMemory } from '../rate-limit/rate-limiter';
import type { SecurityAlertSink } from '../security/abuse-alerts';
import type { EdgeSettings } from '../security/trusted-edge';

export interface EdgeDeps {
  readonly counters: CounterStore;
  /** Windows this instance already saw refuse (saves a hammering client's counter writes). */
  readonly refusals?: RefusalMemory;
  readonly alerts: SecurityAlertSink;
  readonly auth: AuthDeps;
  readonly audit: AuditSink;
  readonly settings: EdgeSettings & { readonly rateLimits: boolean; readonly secureCookies: boolean };
  readonly now: () => number;
}

export function defaultEdgeDeps(): EdgeDeps {
  const core = tableName('core');
  return {
    counters: dynamoCounterStore(documents, tableName('ephemeral')),
    refusals: new RefusalMemory(),
    alerts: dynamoSecurityAlerts(documents, core),
    auth: {
      sessions: dynamoSessions(documents, core),
      apiKeys: dynamoApiKeys(documents, core),
      memberships: dynamoMemberships(documents, core),
      now: () => new Date(),
      onBackgroundError: (error) => logger.warn('Credential bookkeeping failed', { error: error as Error }),
    },
    audit: dynamoAudit(documents, tableName('audit')),
    settings: {
      originSecret: config.ORIGIN_VERIFY_SECRET,
      clientAddressHeader: config.CLIENT_ADDRESS_HEADER,
      loadClientHeader: config.TRUST_LOAD_CLIENT_HEADER,
      rateLimits: config.RATE_LIMITS === 'on',
      secureCookies: config.STAGE !== 'local',
    },
    now: Date.now,
  };
}
