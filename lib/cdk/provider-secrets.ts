/**
 * Third-party credentials (the Resend API key, the SMTP relay URL, the Resend webhook signing
 * secret) live in Secrets Manager as `unite-hub/<stage>/<name>` and are read by the functions
 * at run time (shared/adapters/provider-secrets.ts, Powertools parameters, cached 5 minutes),
 * never put into the template or the function environment.
 *
 * The stack references them by name instead of creating them: their values are issued by the
 * providers, so a stack-created secret could only hold a placeholder the application would
 * mistake for a key. An operator creates each one (`aws secretsmanager create-secret`); a secret
 * that does not exist means "provider not configured", as a blank variable does locally. A new
 * value is picked up within the cache TTL, without a deploy.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type ProviderSecretName, providerSecretIdEnvName } from '../definition';
import type { HouseFunction } from './house-function';
import { providerSecretName } from './physical-names';
import type { Stage } from './stage';

/** GetSecretValue alone: Powertools' SecretsProvider needs nothing else (not DescribeSecret, not List). */
export const PROVIDER_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/**
 * The ARN IAM matches a secret of that name by: Secrets Manager appends `-` and six random
 * characters to every secret's ARN, so `-??????` matches exactly this name, and no longer one.
 */
export function providerSecretArn(scope: Stack, stage: Stage, secret: ProviderSecretName): string {
  return scope.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${providerSecretName(stage, secret)}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Read access to each credential the function declares, and each secret's name in its environment. */
export function grantProviderSecrets(fn: HouseFunction, stage: Stage): void {
  const secrets = fn.declaration.readsProviderSecrets ?? [];
  if (secrets.length === 0) return;
  const resources = secrets.map((secret) => providerSecretArn(Stack.of(fn), stage, secret));
  fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...PROVIDER_SECRET_ACTIONS], resources }));
  for (const secret of secrets) fn.addEnvironment(providerSecretIdEnvName(secret), providerSecretName(stage, secret));
}
