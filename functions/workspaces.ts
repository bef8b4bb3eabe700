/** HTTP function `workspaces`: workspaces, members, invites and custom roles. */

import * as z from 'zod/mini';
import { identityRoutes } from '../lib/definition/identity-routes';
import { dynamoApiKeys } from '../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../shared/adapters/dynamo-audit';
import { dynamoUsers } from '../shared/adapters/dynamo-users';
import { dynamoWorkspaces } from '../shared/adapters/dynamo-workspaces';
import { lazySes } from '../shared/adapters/lazy-ses';
import { sesEmailSender } from '../shared/adapters/ses-email';
import { documents } from '../shared/aws/dynamodb';
import { config, publicBaseUrl, tableName } from '../shared/config';
import { authOf, callerOf, originOf } from '../shared/http/caller';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import { pageQuery } from '../shared/http/query-numbers';
import {
  inviteAccepted,
  inviteCreated,
  inviteRevoked,
  invitesList,
  memberChanged,
  memberRemoved,
  membersList,
  roleDeleted,
  roleSaved,
  rolesList,
  workspaceCreated,
  workspaceDetail,
  workspaceRenamed,
  workspacesList,
} from '../shared/http/responses/workspaces';
import { PERMISSIONS } from '../shared/identity/permissions';
import { emailAddress } from '../shared/security/email-address';
import { singleLineText } from '../shared/security/single-line-text';
import * as workspaces from '../shared/workspaces/use-cases';

const deps: workspaces.WorkspaceDeps = {
  store: dynamoWorkspaces(documents, tableName('core')),
  email: sesEmailSender(lazySes, config.SES_FROM_ADDRESS, config.SES_CONFIGURATION_SET),
  now: () => new Date(),
  publicBaseUrl: publicBaseUrl(),
  users: dynamoUsers(documents, tableName('core')),
  apiKeys: dynamoApiKeys(documents, tableName('core')),
  audit: dynamoAudit(documents, tableName('audit')),
};

const workspaceParams = z.object({ workspaceId: z.string().check(z.minLength(1), z.maxLength(64)) });
const memberParams = z.extend(workspaceParams, { userId: z.string().check(z.minLength(1), z.maxLength(64)) });
const roleParams = z.extend(workspaceParams, { roleName: z.string().check(z.minLength(1), z.maxLength(32)) });
// Workspace names reach invitation subjects: one line, no control characters.
const name = singleLineText(100);
const email = emailAddress;
const roleName = singleLineText(32);
// Members, pending invites, custom roles and the caller's workspaces page: a workspace may have
// any number of the first two, and kept more roles than the cap from before it; a user may belong
// to any number of workspaces. The default page holds what most have (every role the cap allows),
// so a client that sends no `limit` still sees them all at once.
const page = z.object(pageQuery(100, 100));

export const handler = httpFunction('workspaces', identityRoutes, {
  'workspaces.list': defineOperation({ query: page, response: workspacesList }, async ({ query }, req) => ({
    status: 200,
    body: await workspaces.listWorkspaces(authOf(req), query, deps),
  })),
  'workspaces.create': defineOperation(
    {
      body: z.strictObject({ name, organizationId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))) }),
      response: workspaceCreated,
    },
    async ({ body }, req) => ({
      status: 201,
      body: { workspace: await workspaces.createWorkspace(body, authOf(req), originOf(req), deps) },
    }),
  ),
  'workspaces.get': defineOperation({ params: workspaceParams, response: workspaceDetail }, async (_i, req) => ({
    status: 200,
    body: await workspaces.getWorkspace(callerOf(req), deps),
  })),
  'workspaces.update': defineOperation(
    { params: workspaceParams, body: z.strictObject({ name }), response: workspaceRenamed },
    async ({ body }, req) => ({
      status: 200,
      body: { workspace: await workspaces.renameWorkspace(callerOf(req), body.name, deps) },
    }),
  ),
  'members.list': defineOperation(
    { params: workspaceParams, query: page, response: membersList },
    async ({ query }, req) => ({ status: 200, body: await workspaces.listMembers(callerOf(req), query, deps) }),
  ),
  'members.update': defineOperation(
    { params: memberParams, body: z.strictObject({ role: roleName }), response: memberChanged },
    async ({ params, body }, req) => {
      const { member, invitesRevoked, webhookTokensRevoked } = await workspaces.changeRole(
        callerOf(req),
        params.userId,
        body.role,
        deps,
      );
      return {
        status: 200,
        body: { member },
        audit: {
          resourceType: 'member',
          resourceId: params.userId,
          metadata: {
            role: body.role,
            ...(invitesRevoked > 0 ? { invitesRevoked } : {}),
            ...(webhookTokensRevoked > 0 ? { webhookTokensRevoked } : {}),
          },
        },
      };
    },
  ),
  // The audit entry counts what the removal ended: API keys, and invites and webhook tokens when any.
  'members.remove': defineOperation({ params: memberParams, response: memberRemoved }, async ({ params }, req) => {
    const revoked = await workspaces.removeMember(callerOf(req), params.userId, deps);
    return { status: 204, audit: { resourceType: 'member', resourceId: params.userId, metadata: revoked } };
  }),
  'invites.create': defineOperation(
    { params: workspaceParams, body: z.strictObject({ email, role: roleName }), response: inviteCreated },
    async ({ body }, req) => {
      const invite = await workspaces.invite(callerOf(req), body, deps);
      // `mailSent: false`: the invite stands but its mail failed; withdraw it and invite again to resend.
      const { invitedBy: _by, ...shown } = invite;
      const { mailSent } = invite;
      return {
        status: 201,
        body: { invite: shown },
        audit: {
          resourceType: 'invite',
          resourceId: invite.inviteId,
          metadata: { email: body.email, role: body.role, mailSent },
        },
      };
    },
  ),
  'invites.list': defineOperation(
    { params: workspaceParams, query: page, response: invitesList },
    async ({ query }, req) => ({ status: 200, body: await workspaces.listInvites(callerOf(req), query, deps) }),
  ),
  'invites.revoke': defineOperation(
    {
      params: z.extend(workspaceParams, { inviteId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)) }),
      response: inviteRevoked,
    },
    async ({ params }, req) => {
      const outcome = await workspaces.revokeInvite(callerOf(req), params.inviteId, deps);
      // A repeat changes nothing: the first withdrawal's entry stands, and no second one names another revoker.
      const already = outcome === 'already-revoked';
      return { status: 204, audit: { resourceType: 'invite', resourceId: params.inviteId, inWrite: already } };
    },
  ),
  'invites.accept': defineOperation(
    { body: z.strictObject({ token: z.string().check(z.minLength(20), z.maxLength(200)) }), response: inviteAccepted },
    async ({ body }, req) => ({
      status: 200,
      body: { membership: await workspaces.acceptInvite(authOf(req), body.token, originOf(req), deps) },
    }),
  ),
  'roles.list': defineOperation(
    { params: workspaceParams, query: page, response: rolesList },
    async ({ query }, req) => ({ status: 200, body: await workspaces.listRoles(callerOf(req), query, deps) }),
  ),
  'roles.put': defineOperation(
    {
      params: roleParams,
      body: z.strictObject({ permissions: z.array(z.enum(PERMISSIONS)).check(z.maxLength(PERMISSIONS.length)) }),
      response: roleSaved,
    },
    async ({ params, body }, req) => ({
      status: 200,
      body: { role: await workspaces.putRole(callerOf(req), params.roleName, body.permissions, deps) },
      audit: { resourceType: 'role', resourceId: params.roleName, metadata: { permissions: body.permissions } },
    }),
  ),
  'roles.delete': defineOperation({ params: roleParams, response: roleDeleted }, async ({ params }, req) => {
    await workspaces.deleteRole(callerOf(req), params.roleName, deps);
    return { status: 204, audit: { resourceType: 'role', resourceId: params.roleName } };
  }),
});
