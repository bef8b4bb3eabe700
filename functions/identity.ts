/**
 * HTTP function `identity`: sign-up, log-in/out, `me`, email verification, password reset,
 * sessions and trusted devices. Each operation parses its input, calls one use case of
 * shared/identity/accounts with the adapters below, and maps the result.
 */

import * as z from 'zod/mini';
import { identityRoutes } from '../lib/definition/identity-routes';
import { dynamoUserApiKeys } from '../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../shared/adapters/dynamo-audit';
import { dynamoDevices } from '../shared/adapters/dynamo-devices';
import { dynamoLoginAttempts } from '../shared/adapters/dynamo-login-attempts';
import { dynamoMailQuota } from '../shared/adapters/dynamo-mail-quota';
import { dynamoSecurityAlerts } from '../shared/adapters/dynamo-security-alerts';
import { dynamoSessions } from '../shared/adapters/dynamo-sessions';
import { dynamoAccountTokens, dynamoUsers } from '../shared/adapters/dynamo-users';
import { lazySes } from '../shared/adapters/lazy-ses';
import { sesEmailSender } from '../shared/adapters/ses-email';
import { documents } from '../shared/aws/dynamodb';
import { config, publicBaseUrl, tableName } from '../shared/config';
import { authOf, originOf } from '../shared/http/caller';
import { errorResult } from '../shared/http/error-response';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import {
  deviceForgotten,
  devicesList,
  emailVerified,
  loggedIn,
  loggedOut,
  me,
  passwordReset,
  resetRequested,
  sessionRevoked,
  sessionsList,
  signedUp,
} from '../shared/http/responses/identity';
import type { HttpRequest, HttpResult } from '../shared/http/types';
import { DEVICE_ID_HEADER, deviceFingerprint, forgetDevice, listDevices } from '../shared/identity/accounts/devices';
import { verifyEmail } from '../shared/identity/accounts/email-verification';
import { LoginRefusedError } from '../shared/identity/accounts/errors';
import { logIn } from '../shared/identity/accounts/log-in';
import { describeMe } from '../shared/identity/accounts/me';
import { scryptHasher } from '../shared/identity/accounts/password';
import { confirmPasswordReset, requestPasswordReset } from '../shared/identity/accounts/password-reset';
import type { AccountDeps } from '../shared/identity/accounts/ports';
import { clearSessionCookie, SESSION_COOKIE, sessionCookie } from '../shared/identity/accounts/session-cookie';
import { listSessions, logOut, revokeSession } from '../shared/identity/accounts/sessions';
import { signUp } from '../shared/identity/accounts/sign-up';
import { systemClock } from '../shared/resilience/clock';
import { csrfCookie, sessionCsrfToken } from '../shared/security/csrf-token';
import { singleLineText } from '../shared/security/single-line-text';

const core = tableName('core');
const ephemeral = tableName('ephemeral');
const deps: AccountDeps = {
  accounts: dynamoUsers(documents, core),
  sessions: dynamoSessions(documents, core),
  tokens: dynamoAccountTokens(documents, ephemeral),
  attempts: dynamoLoginAttempts(documents, ephemeral),
  mailQuota: dynamoMailQuota(documents, ephemeral),
  apiKeys: dynamoUserApiKeys(documents, core),
  devices: dynamoDevices(documents, core),
  email: sesEmailSender(lazySes, config.SES_FROM_ADDRESS, config.SES_CONFIGURATION_SET),
  audit: dynamoAudit(documents, tableName('audit')),
  alerts: dynamoSecurityAlerts(documents, core),
  passwords: scryptHasher(),
  clock: systemClock,
};
const secure = config.STAGE !== 'local';

const email = z.string().check(z.trim(), z.minLength(1), z.maxLength(320));
// Long enough for the policy to answer `WEAK_PASSWORD` past 128; short enough not to hash megabytes.
const password = z.string().check(z.minLength(1), z.maxLength(1024));
// Display and organisation names reach email greetings and subjects: one line, no controls.
const label = singleLineText(100);
const token = z.string().check(z.minLength(1), z.maxLength(256));

const origin = (request: HttpRequest) => ({
  ...originOf(request),
  deviceHeader: request.headers[DEVICE_ID_HEADER]?.slice(0, 200),
});

/** Mailed links start with the configured base URL, never the request's Host (mailed-links.ts). */
const links = publicBaseUrl();

/** A throttled log-in's 429 carries `Retry-After`, like the edge's own rate-limit refusals. */
async function withRetryAfter(request: HttpRequest, run: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof LoginRefusedError)) throw error;
    const result = errorResult(error, request.requestId);
    return { ...result, headers: { ...result.headers, 'retry-after': String(error.retryAfterSeconds) } };
  }
}

/**
 * The answer that starts a session: its cookie, and the session's CSRF token (in the body and
 * the csrf-token cookie), which every later state-changing request of the session must send.
 */
function startedSession(status: number, body: Record<string, unknown>, sessionToken: string): HttpResult {
  const csrfToken = sessionCsrfToken(sessionToken);
  return {
    status,
    body: { ...body, csrfToken },
    cookies: [sessionCookie(sessionToken, secure), csrfCookie(csrfToken, secure)],
  };
}

export const handler = httpFunction('identity', identityRoutes, {
  'auth.signup': defineOperation(
    { body: z.object({ email, password, name: label, organizationName: z.optional(label) }), response: signedUp },
    async ({ body }, request) => {
      const result = await signUp(body, { ...origin(request), publicBaseUrl: links }, deps);
      const { user, organization, workspace, sessionToken } = result;
      return startedSession(201, { user, organization, workspace }, sessionToken);
    },
  ),

  'auth.login': defineOperation({ body: z.object({ email, password }), response: loggedIn }, (input, request) =>
    withRetryAfter(request, async () => {
      const { user, workspaceId, sessionToken } = await logIn(input.body, origin(request), deps);
      return startedSession(200, { user, workspaceId }, sessionToken);
    }),
  ),

  'auth.logout': defineOperation({ response: loggedOut }, async (_input, request) => {
    await logOut(authOf(request), request.cookies[SESSION_COOKIE], origin(request), deps);
    return { status: 204, cookies: [clearSessionCookie(secure)] };
  }),

  'auth.me': defineOperation({ response: me }, async (_input, request) => ({
    status: 200,
    body: await describeMe(authOf(request).principal.userId, deps, authOf(request).user),
  })),

  'auth.verify-email': defineOperation(
    { body: z.object({ token }), response: emailVerified },
    async ({ body }, request) => {
      await verifyEmail(body.token, origin(request), deps);
      return { status: 204 };
    },
  ),

  'auth.reset-request': defineOperation({ body: z.object({ email }), response: resetRequested }, async ({ body }) => {
    await requestPasswordReset(body.email, links, deps);
    // The same answer whether or not the address has an account.
    return { status: 202, body: { message: 'If an account uses this address, a reset link is on its way' } };
  }),

  'auth.reset-confirm': defineOperation(
    { body: z.object({ token, password }), response: passwordReset },
    async ({ body }, request) => {
      await confirmPasswordReset(body, origin(request), deps);
      return { status: 204 };
    },
  ),

  'sessions.list': defineOperation({ response: sessionsList }, async (_input, request) => ({
    status: 200,
    body: await listSessions(authOf(request), deps),
  })),

  'sessions.revoke': defineOperation(
    { params: z.object({ sessionId: z.string().check(z.minLength(1), z.maxLength(64)) }), response: sessionRevoked },
    async ({ params }, request) => {
      await revokeSession(authOf(request), params.sessionId, origin(request), deps);
      return { status: 204 };
    },
  ),

  'devices.list': defineOperation({ response: devicesList }, async (_input, request) => {
    const current = deviceFingerprint(request.userAgent, origin(request).deviceHeader);
    return { status: 200, body: { devices: await listDevices(authOf(request).principal.userId, current, deps) } };
  }),

  'devices.forget': defineOperation(
    { params: z.object({ deviceId: z.string().check(z.regex(/^[0-9a-f]{64}$/)) }), response: deviceForgotten },
    async ({ params }, request) => {
      await forgetDevice(authOf(request).principal.userId, params.deviceId, origin(request), deps);
      return { status: 204 };
    },
  ),
});
