/** What the HTTP edge needs from outside, built once per function instance (cold start). */
import { dynamoCounterStore } from '../adapters/dynamo-counter-store';
import { dynamoSecurityAlerts } from '../adapters/dynamo-security-alerts';
import { documents } from '../aws/dynamodb';
import { config, tableName } from '../config';
import type { CounterStore } from '../rate-limit/rate-limiter';
import type { SecurityAlertSink } from '../security/abuse-alerts';
import type { EdgeSettings } from '../security/trusted-edge';

export interface EdgeDeps {
  readonly counters: CounterStore;
  readonly alerts: SecurityAlertSink;
  readonly settings: EdgeSettings & { readonly rateLimits: boolean; readonly secureCookies: boolean };
  readonly now: () => number;
}

export function defaultEdgeDeps(): EdgeDeps {
  return {
    counters: dynamoCounterStore(documents, tableName('ephemeral')),
    alerts: dynamoSecurityAlerts(documents, tableName('core')),
    settings: {
      originSecret: config.ORIGIN_VERIFY_SECRET,
      clientAddressHeader: config.CLIENT_ADDRESS_HEADER,
      rateLimits: config.RATE_LIMITS === 'on',
      secureCookies: config.STAGE !== 'local',
    },
    now: Date.now,
  };
}
