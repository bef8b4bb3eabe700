/**
 * What leaves for Sentry is scrubbed here, the last step before an event is sent. The SDK
 * runs with `sendDefaultPii: false`, but integrations and our own context can still carry
 * request headers, bodies, query strings and free text; this removes what identifies a
 * person or grants access, and runs everything else through {@link redact}.
 */
import type * as Sentry from '@sentry/aws-serverless';
import { isSensitiveKey, isSensitiveQueryParam, REDACTED, redact, redactQueryString, redactString } from './redact';
import { loggableTarget } from './request-line';

type InitOptions = NonNullable<Parameters<typeof Sentry.init>[0]>;
/** An error event as Sentry hands it to `beforeSend`. */
export type SentryErrorEvent = Parameters<NonNullable<InitOptions['beforeSend']>>[0];
/** A transaction event as Sentry hands it to `beforeSendTransaction`. */
export type SentryTransactionEvent = Parameters<NonNullable<InitOptions['beforeSendTransaction']>>[0];
type SentryEvent = SentryErrorEvent | SentryTransactionEvent;
type Request = NonNullable<SentryEvent['request']>;
type Breadcrumb = NonNullable<SentryEvent['breadcrumbs']>[number];

/** Request headers that never leave, whatever their value (besides any sensitive key). */
const DROPPED_HEADERS = new Set([
  'cookie',
  'set-cookie',
  'authorization',
  'proxy-authorization',
  'x-csrf-token',
  'x-api-key',
  'x-origin-verify',
  // The client's address (personal data), besides ADDRESS_HEADER's names.
  'x-forwarded-for',
  'forwarded',
]);

/**
 * Headers naming a client's address: `x-real-ip`, `x-client-ip`, `cf-connecting-ip`,
 * `true-client-ip` (any `*-ip`), `*client-ip`, our edge's `x-viewer-address` and CloudFront's
 * `cloudfront-viewer-address`, the load tests' `x-load-client*`. Linear in the name's length: each
 * alternative is a literal of bounded length (the patterns of redact.ts follow the same rules).
 */
const ADDRESS_HEADER = /(?:^|-)ip$|client-?ip|viewer-address|^x-load-client/;

/**
 * Sentry `beforeSend` (and `beforeSendTransaction`): returns a scrubbed copy of the event.
 * Removes `request.cookies`, credential headers, headers that carry the client's address
 * (`x-forwarded-for`, `x-real-ip`, `cf-connecting-ip`...), `user.email` and `user.ip_address`;
 * makes `request.url` safe to log by the route of the `routeKey` tag (request-line.ts: the path
 * segments the route declares as a secret, `{token}`, become `[REDACTED]`; no user info or fragment);
 * redacts query-string secrets (`token`, `code`, `state`, `key`...), the request body,
 * and secrets and email addresses in the message, exception values, stack-frame variables
 * and source lines, breadcrumbs, `extra`, `contexts`, tags and spans. Pure: the input is not mutated.
 */
export function sentryBeforeSend<E extends SentryEvent>(event: E): E {
  const out: E = { ...event };
  if (event.message !== undefined) out.message = redactString(event.message);
  if (event.logentry) out.logentry = redact(event.logentry) as E['logentry'];
  if (event.transaction !== undefined) out.transaction = redactString(event.transaction);
  // The route key tag (`POST /u/{token}`, set by captureError) names the path template; `$default` none.
  if (event.request) out.request = scrubRequest(event.request, String(event.tags?.routeKey).split(' ')[1]);
  if (event.user) {
    const { email: _email, ip_address: _ip, ...user } = event.user;
    out.user = redact(user) as E['user'];
  }
  if (event.exception?.values) {
    out.exception = {
      ...event.exception,
      values: event.exception.values.map((exception) => ({
        ...exception,
        ...(exception.value === undefined ? {} : { value: redactString(exception.value) }),
        ...(exception.stacktrace?.frames
          ? {
              stacktrace: {
                ...exception.stacktrace,
                frames: exception.stacktrace.frames.map(scrubFrame),
              },
            }
          : {}),
      })),
    };
  }
  if (event.breadcrumbs) out.breadcrumbs = event.breadcrumbs.map(scrubBreadcrumb);
  if (event.extra) out.extra = redact(event.extra) as E['extra'];
  if (event.contexts) out.contexts = redact(event.contexts) as E['contexts'];
  if (event.tags) out.tags = redact(event.tags) as E['tags'];
  if (event.spans) out.spans = redact(event.spans) as E['spans'];
  return out;
}

/** Sentry `beforeBreadcrumb`: the same rules, applied as each breadcrumb is recorded. */
export function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  const out: Breadcrumb = { ...breadcrumb };
  if (breadcrumb.message !== undefined) out.message = redactString(breadcrumb.message);
  if (breadcrumb.data) out.data = redact(breadcrumb.data) as Breadcrumb['data'];
  return out;
}

type Frame = NonNullable<NonNullable<NonNullable<SentryEvent['exception']>['values']>[number]['stacktrace']>['frames'];

/** Local variables and source context lines of one stack frame. */
function scrubFrame(frame: NonNullable<Frame>[number]): NonNullable<Frame>[number] {
  const out = { ...frame };
  if (frame.vars) out.vars = redact(frame.vars) as Record<string, unknown>;
  if (frame.context_line !== undefined) out.context_line = redactString(frame.context_line);
  if (frame.pre_context) out.pre_context = frame.pre_context.map(redactString);
  if (frame.post_context) out.post_context = frame.post_context.map(redactString);
  return out;
}

/** `template`: the path template of the request's route (the `routeKey` tag `captureError` sets), if known. */
function scrubRequest(request: Request, template: string | undefined): Request {
  const { cookies: _cookies, ...out } = request;
  if (request.url !== undefined) out.url = loggableTarget(request.url, template === undefined ? [] : [template]);
  if (request.headers) out.headers = scrubHeaders(request.headers);
  if (request.query_string !== undefined) out.query_string = scrubQuery(request.query_string);
  if (request.data !== undefined) out.data = redact(request.data);
  if (request.env) out.env = redact(request.env) as Record<string, string>;
  return out;
}

function scrubHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (DROPPED_HEADERS.has(lower) || ADDRESS_HEADER.test(lower) || isSensitiveKey(name)) continue;
    out[name] = redactString(value);
  }
  return out;
}

function scrubQuery(query: NonNullable<Request['query_string']>): NonNullable<Request['query_string']> {
  if (typeof query === 'string') return redactQueryString(query);
  const scrub = (name: string, value: string): string => (isSensitiveQueryParam(name) ? REDACTED : redactString(value));
  if (Array.isArray(query)) return query.map(([name, value]) => [name, scrub(name, value)]);
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, scrub(name, value)]));
}
