/** HTTP function `workspaces`: workspaces, members, invites and custom roles. */
import * as z from 'zod';
import { dynamoApiKeys } from '../shared/adapters/dynamo-api-keys';
import { dynamoAudit } from '../shared/adapters/dynamo-audit';
import { dynamoUsers } from '../shared/adapters/dynamo-users';
import { dynamoWorkspaces } from '../shared/adapters/dynamo-workspaces';
import { sesEmailSender } from '../shared/adapters/ses-email';
import { documents } from '../shared/aws/dynamodb';
import { ses } from '../shared/aws/ses';
import { config, publicBaseUrl, tableName } from '../shared/config';
import { UnauthorizedError } from '../shared/errors';
import { httpFunction } from '../shared/http/http-function';
import { defineOperation } from '../shared/http/operation';
import type { HttpRequest } from '../shared/http/types';
import { recordAudit } from '../shared/identity/audit';
import { type AuthContext, actorOf, type WorkspaceAccess } from '../shared/identity/auth-context';
import { PERMISSIONS } from '../shared/identity/permissions';
import { sanitizeEmail } from '../shared/security/sanitize';
import { singleLineText } from '../shared/security/single-line-text';
import * as workspaces from '../shared/workspaces/use-cases';

const store = dynamoWorkspaces(documents, tableName('core'));
const audit = dynamoAudit(documents, tableName('audit'));
const deps: workspaces.WorkspaceDeps = {
  store,
  email: sesEmailSender(ses, config.SES_FROM_ADDRESS, config.SES_CONFIGURATION_SET),
  now: () => new Date(),
  publicBaseUrl: publicBaseUrl(),
  users: dynamoUsers(documents, tableName('core')),
  apiKeys: dynamoApiKeys(documents, tableName('core')),
};

// The edge guarantees these on `auth: 'user'` routes (and `workspace` on permission routes).
const authOf = (request: HttpRequest): AuthContext => {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
};
const accessOf = (request: HttpRequest): WorkspaceAccess => {
  const access = authOf(request).workspace;
  if (!access) throw new UnauthorizedError();
  return access;
};

const workspaceParams = z.object({ workspaceId: z.string().min(1).max(64) });
const memberParams = workspaceParams.extend({ userId: z.string().min(1).max(64) });
const roleParams = workspaceParams.extend({ roleName: z.string().min(1).max(32) });
// Workspace names reach invitation subjects: one line, no control characters.
const name = singleLineText(100);
const email = z
  .string()
  .max(254)
  .transform((value, ctx) => {
    try {
      return sanitizeEmail(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Not a valid email address' });
      return z.NEVER;
    }
  });
const roleName = singleLineText(32);

export const handler = httpFunction('workspaces', {
  'workspaces.list': defineOperation({}, async (_i, req) => ({
    status: 200,
    body: { workspaces: await workspaces.listWorkspaces(authOf(req), deps) },
  })),
  'workspaces.create': defineOperation(
    { body: z.object({ name, organizationId: z.string().min(1).max(64).optional() }).strict() },
    async ({ body }, req) => {
      const auth = authOf(req);
      const memberships = await store.membershipsOf(auth.principal.userId);
      const defaultOrg = memberships.find((m) => m.role === 'owner')?.organizationId;
      const workspace = await workspaces.createWorkspace(body, auth, defaultOrg, deps);
      // Outside any workspace at the edge, so the audit entry is written here, into the new one.
      await recordAudit(audit, {
        workspaceId: workspace.workspaceId,
        eventType: 'workspaces.create',
        eventAction: 'POST',
        ...actorOf(auth),
        resourceType: 'workspace',
        resourceId: workspace.workspaceId,
        ip: req.clientAddress,
        userAgent: req.userAgent,
      });
      return { status: 201, body: { workspace } };
    },
  ),
  'workspaces.get': defineOperation({ params: workspaceParams }, async (_i, req) => {
    const access = accessOf(req);
    const workspace = await store.workspace(access.workspaceId);
    return { status: 200, body: { workspace, role: access.role, permissions: [...access.permissions] } };
  }),
  'workspaces.update': defineOperation(
    { params: workspaceParams, body: z.object({ name }).strict() },
    async ({ body }, req) => {
      const access = accessOf(req);
      await store.renameWorkspace(access.workspaceId, body.name);
      return { status: 200, body: { workspace: await store.workspace(access.workspaceId) } };
    },
  ),
  'members.list': defineOperation({ params: workspaceParams }, async (_i, req) => ({
    status: 200,
    body: { members: await workspaces.listMembers(accessOf(req), deps) },
  })),
  'members.update': defineOperation(
    { params: memberParams, body: z.object({ role: roleName }).strict() },
    async ({ params, body }, req) => ({
      status: 200,
      body: { member: await workspaces.changeRole(accessOf(req), params.userId, body.role, deps) },
      audit: { resourceType: 'member', resourceId: params.userId, metadata: { role: body.role } },
    }),
  ),
  'members.remove': defineOperation({ params: memberParams }, async ({ params }, req) => {
    const { apiKeysRevoked } = await workspaces.removeMember(accessOf(req), authOf(req), params.userId, deps);
    return { status: 204, audit: { resourceType: 'member', resourceId: params.userId, metadata: { apiKeysRevoked } } };
  }),
  'invites.create': defineOperation(
    { params: workspaceParams, body: z.object({ email, role: roleName }).strict() },
    async ({ body }, req) => {
      const invite = await workspaces.invite(accessOf(req), authOf(req), body, deps);
      const { invitedBy: _by, ...shown } = invite;
      return {
        status: 201,
        body: { invite: shown },
        audit: {
          resourceType: 'invite',
          resourceId: invite.inviteId,
          metadata: { email: body.email, role: body.role },
        },
      };
    },
  ),
  'invites.list': defineOperation({ params: workspaceParams }, async (_i, req) => {
    const now = Date.now();
    const all = await store.invites(accessOf(req).workspaceId);
    return {
      status: 200,
      body: { invites: all.filter((i) => i.status === 'pending' && Date.parse(i.expiresAt) > now) },
    };
  }),
  'invites.revoke': defineOperation(
    { params: workspaceParams.extend({ inviteId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }) },
    async ({ params }, req) => {
      await workspaces.revokeInvite(accessOf(req), authOf(req), params.inviteId, deps);
      return { status: 204, audit: { resourceType: 'invite', resourceId: params.inviteId } };
    },
  ),
  'invites.accept': defineOperation(
    { body: z.object({ token: z.string().min(20).max(200) }).strict() },
    async ({ body }, req) => {
      const auth = authOf(req);
      const membership = await workspaces.acceptInvite(auth, body.token, deps);
      await recordAudit(audit, {
        workspaceId: membership.workspaceId,
        eventType: 'invites.accept',
        eventAction: 'POST',
        ...actorOf(auth),
        resourceType: 'member',
        resourceId: membership.userId,
        ip: req.clientAddress,
        userAgent: req.userAgent,
        metadata: { role: membership.role },
      });
      return { status: 200, body: { membership } };
    },
  ),
  'roles.list': defineOperation({ params: workspaceParams }, async (_i, req) => ({
    status: 200,
    body: { roles: await workspaces.listRoles(accessOf(req), deps) },
  })),
  'roles.put': defineOperation(
    {
      params: roleParams,
      body: z.object({ permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length) }).strict(),
    },
    async ({ params, body }, req) => ({
      status: 200,
      body: { role: await workspaces.putRole(accessOf(req), params.roleName, body.permissions, deps) },
      audit: { resourceType: 'role', resourceId: params.roleName, metadata: { permissions: body.permissions } },
    }),
  ),
  'roles.delete': defineOperation({ params: roleParams }, async ({ params }, req) => {
    await workspaces.deleteRole(accessOf(req), params.roleName, deps);
    return { status: 204, audit: { resourceType: 'role', resourceId: params.roleName } };
  }),
});
