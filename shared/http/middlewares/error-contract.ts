/**
 * The error contract, in one place (middy's http-error-handler): an `AppError` is answered
 * with its status and stable code; anything else is a bug, answered with a generic 500 that
 * carries only the request id, logged in full and reported to Sentry. A CSRF refusal is
 * counted (`CsrfRejections`). DynamoDB refusing an item over 400 KB is a 413 (the caller sent
 * too much), whichever adapter wrote it.
 */

import { isItemTooLarge, itemTooLargeError } from '../../adapters/dynamo/item-size';
import { recordCsrfRejected } from '../../observability/http-metrics';
import { logger } from '../../observability/logger';
import { captureError } from '../../observability/sentry';
import { CsrfError } from '../../security/csrf';
import { errorResult } from '../error-response';
import { answer, EDGE, type EdgeMiddleware } from './edge-state';

export function errorContract(): EdgeMiddleware {
  return {
    name: 'error-contract',
    onError: async (request) => {
      const { error, event } = request;
      const requestId = event.requestContext.requestId;
      // An item over DynamoDB's 400 KB is the caller's input being too large, from any adapter.
      const result = errorResult(isItemTooLarge(error) ? itemTooLargeError(error) : error, requestId);
      if (error instanceof CsrfError) recordCsrfRejected(error.code);
      if (result.status >= 500) {
        logger.error('Unhandled error', { error: error ?? undefined, routeKey: event.routeKey });
        await captureError(error, { requestId, routeKey: event.routeKey, functionName: request.context.functionName });
      }
      // Set, not returned: a returned answer would skip the steps outside this one (security
      // headers, the request metric, the logger's reset, the metrics flush).
      request.response = answer(result, requestId, event[EDGE]?.answerHeaders);
    },
  };
}
