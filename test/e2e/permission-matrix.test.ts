/**
 * Every declared route, with every role: the edge lets through exactly what the role's
 * permissions allow, refuses the rest with 403, answers non-members 404 and anonymous
 * callers 401, and refuses state changes without a CSRF token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteDeclaration, routes } from '../../lib/definition';
import type { Runtime } from '../../lib/local/runtime';
import { BUILTIN_ROLE_PERMISSIONS, BUILTIN_ROLES, type Permission } from '../../shared/identity/permissions';
import { addMember, as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
const byRole = new Map<string, TestUser>();
let outsider: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'owner');
  byRole.set('owner', owner);
  for (const role of BUILTIN_ROLES.filter((r) => r !== 'owner')) {
    const user = await newUser(runtime, role);
    await addMember(runtime, owner.workspaceId, owner.organizationId, user, role);
    byRole.set(role, user);
  }
  outsider = await newUser(runtime, 'outsider');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const pathFor = (route: RouteDeclaration, workspaceId: string) =>
  route.path.replace('{workspaceId}', workspaceId).replace(/\{[^}]+\}/g, 'probe-id');
const stateChanging = (r: RouteDeclaration) => r.method !== 'GET' && r.method !== 'HEAD';

async function call(route: RouteDeclaration, headers: Record<string, string>, workspaceId = owner.workspaceId) {
  const res = await fetch(`${runtime.url}${pathFor(route, workspaceId)}`, {
    method: route.method,
    headers: { 'x-workspace-id': workspaceId, ...headers },
    ...(stateChanging(route) ? { body: '{}' } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    code: text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined,
  };
}

const scoped = routes.filter((r) => r.permission !== undefined);
const userRoutes = routes.filter((r) => r.auth === 'user');

describe('permission matrix', () => {
  it('covers the workspace-scoped routes', () => {
    expect(scoped.length).toBeGreaterThanOrEqual(20);
  });

  for (const role of BUILTIN_ROLES) {
    it(`${role}: allowed routes pass the edge, the others are refused with 403`, async () => {
      const user = byRole.get(role) as TestUser;
      const granted = new Set<Permission>(BUILTIN_ROLE_PERMISSIONS[role]);
      for (const route of scoped) {
        const res = await call(route, as(user));
        if (granted.has(route.permission as Permission)) {
          expect(
            [401, 403].includes(res.status) && ['PERMISSION_DENIED', 'UNAUTHENTICATED'].includes(res.code ?? ''),
            `${role} ${route.id} -> ${res.status} ${res.text}`,
          ).toBe(false);
          expect(res.code, `${role} ${route.id}`).not.toBe('WORKSPACE_NOT_FOUND');
          expect(res.status, `${role} ${route.id} ${res.text}`).toBeLessThan(500);
        } else {
          expect(res.status, `${role} ${route.id} should be refused: ${res.text}`).toBe(403);
          expect(res.code).toBe('PERMISSION_DENIED');
        }
      }
    });
  }

  it("keeps security alerts (others' emails, IPs, user agents) from viewers and members", async () => {
    const alerts = routes.find((r) => r.id === 'alerts.list') as RouteDeclaration;
    for (const role of ['viewer', 'member']) {
      const res = await call(alerts, as(byRole.get(role) as TestUser));
      expect(res.status, `${role} ${res.text}`).toBe(403);
      expect(res.code).toBe('PERMISSION_DENIED');
    }
    for (const role of ['admin', 'owner']) {
      expect((await call(alerts, as(byRole.get(role) as TestUser))).status, role).toBe(200);
    }
  });

  it("shows members' email addresses only to those who manage membership", async () => {
    const members = routes.find((r) => r.id === 'members.list') as RouteDeclaration;
    const invites = routes.find((r) => r.id === 'invites.list') as RouteDeclaration;
    const others = [...byRole.values()].map((u) => u.email);
    for (const role of ['viewer', 'member']) {
      const res = await call(members, as(byRole.get(role) as TestUser));
      expect(res.status, res.text).toBe(200);
      const listed = JSON.parse(res.text).members as Array<{ name: string; role: string }>;
      expect(listed.length).toBe(BUILTIN_ROLES.length);
      for (const email of others) expect(res.text, `${role} sees ${email}`).not.toContain(email);
      expect((await call(invites, as(byRole.get(role) as TestUser))).status, `${role} invites.list`).toBe(403);
    }
    const res = await call(members, as(byRole.get('admin') as TestUser));
    for (const email of others) expect(res.text).toContain(email);
  });

  it('a viewer cannot write anything', async () => {
    const viewer = byRole.get('viewer') as TestUser;
    for (const route of scoped.filter(stateChanging)) {
      expect((await call(route, as(viewer))).status, route.id).toBe(403);
    }
  });

  it('a non-member gets 404 and never data, however the workspace is named', async () => {
    for (const route of scoped) {
      const res = await call(route, as(outsider), owner.workspaceId);
      expect(res.status, `${route.id} ${res.text}`).toBe(404);
      expect(res.code).toBe('WORKSPACE_NOT_FOUND');
      expect(res.text).not.toContain(owner.email);
    }
  });

  it('an anonymous caller gets 401 on every user route', async () => {
    for (const route of userRoutes) {
      const res = await call(route, {
        cookie: `csrf-token=${owner.csrf}`,
        'x-csrf-token': owner.csrf,
        'content-type': 'application/json',
      });
      expect(res.status, `${route.id} ${res.text}`).toBe(401);
    }
  });

  it('every state-changing route under /api refuses a request without a CSRF token', async () => {
    const guarded = routes.filter((r) => stateChanging(r) && r.path.startsWith('/api/'));
    expect(guarded.every((r) => r.csrf || /webhook|\/hooks\/|oauth\/.*callback/.test(r.path))).toBe(true);
    for (const route of guarded.filter((r) => r.csrf)) {
      const res = await call(route, {
        cookie: owner.cookie.replace(/; csrf-token=.*/, ''),
        'content-type': 'application/json',
      });
      expect(res.status, route.id).toBe(403);
      expect(res.code).toBe('CSRF_TOKEN_INVALID');
    }
  });
});
