// Review round 23: this test failed at dfdd2c4.
// Review round 23 (r23a): this test fails at dfdd2c4.
/**
 * Defect: an invite sent by a session the edge read before a password reset, and written after
 * the reset (another Lambda, its clock a moment later than the reset's), survives the reset and
 * lets its invitee in. A completed reset is documented to end "every invite the user sent that is
 * still pending ... even one the sweep did not list" (docs/IDENTITY.md, "Verified email addresses
 * and pre-account takeover"), and a mint "in flight while they reset their password never works
 * either". But invites are tied to a clock, not to the password: the reset stamps
 * `grantsValidFrom` (its own clock) and sweeps the invites it can list; an invite written after
 * the sweep whose `createdAt` (the inviting instance's clock) is after the stamp passes
 * `grantStands` at acceptance. API keys had exactly this race (round 16) and were fixed by tying
 * them to the password version (a ConditionCheck in the key's write, and a version check at use);
 * invites (and campaign webhook tokens, same `grantsValidFrom` rule) were not.
 *
 * Scenario: Mallory holds the owner's password and a session. She invites a second address of
 * hers as admin; the owner's reset (new password version, every session revoked, every key
 * revoked, `grantsValidFrom` stamped and the invites swept) lands after the edge read Mallory's
 * session and before the invite is written. After the reset, Mallory's second address joins as
 * admin: the reset did not end what the old password handed out.
 *
 * The race is modelled by a store whose `saveInvite` runs the reset's store steps (as
 * confirmPasswordReset runs them) before writing; everything else is the real DynamoDB store.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoApiKeys, dynamoUserApiKeys } from '../../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../../shared/adapters/dynamo-audit';
import { dynamoMemberships } from '../../shared/adapters/dynamo-memberships';
import { dynamoSessions } from '../../shared/adapters/dynamo-sessions';
import { dynamoWorkspaces } from '../../shared/adapters/dynamo-workspaces';
import { callerOf } from '../../shared/http/caller';
import type { HttpRequest } from '../../shared/http/types';
import { startSession } from '../../shared/identity/accounts/sessions';
import type { AuthContext } from '../../shared/identity/auth-context';
import { authenticate } from '../../shared/identity/authenticate';
import { newId, sha256 } from '../../shared/identity/tokens';
import type { WorkspaceStore } from '../../shared/workspaces/ports';
import * as uc from '../../shared/workspaces/use-cases';
import { dynamoForFile } from '../support/dynamo-emulator';
import { storedOwner } from '../support/stored-accounts';

const PREFIX = 'r23a-inv-reset-';
const CORE = `${PREFIX}core`;
const AUDIT = `${PREFIX}audit`;
const ORIGIN = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Integration)' };

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

const LOGGED_IN = new Date('2025-06-01T13:00:00.000Z');
/** The edge reads Mallory's session (with the owner's password version 0)... */
const REQUEST = new Date('2025-06-01T13:10:00.000Z');
/** ...the owner's reset lands and stamps everything up to here... */
const RESET = new Date('2025-06-01T13:10:00.050Z');
/** ...and the invite's own clock (another instance) reads a moment later. */
const INVITE_CLOCK = new Date('2025-06-01T13:10:00.100Z');
const LATER = new Date('2025-06-01T13:20:00.000Z');

describe('an invite sent while the inviter’s password is being reset', () => {
  it('lets nobody in after the reset (410 INVITE_REVOKED), as an API key raced the same way is refused', async () => {
    const owner = await storedOwner(db, CORE);
    const secondAddress = await storedOwner(db, CORE); // Mallory's own second account
    const sessions = dynamoSessions(db, CORE);
    const { token } = await startSession(owner.userId, ORIGIN, { sessions }, LOGGED_IN, 0);

    // The edge reads the session Mallory holds (opened with the stolen password), before the reset.
    const auth = await authenticate(
      {
        headers: {},
        cookies: { session: token },
        pathParams: { workspaceId: owner.workspaceId },
        query: {},
        clientAddress: ORIGIN.ip,
        permission: 'members:invite',
        handsOutAccess: true,
      },
      {
        sessions,
        apiKeys: dynamoApiKeys(db, CORE),
        memberships: dynamoMemberships(db, CORE),
        now: () => REQUEST,
        onBackgroundError: (error) => {
          throw error;
        },
      },
    );
    const request = { auth, route: { id: 'invites.create' } } as unknown as HttpRequest;

    /** A completed reset's store steps, in confirmPasswordReset's order. */
    const reset = async () => {
      expect(await owner.accounts.replacePassword(owner.userId, 'new-hash', RESET, 0)).toBe(true);
      await sessions.revokeAll(owner.userId, RESET);
      await dynamoUserApiKeys(db, CORE).revokeAllOf(owner.userId, RESET);
      await owner.accounts.revokeGrants(owner.userId, RESET);
    };

    const real = dynamoWorkspaces(db, CORE);
    const racing: WorkspaceStore = {
      ...real,
      async saveInvite(invite, tokenHash, granted) {
        // The reset lands here: after the edge read the session, before the invite is written.
        await reset();
        return real.saveInvite(invite, tokenHash, granted);
      },
    };
    const mails: Array<{ to: string; text: string }> = [];
    let clock = INVITE_CLOCK;
    const deps: uc.WorkspaceDeps = {
      store: racing,
      email: {
        send: async (m) => {
          mails.push(m);
          return { messageId: newId() };
        },
      },
      now: () => clock,
      publicBaseUrl: 'http://localhost:3000',
      users: owner.accounts,
      apiKeys: dynamoApiKeys(db, CORE),
      audit: dynamoAudit(db, AUDIT),
    };

    const sent = await uc
      .invite(callerOf(request), { email: secondAddress.email, role: 'admin' }, deps)
      .then(() => 'sent' as const)
      .catch((error: { status?: number; code?: string }) => ({ status: error.status, code: error.code }));

    // The owner's reset is complete: the old password's session is gone.
    clock = LATER;
    expect(await sessions.findActive(sha256(token), LATER)).toBeUndefined();

    if (sent === 'sent') {
      const link = /#token=([A-Za-z0-9_%-]+)/.exec(mails.at(-1)?.text ?? '')?.[1];
      expect(link, 'the invite was mailed').toBeDefined();
      const invitee: AuthContext = {
        principal: { userId: secondAddress.userId, email: secondAddress.email, via: 'session', sessionId: newId() },
      };
      const outcome = await uc.acceptInvite(invitee, decodeURIComponent(link as string), ORIGIN, deps).then(
        (membership) => ({ joinedAs: membership.role }),
        (error: { status?: number; code?: string }) => ({ status: error.status, code: error.code }),
      );
      expect(
        outcome,
        'an invite handed out with the old password, written after the reset, still let its invitee in',
      ).toEqual({ status: 410, code: 'INVITE_REVOKED' });
    }
    expect(await real.member(owner.workspaceId, secondAddress.userId)).toBeUndefined();
  });
});
