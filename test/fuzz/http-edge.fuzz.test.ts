/**
 * Generated requests against every declared route (and around them) through the local
 * runtime over real HTTP, signed in (a session with its CSRF token, a real API key) and not
 * (forged keys and sessions, malformed bearers, attacker-chosen CSRF pairs): whatever
 * arrives, the answer is never a 5xx, every 4xx follows the error contract, nothing
 * unverified gets past authentication or CSRF, and the mail the run causes carries no
 * injected header and no link to a host the request chose. See docs/FUZZING.md.
 *
 * Size and seed: FUZZ_RUNS (default 2000, the CI size), FUZZ_SEED (default: new, printed) and
 * FUZZ_PATH (fast-check's path of a counterexample); `npm run fuzz` runs the same suite at any size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/definition';
import type { Runtime } from '../../lib/local/runtime';
import { outbox, sessionHeaders } from '../support/accounts';
import { startTestRuntime } from '../support/local-runtime';
import { type LogTap, tapFunctionLogs } from '../support/log-tap';
import { formatReport } from './fuzz-report';
import { type FuzzTargets, prepareFuzzTargets } from './fuzz-targets';
import { CRLF_TEXTS } from './generators';
import { runHttpFuzz } from './http-fuzz';
import { mailProblems } from './invariants';
import { ROUTE_BODIES } from './route-bodies';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

let runtime: Runtime;
let targets: FuzzTargets;
let logs: LogTap;
beforeAll(async () => {
  logs = tapFunctionLogs();
  // Rate limits would answer most of the run from one address with 429 and hide what the
  // fuzzer is after; test/e2e/forged-credentials.test.ts and the rate-limit tests cover them.
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', LOG_LEVEL: 'WARN' }, { seed: false });
  targets = await prepareFuzzTargets(runtime);
});
afterAll(async () => {
  await runtime?.stop();
  logs?.stop();
});

const api = (path: string, init: RequestInit) => fetch(`${runtime.url}${path}`, init);

describe('HTTP edge under generated input', () => {
  it('every sample body of the fuzz table passes validation, so the fuzzer reaches the stores', async () => {
    for (const route of routes) {
      const sample = ROUTE_BODIES[route.id]?.sample?.(targets.known);
      if (sample === undefined || route.id === 'auth.logout') continue;
      const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => targets.params(route, name)[0] ?? 'x');
      const res = await api(path, {
        method: route.method,
        headers: { ...sessionHeaders(targets.owner), 'x-workspace-id': targets.owner.workspaceId },
        body: JSON.stringify(sample).replaceAll('{{unique}}', `sample${Date.now()}`),
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      expect(body.code, `${route.id}: ${res.status} ${JSON.stringify(body)}`).not.toBe('VALIDATION_FAILED');
      expect(res.status, route.id).toBeLessThan(500);
    }
  });

  it(`never answers 5xx, and nothing unverified gets through (${RUNS} requests, seed ${SEED})`, async () => {
    const path = process.env.FUZZ_PATH;
    const report = await runHttpFuzz({ targets, runs: RUNS, seed: SEED, logs, ...(path ? { path } : {}) });
    const replay = `FUZZ_RUNS=${RUNS} FUZZ_SEED=${SEED} npx vitest run test/fuzz (or npm run fuzz -- --runs ${RUNS} --seed ${SEED})`;
    const text = formatReport(report, runtime, replay);
    console.log(`HTTP fuzz: ${text}`);
    // Counts, not the objects: the report text is the readable account (and holds the replay).
    expect(report.failures.length, text).toBe(0);
    expect(report.mailProblems.length, text).toBe(0);
    expect(report.fiveXx, text).toBe(0);
    // The run reached past authentication: signed-in requests were answered 2xx.
    expect(
      Object.entries(report.statuses).some(([s, n]) => s.startsWith('2') && n > 0),
      text,
    ).toBe(true);
  });

  it('CR/LF in a workspace name or an invited address never reaches a mail header', async () => {
    const owner = targets.owner;
    const headers = { ...sessionHeaders(owner), 'x-workspace-id': owner.workspaceId };
    const before = (await outbox(runtime)).length;
    for (const [i, name] of CRLF_TEXTS.entries()) {
      const renamed = await api(`/api/workspaces/${owner.workspaceId}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ name }),
      });
      expect(renamed.status, `rename to ${JSON.stringify(name)}`).toBeLessThan(500);
      const invited = await api(`/api/workspaces/${owner.workspaceId}/invites`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: `crlf-${i}@example.com`, role: 'member' }),
      });
      expect(invited.status).toBeLessThan(500);
      const smuggled = await api(`/api/workspaces/${owner.workspaceId}/invites`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: `crlf-${i}@example.com\r\nBcc: victim@example.com`, role: 'member' }),
      });
      expect(smuggled.status).toBe(400);
    }
    const mail = (await outbox(runtime)).slice(before);
    expect(mailProblems(mail, targets.linkOrigin)).toEqual([]);
  });
});
