// Review round 20: this test failed at 9cf75bb.
// Only routes declared `handsOutAccess` refused API keys, so a key could still widen access that outlived
// its revocation: promote a member (members.update), widen a held custom role (roles.put), take a new
// campaign signing secret. Every route whose effect widens access or mints a credential is session only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RouteDeclaration, routes } from '../../../lib/definition';
import { actsInWorkspace, apiKeysMayCall, type RouteAccess } from '../../../shared/identity/permissions';

/**
 * Every workspace route that widens anyone's access or mints a credential, with what it leaves behind.
 * A route added with such an effect fails the audit below until it is declared (and listed here).
 */
const SESSION_ONLY: Readonly<Record<string, string>> = {
  'api-keys.create': 'a key stored as its user’s own',
  'invites.create': 'an invite that makes its holder a member once accepted',
  'campaigns.webhook-token': 'a token that keeps enrolling contacts',
  'campaigns.signing-secret': 'a secret the receivers trust as the workspace’s signature',
  'members.update': 'a member’s wider role',
  'roles.put': 'a custom role’s wider permissions, for every member who holds it',
};

/**
 * Workspace routes the audit below finds (by permission or words) that widen nothing and mint nothing:
 * a key may call them. Most only take access away.
 */
const KEYS_MAY_CALL: Readonly<Record<string, string>> = {
  'api-keys.revoke': 'ends a key',
  'members.remove': 'ends a membership (and what the member handed out)',
  'invites.revoke': 'withdraws an invite',
  'roles.delete': 'deletes a custom role nobody holds',
  'settings.put': 'stores the value sent (a secret value is the caller’s own, not minted here); grants no one anything',
};

/** What a route that changes access or credentials says of itself: its permission's area, or its words. */
const ACCESS_AREAS = ['members:', 'roles:', 'api-keys:'];
const ACCESS_WORDS =
  /\b(api[ -]?keys?|tokens?|secrets?|invit\w*|roles?|members?|owners?|ownership|grants?|scopes?|credentials?|passwords?|sessions?)\b/i;

const workspaceRoutes = routes.filter((r) => r.auth === 'user' && actsInWorkspace(r as RouteAccess));
const changes = (r: RouteDeclaration) => r.method !== 'GET' && r.method !== 'HEAD';

describe('r20s1: every route that widens access or mints a credential is session only', () => {
  it('the session-only workspace routes, derived from the declarations, are exactly those listed', () => {
    const sessionOnly = workspaceRoutes.filter((r) => !apiKeysMayCall(r as RouteAccess)).map((r) => r.id);
    expect(sessionOnly.sort()).toEqual(Object.keys(SESSION_ONLY).sort());
  });

  it('no route that touches access or credentials is forgotten: each is session only or widens nothing', () => {
    const touching = workspaceRoutes.filter(
      (r) =>
        changes(r) &&
        ((r.permission !== undefined && ACCESS_AREAS.some((area) => r.permission?.startsWith(area))) ||
          ACCESS_WORDS.test(`${r.path} ${r.summary}`)),
    );
    // The audit finds what it should (the heuristic is not empty by accident).
    expect(touching.map((r) => r.id)).toEqual(expect.arrayContaining(Object.keys(SESSION_ONLY)));
    for (const r of touching) {
      const keysMay = apiKeysMayCall(r as RouteAccess);
      if (keysMay)
        expect(
          KEYS_MAY_CALL[r.id],
          `${r.id} takes API keys: declare it session only, or list why it widens nothing`,
        ).toBeDefined();
      else expect(SESSION_ONLY[r.id], `${r.id} is session only but not listed`).toBeDefined();
    }
    for (const id of Object.keys(KEYS_MAY_CALL)) {
      const declared = routes.find((r) => r.id === id);
      expect(declared && apiKeysMayCall(declared as RouteAccess), id).toBe(true);
    }
  });

  it('docs/IDENTITY.md "Keys hand out nothing" names exactly these routes', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/IDENTITY.md'), 'utf8');
    const start = doc.indexOf('- **Keys hand out nothing.**');
    expect(start).toBeGreaterThan(-1);
    const end = doc.indexOf('\n- ', start + 1);
    const bullet = doc.slice(start, end === -1 ? undefined : end);
    const named = [...bullet.matchAll(/`(POST|PUT|PATCH|DELETE) (\/[^`\s]+)`/g)].map((m) => `${m[1]} ${m[2]}`);
    const expected = routes.filter((r) => SESSION_ONLY[r.id] !== undefined).map((r) => `${r.method} ${r.path}`);
    expect(named.sort()).toEqual(expected.sort());
  });

  it('the verified-email rule stays on the credentials a reset sweeps; role changes and signing secrets need none', () => {
    const verified = routes.filter((r) => r.handsOutAccess).map((r) => r.id);
    expect(verified.sort()).toEqual(['api-keys.create', 'campaigns.webhook-token', 'invites.create']);
  });
});
