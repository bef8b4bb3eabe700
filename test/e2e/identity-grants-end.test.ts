/**
 * What a member handed out ends with their standing, on the running local runtime (DynamoDB
 * emulator): a campaign webhook token and a pending invite are bound to who minted or sent them,
 * like an API key. Removal from the workspace and a password reset end them, and rejoining does
 * not bring them back (docs/IDENTITY.md "Invites", docs/CAMPAIGNS.md "Webhook trigger").
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators/local-aws';
import type { Runtime } from '../../lib/local/runtime';
import { memberSk, workspacePk } from '../../shared/adapters/keys';
import { BUILTIN_ROLE_PERMISSIONS } from '../../shared/identity/permissions';
import { mailedToken } from '../support/accounts';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
type Answer = { status: number; body: any };

async function call(user: TestUser | undefined, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: user ? as(user) : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

const webhookJourney = {
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'webhook' }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

/** An active webhook campaign of `user`'s workspace (`workspaceId`, else their own) and one contact in it. */
async function webhookCampaign(user: TestUser, workspaceId = user.workspaceId) {
  const headers = { 'x-workspace-id': workspaceId };
  const post = async (path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: as(user, headers),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };
  const created = await post('/api/campaigns', { name: 'Hooked', journey: webhookJourney });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const campaignId: string = created.body.campaign.campaignId;
  expect((await post(`/api/campaigns/${campaignId}/publish`)).status).toBe(200);
  const contact = await post('/api/contacts', { email: `hooked-${Date.now()}-${Math.random()}@example.com` });
  expect(contact.status, JSON.stringify(contact.body)).toBe(201);
  const mint = async (by: TestUser) => {
    const res = await fetch(`${runtime.url}/api/campaigns/${campaignId}/webhook-token`, {
      method: 'POST',
      headers: as(by, headers),
    });
    const minted = (await res.json()) as { path: string };
    expect(res.status, JSON.stringify(minted)).toBe(201);
    return minted.path;
  };
  const hook = async (path: string) =>
    (await call(undefined, 'POST', path, { contactId: contact.body.contact.contactId })).status;
  return { campaignId, mint, hook };
}

/**
 * Deletes a membership behind the use cases' back, as a sweep that missed something would leave
 * it: what the member handed out is still there, and must not work all the same.
 */
async function dropMembership(workspaceId: string, user: TestUser) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb)));
  await db.send(
    new DeleteCommand({
      TableName: runtime.tables.core,
      Key: { pk: workspacePk(workspaceId), sk: memberSk(user.userId) },
    }),
  );
}

async function resetPassword(user: TestUser, password: string) {
  const asked = await call(user, 'POST', '/api/auth/password-reset', { email: user.email });
  expect(asked.status).toBe(202);
  const token = await mailedToken(runtime, user.email, /reset your password/i);
  const confirmed = await call(user, 'POST', '/api/auth/password-reset/confirm', { token, password });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(204);
}

describe('campaign webhook tokens end with their minter’s standing', () => {
  it('a removed member’s token stops enrolling, and stays dead when they rejoin; a new one works', async () => {
    const owner = await newUser(runtime, 'hook-own', { verified: true });
    const admin = await newUser(runtime, 'hook-adm', { verified: true });
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const campaign = await webhookCampaign(owner);
    const adminsToken = await campaign.mint(admin);
    expect(await campaign.hook(adminsToken)).toBe(202);

    const removed = await call(owner, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${admin.userId}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect(await campaign.hook(adminsToken)).toBe(404);

    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    expect(await campaign.hook(adminsToken)).toBe(404);

    // The campaign needs a new token, which works as before.
    expect(await campaign.hook(await campaign.mint(owner))).toBe(202);

    const log = await call(owner, 'GET', '/api/security/audit-log?eventType=members.remove');
    expect(log.body.entries[0]?.metadata).toMatchObject({ apiKeysRevoked: 0, webhookTokensRevoked: 1 });
  });

  it('a password reset ends the tokens the user minted, in every workspace, and their pending invites', async () => {
    const owner = await newUser(runtime, 'hook-own2', { verified: true });
    const admin = await newUser(runtime, 'hook-adm2', { verified: true });
    const invitee = await newUser(runtime, 'hook-inv2');
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const theirs = await webhookCampaign(owner);
    const home = await webhookCampaign(admin);
    const another = await webhookCampaign(owner);
    const tokenThere = await theirs.mint(admin);
    const tokenHome = await home.mint(admin);
    const ownersToken = await another.mint(owner);
    const sent = await call(admin, 'POST', `/api/workspaces/${owner.workspaceId}/invites`, {
      email: invitee.email,
      role: 'member',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const inviteToken = await mailedToken(runtime, invitee.email, /invited you/i);
    expect(await theirs.hook(tokenThere)).toBe(202);
    expect(await home.hook(tokenHome)).toBe(202);

    await resetPassword(admin, 'the rightful owner takes it back');

    expect(await theirs.hook(tokenThere)).toBe(404);
    expect(await home.hook(tokenHome)).toBe(404);
    expect(await another.hook(ownersToken)).toBe(202);
    const accepted = await call(invitee, 'POST', '/api/invites/accept', { token: inviteToken });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(410);
    expect(accepted.body.code).toBe('INVITE_REVOKED');
    const pending = await call(owner, 'GET', `/api/workspaces/${owner.workspaceId}/invites`);
    expect(pending.body.invites).toEqual([]);
  });
});

describe('even what no sweep ended does not outlive its grantor', () => {
  it('a token and an invite of someone no longer a member are refused where they are used', async () => {
    const owner = await newUser(runtime, 'gone-own', { verified: true });
    const admin = await newUser(runtime, 'gone-adm', { verified: true });
    const invitee = await newUser(runtime, 'gone-inv');
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const campaign = await webhookCampaign(owner);
    const token = await campaign.mint(admin);
    const invites = `/api/workspaces/${owner.workspaceId}/invites`;
    expect((await call(admin, 'POST', invites, { email: invitee.email, role: 'admin' })).status).toBe(201);
    const inviteToken = await mailedToken(runtime, invitee.email, /invited you/i);

    await dropMembership(owner.workspaceId, admin);

    expect(await campaign.hook(token)).toBe(404);
    const accepted = await call(invitee, 'POST', '/api/invites/accept', { token: inviteToken });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(410);
    // Refusing it withdrew it: no longer listed, no bar to a new invite.
    expect((await call(owner, 'GET', invites)).body.invites).toEqual([]);
  });
});

describe('invites end with their inviter’s standing', () => {
  it('a removal withdraws the member’s pending invites: listed no more, link 410, counted in the audit entry', async () => {
    const owner = await newUser(runtime, 'inv-own', { verified: true });
    const admin = await newUser(runtime, 'inv-adm', { verified: true });
    const invitee = await newUser(runtime, 'inv-new');
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const invites = `/api/workspaces/${owner.workspaceId}/invites`;
    const sent = await call(admin, 'POST', invites, { email: invitee.email, role: 'member' });
    expect(sent.status).toBe(201);
    expect(sent.body.invite.mailSent).toBe(true);
    const token = await mailedToken(runtime, invitee.email, /invited you/i);

    expect((await call(owner, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${admin.userId}`)).status).toBe(
      204,
    );

    expect((await call(owner, 'GET', invites)).body.invites).toEqual([]);
    const accepted = await call(invitee, 'POST', '/api/invites/accept', { token });
    expect(accepted.status).toBe(410);
    expect(accepted.body.code).toBe('INVITE_REVOKED');
    // The address is free for a new invite from someone who may send it.
    expect((await call(owner, 'POST', invites, { email: invitee.email, role: 'member' })).status).toBe(201);
    const log = await call(owner, 'GET', '/api/security/audit-log?eventType=members.remove');
    expect(log.body.entries[0]?.metadata).toMatchObject({ apiKeysRevoked: 0, invitesRevoked: 1 });
  });

  it('a demotion withdraws only the invites the new role could not send', async () => {
    const owner = await newUser(runtime, 'inv-own2', { verified: true });
    const admin = await newUser(runtime, 'inv-adm2', { verified: true });
    const asAdmin = await newUser(runtime, 'inv-a');
    const asViewer = await newUser(runtime, 'inv-v');
    const roles = `/api/workspaces/${owner.workspaceId}/roles`;
    // A role that may invite viewers, but not make admins.
    const inviter = [...BUILTIN_ROLE_PERMISSIONS.viewer, 'members:invite'];
    expect((await call(owner, 'PUT', `${roles}/inviter`, { permissions: inviter })).status).toBe(200);
    await addMember(runtime, owner.workspaceId, owner.organizationId, admin, 'admin');
    const invites = `/api/workspaces/${owner.workspaceId}/invites`;
    expect((await call(admin, 'POST', invites, { email: asAdmin.email, role: 'admin' })).status).toBe(201);
    expect((await call(admin, 'POST', invites, { email: asViewer.email, role: 'viewer' })).status).toBe(201);
    const adminToken = await mailedToken(runtime, asAdmin.email, /invited you/i);
    const viewerToken = await mailedToken(runtime, asViewer.email, /invited you/i);

    const demoted = await call(owner, 'PATCH', `/api/workspaces/${owner.workspaceId}/members/${admin.userId}`, {
      role: 'inviter',
    });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);

    const listed = (await call(owner, 'GET', invites)).body.invites.map((i: { email: string }) => i.email);
    expect(listed).toEqual([asViewer.email]);
    expect((await call(asAdmin, 'POST', '/api/invites/accept', { token: adminToken })).status).toBe(410);
    const joined = await call(asViewer, 'POST', '/api/invites/accept', { token: viewerToken });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body.membership.role).toBe('viewer');
  });
});
