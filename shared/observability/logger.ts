/**
 * One Powertools Logger and one Metrics instance per function process, created at module
 * scope so every invocation reuses them. JSON logs with the cold-start flag and the
 * correlation id (the API Gateway request id, set by the HTTP edge); every line goes
 * through {@link RedactingLogFormatter}, so secrets and email addresses never reach CloudWatch,
 * and {@link AppLogger} keeps a log call's own fields from overwriting the logger's keys.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { config } from '../config';
import { AppLogger } from './app-logger';
import { RedactingLogFormatter } from './log-formatter';

export const logger = new AppLogger({
  serviceName: config.SERVICE_NAME,
  logLevel: config.LOG_LEVEL,
  persistentKeys: { stage: config.STAGE, version: config.APP_VERSION },
  logFormatter: new RedactingLogFormatter(),
});

export const metrics = new Metrics({
  namespace: 'UniteHub',
  serviceName: config.SERVICE_NAME,
  defaultDimensions: { stage: config.STAGE },
});
