/**
 * What the fuzzer aims at: a signed-in owner (session with its CSRF token, and a real API
 * key with every scope), a second member, and one real record behind every id-taking route,
 * so generated requests get past authentication and reach the stores.
 */
import type { RouteDeclaration } from '../../lib/definition';
import type { Runtime } from '../../lib/local/runtime';
import {
  createApiKey,
  logIn,
  mailedToken,
  outbox,
  type SignedInAccount,
  sessionHeaders,
  signedInAccount,
} from '../support/accounts';
import type { Known } from './route-bodies';

export interface FuzzTargets {
  readonly runtime: Runtime;
  readonly owner: SignedInAccount;
  /** A second session of the owner, the one `auth.logout` may end (the main one must live on). */
  readonly spare: { readonly session: string; readonly csrf: string };
  /** A real API key of the owner's workspace with every scope. */
  readonly apiKey: string;
  readonly known: Known;
  /** Real values per path parameter (`id`, `workspaceId`, ...), by route id where it matters. */
  readonly params: (route: RouteDeclaration, name: string) => readonly string[];
  /** Where the links mailed at sign-up (honest `Host`) point: every mailed link must point there. */
  readonly linkOrigin: string;
}

async function post(runtime: Runtime, account: SignedInAccount, path: string, body: unknown, method = 'POST') {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { ...sessionHeaders(account), 'x-workspace-id': account.workspaceId },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`Fuzz set-up: ${method} ${path} -> ${res.status} ${text}`);
  return JSON.parse(text || '{}') as Record<string, unknown>;
}

export async function prepareFuzzTargets(runtime: Runtime): Promise<FuzzTargets> {
  const owner = await signedInAccount(runtime, 'fuzz-owner');
  const member = await signedInAccount(runtime, 'fuzz-member');
  const spare = await logIn(runtime, owner);
  const { key: apiKey } = await createApiKey(runtime, owner);
  // A key the fuzzer may revoke: never the one it signs in with.
  const { keyId: disposableKeyId } = await createApiKey(runtime, owner, ['contacts:read']);

  const contactId = async (label: string) => {
    const out = await post(runtime, owner, '/api/contacts', { email: `${label}-${Date.now()}@fuzz.example` });
    return (out.contact as { contactId: string }).contactId;
  };
  const contact = await contactId('target');
  // contacts.delete gets its own contact, so the others keep reaching the interaction store.
  const deletable = await contactId('deletable');

  await post(runtime, owner, `/api/workspaces/${owner.workspaceId}/invites`, { email: member.email, role: 'member' });
  const inviteToken = await mailedToken(runtime, member.email, /invited/i);
  await post(runtime, member, '/api/invites/accept', { token: inviteToken });
  const pending = await post(runtime, owner, `/api/workspaces/${owner.workspaceId}/invites`, {
    email: `pending-${Date.now()}@fuzz.example`,
    role: 'viewer',
  });
  await post(runtime, owner, `/api/workspaces/${owner.workspaceId}/roles/fuzz-role`, { permissions: [] }, 'PUT');
  await post(runtime, owner, '/api/settings/fuzz.setting', { value: { seats: 1 } }, 'PUT');

  const verification = (await outbox(runtime)).find((m) => m.destination.to.includes(owner.email));
  const link = /https?:\/\/[^\s"'<>]+/.exec(verification?.body.text ?? '')?.[0];
  if (!link) throw new Error('Fuzz set-up: the sign-up mail carries no link');

  const byName: Record<string, readonly string[]> = {
    workspaceId: [owner.workspaceId],
    id: [contact],
    userId: [member.userId],
    roleName: ['fuzz-role', 'member'],
    key: ['fuzz.setting'],
    keyId: [disposableKeyId],
    inviteId: [(pending.invite as { inviteId: string }).inviteId],
  };
  return {
    runtime,
    owner,
    spare,
    apiKey,
    known: {
      email: owner.email,
      password: owner.password,
      userId: owner.userId,
      organizationId: owner.organizationId,
      loginEmail: member.email,
      loginPassword: member.password,
    },
    params: (route, name) => (route.id === 'contacts.delete' && name === 'id' ? [deletable] : (byName[name] ?? [])),
    linkOrigin: new URL(link).origin,
  };
}
