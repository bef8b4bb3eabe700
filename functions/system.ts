/** HTTP function `system`: health, CSRF token, status page and the 404/405 fallback. */

import * as z from 'zod/mini';
import { routes } from '../lib/definition';
import { awsProbes } from '../shared/adapters/aws-probes';
import { lazySes } from '../shared/adapters/lazy-ses';
import { dynamodb } from '../shared/aws/dynamodb';
import { sqs } from '../shared/aws/sqs';
import { config, queueUrl, tableName } from '../shared/config';
import { checkHealth } from '../shared/health/health-check';
import { statusPage } from '../shared/health/status-page';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { alive, csrfToken, healthReport, statusPageAnswer } from '../shared/http/responses/system';
import { SESSION_COOKIE } from '../shared/identity/accounts/session-cookie';
import { CSRF_COOKIE, CSRF_HEADER, csrfCookie, currentCsrfToken } from '../shared/security/csrf-token';

const startedAt = Date.now();
const probes = awsProbes({
  dynamodb,
  tableName: tableName('core'),
  sqs,
  queueUrl: queueUrl('drip-steps'),
  ses: lazySes,
});
const healthContext = {
  environment: config.STAGE,
  version: config.APP_VERSION,
  startedAt,
  now: Date.now,
  timeoutMs: 2000,
};

const healthQuery = z.object({ deep: z.optional(z.enum(['0', '1', 'true', 'false'])) });

const health = defineOperation({ query: healthQuery, response: healthReport }, async ({ query }) => {
  const deep = query.deep === '1' || query.deep === 'true';
  const report = await checkHealth(deep ? probes : [], healthContext);
  return { status: report.status === 'unhealthy' ? 503 : 200, body: report };
});

export const handler = httpFunction('system', routes, {
  'health.get': health,
  'health.head': defineOperation({ response: alive }, () => ({
    status: 200,
    headers: { 'cache-control': 'no-store' },
  })),
  'csrf.token': defineOperation({ response: csrfToken }, (_input, request) => {
    const token = currentCsrfToken({ session: request.cookies[SESSION_COOKIE], csrf: request.cookies[CSRF_COOKIE] });
    return {
      status: 200,
      body: { token, headerName: CSRF_HEADER },
      cookies: [csrfCookie(token, config.STAGE !== 'local')],
    };
  }),
  'status.page': defineOperation({ response: statusPageAnswer }, () => ({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    body: statusPage({ service: config.SERVICE_NAME, version: config.APP_VERSION, environment: config.STAGE }),
  })),
});
