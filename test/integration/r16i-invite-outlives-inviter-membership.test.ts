// Review round 16: this test failed at e19efd2.
/**
 * Defect: an invite handed out in an EARLIER membership of its inviter comes back to life when
 * the inviter is removed and later added back. A removal withdraws the inviter's pending invites
 * through the workspace's gsi1 listing, which may lag behind a just-sent invite (the adapter says
 * so: "acceptInvite checks the inviter's standing again, so one it misses still cannot be used").
 * But that accept-time check (inviterMaySend) only asks whether the inviter is a member NOW with a
 * role that may send it: it never compares the invite's createdAt with the inviter's current
 * joinedAt. API keys have exactly this rule ("a key outlives nothing: one made in an earlier
 * membership (removed, later added back) is dead, even if the removal's revocation has not
 * reached it yet", authenticate.ts resolveWorkspace); invites do not. So a member who sends an
 * invite (e.g. to a second address of their own) just before being removed, and is later
 * re-invited, lets the stale invite in: exactly what removeMember says it prevents ("an invite
 * they sent to a second address of theirs would otherwise let them in again").
 *
 * Severity: MEDIUM (a grant from an ended membership still buys a membership; needs the sweep to
 * miss the invite, which the code itself treats as possible, then a re-add).
 *
 * Root cause: shared/workspaces/use-cases.ts:inviterMaySend (used by acceptInvite) ignores
 * `inviter.membership.joinedAt`.
 *
 * Correct behaviour: an invite whose createdAt is before its inviter's current membership's
 * joinedAt is withdrawn at accept time (410 INVITE_REVOKED), as a key older than its creator's
 * membership is refused.
 *
 * The lagging index is modelled by a store whose removal sweep (revokeInvitesFrom) lists nothing,
 * as gsi1 answers right after the invite was written; everything else is the real DynamoDB store.
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
import { dynamoApiKeys, dynamoUserApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoDevices } from '../../shared/adapters/dynamo-devices';
import { dynamoLoginAttempts } from '../../shared/adapters/dynamo-login-attempts';
import { dynamoMailQuota } from '../../shared/adapters/dynamo-mail-quota';
import { dynamoSecurityAlerts } from '../../shared/adapters/dynamo-security-alerts';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoAccountTokens, dynamoUsers } from '../../shared/adapters/dynamo-users';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import type { Caller } from '../../shared/governance/ports';
import { scryptHasher } from '../../shared/identity/accounts/password';
import type { AccountDeps } from '../../shared/identity/accounts/ports';
import { signUp } from '../../shared/identity/accounts/sign-up';
import type { AuthContext } from '../../shared/identity/auth-context';
import type { User } from '../../shared/identity/model';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { newId } from '../../shared/identity/tokens';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import * as uc from '../../shared/workspaces/use-cases';

const PREFIX = 'r16i-inv-';
const CORE = `${PREFIX}core`;
const EPHEMERAL = `${PREFIX}ephemeral`;
const AUDIT = `${PREFIX}audit`;
const PASSWORD = 'correct horse battery';
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)', publicBaseUrl: 'http://localhost:3000' };

let dataDir: string;
let emulators: Emulators;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let ses: SESv2Client;
let clockMs = Date.UTC(2025, 5, 1, 12);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'r16i-inv-'));
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

describe('an invite from an ended membership of its inviter', () => {
  it('is refused after the inviter was removed and added back', async () => {
    const accountDeps: AccountDeps = {
      accounts: dynamoUsers(db, CORE),
      sessions: dynamoSessions(db, CORE),
      tokens: dynamoAccountTokens(db, EPHEMERAL),
      attempts: dynamoLoginAttempts(db, EPHEMERAL),
      mailQuota: dynamoMailQuota(db, EPHEMERAL),
      apiKeys: dynamoUserApiKeys(db, CORE),
      devices: dynamoDevices(db, CORE),
      email: { send: async () => ({ messageId: 'm' }) },
      audit: dynamoAudit(db, AUDIT),
      alerts: dynamoSecurityAlerts(db, CORE),
      passwords: scryptHasher({ N: 2 ** 10, r: 8, p: 1, saltBytes: 16, keyBytes: 32 }),
      clock: { now: () => clockMs, sleep: async () => undefined },
    };
    const person = async (name: string): Promise<User> => {
      const email = `${name}-${newId()
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')}@example.com`;
      const { user } = await signUp({ email, password: PASSWORD, name }, ORIGIN, accountDeps);
      await accountDeps.accounts.markEmailVerified(user.userId, new Date(clockMs));
      return { ...user, emailVerified: true };
    };

    const real = dynamoWorkspaces(db, CORE);
    // The removal's sweep reads gsi1, which has not caught up with the invite sent a moment ago.
    const lagging: WorkspaceStore = { ...real, revokeInvitesFrom: async () => 0 };
    const mails: Array<{ to: string; text: string }> = [];
    const deps: uc.WorkspaceDeps = {
      store: lagging,
      email: {
        send: async (m) => {
          mails.push(m);
          return { messageId: newId() };
        },
      },
      now: () => new Date(clockMs),
      publicBaseUrl: 'http://localhost:3000',
      users: dynamoUsers(db, CORE),
      apiKeys: dynamoApiKeys(db, CORE),
      audit: dynamoAudit(db, AUDIT),
    };
    const tokenTo = (email: string) => {
      const mail = mails.filter((m) => m.to === email).at(-1);
      const token = /#token=([A-Za-z0-9_%-]+)/.exec(mail?.text ?? '')?.[1];
      if (!token) throw new Error(`no invite mailed to ${email}`);
      return decodeURIComponent(token);
    };
    const session = (u: User): AuthContext => ({
      principal: { userId: u.userId, email: u.email, via: 'session', sessionId: newId() },
    });

    const owner = await person('owner');
    const mallory = await person('mallory');
    const second = await person('mallory-second'); // Mallory's second address
    const workspaceId = owner.defaultWorkspaceId;
    const member = await real.member(workspaceId, owner.userId);
    const callerAs = (u: User, role: 'owner' | 'admin'): Caller => ({
      workspaceId,
      organizationId: member?.organizationId ?? '',
      role,
      userId: u.userId,
      email: u.email,
      permissions: new Set(BUILTIN_ROLE_PERMISSIONS[role]),
    });

    // Mallory joins as admin.
    clockMs += 1000;
    await uc.invite(callerAs(owner, 'owner'), { email: mallory.email, role: 'admin' }, deps);
    await uc.acceptInvite(session(mallory), tokenTo(mallory.email), ORIGIN, deps);

    // Mallory invites her second address, and is removed right after.
    clockMs += 1000;
    await uc.invite(callerAs(mallory, 'admin'), { email: second.email, role: 'admin' }, deps);
    const staleToken = tokenTo(second.email);
    clockMs += 1000;
    await uc.removeMember(callerAs(owner, 'owner'), mallory.userId, deps);

    // Later Mallory is added back (a new membership).
    clockMs += 60_000;
    await uc.invite(callerAs(owner, 'owner'), { email: mallory.email, role: 'admin' }, deps);
    await uc.acceptInvite(session(mallory), tokenTo(mallory.email), ORIGIN, deps);

    // The invite from her ended membership must not let anyone in.
    clockMs += 1000;
    const outcome = await uc.acceptInvite(session(second), staleToken, ORIGIN, deps).then(
      (membership) => ({ accepted: membership.role }),
      (error: { status?: number; code?: string }) => ({ status: error.status, code: error.code }),
    );
    expect(outcome, 'an invite sent in an earlier, ended membership of its inviter was accepted').toEqual({
      status: 410,
      code: 'INVITE_REVOKED',
    });
    expect(await real.member(workspaceId, second.userId)).toBeUndefined();
  });
});
