/**
 * The Powertools log formatter with redaction. It keeps the standard Powertools JSON keys,
 * so log queries and dashboards don't change, and passes the message and every extra
 * attribute (persistent keys, `appendKeys`, per-call objects, errors) through {@link redact}
 * before the line is serialized.
 */
import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { withMappedStack } from './mapped-stack';
import { redact } from './redact';

/**
 * The keys this formatter writes on every line, in this order (Powertools' standard keys), plus
 * `correlation_id`, which the HTTP edge sets. A log call's own fields never replace them (app-logger.ts).
 */
export const STANDARD_LOG_KEYS = [
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'tenant_id',
  'correlation_id',
] as const;

/** A Powertools `LogFormatter` that prints the standard keys with secrets and emails redacted. */
export class RedactingLogFormatter extends LogFormatter {
  readonly #redactOptions = { serializeError: (error: Error) => this.formatError(error) };

  /** Powertools' error fields, with the stack (and `location`) mapped back to the TypeScript source. */
  override formatError(error: Error): LogAttributes {
    return super.formatError(withMappedStack(error));
  }

  /** Formats one log line: standard keys first (as Powertools does), then the redacted extra attributes. */
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: redact(attributes.message, this.#redactOptions),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      tenant_id: attributes.lambdaContext?.tenantId,
    };
    const extra = redact(additionalLogAttributes, this.#redactOptions) as LogAttributes;
    return new LogItem({ attributes: base }).addAttributes(extra);
  }
}
