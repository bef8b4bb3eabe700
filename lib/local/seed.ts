/**
 * First-start seeding of the local runtime: one demo organization, workspace and owner,
 * created through the public sign-up route (so it is exactly what a user would get), with
 * the credentials kept under DATA_DIR and printed at every start.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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
export function ensureDemoAccount(baseUrl: string, dataDir: string, sesEndpoint: string): Promise<DemoAccount> {
  return ensureAccount(
    baseUrl,
    path.join(dataDir, 'demo-account.json'),
    { email: DEMO_EMAIL, passwordPrefix: 'demo', name: 'Demo Owner', organizationName: 'Demo Org' },
    () => verifyThroughOutbox(baseUrl, sesEndpoint, DEMO_EMAIL),
  );
}

/** Opens the newest verification link mailed to `email` in the local SES outbox. */
async function verifyThroughOutbox(baseUrl: string, sesEndpoint: string, email: string): Promise<void> {
  let token: string | undefined;
  for (let attempt = 0; attempt < 50 && token === undefined; attempt++) {
    const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; body: { text?: string } }>;
    };
    const mail = store.emails.filter((m) => m.destination.to.includes(email) && /verify-email/.test(m.body.text ?? ''));
    token = /verify-email#token=([A-Za-z0-9_-]+)/.exec(mail.at(-1)?.body.text ?? '')?.[1];
    if (token === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  if (token === undefined) throw new Error(`No verification mail for ${email} reached the local outbox`);
  const csrf = await fetch(`${baseUrl}/api/csrf-token`);
  const { token: csrfToken } = (await csrf.json()) as { token: string };
  const res = await fetch(`${baseUrl}/api/auth/verify-email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie: `csrf-token=${csrfToken}` },
    body: JSON.stringify({ token }),
  });
  if (res.status >= 300) throw new Error(`Verifying ${email} failed: ${res.status} ${await res.text()}`);
}

/**
 * Load mode's account (`npm run load:*`): its own organization and workspace, so load runs never
 * touch the demo workspace, with LOAD_SEED_CONTACTS contacts imported through the CSV route.
 * Credentials in DATA_DIR/load-account.json, read by load/processor.cjs.
 */
export function ensureLoadAccount(baseUrl: string, dataDir: string, sesEndpoint: string): Promise<DemoAccount> {
  const seedContacts = async (signedUp: SignedUp) => {
    await verifyThroughOutbox(baseUrl, sesEndpoint, LOAD_EMAIL);
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
    baseUrl,
    path.join(dataDir, 'load-account.json'),
    { email: LOAD_EMAIL, passwordPrefix: 'load', name: 'Load Test', organizationName: 'Load Test Org' },
    seedContacts,
  );
}

/**
 * The account saved in `file`, or a new one signed up (then `populate`d) and saved there.
 */
async function ensureAccount(
  baseUrl: string,
  file: string,
  who: { email: string; passwordPrefix: string; name: string; organizationName: string },
  populate?: (signedUp: SignedUp) => Promise<void>,
): Promise<DemoAccount> {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoAccount;
  const password = `${who.passwordPrefix}-${randomBytes(9).toString('base64url')}`;
  const { passwordPrefix: _, ...profile } = who;
  const signedUp = await signUp(baseUrl, { ...profile, password });
  await populate?.(signedUp);
  const account: DemoAccount = { email: who.email, password, workspaceId: signedUp.workspaceId };
  fs.writeFileSync(file, JSON.stringify(account, null, 2), { mode: 0o600 });
  return account;
}

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
    throw new Error(`Seeding ${input.email} failed: ${res.status} ${body.message ?? ''}`);
  }
  const cookie = (res.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(';')[0])
    .find((c) => c?.startsWith('session='));
  return { workspaceId: body.workspace.workspaceId, cookie: cookie ?? '', csrfToken: body.csrfToken };
}
