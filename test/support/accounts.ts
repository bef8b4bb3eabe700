/**
 * Signed-in callers for tests that must get past authentication (the fuzz suite, the
 * forged-credentials test): a real sign-up with the email verified through the outbox, the
 * session's CSRF token, and a real API key. Everything goes over HTTP, as a client would.
 */
import type { Runtime } from '../../lib/local/runtime';
import { PERMISSIONS } from '../../shared/identity/permissions';
import { firstWorkspaceOf } from './identity';
import { eventually } from './local-runtime';

export interface SignedInAccount {
  email: string;
  password: string;
  userId: string;
  workspaceId: string;
  organizationId: string;
  /** `session=…` */
  session: string;
  /** The CSRF token to send with this session (cookie `csrf-token` and header `x-csrf-token`). */
  csrf: string;
}

export interface SentMail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

let counter = 0;

/** Every message the SES emulator accepted, oldest first. */
export async function outbox(runtime: Runtime): Promise<SentMail[]> {
  const store = (await (await fetch(`${runtime.endpoints.ses}/store`)).json()) as { emails: SentMail[] };
  return store.emails;
}

/** The `token=` of the newest mail to `to` whose text matches `about`, waiting for it to arrive. */
export async function mailedToken(runtime: Runtime, to: string, about: RegExp): Promise<string> {
  return eventually(async () => {
    const mail = (await outbox(runtime))
      .filter((m) => m.destination.to.includes(to) && about.test(`${m.subject}\n${m.body.text ?? ''}`))
      .at(-1);
    const token = /token=([A-Za-z0-9_%-]+)/.exec(mail?.body.text ?? mail?.body.html ?? '')?.[1];
    return token === undefined ? undefined : decodeURIComponent(token);
  });
}

/** A double-submit CSRF token for a caller without a session (`csrf-token` cookie = header). */
export async function anonymousCsrf(runtime: Runtime): Promise<string> {
  const res = await fetch(`${runtime.url}/api/csrf-token`);
  return ((await res.json()) as { token: string }).token;
}

/** The CSRF token the server expects with `session` (bound to it, or double submit on older edges). */
export async function sessionCsrf(runtime: Runtime, session: string): Promise<string> {
  const res = await fetch(`${runtime.url}/api/csrf-token`, { headers: { cookie: session } });
  return ((await res.json()) as { token: string }).token;
}

/** Headers of a browser-like request in `account`'s session, CSRF token included. */
export const sessionHeaders = (account: Pick<SignedInAccount, 'session' | 'csrf'>): Record<string, string> => ({
  cookie: `${account.session}; csrf-token=${account.csrf}`,
  'x-csrf-token': account.csrf,
  'content-type': 'application/json',
});

const sessionOf = (res: Response): string => {
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('session='));
  if (!cookie) throw new Error(`No session cookie in the answer (${res.status})`);
  return cookie;
};

async function expectStatus(res: Response, status: number, what: string): Promise<Response> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

/** Signs a new user up, verifies the address with the mailed token, and returns the session. */
export async function signedInAccount(runtime: Runtime, label: string): Promise<SignedInAccount> {
  counter += 1;
  const email = `${label}-${Date.now().toString(36)}-${counter}@example.com`;
  const password = `Pw ${label} ${counter} a sturdy passphrase`;
  const token = await anonymousCsrf(runtime);
  const signup = await expectStatus(
    await fetch(`${runtime.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` },
      body: JSON.stringify({ email, password, name: label, organizationName: `${label} org` }),
    }),
    201,
    `sign-up of ${email}`,
  );
  const session = sessionOf(signup);
  const csrf = await sessionCsrf(runtime, session);
  const verifyToken = await mailedToken(runtime, email, /confirm your email/i);
  await expectStatus(
    await fetch(`${runtime.url}/api/auth/verify-email`, {
      method: 'POST',
      headers: sessionHeaders({ session, csrf }),
      body: JSON.stringify({ token: verifyToken }),
    }),
    204,
    `email verification of ${email}`,
  );
  return {
    email,
    password,
    ...(await firstWorkspaceOf(runtime, session, email)),
    session,
    csrf,
  };
}

/** A fresh session of an existing account (a log-in), e.g. one a test may end. */
export async function logIn(
  runtime: Runtime,
  account: Pick<SignedInAccount, 'email' | 'password'>,
): Promise<{ session: string; csrf: string }> {
  const token = await anonymousCsrf(runtime);
  const res = await expectStatus(
    await fetch(`${runtime.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` },
      body: JSON.stringify({ email: account.email, password: account.password }),
    }),
    200,
    `log-in of ${account.email}`,
  );
  const session = sessionOf(res);
  return { session, csrf: await sessionCsrf(runtime, session) };
}

/** Creates an API key in the account's workspace (every scope unless given) and returns it with its id. */
export async function createApiKey(
  runtime: Runtime,
  account: SignedInAccount,
  scopes: readonly string[] = PERMISSIONS,
): Promise<{ key: string; keyId: string }> {
  const res = await expectStatus(
    await fetch(`${runtime.url}/api/security/api-keys`, {
      method: 'POST',
      headers: { ...sessionHeaders(account), 'x-workspace-id': account.workspaceId },
      body: JSON.stringify({ name: `key ${++counter}`, scopes }),
    }),
    201,
    `API key of ${account.email}`,
  );
  const body = (await res.json()) as { key: string; apiKey: { keyId: string } };
  return { key: body.key, keyId: body.apiKey.keyId };
}

/** Revokes an API key (in the session of its workspace's owner). */
export async function revokeApiKey(runtime: Runtime, account: SignedInAccount, keyId: string): Promise<void> {
  await expectStatus(
    await fetch(`${runtime.url}/api/security/api-keys/${keyId}`, {
      method: 'DELETE',
      headers: { ...sessionHeaders(account), 'x-workspace-id': account.workspaceId },
    }),
    204,
    `revocation of key ${keyId}`,
  );
}
