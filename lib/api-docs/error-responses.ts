/**
 * The error answers a route can give, read from its declaration: the edge's refusals apply by
 * what the route declares (auth, CSRF, a body, a rate tier), so the list is derived, not kept by
 * hand. Only 409s and 422s belong to use cases; they are listed here by route, with their codes.
 */
import { actsInWorkspace } from '../../shared/identity/permissions';
import type { RouteDeclaration } from '../definition';

/** The error body of every 4xx and 5xx (shared/http/error-response.ts). */
export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'message', 'code', 'requestId'],
  properties: {
    error: { type: 'string', description: 'HTTP reason, e.g. Forbidden' },
    message: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. CSRF_TOKEN_INVALID' },
    requestId: { type: 'string' },
    details: { description: 'Per-field problems for VALIDATION_FAILED; context for some conflicts' },
  },
} as const;

interface ErrorStatus {
  readonly reason: string;
  readonly description: string;
  readonly codes: readonly string[];
  /** Answers that carry `Retry-After` (seconds). */
  readonly retryAfter?: boolean;
}

/** Shared error answers, as `components.responses` (referenced by status). */
export const ERROR_STATUSES: Readonly<Record<string, ErrorStatus>> = {
  '400': {
    reason: 'Bad Request',
    description:
      'The input does not fit: `VALIDATION_FAILED` lists each problem by field in `details`; `INVALID_ID` for a malformed or over-long id in the path, header or query; `UNKNOWN_OWNER` (contacts) when `ownerUserId` is not a member of the workspace; `UNSENDABLE_EMAIL` (sends) when the message could not be queued (an address outside the CRM\'s rule, more than a send carries); `TEMPLATE_TOO_LARGE` (templates) when subject, html and text together could never fit a send; `EXPORT_TOO_LARGE` (`GET /api/contacts/export`) when the export would pass what one answer may carry (rows, columns or bytes, named in `details`): narrow it with filters; `INVALID_BODY_ENCODING` when the body is not valid in the charset its Content-Type names (UTF-8 when none; a CSV: save it as "CSV UTF-8" or name its encoding), or reached the API as text with U+FFFD in place of bytes that were not UTF-8.',
    codes: [
      'VALIDATION_FAILED',
      'INVALID_ID',
      'UNKNOWN_OWNER',
      'UNSENDABLE_EMAIL',
      'TEMPLATE_TOO_LARGE',
      'EXPORT_TOO_LARGE',
      'INVALID_BODY_ENCODING',
    ],
  },
  '401': {
    reason: 'Unauthorized',
    description: 'No session cookie or API key, or one that has expired, was revoked or never existed.',
    codes: ['UNAUTHENTICATED', 'SESSION_INVALID', 'INVALID_API_KEY'],
  },
  '403': {
    reason: 'Forbidden',
    description:
      'Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens).',
    codes: [
      'CSRF_TOKEN_INVALID',
      'CSRF_ORIGIN_MISMATCH',
      'PERMISSION_DENIED',
      'API_KEY_NOT_ALLOWED',
      'EMAIL_NOT_VERIFIED',
    ],
  },
  '404': {
    reason: 'Not Found',
    description: 'No such record in the workspace, or a workspace the caller is not a member of.',
    codes: ['NOT_FOUND', 'WORKSPACE_NOT_FOUND'],
  },
  '413': {
    reason: 'Payload Too Large',
    description:
      'The body is larger than the route accepts (1 MB, 1,000,000 bytes, unless the route says less: what one Lambda invocation can always carry).',
    codes: ['PAYLOAD_TOO_LARGE'],
  },
  '415': {
    reason: 'Unsupported Media Type',
    description:
      'The body has a media type the route does not accept (JSON unless it says otherwise), or names a charset the API cannot read (`details.charset`; labels of the WHATWG Encoding Standard are read).',
    codes: ['UNSUPPORTED_MEDIA_TYPE'],
  },
  '429': {
    reason: 'Too Many Requests',
    description: 'Over the route’s rate tier (or an AI budget); try again after `Retry-After` seconds.',
    codes: ['RATE_LIMITED'],
    retryAfter: true,
  },
  '500': {
    reason: 'Internal Server Error',
    description: 'A bug: logged in full; quote the request id when reporting it.',
    codes: ['INTERNAL'],
  },
  '503': {
    reason: 'Service Unavailable',
    description:
      'Overloaded (a store throttled, or the deadline passed), the edge could not read what it verifies requests with, or a change was saved but its events could not be sent (`EVENTS_UNAVAILABLE`: repeating the request sends them); try again after `Retry-After` seconds.',
    codes: ['TIMED_OUT', 'STORE_THROTTLED', 'ORIGIN_CHECK_UNAVAILABLE', 'EVENTS_UNAVAILABLE'],
    retryAfter: true,
  },
};

/** The use cases' conflicts (409), by route id: a state or version that does not allow the change. */
export const CONFLICTS: Readonly<Record<string, readonly string[]>> = {
  'auth.signup': ['EMAIL_TAKEN'],
  'contacts.create': ['CONTACT_EMAIL_TAKEN'],
  'contacts.update': ['CONTACT_EMAIL_TAKEN', 'CONTACT_CHANGED'],
  'contacts.restore': ['CONTACT_EMAIL_TAKEN', 'CONTACT_CHANGED'],
  'interactions.create': ['IDEMPOTENCY_IN_PROGRESS'],
  'ai.calls.create': ['IDEMPOTENCY_IN_PROGRESS'],
  'scoring-rules.put': ['RULES_VERSION_CONFLICT'],
  'api-keys.create': ['API_KEY_LIMIT', 'CONCURRENT_CHANGE'],
  'settings.put': ['SETTINGS_LIMIT'],
  'workspaces.create': ['WORKSPACE_LIMIT'],
  'members.update': ['CONCURRENT_CHANGE'],
  'members.remove': ['CONCURRENT_CHANGE'],
  'invites.create': ['ALREADY_MEMBER', 'INVITE_PENDING', 'CONCURRENT_CHANGE'],
  'invites.accept': ['INVITE_NOT_ACCEPTED'],
  'invites.revoke': ['INVITE_ALREADY_ACCEPTED'],
  'roles.put': ['CONCURRENT_CHANGE', 'ROLE_LIMIT'],
  'roles.delete': ['ROLE_IN_USE', 'CONCURRENT_CHANGE'],
  'email-templates.update': ['TEMPLATE_VERSION_CONFLICT'],
  'email-sending.resume': ['SENDING_PAUSE_CHANGED'],
  'campaigns.update': ['CAMPAIGN_ARCHIVED', 'CAMPAIGN_CHANGED'],
  'campaigns.publish': ['CAMPAIGN_ARCHIVED', 'CAMPAIGN_CHANGED'],
  'campaigns.pause': ['ILLEGAL_CAMPAIGN_TRANSITION'],
  'campaigns.resume': ['ILLEGAL_CAMPAIGN_TRANSITION'],
  'campaigns.archive': ['ILLEGAL_CAMPAIGN_TRANSITION'],
  'campaigns.enrol': ['CAMPAIGN_NOT_ACTIVE', 'CAMPAIGN_ARCHIVED', 'IDEMPOTENCY_IN_PROGRESS'],
  'campaigns.exit': ['CAMPAIGN_ARCHIVED', 'ENROLMENT_CHANGED'],
  'campaigns.retry': ['ENROLMENT_NOT_RETRYABLE', 'ENROLMENT_CHANGED'],
  'campaigns.promote': ['CAMPAIGN_ARCHIVED', 'CAMPAIGN_CHANGED'],
  'campaigns.unpromote': ['CAMPAIGN_ARCHIVED', 'CAMPAIGN_CHANGED'],
  'campaigns.ai-drafts.create': ['CAMPAIGN_ARCHIVED', 'AI_OFFLINE', 'AI_DRAFT_FAILED'],
  'campaigns.ai-drafts.approve': ['CAMPAIGN_ARCHIVED', 'AI_DRAFT_OUTDATED', 'CAMPAIGN_CHANGED'],
  'campaigns.webhook-token': ['CAMPAIGN_ARCHIVED', 'NOT_A_WEBHOOK_TRIGGER', 'CONCURRENT_CHANGE'],
  'campaigns.signing-secret': ['CAMPAIGN_ARCHIVED'],
  'hooks.campaign': ['CAMPAIGN_NOT_ACTIVE'],
  'campaigns.launch-resume': ['LAUNCH_NOT_FAILED', 'LAUNCH_NOT_RESUMABLE', 'CAMPAIGN_NOT_ACTIVE'],
};

/**
 * 422s by route: well-formed requests the use case cannot carry out (an Idempotency-Key already
 * used with another request; copy that fails the compliance lint). Every route that reads an
 * Idempotency-Key header answers `IDEMPOTENCY_KEY_REUSED` (test/unit/idempotency-key-routes.test.ts).
 */
export const UNPROCESSABLE: Readonly<Record<string, readonly string[]>> = {
  'campaigns.enrol': ['IDEMPOTENCY_KEY_REUSED'],
  'hooks.campaign': ['IDEMPOTENCY_KEY_REUSED'],
  'interactions.create': ['IDEMPOTENCY_KEY_REUSED'],
  'ai.calls.create': ['IDEMPOTENCY_KEY_REUSED'],
  'emails.send': ['IDEMPOTENCY_KEY_REUSED'],
  'email-templates.send': ['IDEMPOTENCY_KEY_REUSED'],
  'campaigns.ai-drafts.approve': ['COPY_LINT_FAILED'],
};

const takesBody = (r: RouteDeclaration) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';

/** The error statuses route `r` can answer, in order. */
export function errorStatusesOf(r: RouteDeclaration): string[] {
  const statuses = ['400'];
  if (r.auth === 'user') statuses.push('401');
  if (r.auth === 'user' || r.csrf) statuses.push('403');
  if (actsInWorkspace(r) || r.path.includes('{')) statuses.push('404');
  if (CONFLICTS[r.id]) statuses.push('409');
  if (takesBody(r)) statuses.push('413', '415');
  if (UNPROCESSABLE[r.id]) statuses.push('422');
  if (r.rateTier !== 'exempt') statuses.push('429');
  statuses.push('500', '503');
  return statuses;
}

/** An example error body for `code`, as the edge would answer it. */
export const errorExample = (reason: string, code: string) => ({
  error: reason,
  message: `An example ${code} answer`,
  code,
  requestId: 'a1b2c3d4-0000-4000-8000-000000000000',
});
