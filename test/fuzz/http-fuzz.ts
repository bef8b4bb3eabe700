/**
 * The HTTP fuzz suite as a function, shared by the vitest project (CI size) and
 * `npm run fuzz` (any size): generated requests against a running local runtime, one at a
 * time, each checked against the invariants; then the mail the run caused. Reports the
 * seed, counts and status histogram, and on failure fast-check's minimal counterexample
 * with the function's own error log lines for it.
 */
import http from 'node:http';
import fc from 'fast-check';
import { outbox } from '../support/accounts';
import type { LogTap } from '../support/log-tap';
import { type FuzzRequest, fuzzRequest, headerSafe } from './fuzz-request';
import type { FuzzTargets } from './fuzz-targets';
import { type Answer, answerProblems, mailProblems } from './invariants';

export interface FuzzOptions {
  readonly targets: FuzzTargets;
  readonly runs: number;
  readonly seed: number;
  /** fast-check's replay path of a counterexample (`--path`), with the same seed. */
  readonly path?: string;
  /** Record every failing request and carry on, instead of stopping at the first and shrinking it. */
  readonly keepGoing?: boolean;
  readonly logs?: LogTap;
  readonly onProgress?: (sent: number) => void;
}

export interface FuzzFailure {
  readonly request: FuzzRequest;
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
  readonly problems: readonly string[];
  readonly logLines: readonly string[];
}

export interface FuzzReport {
  readonly seed: number;
  readonly runs: number;
  /** Requests sent while generating (shrinking a failure sends more, counted apart). */
  readonly requests: number;
  readonly shrinkRequests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly codes: Readonly<Record<string, number>>;
  readonly credentials: Readonly<Record<string, number>>;
  readonly fiveXx: number;
  readonly durationMs: number;
  /** The minimal counterexample (stop-at-first mode), or every failure (keep-going mode). */
  readonly failures: readonly FuzzFailure[];
  readonly counterexamplePath?: string;
  readonly mailProblems: readonly string[];
  readonly mailCount: number;
}

const TIMEOUT_MS = 30_000;
let unique = 0;

/** The headers of a credential mode, with the run's real session and key where it uses them. */
function credentialHeaders(targets: FuzzTargets, request: FuzzRequest): Record<string, string> {
  // auth.logout ends the session it is sent with: it gets the spare one, the main one lives on.
  const session = request.routeId === 'auth.logout' ? targets.spare : targets.owner;
  const signedIn = { cookie: `${session.session}; csrf-token=${session.csrf}`, 'x-csrf-token': session.csrf };
  const pair = (csrf: string | undefined): Record<string, string> =>
    csrf ? { cookie: `csrf-token=${csrf}`, 'x-csrf-token': csrf } : {};
  const c = request.credential;
  switch (c.mode) {
    case 'session':
      return signedIn;
    case 'session-no-csrf':
      return { cookie: session.session };
    case 'session-attacker-csrf':
      return { cookie: `${session.session}; csrf-token=${c.csrf}`, 'x-csrf-token': c.csrf };
    case 'session-foreign-origin':
      return { ...signedIn, origin: 'http://attacker.example' };
    case 'api-key':
      return { authorization: `Bearer ${targets.apiKey}` };
    case 'forged-key':
      return { authorization: `Bearer ${c.key}`, ...pair(c.csrf) };
    case 'malformed-authorization':
      return { authorization: c.authorization, ...pair(c.csrf) };
    case 'forged-session':
      return { cookie: `session=${c.session}; csrf-token=${c.csrf}`, 'x-csrf-token': c.csrf };
    case 'anonymous':
      return pair(c.csrf);
  }
}

/** Sends one generated request with the run's real credentials filled in. */
export function send(targets: FuzzTargets, request: FuzzRequest): Promise<Answer> {
  const credentials = credentialHeaders(targets, request);
  const body = request.body?.replaceAll('{{unique}}', `${Date.now().toString(36)}${++unique}`);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries({ ...request.headers, ...credentials })) {
    headers[name] = Array.isArray(value) ? value.map(headerSafe) : headerSafe(value);
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = http.request(`${targets.runtime.url}${request.url}`, { method: request.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

class InvariantBroken extends Error {
  constructor(readonly failure: FuzzFailure) {
    super(failure.problems.join('; '));
    this.name = 'InvariantBroken';
  }
}

export async function runHttpFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { targets, runs, seed } = options;
  const started = Date.now();
  const mailBefore = (await outbox(targets.runtime)).length;
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  const credentials: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let requests = 0;
  let shrinkRequests = 0;
  let shrinking = false;
  let fiveXx = 0;

  const property = fc.asyncProperty(fuzzRequest(targets), async (request) => {
    let answer: Answer;
    try {
      answer = await send(targets, request);
    } catch (error) {
      answer = { status: 599, headers: {}, body: `request failed: ${(error as Error).message}` };
    }
    if (shrinking) shrinkRequests += 1;
    else {
      requests += 1;
      bump(statuses, String(answer.status));
      bump(credentials, request.credential.mode);
      if (answer.status >= 400) bump(codes, `${answer.status} ${codeOf(answer.body)}`);
      if (answer.status >= 500) fiveXx += 1;
      if (requests % 1000 === 0) options.onProgress?.(requests);
    }
    const problems = answerProblems(request, answer);
    if (problems.length === 0) return true;
    const requestId = String(answer.headers['apigw-requestid'] ?? '');
    const failure: FuzzFailure = {
      request,
      status: answer.status,
      body: answer.body.slice(0, 500),
      requestId,
      problems,
      logLines: requestId ? (options.logs?.linesFor(requestId) ?? []) : [],
    };
    if (options.keepGoing) {
      failures.push(failure);
      return true;
    }
    shrinking = true;
    throw new InvariantBroken(failure);
  });

  const details = await fc.check(property, {
    numRuns: runs,
    seed,
    ...(options.path ? { path: options.path } : {}),
  });
  if (details.failed && !options.keepGoing) {
    const error = details.errorInstance;
    if (error instanceof InvariantBroken) failures.push(error.failure);
    else throw error instanceof Error ? error : new Error(String(error));
  }
  const mail = (await outbox(targets.runtime)).slice(mailBefore);
  return {
    seed,
    runs,
    requests,
    shrinkRequests,
    statuses,
    codes,
    credentials,
    fiveXx,
    durationMs: Date.now() - started,
    failures,
    ...(details.counterexamplePath ? { counterexamplePath: details.counterexamplePath } : {}),
    mailProblems: mailProblems(mail, targets.linkOrigin),
    mailCount: mail.length,
  };
}

function codeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { code?: unknown }).code ?? '-');
  } catch {
    return 'not-json';
  }
}
