/**
 * The one place that reads `process.env`. Parsed with zod once, at cold start: a missing
 * or malformed variable stops the function at init with a message naming it, never
 * halfway through a request. Defaults serve the local runtime.
 */
import * as z from 'zod';
import type { QueueName, TableName } from '../lib/definition';
import { queueEnvName, tableEnvName } from '../lib/definition';

const schema = z.object({
  STAGE: z.string().min(1).default('local'),
  SERVICE_NAME: z.string().min(1).default('unite-hub'),
  APP_VERSION: z.string().min(1).default('0.1.0'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  SES_FROM_ADDRESS: z.email().default('no-reply@unite-hub.local'),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
});

export type Config = z.infer<typeof schema>;

/** Thrown at init when the environment is wrong; names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parse(env: NodeJS.ProcessEnv): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  return result.data;
}

export const config: Config = parse(process.env);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`Missing environment variable ${name}`);
  return value;
}

/**
 * The physical name of a declared table. Adapters call this at module scope, so a
 * function deployed without the table it needs fails at cold start.
 */
export const tableName = (table: TableName): string => required(tableEnvName(table));

/** The URL of a declared queue, read the same way as {@link tableName}. */
export const queueUrl = (queue: QueueName): string => required(queueEnvName(queue));

/** The campaign state machine ARN, for functions that start executions. */
export const stateMachineArn = (): string => required('STATE_MACHINE_ARN');
