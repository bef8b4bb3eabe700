/**
 * What must hold for every answer of the fuzz suite, and for the mail the run caused.
 * Each check returns the problems it found as sentences (empty: the answer is fine).
 */
import { routes } from '../../lib/definition';
import { resolveRoute } from '../../shared/http/path-match';
import type { SentMail } from '../support/accounts';
import { type FuzzRequest, lacksValidCsrf } from './fuzz-request';

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Refusals the edge makes before CSRF (see shared/http/http-function.ts): a request refused
 * by one of them never reached the CSRF check, and never got past it either.
 */
export const BEFORE_CSRF = new Set([
  // the HTTP host (API Gateway in the cloud): a request line and headers over 16 KB, broken framing
  'HEADERS_TOO_LARGE',
  'MALFORMED_REQUEST',
  'ORIGIN_NOT_VERIFIED',
  'RATE_LIMITED',
  'THROTTLED',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'INVALID_ID',
]);
/** Credentials that prove nothing: none of them may get a signed-in route to answer 2xx/3xx. */
const UNVERIFIED = new Set(['forged-key', 'malformed-authorization', 'forged-session', 'anonymous']);

function pathOf(url: string): string {
  return new URL(url, 'http://fuzz').pathname;
}

export function answerProblems(request: FuzzRequest, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}: a 5xx is only for our own faults`);
  if (answer.status >= 400 && request.method !== 'HEAD') {
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      problems.push(`a ${answer.status} whose body is not JSON`);
    }
    if (parsed) {
      for (const field of ['error', 'message', 'code']) {
        if (typeof parsed[field] !== 'string') problems.push(`a ${answer.status} without a string "${field}"`);
      }
    }
  }
  // Stored data comes back as it was sent in JSON and CSV downloads (the client encodes it);
  // error messages and HTML pages must never echo markup.
  const html = String(answer.headers['content-type'] ?? '').startsWith('text/html');
  if ((answer.status >= 400 || html) && /<script>alert|onerror=alert/i.test(answer.body)) {
    problems.push('markup from the request came back unencoded');
  }

  const found = resolveRoute(routes, request.method, pathOf(request.url));
  const route = found.route;
  if (route === undefined || answer.status < 200) return problems;
  const mode = request.credential.mode;
  if (route.auth === 'user' && UNVERIFIED.has(mode) && answer.status < 400) {
    problems.push(`a ${mode} credential got ${answer.status} from the signed-in route ${route.id}`);
  }
  // Only requests whose headers the generator controls (free-form ones add their own CSRF headers).
  if (
    request.kind === 'route' &&
    route.csrf &&
    STATE_CHANGING.has(request.method) &&
    route.path.startsWith('/api/') &&
    lacksValidCsrf(request.credential)
  ) {
    const code = codeOf(answer.body) ?? '';
    const csrfRefusal = answer.status === 403 && code.startsWith('CSRF_');
    if (!csrfRefusal && !(answer.status >= 400 && BEFORE_CSRF.has(code))) {
      problems.push(`${mode} on ${route.id} got past CSRF: ${answer.status} ${code}`.trim());
    }
  }
  return problems;
}

function codeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Mail must carry no header injection (CR/LF in the subject or a recipient) and no link to a
 * host the request chose: every link points where the sign-up mail's link points.
 */
export function mailProblems(mail: readonly SentMail[], linkOrigin: string): string[] {
  const problems: string[] = [];
  for (const m of mail) {
    const where = `mail ${m.messageId} ${JSON.stringify(m.subject.slice(0, 80))}`;
    if (/[\r\n\u2028\u2029\u0085]/.test(m.subject)) problems.push(`${where}: line break in the subject`);
    for (const to of [...m.destination.to, ...m.destination.cc, ...m.destination.bcc]) {
      if (/[\r\n,;]/.test(to)) problems.push(`${where}: recipient ${JSON.stringify(to)}`);
    }
    for (const link of `${m.body.text ?? ''}`.match(/https?:\/\/[^\s"'<>]+/g) ?? []) {
      let origin = 'unparseable';
      try {
        origin = new URL(link).origin;
      } catch {}
      if (origin !== linkOrigin) problems.push(`${where}: link to ${link.slice(0, 120)} (expected ${linkOrigin})`);
    }
  }
  return problems;
}
