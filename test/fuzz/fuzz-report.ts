/**
 * The fuzz report as text: what a person reads at the end of `npm run fuzz` or of a failed
 * CI run. Counts first, then each failure with a curl command to replay it by hand and the
 * function's own log lines for its request id.
 */
import type { Runtime } from '../../lib/local/runtime';
import type { FuzzRequest } from './fuzz-request';
import type { FuzzFailure, FuzzReport } from './http-fuzz';

/** A curl command for a request (the run's secrets as shell variables). */
export function curlOf(runtime: Runtime, request: FuzzRequest): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const c = request.credential;
  const auth =
    c.mode === 'api-key'
      ? ['-H "authorization: Bearer $API_KEY"']
      : c.mode.startsWith('session')
        ? [
            '-b "$SESSION_COOKIES"',
            ...(c.mode === 'session' || c.mode === 'session-foreign-origin' ? ['-H "x-csrf-token: $CSRF"'] : []),
          ]
        : [];
  const csrf = 'csrf' in c && c.csrf ? c.csrf : undefined;
  const credentialHeaders = [
    ...(c.mode === 'forged-key' ? [`-H ${q(`authorization: Bearer ${c.key}`)}`] : []),
    ...(c.mode === 'malformed-authorization' ? [`-H ${q(`authorization: ${c.authorization.slice(0, 200)}`)}`] : []),
    ...(c.mode === 'forged-session' ? [`-b ${q(`session=${c.session.slice(0, 200)}; csrf-token=${c.csrf}`)}`] : []),
    ...(csrf && c.mode !== 'forged-session' && !c.mode.startsWith('session') ? [`-b ${q(`csrf-token=${csrf}`)}`] : []),
    ...(csrf ? [`-H ${q(`x-csrf-token: ${csrf}`)}`] : []),
    ...(c.mode === 'session-foreign-origin' ? [`-H 'origin: http://attacker.example'`] : []),
  ];
  const headers = Object.entries(request.headers).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map(
      (one) => `-H ${q(`${k}: ${one.length > 200 ? `${one.slice(0, 40)}…(${one.length})` : one}`)}`,
    ),
  );
  const url = request.url.length > 400 ? `${request.url.slice(0, 200)}…(${request.url.length} chars)` : request.url;
  const body =
    request.body === undefined
      ? []
      : [`--data-raw ${q(request.body.length > 600 ? `${request.body.slice(0, 600)}…` : request.body)}`];
  return [
    'curl -si',
    `-X ${request.method}`,
    ...auth,
    ...credentialHeaders,
    ...headers,
    ...body,
    q(`${runtime.url}${url}`),
  ].join(' ');
}

/** The report as text: what a person reads at the end of `npm run fuzz` or a failed CI run. */
export function formatReport(report: FuzzReport, runtime: Runtime, replay: string): string {
  const sorted = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  const lines = [
    `seed ${report.seed}, ${report.requests} generated requests in ${(report.durationMs / 1000).toFixed(1)} s` +
      (report.shrinkRequests ? ` (+${report.shrinkRequests} while shrinking)` : ''),
    `statuses: ${sorted(report.statuses)}`,
    `5xx: ${report.fiveXx}`,
    `4xx codes: ${sorted(report.codes)}`,
    `credentials: ${sorted(report.credentials)}`,
    `mail sent: ${report.mailCount}, mail problems: ${report.mailProblems.length}`,
    `replay: ${replay}`,
    ...(report.counterexamplePath
      ? [`replay the counterexample only: seed ${report.seed}, path ${report.counterexamplePath}`]
      : []),
  ];
  // Keep-going runs may fail many times the same way: one example per route, status and problem.
  const groups = new Map<string, { first: FuzzFailure; count: number }>();
  for (const failure of report.failures) {
    const key = `${failure.request.routeId ?? failure.request.kind} ${failure.status} ${failure.problems[0]}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { first: failure, count: 1 });
  }
  for (const { first: failure, count } of groups.values()) {
    lines.push(
      '',
      `FAILED${count > 1 ? ` ×${count}` : ''} ${failure.request.routeId ?? failure.request.kind} [${failure.request.credential.mode}; hostile: ${failure.request.hostile}]`,
      `  problems: ${failure.problems.join('; ')}`,
      `  answer: ${failure.status} ${failure.body.slice(0, 300)}`,
      `  request: ${curlOf(runtime, failure.request)}`,
      ...failure.logLines.map((l) => `  log: ${l.slice(0, 1500)}`),
    );
  }
  for (const problem of report.mailProblems.slice(0, 20)) lines.push(`MAIL ${problem}`);
  if (report.mailProblems.length > 20) lines.push(`MAIL … ${report.mailProblems.length - 20} more`);
  return lines.join('\n');
}
