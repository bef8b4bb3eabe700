// Review round 23 (fixer a): the class of test/integration/r23a-invite-outlives-reset.test.ts.
/**
 * Everything a member hands out (an API key, an invite, a campaign webhook token) is tied to the
 * password version of the session that made it, not to a clock (shared/identity/grant-standing.ts):
 * written only while the grantor's profile still has that version, and refused at use once the
 * profile carries a newer one. Against the real DynamoDB store:
 * - a webhook token minted by a session a reset overtook is never written (401 SESSION_INVALID);
 * - a reset that fails after the new password is written, before its sweeps (`revokeGrants`,
 *   `revokeAllOf`), leaves no invite, webhook token or API key usable, versioned or from before
 *   versions (those by the stamps written with the new password);
 * - a reset landing between an accept's check of the inviter and its write adds nobody (410);
 * - an invite sent under the new password stands, even from an instance whose clock is behind
 *   the reset's stamp (no clock is compared for a versioned grant).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoCampaignWebhookTokens } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import type { CampaignStore } from '../../shared/campaigns/campaign';
import { rotateWebhookToken } from '../../shared/campaigns/campaign-webhook';
import type { CampaignWebhookTokens } from '../../shared/campaigns/trigger-ports';
import type { Caller } from '../../shared/governance/ports';
import type { AuthContext } from '../../shared/identity/auth-context';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { newId, newToken, sha256 } from '../../shared/identity/tokens';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import * as uc from '../../shared/workspaces/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';
import { storedOwner } from '../support/stored-accounts';

const PREFIX = 'r23a-fix-grants-pw-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)' };

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const SENT = new Date('2025-06-01T13:00:00.000Z');
const RESET = new Date('2025-06-01T13:10:00.000Z');
/** An instance whose clock is a second behind the reset's. */
const BEHIND = new Date('2025-06-01T13:09:59.000Z');
const LATER = new Date('2025-06-01T13:20:00.000Z');

/** An owner (password version 0) and what their grants go through. */
async function world(store?: (real: WorkspaceStore) => WorkspaceStore) {
  const owner = await storedOwner(db, CORE);
  const real = dynamoWorkspaces(db, CORE);
  const mails: string[] = [];
  let clock = SENT;
  const deps: uc.WorkspaceDeps = {
    store: store ? store(real) : real,
    email: {
      send: async (m) => {
        mails.push(m.text);
        return { messageId: newId() };
      },
    },
    now: () => clock,
    publicBaseUrl: 'http://localhost:3000',
    users: owner.accounts,
    apiKeys: dynamoApiKeys(db, CORE),
    audit: dynamoAudit(db, AUDIT),
  };
  /** The owner as a workspace caller, under `passwordVersion` (undefined: a caller from before versions). */
  const caller = (passwordVersion?: number): Caller => ({
    workspaceId: owner.workspaceId,
    organizationId: owner.organizationId,
    role: 'owner',
    userId: owner.userId,
    email: owner.email,
    permissions: new Set(BUILTIN_ROLE_PERMISSIONS.owner),
    ...(passwordVersion === undefined ? {} : { passwordVersion }),
  });
  /** Sends an invite to a new account's address; returns the account and the mailed token. */
  const invite = async (by: Caller) => {
    const invitee = await storedOwner(db, CORE);
    await uc.invite(by, { email: invitee.email, role: 'admin' }, deps);
    const token = decodeURIComponent(/#token=([A-Za-z0-9_%-]+)/.exec(mails.at(-1) ?? '')?.[1] ?? '');
    return { invitee, token };
  };
  /** What accepting answers: the role joined as, or the error's status and code. */
  const accept = (sent: Awaited<ReturnType<typeof invite>>) => {
    const auth: AuthContext = {
      principal: { userId: sent.invitee.userId, email: sent.invitee.email, via: 'session', sessionId: newId() },
    };
    return uc.acceptInvite(auth, sent.token, ORIGIN, deps).then(
      (membership) => ({ joinedAs: membership.role }),
      (error: { status?: number; code?: string }) => ({ status: error.status, code: error.code }),
    );
  };
  /** Only the reset's first write: the new password and its version (the sweeps never run). */
  const resetWithoutSweeps = async () => {
    expect(await owner.accounts.replacePassword(owner.userId, 'new-hash', RESET, 0)).toBe(true);
  };
  return {
    owner,
    real,
    deps,
    caller,
    invite,
    accept,
    resetWithoutSweeps,
    setClock: (at: Date) => {
      clock = at;
    },
  };
}

const campaigns = {
  get: async (workspaceId: string, campaignId: string) => ({ workspaceId, campaignId, status: 'draft' }),
} as unknown as CampaignStore;

describe('grants tied to their grantor’s password version', () => {
  it('a webhook token minted by a session a reset overtook is never written: 401 SESSION_INVALID', async () => {
    const w = await world();
    const real = dynamoCampaignWebhookTokens(db, CORE);
    // The reset lands after the edge read the session (version 0), before the token is written.
    const racing: CampaignWebhookTokens = {
      ...real,
      async rotate(...args) {
        await w.resetWithoutSweeps();
        return real.rotate(...args);
      },
    };
    await expect(
      rotateWebhookToken(w.owner.workspaceId, 'cmp1', w.caller(0), {
        campaigns,
        tokens: racing,
        now: () => LATER,
      }),
    ).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });

    // Written straight through the adapter, with a hash we know: nothing is stored, nothing works.
    const token = newToken();
    await expect(
      real.rotate(w.owner.workspaceId, 'cmp2', sha256(token), LATER.toISOString(), w.owner.userId, 0),
    ).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    expect(await real.find(sha256(token))).toBeUndefined();

    // Under the new password, a token works, whatever the clock of the instance minting it.
    const fresh = newToken();
    await real.rotate(w.owner.workspaceId, 'cmp2', sha256(fresh), BEHIND.toISOString(), w.owner.userId, 1);
    expect(await real.find(sha256(fresh))).toEqual({ workspaceId: w.owner.workspaceId, campaignId: 'cmp2' });
  });

  it('a reset that fails before its sweeps leaves no invite, webhook token or API key usable', async () => {
    const w = await world();
    const tokens = dynamoCampaignWebhookTokens(db, CORE);
    const apiKeys = dynamoApiKeys(db, CORE);
    // Handed out under the old password: versioned, and from before versions were recorded.
    const versioned = await w.invite(w.caller(0));
    const legacy = await w.invite(w.caller());
    const [hookV, hookL] = [newToken(), newToken()];
    await tokens.rotate(w.owner.workspaceId, 'cmp1', sha256(hookV), SENT.toISOString(), w.owner.userId, 0);
    await tokens.rotate(w.owner.workspaceId, 'cmp2', sha256(hookL), SENT.toISOString(), w.owner.userId);
    const rawKey = `uh_${newToken()}`;
    const key = {
      keyId: newId(),
      workspaceId: w.owner.workspaceId,
      name: 'from before versions',
      prefix: rawKey.slice(0, 11),
      scopes: [],
      createdBy: w.owner.userId,
      createdAt: SENT.toISOString(),
      usageCount: 0,
      isActive: true,
    };
    expect(await apiKeys.create({ key, keyHash: sha256(rawKey), createdByEmail: w.owner.email }, 10)).toBe('created');
    expect(await tokens.find(sha256(hookV))).toBeDefined();
    expect(await apiKeys.findActive(sha256(rawKey))).toBeDefined();

    // The new password is written; the reset fails there (no session, key, invite or token sweep).
    await w.resetWithoutSweeps();
    w.setClock(LATER);

    expect(await w.accept(versioned)).toEqual({ status: 410, code: 'INVITE_REVOKED' });
    expect(await w.accept(legacy)).toEqual({ status: 410, code: 'INVITE_REVOKED' });
    expect(await w.real.member(w.owner.workspaceId, versioned.invitee.userId)).toBeUndefined();
    expect(await w.real.member(w.owner.workspaceId, legacy.invitee.userId)).toBeUndefined();
    expect(await tokens.find(sha256(hookV)), 'a versioned token outlived the new password').toBeUndefined();
    expect(await tokens.find(sha256(hookL)), 'a token from before versions outlived it').toBeUndefined();
    expect(await apiKeys.findActive(sha256(rawKey)), 'a key from before versions outlived it').toBeUndefined();
  });

  it('a reset landing between the accept’s check of the inviter and its write adds nobody: 410', async () => {
    let reset: () => Promise<void> = async () => undefined;
    const w = await world((real) => ({
      ...real,
      async acceptInvite(...args) {
        await reset();
        return real.acceptInvite(...args);
      },
    }));
    const sent = await w.invite(w.caller(0));
    reset = w.resetWithoutSweeps;
    w.setClock(LATER);
    expect(await w.accept(sent)).toEqual({ status: 410, code: 'INVITE_REVOKED' });
    expect(await w.real.member(w.owner.workspaceId, sent.invitee.userId)).toBeUndefined();
  });

  it('an invite sent under the new password stands, even from a clock behind the reset’s stamp', async () => {
    const w = await world();
    await w.resetWithoutSweeps();
    await w.owner.accounts.revokeGrants(w.owner.userId, RESET);
    w.setClock(BEHIND);
    const sent = await w.invite(w.caller(1));
    w.setClock(LATER);
    expect(await w.accept(sent)).toEqual({ joinedAs: 'admin' });
  });

  it('an invite is never shown with its inviter’s password version', async () => {
    const w = await world();
    const shown = await uc.invite(w.caller(0), { email: 'shown@example.com', role: 'member' }, w.deps);
    expect(shown).not.toHaveProperty('passwordVersion');
    const { invites } = await uc.listInvites(w.caller(0), { limit: 10 }, w.deps);
    expect(invites.length).toBeGreaterThan(0);
    for (const listed of invites) expect(listed).not.toHaveProperty('passwordVersion');
  });
});
