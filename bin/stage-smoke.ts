/**
 * The deploy pipeline's smoke checks of a deployed stage (lib/cdk/pipeline-stack.ts, step
 * `Smoke` after `dev`): `npx tsx bin/stage-smoke.ts`, with
 *
 * - STAGE_URL: the stage's public URL (the App stack's `ApiUrl` output, CloudFront);
 * - LOAD_TEST_EMAIL, LOAD_TEST_PASSWORD: an account signed up on that stage for the smoke (in
 *   the pipeline, CodeBuild reads them from the secret `unite-hub/<stage>/smoke-account`).
 *
 * Checks, in order, each with retries while a fresh deploy settles (CloudFront, cold starts):
 * `GET /api/health` 200, `GET /api/health?deep=1` 200 (DynamoDB, SQS and SES answer), then
 * signs in (CSRF token, `POST /api/auth/login`) and reads `GET /api/auth/me` and
 * `GET /api/contacts/list?limit=1` with the session: 200. Exits 1 on the first failure. The
 * pipeline then runs the load smoke profile against the same URL (docs/runbooks/pipeline.md).
 * Nothing here prints the password or the session.
 */

import { setTimeout as sleep } from 'node:timers/promises';

const ATTEMPTS = 5;
const TIMEOUT_MS = 10_000;

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    console.error(`stage-smoke: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const base = required('STAGE_URL').replace(/\/+$/, '');
const email = required('LOAD_TEST_EMAIL');
const password = required('LOAD_TEST_PASSWORD');

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly cookies: Record<string, string>;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the message
  }
  const cookies = Object.fromEntries(
    res.headers.getSetCookie().map((c) => {
      const [pair = ''] = c.split(';');
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return { status: res.status, body, cookies };
}

/** A failure waiting cannot fix (a 4xx other than 429): no retry, so a wrong password is tried once. */
class Final extends Error {}

/** Runs `check` until it passes or ATTEMPTS are spent, 2, 4, 8... seconds apart. */
async function step<T>(name: string, check: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await check();
      console.log(`ok   ${name}`);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= ATTEMPTS || error instanceof Final) {
        console.error(`FAIL ${name}: ${message}`);
        process.exit(1);
      }
      console.log(`wait ${name} (attempt ${attempt}/${ATTEMPTS}): ${message}`);
      await sleep(1000 * 2 ** attempt);
    }
  }
}

const retryable = (status: number) => status >= 500 || status === 429;

function expectStatus(answer: Answer, status: number): void {
  if (answer.status !== status) {
    const detail = typeof answer.body === 'string' ? answer.body.slice(0, 200) : JSON.stringify(answer.body);
    const Failure = retryable(answer.status) ? Error : Final;
    throw new Failure(`expected ${status}, got ${answer.status}: ${detail}`);
  }
}

const field = (body: unknown, key: string): string | undefined => {
  const value = (body as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : undefined;
};

console.log(`Smoke of ${base}`);
await step('GET /api/health', async () => expectStatus(await call('/api/health'), 200));
await step('GET /api/health?deep=1', async () => {
  const answer = await call('/api/health?deep=1');
  expectStatus(answer, 200);
  if (field(answer.body, 'status') === 'unhealthy') throw new Error(JSON.stringify(answer.body));
});

const session = await step('sign in (csrf token, POST /api/auth/login)', async () => {
  const csrf = await call('/api/csrf-token');
  expectStatus(csrf, 200);
  const token = field(csrf.body, 'token');
  if (!token) throw new Error('no CSRF token in the answer');
  const login = await call('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` },
    body: JSON.stringify({ email, password }),
  });
  // The answer's body is not printed: it may echo what was sent.
  if (login.status !== 200) {
    throw new (retryable(login.status) ? Error : Final)(`expected 200, got ${login.status}`);
  }
  const cookie = login.cookies.session;
  if (!cookie) throw new Error('the log-in set no session cookie');
  return `session=${cookie}`;
});

await step('GET /api/auth/me (signed in)', async () =>
  expectStatus(await call('/api/auth/me', { headers: { cookie: session } }), 200),
);
await step('GET /api/contacts/list?limit=1 (signed in)', async () =>
  expectStatus(await call('/api/contacts/list?limit=1', { headers: { cookie: session } }), 200),
);
console.log('Smoke passed.');
