/**
 * Names and keys derived from the declaration that running code needs (environment variable
 * names, the event bus, route keys), apart from the route table: a function that imports these
 * does not bundle every route of the application (lib/definition/index.ts re-exports them).
 */
import type { ProviderSecretName, RouteDeclaration } from './types';

/** Domain events (e.g. `contact.score_threshold_crossed`) go to this bus; campaign triggers consume them. */
export const EVENT_BUS = { name: 'domain-events', source: 'unite-hub' } as const;

/** `GET /api/health` style keys, as API Gateway HTTP APIs name routes. */
export function routeKey(route: Pick<RouteDeclaration, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Environment variable that carries a table's physical name into a function. */
export const tableEnvName = (table: string): string => `TABLE_${table.toUpperCase().replace(/-/g, '_')}`;
/** Environment variable that carries a queue's URL into a function. */
export const queueEnvName = (queue: string): string => `QUEUE_${queue.toUpperCase().replace(/-/g, '_')}_URL`;

/** The variable that carries a provider credential's plain value (locally; shared/config.ts). */
export const providerSecretVariables: Readonly<Record<ProviderSecretName, string>> = {
  'resend-api-key': 'RESEND_API_KEY',
  'smtp-url': 'SMTP_URL',
  'resend-webhook-secret': 'RESEND_WEBHOOK_SECRET',
  'anthropic-api-key': 'ANTHROPIC_API_KEY',
  'openrouter-api-key': 'OPENROUTER_API_KEY',
  'sentry-dsn': 'SENTRY_DSN',
};
/** The variable that carries the credential's Secrets Manager secret id instead (in the cloud): `RESEND_API_KEY_SECRET_ID`. */
export const providerSecretIdEnvName = (secret: ProviderSecretName): string =>
  `${providerSecretVariables[secret]}_SECRET_ID`;
