// Review round 16: this test failed at e19efd2.
/**
 * Defect: a password reset does not end a session that a log-in with the OLD password opens
 * concurrently. The reset stamps `sessionsValidFrom` with the time the confirmation STARTED
 * (`now` is read before the new password is hashed), and sweeps the sessions it can list right
 * after replacing the password. A log-in that started after that instant, checked the old
 * password against the old hash before the replacement, and writes its session after the sweep,
 * gets a session whose `createdAt` is later than `sessionsValidFrom`: it is never swept and never
 * refused, so the attacker the reset was meant to lock out keeps a working session (and with it
 * can mint fresh API keys, whose createdAt is after `apiKeysValidFrom` too). Both windows are
 * one scrypt each (~100 ms in production); an attacker who holds the stolen password and loops
 * log-ins lands in them.
 *
 * Severity: HIGH (a revoked credential still buys a full session after the reset that was
 * supposed to end everything the old password opened).
 *
 * Root cause: shared/identity/accounts/password-reset.ts:confirmPasswordReset takes `now` before
 * hashing and uses it for `sessions.revokeAll(user.userId, now)`; shared/adapters/dynamo-sessions.ts
 * activeSession compares `session.createdAt < sessionsValidFrom` (a wall-clock race), and
 * shared/identity/accounts/log-in.ts:logIn writes the session without checking that the password
 * it verified is still the current one (no credential version on the session).
 *
 * Correct behaviour: once a reset has completed, no session opened with the old password is
 * active: e.g. the session records the password version it was opened under and findActive
 * refuses a version older than the profile's current one (or logIn creates the session
 * conditionally on the credentials' passwordVersion it verified).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lib/definition';
import { type Emulators, ensureTables, localClientConfig, startEmulators } from '../../lib/local/emulators';
import { dynamoUserApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoDevices } from '../../shared/adapters/dynamo-devices';
import { dynamoLoginAttempts } from '../../shared/adapters/dynamo-login-attempts';
import { dynamoMailQuota } from '../../shared/adapters/dynamo-mail-quota';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoAccountTokens, dynamoUsers } from '../../shared/adapters/dynamo-users';
import { sesEmailSender } from '../../shared/adapters/ses-email';
import { logIn } from '../../shared/identity/accounts/log-in';
import { type PasswordHasher, scryptHasher } from '../../shared/identity/accounts/password';
import { confirmPasswordReset } from '../../shared/identity/accounts/password-reset';
import type { AccountDeps } from '../../shared/identity/accounts/ports';
import { signUp } from '../../shared/identity/accounts/sign-up';
import { newId, newToken, sha256 } from '../../shared/identity/tokens';

const PREFIX = 'r16i-reset-';
const CORE = `${PREFIX}core`;
const EPHEMERAL = `${PREFIX}ephemeral`;
const AUDIT = `${PREFIX}audit`;
const OLD_PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)', publicBaseUrl: 'http://localhost:3000' };
const ATTACKER = { ip: '198.51.100.66', userAgent: 'curl/8 (attacker)' };

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let ses: SESv2Client;
let clockMs = Date.UTC(2025, 5, 1, 12);

/** A gate a hasher call waits at until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  return { open, opened, reached, arrived };
}

/** The real hasher, with one `hash` and one `verify` call held at a gate when armed. */
function gatedHasher(inner: PasswordHasher) {
  const gates: { hash?: ReturnType<typeof gate>; verify?: ReturnType<typeof gate> } = {};
  const hasher: PasswordHasher = {
    async hash(password) {
      const g = gates.hash;
      gates.hash = undefined;
      if (g) {
        g.reached();
        await g.opened;
      }
      return inner.hash(password);
    },
    async verify(password, encoded) {
      const g = gates.verify;
      gates.verify = undefined;
      if (g) {
        g.reached();
        await g.opened;
      }
      return inner.verify(password, encoded);
    },
    needsRehash: (encoded) => inner.needsRehash(encoded),
    dummyHash: inner.dummyHash,
  };
  return { hasher, gates };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r16i-reset-'));
  emulators = await startEmulators({ dataDir });
  raw = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  ses = new SESv2Client(localClientConfig(emulators.ses.endpoint));
  await ensureTables(raw, tables, PREFIX);
});

afterAll(async () => {
  raw?.destroy();
  ses?.destroy();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('password reset vs a concurrent log-in with the old password', () => {
  it('leaves no session opened with the old password active once the reset has completed', async () => {
    const { hasher, gates } = gatedHasher(scryptHasher({ N: 2 ** 10, r: 8, p: 1, saltBytes: 16, keyBytes: 32 }));
    const deps: AccountDeps = {
      accounts: dynamoUsers(db, CORE),
      sessions: dynamoSessions(db, CORE),
      tokens: dynamoAccountTokens(db, EPHEMERAL),
      attempts: dynamoLoginAttempts(db, EPHEMERAL),
      mailQuota: dynamoMailQuota(db, EPHEMERAL),
      apiKeys: dynamoUserApiKeys(db, CORE),
      devices: dynamoDevices(db, CORE),
      email: sesEmailSender(ses, 'no-reply@unite-hub.local'),
      audit: dynamoAudit(db, AUDIT),
      alerts: dynamoSecurityAlerts(db, CORE),
      passwords: hasher,
      clock: { now: () => clockMs, sleep: async () => undefined },
    };
    const email = `victim-${newId()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}@example.com`;
    const { user } = await signUp({ email, password: OLD_PASSWORD, name: 'Victim' }, ORIGIN, deps);

    // The victim's reset link (as requestPasswordReset issues it).
    const resetToken = newToken();
    await deps.tokens.issue(
      sha256(resetToken),
      'password-reset',
      { userId: user.userId, passwordVersion: 0 },
      new Date(clockMs + 3600_000),
    );

    // T0: the victim confirms the reset; it is hashing the new password (~100 ms in production).
    clockMs += 1000;
    gates.hash = gate();
    const hashing = gates.hash;
    const reset = confirmPasswordReset({ token: resetToken, password: NEW_PASSWORD }, ORIGIN, deps);
    await hashing.arrived;

    // T0 + 50 ms: the attacker, who holds the old password, logs in; their check of the old
    // password against the (still current) old hash is in progress.
    clockMs += 50;
    gates.verify = gate();
    const verifying = gates.verify;
    const login = logIn({ email, password: OLD_PASSWORD }, ATTACKER, deps);
    await verifying.arrived;

    // The reset completes: password replaced, sessions swept, everything "ended".
    hashing.open();
    await reset;

    // The attacker's check finishes (the old hash it read was right) and its session is written.
    // (Fix: the log-in may as well open nothing and answer 401, as for a wrong password.)
    verifying.open();
    const outcome = await login.then(
      ({ sessionToken }) => ({ sessionToken }),
      (error: { status?: number; code?: string }) => ({ status: error.status, code: error.code }),
    );
    if (!('sessionToken' in outcome)) {
      expect(outcome).toEqual({ status: 401, code: 'INVALID_CREDENTIALS' });
      return;
    }

    // Later: the session opened with the old password must not authenticate anything.
    clockMs += 60_000;
    const found = await deps.sessions.findActive(sha256(outcome.sessionToken), new Date(clockMs), {
      userId: user.userId,
    });
    expect(found, 'a session opened with the pre-reset password is still active after the reset').toBeUndefined();
  });
});
