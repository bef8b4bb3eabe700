/**
 * First-start seeding of the local runtime: one demo organization, workspace and owner,
 * created through the public sign-up route (so it is exactly what a user would get), with
 * the credentials kept under DATA_DIR and printed at every start.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readJsonStateOrSetAside, writeJsonState } from './state-file';

export interface DemoAccount {
  email: string;
  password: string;
  workspaceId: string;
}

const DEMO_EMAIL = 'demo@unite-hub.local';
const LOAD_EMAIL = 'load-test@unite-hub.local';
/** Contacts the load-test workspace starts with, so read flows page through real rows. */
export const LOAD_SEED_CONTACTS = 200;

/**
 * The demo owner, with its email verified (through the link in the local outbox, as a user
 * would), so it may create API keys and send invites from the first start.
 */
export function ensureDemoAccount(
  baseUrl: string,
  dataDir: string,
  sesEndpoint: string,
  log: (line: string) => void = console.log,
): Promise<DemoAccount> {
  return ensureAccount(
    log,
    baseUrl,
    path.join(dataDir, 'demo-account.json'),
    { email: DEMO_EMAIL, passwordPrefix: 'demo', name: 'Demo Owner', organizationName: 'Demo Org' },
    undefined,
    { sesEndpoint, verify: () => verifyThroughOutbox(baseUrl, sesEndpoint, DEMO_EMAIL) },
  );
}

/** Opens the newest verification link mailed to `email` in the local SES outbox. */
async function verifyThroughOutbox(baseUrl: string, sesEndpoint: string, email: string): Promise<void> {
  let token: string | undefined;
  for (let attempt = 0; attempt < 50 && token === undefined; attempt++) {
    token = (await mailedTokens(sesEndpoint, email, 'verify-email')).at(-1);
    if (token === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  if (token === undefined) throw new Error(`No verification mail for ${email} reached the local outbox`);
  const res = await fetch(`${baseUrl}/api/auth/verify-email`, {
    method: 'POST',
    headers: await csrfHeaders(baseUrl),
    body: JSON.stringify({ token }),
  });
  if (res.status >= 300) throw new Error(`Verifying ${email} failed: ${res.status} ${await res.text()}`);
}

/**
 * Load mode's account (`npm run load:*`): its own organization and workspace, so load runs never
 * touch the demo workspace, with LOAD_SEED_CONTACTS contacts imported through the CSV route
 * (an upsert: a resumed seeding imports them again and changes nothing).
 * Credentials in DATA_DIR/load-account.json, read by load/processor.cjs.
 */
export function ensureLoadAccount(
  baseUrl: string,
  dataDir: string,
  sesEndpoint: string,
  log: (line: string) => void = console.log,
): Promise<DemoAccount> {
  const seedContacts = async (signedUp: SignedUp) => {
    const token = signedUp.csrfToken;
    const rows = Array.from({ length: LOAD_SEED_CONTACTS }, (_, i) => {
      const n = String(i + 1).padStart(3, '0');
      return `seed-${n}@load.example,Seed,Contact ${n},Load Co ${i % 20},${i % 3 === 0 ? 'customer' : 'lead'}`;
    });
    const imported = await fetch(`${baseUrl}/api/contacts/import`, {
      method: 'POST',
      headers: {
        'content-type': 'text/csv',
        'x-csrf-token': token,
        'x-workspace-id': signedUp.workspaceId,
        cookie: signedUp.cookie,
      },
      body: `email,firstName,lastName,company,status\n${rows.join('\n')}\n`,
    });
    if (imported.status !== 200) {
      throw new Error(`Seeding the load-test contacts failed: ${imported.status} ${await imported.text()}`);
    }
  };
  return ensureAccount(
    log,
    baseUrl,
    path.join(dataDir, 'load-account.json'),
    { email: LOAD_EMAIL, passwordPrefix: 'load', name: 'Load Test', organizationName: 'Load Test Org' },
    seedContacts,
    { sesEndpoint, verify: () => verifyThroughOutbox(baseUrl, sesEndpoint, LOAD_EMAIL) },
  );
}

/**
 * The account saved in `file`, or a new one signed up (then `populate`d) and saved there.
 *
 * Resumable: a start killed at any point leaves a directory the next start opens. The chosen
 * credentials are saved (atomically) in `<name>.pending.json` before the sign-up, and `file`
 * is written (atomically) only once the account is complete, so `file` always names a usable,
 * verified, populated account. A sign-up answered 409 (the address is taken: a killed start
 * signed it up, or `file` was deleted) is taken as "already signed up": the password is set to
 * the saved one through a reset link in the local outbox (which also verifies the address), the
 * account logs in, and `populate` runs again (it must be idempotent).
 */
async function ensureAccount(
  log: (line: string) => void,
  baseUrl: string,
  file: string,
  who: { email: string; passwordPrefix: string; name: string; organizationName: string },
  populate: ((signedUp: SignedUp) => Promise<void>) | undefined,
  mail: { sesEndpoint: string; verify: (signedUp: SignedUp) => Promise<void> },
): Promise<DemoAccount> {
  // A damaged file (a hand edit) is moved aside, loudly: the account is set up again, its password
  // reset through the outbox when it exists (the 409 path below), and printed as at a first start.
  const again = `${who.email} is signed up again, or its password reset when it exists (printed below)`;
  const saved = readJsonStateOrSetAside<DemoAccount>(file, log, again);
  if (saved) return saved;
  const pendingFile = file.replace(/\.json$/, '.pending.json');
  const pending = readJsonStateOrSetAside<{ email?: unknown; password?: unknown }>(pendingFile, log, again);
  const password =
    pending?.email === who.email && typeof pending.password === 'string'
      ? pending.password
      : `${who.passwordPrefix}-${randomBytes(9).toString('base64url')}`;
  if (pending?.password !== password) writeJsonState(pendingFile, { email: who.email, password }, 0o600);
  const { passwordPrefix: _, ...profile } = who;
  let signedUp: SignedUp;
  try {
    signedUp = await signUp(baseUrl, { ...profile, password });
    await mail.verify(signedUp);
  } catch (error) {
    if (!(error instanceof EmailTaken)) throw error;
    await resetThroughOutbox(baseUrl, mail.sesEndpoint, who.email, password);
    signedUp = await logIn(baseUrl, who.email, password);
  }
  await populate?.(signedUp);
  const account: DemoAccount = { email: who.email, password, workspaceId: signedUp.workspaceId };
  writeJsonState(file, account, 0o600);
  fs.rmSync(pendingFile, { force: true });
  return account;
}

/** The sign-up was refused because the address already has an account (409). */
export class EmailTaken extends Error {}

/** A CSRF token and the headers a public state-changing request sends with it. */
async function csrfHeaders(baseUrl: string): Promise<Record<string, string>> {
  const { token } = (await (await fetch(`${baseUrl}/api/csrf-token`)).json()) as { token: string };
  return { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` };
}

/** The links of `page` (`verify-email`, `reset-password`) mailed to `email` in the local SES outbox, oldest first. */
async function mailedTokens(sesEndpoint: string, email: string, page: string): Promise<string[]> {
  const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] }; body: { text?: string } }>;
  };
  const link = new RegExp(`${page}#token=([A-Za-z0-9_-]+)`);
  return store.emails
    .filter((m) => m.destination.to.includes(email))
    .map((m) => link.exec(m.body.text ?? '')?.[1])
    .filter((t): t is string => t !== undefined);
}

/**
 * Sets `email`'s password to `password` as its owner would: asks for a reset link, opens the
 * new one in the local outbox and confirms it (which also marks the address verified).
 */
async function resetThroughOutbox(baseUrl: string, sesEndpoint: string, email: string, password: string) {
  const before = (await mailedTokens(sesEndpoint, email, 'reset-password')).length;
  const asked = await fetch(`${baseUrl}/api/auth/password-reset`, {
    method: 'POST',
    headers: await csrfHeaders(baseUrl),
    body: JSON.stringify({ email }),
  });
  if (asked.status !== 202) throw new Error(`Resuming ${email}: password reset ${asked.status} ${await asked.text()}`);
  let token: string | undefined;
  for (let attempt = 0; attempt < 300 && token === undefined; attempt++) {
    token = (await mailedTokens(sesEndpoint, email, 'reset-password')).slice(before).at(-1);
    if (token === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  if (token === undefined) {
    throw new Error(
      `${email} is signed up but its saved credentials are not usable, and no password reset mail reached the local outbox (at most 5 an hour): start again later, or delete the data directory`,
    );
  }
  const res = await fetch(`${baseUrl}/api/auth/password-reset/confirm`, {
    method: 'POST',
    headers: await csrfHeaders(baseUrl),
    body: JSON.stringify({ token, password }),
  });
  if (res.status !== 204) throw new Error(`Resuming ${email}: password reset ${res.status} ${await res.text()}`);
}

/** Logs in through the HTTP API as a browser would. */
async function logIn(baseUrl: string, email: string, password: string): Promise<SignedUp> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: await csrfHeaders(baseUrl),
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { workspaceId?: string; csrfToken?: string; message?: string };
  if (res.status !== 200 || !body.workspaceId || !body.csrfToken) {
    throw new Error(`Logging ${email} in failed: ${res.status} ${body.message ?? ''}`);
  }
  return { workspaceId: body.workspaceId, cookie: sessionCookieOf(res), csrfToken: body.csrfToken };
}

const sessionCookieOf = (res: Response): string =>
  (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c?.startsWith('session=')) ?? '';

/** A new account's session: its cookie and the CSRF token bound to it. */
export interface SignedUp {
  readonly workspaceId: string;
  /** `session=…` */
  readonly cookie: string;
  /** The session's CSRF token, for `x-csrf-token` on its state-changing requests. */
  readonly csrfToken: string;
}

/** Signs up through the HTTP API as a browser would: CSRF token first, then the form. */
export async function signUp(
  baseUrl: string,
  input: { email: string; password: string; name: string; organizationName?: string },
): Promise<SignedUp> {
  const csrf = await fetch(`${baseUrl}/api/csrf-token`);
  const { token } = (await csrf.json()) as { token: string };
  const res = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: `csrf-token=${token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { workspace?: { workspaceId: string }; csrfToken?: string; message?: string };
  if (res.status !== 201 || !body.workspace || !body.csrfToken) {
    const message = `Seeding ${input.email} failed: ${res.status} ${body.message ?? ''}`;
    throw res.status === 409 ? new EmailTaken(message) : new Error(message);
  }
  return { workspaceId: body.workspace.workspaceId, cookie: sessionCookieOf(res), csrfToken: body.csrfToken };
}
