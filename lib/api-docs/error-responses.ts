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
      'Refused: the CSRF check (state-changing cookie calls), the permission a workspace route needs, an API key on an account-level or session-only route, or (`EMAIL_NOT_VERIFIED`) a caller whose email address is not verified on a route that hands out access (API keys, invitations, webhook tokens) or sends mail (each such route says so).',
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
  'campaigns.publish': ['CAMPAIGN_ARCHIVED', 'CAMPAIGN_CHANGED', 'AI_COPY_NOT_APPROVED'],
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

/** What a route's own operation declares that a code depends on (its query parameters). */
export interface OperationShape {
  readonly queryParams: readonly string[];
}
/** The routes that can answer a code: their ids, or a rule over the declaration. */
type RouteSelector = readonly string[] | ((r: RouteDeclaration, operation: OperationShape) => boolean);

const CAMPAIGN_RECORD = (r: RouteDeclaration) => r.path.startsWith('/api/campaigns/{id}');
const TEMPLATE_RECORD = (r: RouteDeclaration) => r.path.startsWith('/api/email-templates/{id}');
const CONTACT_RECORD = (r: RouteDeclaration) => r.path.startsWith('/api/contacts/{id}');
const SENDS_MAIL = (r: RouteDeclaration) => r.sendsMail === true;
/** Routes whose use case checks a journey (saving one, or publishing or resuming it). */
const JOURNEY_CHECKED = ['campaigns.create', 'campaigns.update', 'campaigns.publish', 'campaigns.resume'];
/** Routes that render or send a stored template. */
const TEMPLATE_SENDS = ['emails.send', 'email-templates.send', 'email-templates.preview', ...JOURNEY_CHECKED];

/**
 * The codes the handlers and use cases answer besides the edge's shared ones (`ERROR_STATUSES`)
 * and the by-route 409s and 422s (`CONFLICTS`, `UNPROCESSABLE`): by status, each code with the
 * routes that can answer it. test/unit/api-docs-error-codes.test.ts scans the code base for every
 * `new XxxError(..., 'CODE')` (lib/api-docs/thrown-codes.ts) and fails on a code that is in none
 * of these lists (or in `NOT_ANSWERED`), on a code listed at a status it is not thrown with, and
 * on a route listed for a code its function's code cannot reach.
 */
export const ROUTE_CODES: Readonly<Record<string, Readonly<Record<string, RouteSelector>>>> = {
  '400': {
    // The edge's JSON reader (shared/http/parse-request.ts) for every route that takes a body.
    MALFORMED_JSON: takesBody,
    JSON_TOO_DEEP: takesBody,
    JSON_TOO_LARGE: takesBody,
    JSON_FORBIDDEN_KEY: takesBody,
    INVALID_CURSOR: (_r, op) => op.queryParams.includes('cursor'),
    WEAK_PASSWORD: ['auth.signup', 'auth.reset-confirm'],
    PASSWORD_TOO_WEAK: ['auth.signup', 'auth.reset-confirm'],
    INVALID_EMAIL: ['auth.signup'],
    TOKEN_INVALID: ['auth.verify-email', 'auth.reset-confirm'],
    INVITE_INVALID: ['invites.accept'],
    INVALID_ROLE_NAME: ['roles.put'],
    UNKNOWN_ROLE: ['members.update', 'invites.create'],
    INVALID_RANGE: ['audit.list'],
    INVALID_SETTING_KEY: ['settings.put', 'settings.delete'],
    INVALID_SETTING_VALUE: ['settings.put'],
    SETTING_NOT_SECRET: ['settings.put'],
    SETTING_TOO_LARGE: ['settings.put'],
    CONSENT_IN_FUTURE: ['contacts.create', 'contacts.update', 'contacts.import'],
    INTERACTION_IN_FUTURE: ['interactions.create'],
    IMPORT_BAD_HEADER: ['contacts.import'],
    IMPORT_EMPTY: ['contacts.import'],
    IMPORT_TOO_LARGE: ['contacts.import'],
    IMPORT_TOO_WIDE: ['contacts.import'],
    INVALID_IDEMPOTENCY_KEY: (r) => UNPROCESSABLE[r.id]?.includes('IDEMPOTENCY_KEY_REUSED') === true,
    INVALID_IF_MATCH: ['email-templates.update'],
    TEMPLATE_INVALID: ['email-templates.create', 'email-templates.update', ...TEMPLATE_SENDS],
    TEMPLATE_LINT_FAILED: ['email-templates.create', 'email-templates.update'],
    BROADCAST_NOT_MARKETING: ['email-templates.send'],
    POSTAL_ADDRESS_MISSING: SENDS_MAIL,
    INVALID_JOURNEY: [...JOURNEY_CHECKED, 'campaigns.ai-drafts.approve'],
    CONTACTS_NOT_FOUND: ['campaigns.enrol'],
    INVALID_PROMOTION: ['campaigns.promote'],
    UNKNOWN_ARM: ['campaigns.promote'],
    NOT_AN_AB_NODE: ['campaigns.promote', 'campaigns.unpromote'],
    NO_AI_COPY: ['campaigns.ai-drafts.create', 'campaigns.ai-drafts.list', 'campaigns.ai-drafts.approve'],
    INVALID_TRACKING_LINK: ['tracking.open', 'tracking.click', 'tracking.click-check'],
    INVALID_UNSUBSCRIBE_TOKEN: ['unsubscribe.page', 'unsubscribe.confirm'],
  },
  '401': {
    INVALID_CREDENTIALS: ['auth.login'],
    INVALID_WEBHOOK_SIGNATURE: ['hooks.resend'],
  },
  '403': {
    OWNER_IMMUTABLE: ['members.update', 'members.remove'],
    MEMBER_OUTRANKS_YOU: ['members.update', 'members.remove'],
    ROLE_EXCEEDS_YOURS: ['members.update', 'invites.create', 'roles.put'],
    OWNER_NOT_ASSIGNABLE: ['members.update', 'invites.create'],
    INVITE_EMAIL_MISMATCH: ['invites.accept'],
    SCOPE_NOT_HELD: ['api-keys.create'],
    // A permission the operation checks itself (default code of ForbiddenError).
    FORBIDDEN: ['ai.calls.create', 'ai.preview', 'campaigns.ai-drafts.create', 'campaigns.ai-drafts.approve'],
  },
  '404': {
    CAMPAIGN_NOT_FOUND: (r) => CAMPAIGN_RECORD(r) || r.id === 'hooks.campaign',
    NODE_NOT_FOUND: (r) => r.path.includes('{nodeId}'),
    AI_DRAFT_NOT_FOUND: ['campaigns.ai-drafts.approve'],
    LAUNCH_NOT_FOUND: ['campaigns.launch', 'campaigns.launch-resume'],
    ENROLMENT_NOT_FOUND: ['campaigns.exit', 'campaigns.retry'],
    WEBHOOK_NOT_FOUND: ['hooks.campaign'],
    CONTACT_NOT_FOUND: (r) =>
      CONTACT_RECORD(r) || ['campaigns.exit', 'campaigns.retry', 'hooks.campaign'].includes(r.id),
    TEMPLATE_NOT_FOUND: (r) => TEMPLATE_RECORD(r) || TEMPLATE_SENDS.includes(r.id),
    TEMPLATE_VERSION_NOT_FOUND: (r) => TEMPLATE_RECORD(r) || TEMPLATE_SENDS.includes(r.id),
    BROADCAST_NOT_FOUND: ['email-broadcasts.get'],
    AI_CALL_NOT_FOUND: ['ai.calls.get'],
    ALERT_NOT_FOUND: ['alerts.acknowledge', 'alerts.resolve'],
    API_KEY_NOT_FOUND: ['api-keys.revoke'],
    SETTING_NOT_FOUND: ['settings.delete'],
    SESSION_NOT_FOUND: ['sessions.revoke'],
    DEVICE_NOT_FOUND: ['devices.forget'],
    MEMBER_NOT_FOUND: ['members.update', 'members.remove'],
    INVITE_NOT_FOUND: ['invites.revoke'],
    ROLE_NOT_FOUND: ['roles.delete'],
    ORGANIZATION_NOT_FOUND: ['workspaces.create'],
  },
  '410': {
    INVITE_REVOKED: ['invites.accept'],
  },
  '429': {
    LOGIN_THROTTLED: ['auth.login'],
    ACCOUNT_LOCKED: ['auth.login'],
    SERVER_BUSY: ['auth.login', 'auth.signup', 'auth.reset-confirm'],
    AI_BUDGET_EXCEEDED: ['ai.calls.create', 'ai.preview', 'campaigns.ai-drafts.create'],
  },
};

/**
 * Codes the code base builds that no client is answered with, and why (the scan in
 * test/unit/api-docs-error-codes.test.ts accepts these, and only these, undeclared).
 */
export const NOT_ANSWERED: Readonly<Record<string, string>> = {
  CONFLICT: 'the default of ConflictError; every use case passes its own code',
  UNPROCESSABLE: 'the default of UnprocessableError; every use case passes its own code',
  ROUTE_NOT_FOUND: 'a path no route declares: no operation to document it on',
  METHOD_NOT_ALLOWED: 'a method no route declares on the path: no operation to document it on',
  ORIGIN_NOT_VERIFIED: 'a request that bypassed CloudFront (deployed stages): never a client of the API',
  INVALID_MESSAGE: 'queue workers (shared/queue/queue-function.ts): a message, not an HTTP answer',
  MALFORMED_MESSAGE: 'queue workers (shared/queue/queue-function.ts): a message, not an HTTP answer',
  INVALID_URL: 'a sanitizer no route calls (shared/security/sanitize-url.ts)',
  INVALID_FILENAME: 'a sanitizer no route calls (shared/security/sanitize-filename.ts)',
  MARKDOWN_TOO_LONG: 'a sanitizer no route calls (shared/security/sanitize-markdown.ts)',
  INVALID_UUID: 'a sanitizer no route calls (shared/security/sanitize-identifiers.ts)',
  INVALID_INTEGER: 'a sanitizer no route calls (shared/security/sanitize-identifiers.ts)',
  INVALID_PHONE: 'called inside a zod schema (contact-fields.ts `via`): answered as VALIDATION_FAILED',
  UNSUPPORTED_COUNTRY: 'called inside a zod schema (contact-fields.ts `via`): answered as VALIDATION_FAILED',
  CONTACT_EMAIL_MOVED: 'the import reports it per row (import-contacts.ts), never as the answer',
  SCORE_CONFLICT: 'the score worker retries it (score-interaction.ts): not an HTTP answer',
};

/** The codes `r` answers with `status` beyond the shared ones (`ROUTE_CODES`, `CONFLICTS`, `UNPROCESSABLE`). */
export function routeCodesOf(r: RouteDeclaration, status: string, operation: OperationShape): string[] {
  if (status === '409') return [...(CONFLICTS[r.id] ?? [])];
  if (status === '422') return [...(UNPROCESSABLE[r.id] ?? [])];
  return Object.entries(ROUTE_CODES[status] ?? {})
    .filter(([, select]) => (typeof select === 'function' ? select(r, operation) : select.includes(r.id)))
    .map(([code]) => code);
}

/** Statuses only some routes answer, with their reason and what they mean. */
export const ROUTE_STATUSES: Readonly<Record<string, { readonly reason: string; readonly description: string }>> = {
  '409': { reason: 'Conflict', description: 'The current state or version does not allow the change.' },
  '410': { reason: 'Gone', description: 'The record existed but was withdrawn; its link will never work again.' },
  '422': {
    reason: 'Unprocessable Content',
    description:
      'Well-formed, but not to be carried out: an Idempotency-Key already used with another request, or copy that fails the lint.',
  },
};

/** The error statuses route `r` can answer, in order. */
export function errorStatusesOf(r: RouteDeclaration, operation: OperationShape = { queryParams: [] }): string[] {
  const own = (status: string) => routeCodesOf(r, status, operation).length > 0;
  const statuses = ['400'];
  if (r.auth === 'user' || own('401')) statuses.push('401');
  if (r.auth === 'user' || r.csrf || own('403')) statuses.push('403');
  if (actsInWorkspace(r) || r.path.includes('{') || own('404')) statuses.push('404');
  if (own('409')) statuses.push('409');
  if (own('410')) statuses.push('410');
  if (takesBody(r)) statuses.push('413', '415');
  if (own('422')) statuses.push('422');
  if (r.rateTier !== 'exempt' || own('429')) statuses.push('429');
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
