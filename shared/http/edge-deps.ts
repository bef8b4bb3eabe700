/** What the HTTP edge needs from outside, built once per function instance (cold start). */
import { dynamoApiKeys } from '../adapters/dynamo-api-keys';
import { dynamoAudit } from '../adapters/dynamo-audit';
import { dynamoCounterStore } from '../adapters/dynamo-counter-store';
import { dynamoMemberships } from '../adapters/dynamo-memberships';
import { dynamoSecurityAlerts } from '../adapters/dynamo-security-alerts';
import { dynamoSessions } from '../adapters/dynamo-sessions';
import { secretsManagerOriginSecrets } from '../adapters/origin-secrets';
import { documents } from '../aws/dynamodb';
import { secretsManager } from '../aws/secrets-manager';
import { config, localOriginSecrets, tableName } from '../config';
import type { AuthDeps } from '../identity/authenticate';
import type { AuditSink } from '../identity/ports';
import { recordOriginSecretReadFailure } from '../observability/http-metrics';
import { logger } from '../observability/logger';
import { type CounterStore, RefusalMemory } from '../rate-limit/rate-limiter';
import type { SecurityAlertSink } from '../security/abuse-alerts';
import type { AcceptedOriginSecrets, EdgeSettings } from '../security/trusted-edge';

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
      originSecrets: originSecrets(),
      clientAddressHeader: config.CLIENT_ADDRESS_HEADER,
      loadClientHeader: config.TRUST_LOAD_CLIENT_HEADER,
      rateLimits: config.RATE_LIMITS === 'on',
      secureCookies: config.STAGE !== 'local',
    },
    now: Date.now,
  };
}

/**
 * Where the accepted `x-origin-verify` values come from: the secret named by
 * ORIGIN_VERIFY_SECRET_ARN in the cloud (read at run time, cached five minutes), else the local
 * runtime's ORIGIN_VERIFY_SECRET(_PREVIOUS), read per request (unset: no check).
 */
function originSecrets(): AcceptedOriginSecrets {
  const secretId = config.ORIGIN_VERIFY_SECRET_ARN;
  if (!secretId) return async () => localOriginSecrets();
  return secretsManagerOriginSecrets({
    client: secretsManager,
    secretId,
    onReadFailure: (error, serving) => {
      logger.error('Could not read the origin secret', { error: error as Error, serving });
      recordOriginSecretReadFailure(serving);
    },
  });
}
