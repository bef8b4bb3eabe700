/**
 * Key layout of identity records in the `core` table (ephemeral ones in `ephemeral`).
 * Credentials are addressed by the SHA-256 of their raw value, never the value itself.
 */
export const userPk = (userId: string): string => `USER#${userId}`;
export const USER_PROFILE_SK = 'PROFILE';
export const USER_CREDENTIALS_SK = 'CREDENTIALS';
/** One item per address makes the email unique service-wide (conditional put in the sign-up transaction). */
export const emailPk = (email: string): string => `EMAIL#${email.toLowerCase()}`;
export const EMAIL_SK = 'EMAIL';

export const orgPk = (organizationId: string): string => `ORG#${organizationId}`;
export const workspacePk = (workspaceId: string): string => `WS#${workspaceId}`;
export const META_SK = 'META';

/** Membership: under the workspace; gsi1 lists a user's memberships. */
export const memberSk = (userId: string): string => `MEMBER#${userId}`;
export const MEMBER_PREFIX = 'MEMBER#';
export const membershipGsi1 = (userId: string, workspaceId: string) => ({
  gsi1pk: `USER#${userId}`,
  gsi1sk: `MEMBERSHIP#${workspaceId}`,
});
export const MEMBERSHIP_GSI1_PREFIX = 'MEMBERSHIP#';

export const roleSk = (name: string): string => `ROLE#${name}`;
export const ROLE_PREFIX = 'ROLE#';

/** Sessions: looked up by token hash; gsi1 lists a user's sessions. */
export const sessionPk = (tokenHash: string): string => `SESSION#${tokenHash}`;
export const SESSION_SK = 'SESSION';
export const sessionGsi1 = (userId: string, createdAt: string, sessionId: string) => ({
  gsi1pk: `USER#${userId}`,
  gsi1sk: `SESSION#${createdAt}#${sessionId}`,
});
export const SESSION_GSI1_PREFIX = 'SESSION#';

/** API keys: looked up by key hash; gsi1 lists a workspace's keys. */
export const apiKeyPk = (keyHash: string): string => `APIKEY#${keyHash}`;
export const API_KEY_SK = 'APIKEY';
export const apiKeyGsi1 = (workspaceId: string, keyId: string) => ({
  gsi1pk: `WS#${workspaceId}`,
  gsi1sk: `APIKEY#${keyId}`,
});
export const API_KEY_GSI1_PREFIX = 'APIKEY#';

/** Invites: looked up by token hash; gsi1 lists a workspace's invites. */
export const invitePk = (tokenHash: string): string => `INVITE#${tokenHash}`;
export const INVITE_SK = 'INVITE';

export const deviceSk = (fingerprintHash: string): string => `DEVICE#${fingerprintHash}`;
export const settingSk = (key: string): string => `SETTING#${key}`;
export const GLOBAL_PK = 'GLOBAL';
